import Glibc
import Retort
import RetortArguments
import RetortCLI

extension TensorTool {
  struct Export: RetortTool, BLASFree {
    static let datasetRoles = ["embeddings", "words"]

    static let configuration = CommandConfiguration.subcommand(
      abstract: "Export a dataset to .npy, CSV/TSV or fastText .vec text.",
      discussion: """
        The format comes from the output name (.npy, .csv, .tsv, .vec) unless --format \
        is given. .vec writes 'embeddings' (or the named dataset) with 'words'. Without \
        DATASET the file's only dataset is exported (for .vec: 'embeddings').
        """,
      examples: [
        "tensor export en.h5 -o en.vec",
        "tensor export scores.h5:keep -o keep.csv",
        "tensor export logits.h5:logits --format tsv -o - | head",
      ])

    enum Format: String, ExpressibleByArgument, CaseIterable { case npy, csv, tsv, vec }

    @Argument(
      help: ArgumentHelp(
        "HDF5 file and dataset ('-': standard input).", valueName: "file[:dataset]"))
    var input: InputSpec

    @Option(
      name: .shortAndLong,
      help: ArgumentHelp("Output file ('-': standard output).", valueName: "file"))
    var output: String

    @Option(name: .long, help: "Output format (default: from the output name).")
    var format: Format?

    @Flag(name: .long, help: "CSV/TSV: write a header row (c0, c1, ...).")
    var header = false

    @OptionGroup var common: CommonOptions

    func run(in context: ToolContext) throws {
      let fmt: Format
      if let format {
        fmt = format
      } else if let f = Format(rawValue: pathExtension(of: output).lowercased()) {
        fmt = f
      } else {
        let formats = Format.allCases.map(\.rawValue).joined(separator: "|")
        throw RetortError.usage("cannot tell the format of '\(output)': give --format \(formats)")
      }
      if fmt == .npy && (output == "-") && isatty(1) != 0 {
        throw RetortError.usage("refusing to write .npy to a terminal")
      }
      let file = try context.open(input)
      let name = try input.dataset ?? defaultDataset(in: file, format: fmt)
      let out = try AtomicOutput(path: output)
      switch fmt {
      case .npy:
        let bytes = try context.naming(file) {
          do { return try NPY.encode(try file.read(name)) } catch var e as RetortError {
            e.dataset = e.dataset ?? name
            throw e
          }
        }
        try out.write(bytes)
      case .csv, .tsv:
        let value = try file.read(name)
        let columns = value.shape.count == 2 ? value.shape[1] : 1
        try DelimitedText.write(
          value, delimiter: fmt == .csv ? "," : "\t",
          header: header ? (0..<columns).map { "c\($0)" } : nil, to: out)
      case .vec:
        let embeddings = try file.readFloat(name)
        let wordsName = try file.wordsDataset(beside: name)
        let words = try file.readStrings(wordsName)
        guard embeddings.rank == 2, words.count == embeddings.rowCount else {
          throw RetortError.data(
            "'\(name)' \(embeddings.shape) and '\(wordsName)' [\(words.count)] do not match",
            file: file.label)
        }
        try WordVectors(words: words, embeddings: embeddings).write(to: out)
      }
      try out.commit()
    }

    func defaultDataset(in file: TensorFile, format: Format) throws -> String {
      if format == .vec { return input.dataset(or: "embeddings") }
      let names = try file.datasetNames()
      guard names.count == 1 else {
        throw RetortError.usage(
          "\(file.label) has \(names.count) datasets (\(names.joined(separator: ", "))): "
            + "name one as FILE:DATASET"
        )
      }
      return names[0]
    }
  }
}
