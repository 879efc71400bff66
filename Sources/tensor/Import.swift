import ArgumentParser
import Foundation
import Retort
import RetortCLI

extension TensorTool {
  struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Import .npy, CSV/TSV, fastText .vec or a word-pair dictionary into HDF5.",
      discussion: """
        The format comes from the file name (.npy, .csv, .tsv, .vec) unless --format \
        is given; a dictionary needs --source and --target. Outputs: .npy and CSV/TSV \
        give one dataset (--name, default 'x'; with --label-column also 'labels'); \
        .vec gives 'embeddings' and 'words' (duplicate words keep their first vector); \
        a dictionary gives 'pairs' [M,2] of source and target rows.

        EXAMPLES:
          tensor import digits.csv --label-column -1 -o digits.h5
          tensor import en-fr.txt --source en.h5 --target fr.h5 -o pairs.h5
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
      case npy, csv, tsv, vec, pairs
    }

    @Argument(help: ArgumentHelp("File to import ('-': standard input, needs --format).", valueName: "source"))
    var source: String

    @Option(name: .long, help: "Input format (default: from the file name).")
    var format: Format?

    @Option(name: .long, help: "Name of the dataset for .npy and CSV/TSV input.")
    var name = "x"

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("CSV/TSV: the column (0-based, negative from the end) to write as int64 'labels'.", valueName: "index"))
    var labelColumn: Int?

    @Flag(name: .long, inversion: .prefixedNo, help: "CSV/TSV: the first row is (not) a header (default: detected).")
    var header: Bool?

    @Option(name: .customLong("source"), help: ArgumentHelp("Dictionary: the source embeddings file with 'words'.", valueName: "file"))
    var sourceEmbeddings: String?

    @Option(name: .customLong("target"), help: ArgumentHelp("Dictionary: the target embeddings file with 'words'.", valueName: "file"))
    var targetEmbeddings: String?

    @OptionGroup var output: OutputOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
      if (sourceEmbeddings == nil) != (targetEmbeddings == nil) {
        throw ValidationError("a dictionary needs both --source and --target")
      }
    }

    func resolvedFormat() throws -> Format {
      if let format { return format }
      if sourceEmbeddings != nil { return .pairs }
      let ext = URL(fileURLWithPath: source).pathExtension.lowercased()
      guard let f = Format(rawValue: ext), f != .pairs else {
        throw RetortError.usage("cannot tell the format of '\(source)': give --format \(Format.allCases.map(\.rawValue).joined(separator: "|"))")
      }
      return f
    }

    func run() throws {
      common.applyThreads()
      let format = try resolvedFormat()
      let label = source == "-" ? "standard input" : source
      let writer = try output.makeWriter()
      var inputs = [TensorFile]()
      switch format {
      case .npy:
        var bytes = try readWholeFile(source)
        bytes.removeLast()
        try writer.write(name, NPY.decode(bytes, label: label))
      case .csv, .tsv:
        let text = String(decoding: try readWholeFile(source).dropLast(), as: UTF8.self)
        let table = try DelimitedText.parse(text, delimiter: format == .csv ? "," : "\t", header: header, label: label)
        try writeTable(table, to: writer, label: label)
      case .vec:
        let parsed = try WordVectors.parse(try readWholeFile(source), label: label, threads: common.threadCount)
        if !parsed.duplicates.isEmpty {
          common.warn("tensor", "\(parsed.duplicates.count) duplicate words kept their first vector (first: '\(parsed.duplicates[0])'): \(label)")
        }
        try writer.write("embeddings", parsed.vectors.embeddings)
        try writer.write("words", .strings(parsed.vectors.words))
      case .pairs:
        guard let sourceEmbeddings, let targetEmbeddings else {
          throw RetortError.usage("a dictionary needs --source and --target embedding files")
        }
        let src = try TensorFile(path: sourceEmbeddings), tgt = try TensorFile(path: targetEmbeddings)
        inputs = [src, tgt]
        let text = String(decoding: try readWholeFile(source).dropLast(), as: UTF8.self)
        let pairs = try WordPairs.parse(text, label: label)
        let (indices, dropped) = WordPairs.indices(
          of: pairs, source: try src.readStrings("words"), target: try tgt.readStrings("words"))
        guard indices.rowCount > 0 else {
          throw RetortError.data("no pair of the dictionary has both words in the vocabularies (\(pairs.count) pairs): \(label)")
        }
        if dropped > 0 && !common.quiet {
          common.warn("tensor", "\(dropped) of \(pairs.count) pairs dropped: a word is not in the vocabulary")
        }
        try writer.write("pairs", indices, attributes: ["dictionary_pairs": .integer(Int64(pairs.count)), "dropped": .integer(Int64(dropped))])
      }
      try writer.finish(tool: "tensor", inputs: inputs)
    }

    func writeTable(_ table: DelimitedText.Table, to writer: TensorFileWriter, label: String) throws {
      guard let labelColumn else {
        try writer.write(name, table.values)
        return
      }
      let columns = table.values.shape[1]
      let c = labelColumn < 0 ? columns + labelColumn : labelColumn
      guard (0..<columns).contains(c) else {
        throw RetortError.usage("--label-column \(labelColumn) is outside the \(columns) columns of \(label)")
      }
      var x = [Float](), labels = [Int64]()
      for r in 0..<table.values.shape[0] {
        for (j, v) in table.values.row(r).enumerated() {
          if j == c {
            guard v.rounded() == v else {
              throw RetortError.data("row \(r + 1): label \(v) is not a whole number: \(label)")
            }
            labels.append(Int64(v))
          } else {
            x.append(v)
          }
        }
      }
      try writer.write(name, Tensor(shape: [labels.count, columns - 1], scalars: x))
      try writer.write("labels", Tensor(shape: [labels.count], scalars: labels))
    }
  }
}
