import Glibc
import Retort
import RetortArguments
import RetortCLI

extension TensorTool {
  struct Take: RetortTool, BLASFree {
    static let configuration = CommandConfiguration.subcommand(
      abstract: "Keep the rows named by an index (as 'keep' after nms) of every dataset.",
      discussion: """
        N is the number of rows of the named dataset (FILE:DATASET), else the most common \
        first dimension of the root datasets. Every root dataset with N rows is written \
        with the rows of --index in its order (repeats allowed); the others are copied \
        as they are. An index outside 0..<N is an error naming it.
        """,
      examples: [
        "tensor take detections.h5 --index kept.h5:keep -o final.h5"
      ])

    @Argument(help: ArgumentHelp("HDF5 file ('-': standard input).", valueName: "file[:dataset]"))
    var input: InputSpec = InputSpec(path: "-")

    @Option(
      name: .long,
      help: ArgumentHelp(
        "Row indices: int64 dataset (default 'keep').", valueName: "file[:dataset]"))
    var index: InputSpec

    @OptionGroup var output: OutputOptions
    @OptionGroup var common: CommonOptions

    func run(in context: ToolContext) throws {
      let file = try context.open(input)
      let indexFile = try context.open(index)
      let indexName = index.dataset(or: "keep")
      let kept = try indexFile.readInt(indexName)
      guard kept.rank == 1 else {
        throw RetortError.data(
          "must be [K], it is \(kept.shape)", dataset: indexName, file: indexFile.label)
      }
      let names = try file.datasetNames().filter { !$0.contains("/") }
      var firstDimension = [String: Int]()
      for name in names { firstDimension[name] = try file.info(name).shape.first }
      let n =
        try input.dataset.map { try file.info($0).shape.first ?? 0 }
        ?? mostCommon(Array(firstDimension.values))
      if let bad = kept.scalars.firstIndex(where: { $0 < 0 || $0 >= Int64(n) }) {
        throw RetortError.data(
          "holds \(kept.scalars[bad]) at position \(bad), outside the \(n) rows of \(file.label)",
          dataset: indexName, file: indexFile.label)
      }
      let writer = try context.writer(output)
      try writer.emitRows(kept.scalars.map { Int($0) }, of: file, rows: 0..<n, total: n)
      for name in names where !writer.contains(name) { try writer.copy(name, from: file) }
      try context.finish(writer, continuing: file)
    }

    /// The most frequent value (the smallest of equally frequent ones); 0 for none.
    func mostCommon(_ values: [Int]) -> Int {
      var counts = [Int: Int]()
      for v in values { counts[v, default: 0] += 1 }
      return counts.max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key ?? 0
    }
  }
}
