/// Which nearest neighbours make a dictionary, as MUSE's `--dico_build`.
public enum DictionaryMode: String, CaseIterable, Sendable {
  /// Each source word with its CSLS-nearest target.
  case sourceToTarget = "S2T"
  /// Each target word with its CSLS-nearest source.
  case targetToSource = "T2S"
  /// Pairs found both ways: mutual nearest neighbours.
  case intersection = "S2T&T2S"
  /// Pairs found either way.
  case union = "S2T|T2S"

  /// The mode a name stands for, e.g. `S2T&T2S`.
  public init(name: String) throws {
    guard let mode = DictionaryMode(rawValue: name) else {
      throw RetortError.usage(
        "'\(name)' is unknown, expected S2T, T2S, S2T&T2S or S2T|T2S", quantity: "dictionary mode")
    }
    self = mode
  }
}

/// Bilingual dictionaries built from embeddings or from word lists.
public enum DictionaryInduction {
  /// MUSE's `dico_max_rank`: induce among the 15,000 most frequent words.
  public static let defaultMaxRank = 15_000

  /// The (source row, target row) pairs of CSLS nearest neighbours among the
  /// `maxRank` most frequent words (rows are frequency-sorted), sorted by row.
  ///
  /// As MUSE: the first min(maxRank, N_S) source rows query all targets (S2T)
  /// and the first min(maxRank, N_T) target rows query all sources (T2S), by
  /// CSLS(x, y) = 2·cos(x, y) − r_T(x) − r_S(y) with radii over all rows; a pair
  /// whose neighbour ranks maxRank or lower is dropped (MUSE's `<=` keeps rank
  /// maxRank itself too). `mapped` are the mapped source rows, unit length.
  /// `score` replaces CSLS by cosine or the inverted softmax, and `filter`
  /// drops the least confident pairs of each direction, as MUSE's options do.
  public static func induce(
    mapped: FloatTensor, target: FloatTensor, radii: CSLSRadii, mode: DictionaryMode,
    maxRank: Int = defaultMaxRank, score: InductionScore = .csls,
    filter: CandidateFilter = .init(), options: SearchOptions = .init()
  ) throws -> IndexTensor {
    try checkEmbeddingPair(mapped, "mapped source", target, "target")
    try filter.check()
    guard maxRank >= 1 else {
      throw RetortError.usage("must be positive, got \(maxRank)", quantity: "maxRank")
    }
    guard radii.source.count == mapped.shape[0], radii.target.count == target.shape[0] else {
      throw RetortError.usage("CSLS radii do not match the number of source and target rows")
    }
    let s2t =
      mode == .targetToSource
      ? []
      : Set(
        try bestCandidates(
          mapped, radii.source, among: target, radii.target, maxRank, score, filter, options
        ).map { Pair(source: $0.query, target: $0.candidate) })
    let t2s =
      mode == .sourceToTarget
      ? []
      : Set(
        try bestCandidates(
          target, radii.target, among: mapped, radii.source, maxRank, score, filter, options
        ).map { Pair(source: $0.candidate, target: $0.query) })
    let chosen: Set<Pair> =
      switch mode {
      case .sourceToTarget: s2t
      case .targetToSource: t2s
      case .intersection: s2t.intersection(t2s)
      case .union: s2t.union(t2s)
      }
    let sorted = chosen.sorted { ($0.source, $0.target) < ($1.source, $1.target) }
    return IndexTensor(
      shape: [sorted.count, 2], scalars: sorted.flatMap { [Int64($0.source), Int64($0.target)] })
  }

  /// Each of the first min(maxRank, N) rows of `queries` with its best
  /// candidate by `score`, when that candidate ranks below maxRank, then
  /// `filter`ed by the margin to the second-best score.
  static func bestCandidates(
    _ queries: FloatTensor, _ queryRadii: [Float], among candidates: FloatTensor,
    _ candidateRadii: [Float], _ maxRank: Int, _ score: InductionScore = .csls,
    _ filter: CandidateFilter = .init(), _ options: SearchOptions
  ) throws -> [(query: Int, candidate: Int)] {
    let n = min(maxRank, queries.shape[0])
    let top = filter.isActive ? min(2, candidates.shape[0]) : 1
    let best: Neighbors
    // Margins on MUSE's scales: cosine for nn (cslsSearch with zero radii gives 2·cos).
    var scale: Float = 1
    switch score {
    case .csls, .nn:
      let zero = score == .nn
      scale = zero ? 0.5 : 1
      best = cslsSearch(
        queries: queries.rows(0..<n),
        queryRadii: zero ? [Float](repeating: 0, count: n) : Array(queryRadii[0..<n]),
        candidates: candidates,
        candidateRadii: zero ? [Float](repeating: 0, count: candidates.shape[0]) : candidateRadii,
        top: top, options: options)
    case .invertedSoftmax(let beta):
      best = try InvertedRetrieval.softmax(beta: beta).neighbors(
        source: queries, target: candidates, queries: Array(0..<n), top: top, options: options)
    }
    let found = (0..<n).compactMap { i -> (query: Int, candidate: Int, margin: Float)? in
      guard best.indices[i, 0] < maxRank else { return nil }
      let margin = top > 1 ? scale * (best.scores[i, 0] - best.scores[i, 1]) : 0
      return (i, Int(best.indices[i, 0]), margin)
    }
    return filter.isActive ? filter.apply(found) : found.map { ($0.query, $0.candidate) }
  }

  /// Seed pairs of identical strings: each source word that also occurs among
  /// the target words, with its first target row, in source row order.
  public static func identical(source: [String], target: [String]) -> IndexTensor {
    let rows = WordPairs.firstRows(target)
    var seen = Set<String>()
    var out = [Int64]()
    for (i, w) in source.enumerated() where seen.insert(w).inserted {
      if let j = rows[w] { out += [Int64(i), Int64(j)] }
    }
    return IndexTensor(shape: [out.count / 2, 2], scalars: out)
  }
}

private struct Pair: Hashable {
  let source: Int
  let target: Int
}
