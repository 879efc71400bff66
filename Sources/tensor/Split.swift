import Glibc
import Retort
import RetortArguments
import RetortCLI

extension TensorTool {
  struct Split: RetortTool, BLASFree {
    static let configuration = CommandConfiguration.subcommand(
      abstract: "Split a file's rows at random into parts (train/validation/test).",
      discussion: """
        The rows (or, with --by NAME, the groups of equal values of dataset NAME, such \
        as the classes of a few-shot split) are shuffled with --seed and cut into parts \
        of the given fractions, which must add up to 1: part i ends at round(N × (f1 + \
        ... + fi)). Each -o gets one part, in order; every root dataset with N rows is \
        written with the part's rows in their original order, the others are copied.
        """,
      examples: [
        "tensor split train.h5 --fractions 0.8,0.2 --seed 1 -o fit.h5 -o val.h5",
        "tensor split train.h5 --by labels --fractions 0.5,0.5 -o classes-a.h5 -o classes-b.h5",
      ])

    @Argument(help: ArgumentHelp("HDF5 file ('-': standard input).", valueName: "file"))
    var input: InputSpec = InputSpec(path: "-")

    @Option(name: .long, help: "Fractions of the parts, comma-separated, adding up to 1.")
    var fractions: NumberList

    @Option(
      name: .long, help: ArgumentHelp("Keep the groups of this dataset whole.", valueName: "name"))
    var by: String?

    @Option(
      name: .shortAndLong,
      help: ArgumentHelp("Output file of each part, in order.", valueName: "file"))
    var output: [String] = []

    @OptionGroup var common: CommonOptions

    func validate() throws {
      let f = fractions.values
      try requireOption(
        f.count >= 2 && f.allSatisfy { $0 > 0 }, "--fractions",
        f.map(shortDecimal).joined(separator: ","), "two or more positive numbers")
      try requireOption(
        abs(f.reduce(0, +) - 1) < 1e-4, "--fractions", f.map(shortDecimal).joined(separator: ","),
        "numbers adding up to 1")
      if output.count != f.count {
        throw ValidationError("give one -o per fraction: \(f.count) fractions, \(output.count) -o")
      }
      if output.contains("-") || Set(output).count != output.count {
        throw ValidationError("each part needs its own -o FILE (not '-')")
      }
      for path in output { try checkOutputCanBeCreated(path) }
    }

    func run(in context: ToolContext) throws {
      let file = try context.open(input)
      let names = try file.datasetNames().filter { !$0.contains("/") }
      guard let first = names.first else {
        throw RetortError.data("has no datasets", file: file.label)
      }
      let n = try file.info(by ?? first).shape.first ?? 0
      var units: [[Int]]
      if let by {
        let keys = try file.readInt(by).scalars
        guard keys.count == n else {
          throw RetortError.data(
            "must be [N], it is [\(keys.count), ...]", dataset: by, file: file.label)
        }
        var groups = [Int64: [Int]]()
        for (row, key) in keys.enumerated() { groups[key, default: []].append(row) }
        units = groups.keys.sorted().map { groups[$0]! }
      } else {
        units = (0..<n).map { [$0] }
      }
      var generator = context.generator()
      generator.shuffle(&units)
      var parts = [[Int]]()
      var start = 0, cumulative: Float = 0
      for (i, f) in fractions.values.enumerated() {
        cumulative += f
        let end =
          i == fractions.values.count - 1
          ? units.count : min(units.count, Int((cumulative * Float(units.count)).rounded()))
        parts.append(units[start..<max(start, end)].flatMap { $0 }.sorted())
        start = max(start, end)
      }
      var writers = [TensorFileWriter]()
      for (part, path) in zip(parts, output) {
        let writer = try TensorFileWriter(.path(path))
        try writer.emitRows(part, of: file, rows: 0..<n, total: n)
        for name in names where !writer.contains(name) { try writer.copy(name, from: file) }
        writers.append(writer)
      }
      context.note(
        "split \(n) rows into \(parts.map { String($0.count) }.joined(separator: " + "))")
      let history = file.history()
      try context.finish(all: writers, history: history)
    }
  }
}
