import Glibc
import Retort
import RetortArguments
import RetortCLI

extension TensorTool {
  struct Import: RetortTool, BLASFree {
    static let configuration = CommandConfiguration.subcommand(
      abstract: "Import .npy, CSV/TSV, fastText .vec or a word-pair dictionary into HDF5.",
      discussion: """
        The format comes from the file name (.npy, .csv, .tsv, .vec) unless --format \
        is given; a dictionary needs --source and --target. Outputs: .npy and CSV/TSV \
        give one dataset (--name, default 'x'; with --label-column also 'labels'), \
        int64 when every CSV/TSV field is an integer, [N] when there is one column; \
        .vec gives 'embeddings' and 'words' (duplicate words keep their first vector; \
        --max-words N reads only the first N, the most frequent in fastText's files); \
        a word list (--format words, one word per line) gives 'words'; a dictionary \
        gives 'pairs' [M,2] of source and target rows, with the fingerprints of both \
        vocabularies ('source_words', 'target_words'), so that procrustes and csls refuse \
        it for other embeddings or the other direction.
        """,
      examples: [
        "tensor import digits.csv --label-column -1 -o digits.h5",
        "tensor import en-fr.txt --source en.h5 --target fr.h5 -o pairs.h5",
        "tensor import wiki.en.vec --max-words 200000 -o en.h5",
        "tensor import vocabulary.txt --format words -o vocabulary.h5",
      ])

    enum Format: String, ExpressibleByArgument, CaseIterable {
      case npy, csv, tsv, vec, pairs, words
    }

    @Argument(
      help: ArgumentHelp(
        "File to import ('-': standard input, needs --format).", valueName: "source"))
    var source: String

    @Option(name: .long, help: "Input format (default: from the file name).")
    var format: Format?

    @Option(name: .long, help: "Name of the dataset for .npy and CSV/TSV input.")
    var name = "x"

    @Option(
      name: .long, parsing: .unconditional,
      help: ArgumentHelp(
        "CSV/TSV: the column (0-based, negative from the end) to write as int64 'labels'.",
        valueName: "index"))
    var labelColumn: Int?

    @Flag(
      name: .long, inversion: .prefixedNo,
      help: "CSV/TSV: the first row is (not) a header (default: detected).")
    var header: Bool?

    @Option(
      name: .customLong("source"),
      help: ArgumentHelp("Dictionary: the source embeddings file with 'words'.", valueName: "file"))
    var sourceEmbeddings: String?

    @Option(
      name: .customLong("target"),
      help: ArgumentHelp("Dictionary: the target embeddings file with 'words'.", valueName: "file"))
    var targetEmbeddings: String?

    @Option(name: .long, help: ".vec: read only the first N words.")
    var maxWords: Int?

    @OptionGroup var output: OutputOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
      if let maxWords { try requireOption(maxWords >= 1, "--max-words", maxWords, "at least 1") }
      if (sourceEmbeddings == nil) != (targetEmbeddings == nil) {
        throw ValidationError("a dictionary needs both --source and --target")
      }
    }

    func resolvedFormat() throws -> Format {
      if let format { return format }
      if sourceEmbeddings != nil { return .pairs }
      let ext = pathExtension(of: source).lowercased()
      guard let f = Format(rawValue: ext), f != .pairs, f != .words else {
        let formats = Format.allCases.map(\.rawValue).joined(separator: "|")
        throw RetortError.usage("cannot tell the format of '\(source)': give --format \(formats)")
      }
      return f
    }

    func run(in context: ToolContext) throws {
      let format = try resolvedFormat()
      if maxWords != nil && format != .vec {
        throw RetortError.usage("--max-words applies to .vec input only")
      }
      let label = source == "-" ? "standard input" : source
      let writer = try context.writer(output)
      switch format {
      case .npy:
        var bytes = try readWholeFile(source)
        bytes.removeLast()
        try writer.write(name, NPY.decode(bytes, label: label))
      case .csv, .tsv:
        let text = String(decoding: try readWholeFile(source).dropLast(), as: UTF8.self)
        let table = try DelimitedText.parse(
          text, delimiter: format == .csv ? "," : "\t", header: header, label: label)
        try writeTable(table, to: writer, label: label, in: context)
      case .vec:
        let bytes = try readWholeFile(source)
        let parsed = try WordVectors.parse(
          maxWords.map { WordVectors.prefix(bytes, words: $0) } ?? bytes, label: label,
          threads: context.threads)
        if !parsed.duplicates.isEmpty {
          context.warn(
            "\(parsed.duplicates.count) duplicate words kept their first vector "
              + "(first: '\(parsed.duplicates[0])'): \(label)"
          )
        }
        try writer.write("embeddings", parsed.vectors.embeddings)
        try writer.write("words", .strings(parsed.vectors.words))
      case .words:
        try writer.write(
          "words", .strings(WordList.parse(readWholeFile(source).dropLast(), label: label)))
      case .pairs:
        guard let sourceEmbeddings, let targetEmbeddings else {
          throw RetortError.usage("a dictionary needs --source and --target embedding files")
        }
        let src = try context.open(path: sourceEmbeddings),
          tgt = try context.open(path: targetEmbeddings)
        let text = String(decoding: try readWholeFile(source).dropLast(), as: UTF8.self)
        let pairs = try WordPairs.parse(text, label: label)
        let sourceWords = try src.readStrings("words"), targetWords = try tgt.readStrings("words")
        let (indices, dropped) = WordPairs.indices(
          of: pairs, source: sourceWords, target: targetWords)
        guard indices.rowCount > 0 else {
          throw RetortError.data(
            "no pair of the dictionary has both words in the vocabularies (\(pairs.count) pairs)",
            file: label)
        }
        if dropped > 0 {
          context.warn(
            "\(dropped) of \(pairs.count) pairs dropped: a word is not in the vocabulary")
        }
        try writer.write(
          "pairs", indices,
          attributes: [
            "dictionary_pairs": .integer(Int64(pairs.count)), "dropped": .integer(Int64(dropped)),
            "source_words": .text(Fingerprint.of(words: sourceWords)),
            "target_words": .text(Fingerprint.of(words: targetWords)),
          ])
      }
      context.note("imported \(label) as \(format.rawValue)")
      try context.finish(writer)
    }

    func writeTable(
      _ table: DelimitedText.Table, to writer: TensorFileWriter, label: String,
      in context: ToolContext
    ) throws {
      guard let labelColumn else {
        let value: TensorValue = table.integers.map { .int($0) } ?? .float(table.values)
        try writer.write(name, value.shape[1] == 1 ? value.reshaped([value.shape[0]]) : value)
        return
      }
      let (x, labels) = try context.naming(label) { try table.splittingLabels(column: labelColumn) }
      try writer.write(name, x)
      try writer.write("labels", labels)
    }
  }
}
