import Glibc
import Retort
import RetortArguments
import RetortCLI

/// Runs `csls` as a program: parses the command line, does the work, exits
/// (the entry point of the `csls` name of the multi-call binary).
public func runCSLS() { CSLSTool.main() }

struct CSLSTool: RetortCommand, RetortTool {
  static let datasetRoles = ["embeddings", "words"]

  static let configuration = CommandConfiguration.tool(
    "csls",
    abstract:
      "Cross-domain similarity local scaling: retrieve translations, evaluate a dictionary.",
    discussion: """
      CSLS(x, y) = 2cos(Wx, y) - r_T(Wx) - r_S(y), where r is the mean cosine to the \
      -k nearest neighbours in the other space over its whole vocabulary (Conneau et \
      al. 2017). Both r come from one multiply of all sources by all targets, in tiles \
      of 512 x 1,024 scores that are scanned while still in cache; memory is O(block x \
      N), never O(N^2). Rows are normalised on load (--normalize; \
      default: the chain recorded in the --map file, else unit length) and mapped rows \
      src*W^T are renormalised. A --map file that maps both sides into a shared space \
      (procrustes with --whiten and the other multi-step options) holds 'W_tgt' too: \
      then target rows are mapped by it and renormalised as well.

      Output (HDF5): 'neighbors' [Q,top] target rows, best first, 'scores' [Q,top] and \
      'queries' [Q]; --write-r adds 'r_src' and 'r_tgt', which --radii reuses; they \
      record what they were computed from (attribute 'derived_from': the map's \
      fingerprint, --normalize, k, each side's rows and words) and --radii refuses \
      radii of other inputs. With \
      --eval DICT it prints {"coverage", "p@1", "p@5", "p@10", "queries"} as JSON (a \
      query is right at k when any of its gold translations is among its k best) and \
      writes HDF5 only with -o; --text prints source<TAB>target<TAB>score lines. \
      --metric invnn ranks targets by the rank of the query among each target's \
      nearest sources (Dinu et al. 2015), invsoftmax by exp(beta*cos(x, y_j)) / \
      sum_i exp(beta*cos(x_i, y_j)) over every source x_i (Smith et al. 2017), as \
      VecMap's evaluation does; both look at every source for each target.
      """,
    examples: [
      "csls en.h5 fr.h5 --map W.h5 --eval en-fr.test.txt",
      "csls en.h5 fr.h5 --map W.h5 --queries some-words.h5 --top 5 --text",
      "csls en.h5 fr.h5 -k 10 --write-r -o neighbours.h5",
      "csls en.h5 fr.h5 --map W.h5 --metric invsoftmax --inv-temperature 30 --eval en-fr.test.txt",
    ])

  enum Metric: String, ExpressibleByArgument, CaseIterable { case csls, nn, invnn, invsoftmax }

