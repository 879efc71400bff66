import Glibc
import Retort
import RetortArguments
import RetortCLI

extension TensorTool {
  struct Head: RetortTool, BLASFree {
    static let configuration = CommandConfiguration.subcommand(
      abstract: "Print the first rows of a dataset (or a range of them) as CSV or TSV.",
      discussion: """
        Rows A to B-1 with --rows A:B (either end may be left out), else the first -n \
        rows; a rank-2 dataset prints one line per row, strings one per line. Numbers \
        print as the shortest decimal that reads back as the same value.
        """,
      examples: [
        "tensor head scores.h5:keep",
        "tensor head -n 3 logits.h5:logits --format tsv",
        "tensor head en.h5:words --rows 1:3",
      ])

    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, tsv }

    @Argument(
      help: ArgumentHelp("HDF5 file and dataset ('-': standard input).", valueName: "file:dataset"))
    var input: InputSpec

    @Option(name: .short, help: "Rows to print.")
    var n = 10

    @Option(
      name: .long, help: ArgumentHelp("Rows A..<B instead of the first -n.", valueName: "a:b"))
    var rows: String?

    @Option(name: .long, help: "Field separator.")
    var format: Format = .csv

    @OptionGroup var common: CommonOptions

    func validate() throws {
      try requireOption(n >= 0, "-n", n, "at least 0")
      if let rows { _ = try Self.range(rows, total: Int.max) }
    }

    func run(in context: ToolContext) throws {
      let file = try context.open(input)
      guard let name = input.dataset else {
        throw RetortError.usage("name the dataset to print: \(input.path):DATASET")
      }
      let shape = try file.info(name).shape
      guard shape.count <= 2 else {
        throw RetortError.data(
          "has shape \(shape): only rank-1 and rank-2 datasets print as rows", dataset: name,
          file: file.label)
      }
      let total = shape.first ?? 1
      let range = try rows.map { try Self.range($0, total: total) } ?? 0..<min(n, total)
      let value: TensorValue
      if try file.info(name).kind == .string {
        value = .strings(Array(try file.readStrings(name)[range]))
      } else {
        value = try file.read(name, rows: range)
      }
      let out = try AtomicOutput(path: "-")
      try DelimitedText.write(value, delimiter: format == .csv ? "," : "\t", header: nil, to: out)
      try out.commit()
    }

    /// `A:B` (either end optional) clamped to `0..<total`.
    static func range(_ text: String, total: Int) throws -> Range<Int> {
      let parts = text.split(separator: ":", omittingEmptySubsequences: false)
      let a = parts.first.flatMap { $0.isEmpty ? 0 : Int($0) }
      let b = parts.count == 2 ? (parts[1].isEmpty ? total : Int(parts[1])) : nil
      guard let a, let b, a >= 0, a <= b else {
        throw RetortError.usage("--rows must be A:B with 0 <= A <= B, got \(text)")
      }
      return min(a, total)..<min(b, total)
    }
  }
}
