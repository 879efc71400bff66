import Glibc
import Retort
import RetortArguments
import RetortCLI

extension TensorTool {
  struct Map: RetortTool {
    static let datasetRoles = ["embeddings", "words"]

    static let configuration = CommandConfiguration.subcommand(
      abstract: "Map a whole vocabulary with the W of 'procrustes' or 'align-adv'.",
      discussion: """
        MAPFILE holds W [D_out,D] (the source map; another dataset with MAPFILE:DATASET). \
        Each row x of EMBEDDINGS becomes W*x: the mapped rows are x*W^T, as csls --map \
        maps them. W may be rectangular (D_out need not equal D). --side target reads \
        the target's map 'W_tgt' instead, for files that map both sides into a shared \
        space; a file without 'W_tgt' has no target map, which is an error.

        EMBEDDINGS is HDF5 with 'embeddings' [N,D] (or FILE:DATASET) and usually \
        'words' [N], or fastText .vec text (by its extension). The rows are normalised \
        first by the chain the alignment tools apply on load (--normalize; default: the \
        chain procrustes recorded with W, else unit length), as W was learned on such rows; the mapped rows are written as mapped, \
        not normalised again.

        The output is fastText .vec text when its name ends in .vec or .txt (--format \
        vec forces it; needs words), else HDF5 with 'embeddings' [N,D_out] float32 and \
        the input's 'words'. The rows are mapped in blocks (--block) with one matrix \
        product each, and written block by block: the output holds one block of mapped \
        rows at a time (the input is held whole: its normalisation needs every row).
        """,
      examples: [
        "tensor map W.h5 en.h5 -o en.mapped.h5",
        "tensor map W.h5 wiki.en.vec --normalize center,unit -o en.mapped.vec",
      ])

    enum Format: String, ExpressibleByArgument, CaseIterable { case h5, vec }
    enum Side: String, ExpressibleByArgument, CaseIterable { case source, target }

    @Argument(
      help: ArgumentHelp(
        "Mapping file and dataset (default 'W', or 'W_tgt' with --side target).",
        valueName: "mapfile[:W]"))
    var map: InputSpec

    @Argument(
      help: ArgumentHelp(
        "Embeddings: HDF5 ('-': standard input) or a .vec file.",
        valueName: "embeddings[:embeddings]"))
    var embeddings: InputSpec

    @Option(name: .long, help: "Which map of MAPFILE: source ('W') or target ('W_tgt').")
    var side: Side = .source

    @OptionGroup var normalization: NormalizationOptions

    @Option(name: .long, help: "Output format (default: .vec for .vec/.txt names, else h5).")
    var format: Format?

    @Option(name: .long, help: ArgumentHelp("Rows mapped per block.", valueName: "rows"))
    var block = 65_536

    @OptionGroup var output: OutputOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
      try requireOption(block >= 1, "--block", block, "at least 1")
      if side == .target && map.dataset != nil {
        throw ValidationError("--side target reads 'W_tgt': give MAPFILE without :DATASET")
      }
    }

    /// The output format: --format, else from the output's name.
    var resolvedFormat: Format {
      if let format { return format }
      guard let path = output.output, path != "-" else { return .h5 }
      let ext = pathExtension(of: path).lowercased()
      return ext == "vec" || ext == "txt" ? .vec : .h5
    }

    func run(in context: ToolContext) throws {
      // The map first: it is small, and a wrong one fails before a large read.
      let mapFile = try context.open(map)
      let w = try EmbeddingMap.read(
        from: mapFile, dataset: map.dataset, side: side == .source ? .source : .target)
      let recorded = try EmbeddingMap.recordedNormalization(in: mapFile)
      let input = try readEmbeddings(
        in: context, chain: normalization.chain(default: recorded ?? Normalization([.unit])))
      try w.checkDimension(
        input.vectors.shape[1], mapFile: mapFile.label, rowsFile: input.label)
      let n = input.vectors.shape[0]
      context.note(
        "mapping \(n) rows of D = \(w.inputDimension) to D = \(w.outputDimension) "
          + "in blocks of \(block)")
      switch resolvedFormat {
      case .h5:
        let writer = try context.writer(output)
        let mapped = try writer.rowBlocks("embeddings", shape: [n, w.outputDimension])
        try w.forEachBlock(of: input.vectors, blockRows: block) { rows, values in
          try mapped.append(rows: rows.count, values: values)
        }
        try mapped.finish()
        if let words = input.words { try writer.write("words", .strings(words)) }
        if let file = input.file {
          try context.finish(writer, continuing: file)
        } else {
          try context.finish(writer, history: [])
        }
      case .vec:
        guard let words = input.words else {
          throw RetortError.data(".vec output needs a 'words' dataset", file: input.label)
        }
        let out = try AtomicOutput(path: output.output)
        try WordVectors.writeHeader(count: n, dimension: w.outputDimension, to: out)
        try w.forEachBlock(of: input.vectors, blockRows: block) { rows, values in
          try WordVectors.writeLines(
            words: words[rows], values: values, dimension: w.outputDimension,
            threads: context.threads, to: out)
        }
        try out.commit()
      }
    }

    /// The embeddings, normalised: HDF5 through `EmbeddingInput`, or `.vec` text.
    func readEmbeddings(in context: ToolContext, chain: Normalization) throws -> Embeddings {
      guard embeddings.path != "-",
        pathExtension(of: embeddings.path).lowercased() == "vec"
      else {
        let e = try EmbeddingInput(embeddings, in: context, normalization: chain)
        return Embeddings(vectors: e.vectors, words: e.words, file: e.file, label: e.file.label)
      }
      let path = embeddings.path
      if embeddings.dataset != nil {
        throw RetortError.usage("a .vec file has no datasets: give \(path) without :DATASET")
      }
      let parsed = try WordVectors.parse(readWholeFile(path), label: path, threads: context.threads)
      if !parsed.duplicates.isEmpty {
        context.warn(
          "\(parsed.duplicates.count) duplicate words kept their first vector "
            + "(first: '\(parsed.duplicates[0])'): \(path)")
      }
      var vectors = parsed.vectors.embeddings
      guard vectors.rowCount > 0 else { throw RetortError.data("holds no vectors", file: path) }
      chain.apply(to: &vectors)
      return Embeddings(vectors: vectors, words: parsed.vectors.words, file: nil, label: path)
    }

    /// Normalised rows, their words, and the HDF5 file they came from (nil for `.vec`).
    struct Embeddings {
      var vectors: FloatTensor
      var words: [String]?
      var file: TensorFile?
      var label: String
    }
  }
}