  @OptionGroup var inputs: EmbeddingPairOptions

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Mapping W [D_out,D]; mapped rows are src*W^T (and tgt*W_tgt^T when the file has W_tgt).",
      valueName: "file[:W]"))
  var map: InputSpec?

  @Option(name: .short, help: "Neighbours that define r.")
  var k = CSLSRadii.defaultK

  @Option(name: .long, help: "Candidates written per query.")
  var top = 10

  @Option(
    name: .long,
    help: "Retrieval: csls, nn (plain cosine), invnn (inverted nearest neighbour) or invsoftmax.")
  var metric: Metric = .csls

  @Option(name: .long, help: "Inverse temperature beta of --metric invsoftmax.")
  var invTemperature: Float = 1

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Queries: an HDF5 file with 'queries' (row indices) or 'words' (or the dataset named), "
        + "or a text file of words, one per line.", valueName: "file[:dataset]"))
  var queries: InputSpec?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Evaluate a dictionary (HDF5 'pairs' or word-pair text).", valueName: "dict[:pairs]"))
  var eval: InputSpec?

  @Flag(name: .long, help: "Print source<TAB>target<TAB>score lines.")
  var text = false

  @Flag(name: .long, help: "Also write r_src and r_tgt.")
  var writeR = false

  @Option(
    name: .long,
    help: ArgumentHelp("Reuse r_src and r_tgt from FILE (from --write-r).", valueName: "file"))
  var radii: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Query rows per block (default: 512 for CSLS and NN retrieval, about 16 MB of scores "
        + "for the inverted rules).", valueName: "rows"))
  var block: Int?

  enum Phase: String, ExpressibleByArgument, CaseIterable { case radii }

  @Option(
    name: .long,
    help: ArgumentHelp(
      "With --shard: 'radii' writes this shard's part of r (r_src rows and every target's top k) "
        + "for 'tensor merge'."))
  var phase: Phase?

  @OptionGroup var sharding: ShardOptions
  @OptionGroup var output: OutputOptions
  @OptionGroup var common: CommonOptions

  func validate() throws {
    try requireOption(k >= 1, "-k", k, "at least 1")
    try requirePositiveOption(invTemperature, "--inv-temperature")
    if invTemperature != 1 && metric != .invsoftmax {
      throw ValidationError("--inv-temperature needs --metric invsoftmax")
    }
    try requireOption(top >= 1, "--top", top, "at least 1")
    if let block { try requireOption(block >= 1, "--block", block, "at least 1") }
  }

  func run(in context: ToolContext) throws {
    if phase != nil {
      try writeRadiiShard(in: context)
      return
    }
    if sharding.shard != nil && (eval != nil || text || output.output == nil) {
      throw RetortError.usage(
        "--shard writes HDF5 with -o FILE; --eval and --text need the merged result")
    }
    let options = SearchOptions(blockSize: block, threads: context.threads)
    let mapping = try map.map { try MappingInput($0, in: context) }
    var (src, tgt) = try inputs.read(
      in: context, defaultNormalization: mapping?.normalization ?? Normalization([.unit]))
    try mapping?.apply(source: &src, target: &tgt)
    let mapped = src.vectors
    let basis = radiiBasis(
      mapping: mapping,
      normalization: inputs.normalization.chain(
        default: mapping?.normalization ?? Normalization([.unit])), src, tgt)
    var r: CSLSRadii? = nil
    if metric == .csls || writeR {
      if let radii {
        r = try readRadii(
          radii, sourceRows: mapped.rowCount, targetRows: tgt.vectors.rowCount, basis: basis,
          in: context)
      } else {
        let clock = Stopwatch()
        r = try CSLSRadii(source: mapped, target: tgt.vectors, k: k, options: options)
        context.note(
          "radii (k \(k)) of \(mapped.rowCount) sources and \(tgt.vectors.rowCount) targets in "
            + "\(cFormat("%.0f", clock.milliseconds)) ms")
      }
    }
    if let eval {
      let (pairs, total, dropped) = try readDictionary(eval, source: src, target: tgt)
      guard pairs.rowCount > 0 else {
        throw RetortError.data(
          "no pair of the dictionary has both words in the vocabularies", file: eval.path)
      }
      let clock = Stopwatch()
      let result = try evaluateTranslation(
        source: mapped, target: tgt.vectors, pairs: pairs, dictionaryPairs: total,
        droppedPairs: dropped,
        retrieval: retrieval, options: options)
      context.note(
        "evaluated \(result.queries) queries (\(metric.rawValue)) in "
          + "\(cFormat("%.0f", clock.milliseconds)) ms")
      context.report([
        "p@1": result.p1, "p@5": result.p5, "p@10": result.p10, "coverage": result.coverage,
        "queries": result.queries, "metric": metric.rawValue,
      ])
      guard output.output != nil else { return }
    }
    let all = try queryRows(src, in: context)
    let part = try RunPart(total: all.count, shard: sharding.shard)
    let rows = Array(all[part.rows])
    let found: Neighbors
    let clock = Stopwatch()
    switch retrieval {
    case .csls:
      found = try cslsNeighbors(
        source: mapped, target: tgt.vectors, radii: r!, queries: rows, top: top, options: options)
    case .nn:
      found = try nearestNeighbors(
        queries: mapped.gather(rows), candidates: tgt.vectors, k: top, options: options)
    case .inverted(let rule):
      found = try rule.neighbors(
        source: mapped, target: tgt.vectors, queries: rows, top: top, options: options)
    }
    context.note(
      "\(metric.rawValue): top \(top) of \(tgt.vectors.rowCount) targets for \(rows.count) "
        + "queries in \(cFormat("%.0f", clock.milliseconds)) ms")
    if text {
      let sw = try src.requireWords(for: "--text"), tw = try tgt.requireWords(for: "--text")
      var out = ""
      for (q, row) in rows.enumerated() {
        for j in 0..<found.indices.shape[1] {
          out += "\(sw[row])\t\(tw[Int(found.indices[q, j])])\t\(found.scores[q, j])\n"
        }
      }
      print(out, terminator: "")
      guard output.output != nil else { return }
    }
    if eval != nil || text, output.output == nil { return }
    let writer = try context.writer(output)
    try writer.write(
      "neighbors", found.indices,
      attributes: ["metric": .text(metric.rawValue), "k": .integer(Int64(k))])
    try writer.write("scores", found.scores)
    try writer.write("queries", IndexTensor(shape: [rows.count], scalars: rows.map(Int64.init)))
    if writeR, let r {
      try writer.write(
        "r_src", FloatTensor(shape: [r.source.count], scalars: r.source),
        attributes: ["k": .integer(Int64(k)), "derived_from": .text(basis)])
      try writer.write(
        "r_tgt", FloatTensor(shape: [r.target.count], scalars: r.target),
        attributes: ["k": .integer(Int64(k)), "derived_from": .text(basis)])
    }
    try context.finish(writer, part: part, carrying: src.file, carry: false)
  }

  /// The retrieval rule of --metric.
  var retrieval: Retrieval {
    switch metric {
    case .csls: return .csls(k: k)
    case .nn: return .nn
    case .invnn: return .inverted(.nearestNeighbor)
    case .invsoftmax: return .inverted(.softmax(beta: invTemperature))
    }
  }

  /// Phase 1 of a sharded CSLS: r_T of this shard's source rows and, for
  /// every target, the k largest similarities to them (merged by keeping the k
  /// largest over the shards; r_S is their mean).
  func writeRadiiShard(in context: ToolContext) throws {
    guard let shard = sharding.shard, output.output != nil else {
      throw RetortError.usage("--phase radii needs --shard I/N and -o FILE")
    }
    let options = SearchOptions(blockSize: block, threads: context.threads)
    let file = try context.open(inputs.source)
    let name = inputs.source.dataset(or: "embeddings")
    let part = try RunPart(total: file.info(name).shape.first ?? 0, shard: shard)
    let mapping = try map.map { try MappingInput($0, in: context) }
    let chain = inputs.normalization.chain(
      default: mapping?.normalization ?? Normalization([.unit]))
    var src = try EmbeddingInput(file, dataset: name, normalization: chain, rows: part.rows)
    var tgt = try EmbeddingInput(inputs.target, in: context, normalization: chain)
    try EmbeddingInput.checkDimensions(src, tgt)
    try mapping?.apply(source: &src, target: &tgt)
    let mapped = src.vectors
    let (radii, topK) = try CSLSRadii.partial(
      source: mapped, target: tgt.vectors, k: k, options: options)
    let writer = try context.writer(output)
    try writer.write(
      "r_src", FloatTensor(shape: [radii.count], scalars: radii),
      attributes: ["k": .integer(Int64(k))])
    try writer.write(
      "tgt_topk", topK,
      attributes: ["merge": .text(MergeRule.topk.rawValue), "k": .integer(Int64(k))])
    try context.finish(writer, part: part, carrying: src.file, carry: false)
  }

  /// The query rows: from --queries (indices or words), or every source row.
  func queryRows(_ src: EmbeddingInput, in context: ToolContext) throws -> [Int] {
    guard let queries else { return Array(0..<src.vectors.rowCount) }
    let bytes = try readWholeFile(queries.path)
    let label = queries.path == "-" ? "standard input" : queries.path
    let words: [String]
    if bytes.starts(with: [0x89, 0x48, 0x44, 0x46]) {
      let file = try TensorFile(image: Array(bytes.dropLast()), label: queries.path)
      let name = queries.dataset ?? (file.contains("queries") ? "queries" : "words")
      if try file.info(name).kind != .string {
        let rows = try file.readInt(name).scalars
        try context.naming(file) {
          try requireIndices(rows.map(Int.init), below: src.vectors.rowCount, quantity: "queries")
        }
        return rows.map(Int.init)
      }
      words = try file.readStrings(name)
    } else {
      if queries.dataset != nil {
        throw RetortError.usage("\(label) is a text file of words: it has no datasets to name")
      }
      words = try WordList.parse(bytes.dropLast(), label: label)
    }
    let vocabulary = try src.requireWords(for: "queries given as words")
    var index = [String: Int]()
    for (i, w) in vocabulary.enumerated() where index[w] == nil { index[w] = i }
    let missing = words.filter { index[$0] == nil }
    if !missing.isEmpty {
      context.warn(
        "\(missing.count) query words are not in the source vocabulary (first: '\(missing[0])')")
    }
    let rows = words.compactMap { index[$0] }
    guard !rows.isEmpty else {
      throw RetortError.data(
        "none of the query words is in the source vocabulary", file: label)
    }
    return rows
  }

  /// What CSLS radii depend on, as --write-r records it and --radii checks
  /// it: the map's fingerprint (or none), the normalisation chain, k, and
  /// each side's rows and words.
  func radiiBasis(
    mapping: MappingInput?, normalization: Normalization, _ src: EmbeddingInput,
    _ tgt: EmbeddingInput
  ) -> String {
    let map = mapping.map {
      Fingerprint.of($0.source.matrix) + ($0.target.map { "+" + Fingerprint.of($0.matrix) } ?? "")
    }
    func side(_ e: EmbeddingInput) -> String {
      "\(e.vectors.rowCount) rows, words " + (e.words.map { Fingerprint.of(words: $0) } ?? "none")
    }
    return "map \(map ?? "none"); normalize \(normalization.name); k \(k); source \(side(src)); "
      + "target \(side(tgt))"
  }

  /// r_src and r_tgt from --write-r, or from merged --phase radii shards
  /// (r_tgt as the mean of each row of 'tgt_topk').
  func readRadii(
    _ path: String, sourceRows: Int, targetRows: Int, basis: String, in context: ToolContext
  ) throws -> CSLSRadii {
    let file = try context.open(path: path)
    if case .text(let recorded)? = try file.attributes(of: "r_src")["derived_from"],
      recorded != basis
    {
      throw RetortError.data(
        "'r_src' was computed from other vectors (\(recorded)) than this run's (\(basis)): "
          + "give the inputs, --map and --normalize of the --write-r run", file: file.label)
    }
    let rs = try file.readFiniteFloat("r_src").scalars
    let r =
      file.contains("r_tgt")
      ? CSLSRadii(k: k, source: rs, target: try file.readFiniteFloat("r_tgt").scalars)
      : CSLSRadii(k: k, sourceRadii: rs, targetTopK: try file.readFloat("tgt_topk"))
    guard r.source.count == sourceRows, r.target.count == targetRows else {
      throw RetortError.data(
        "r_src/r_tgt have \(r.source.count)/\(r.target.count) rows, "
          + "the inputs \(sourceRows)/\(targetRows)",
        file: file.label)
    }
    return r
  }
}
