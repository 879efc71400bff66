/// How dictionary induction scores a query's candidates, as MUSE's
/// `--dico_method`: cosine (`nn`), CSLS (`csls_knn_k`, with the radii given to
/// `DictionaryInduction.induce`) or the inverted softmax (`invsm_beta_β`).
public enum InductionScore: Equatable, Sendable {
  case nn
  case csls
  case invertedSoftmax(beta: Float)
}

/// MUSE's filters on the pairs induced in one direction, by the confidence
/// of each pair: the margin between its query's best and second-best score.
///
/// The pairs are ranked by that margin (largest first, equal margins by query
/// row); the first `maxSize` are kept (0: all); then, when `threshold` > 0,
/// only pairs whose margin exceeds it, except that the first `minSize` are
/// always kept (MUSE's `dico_max_size`, `dico_threshold`, `dico_min_size`).
public struct CandidateFilter: Equatable, Sendable {
  public var maxSize: Int
  public var minSize: Int
  public var threshold: Float

  public init(maxSize: Int = 0, minSize: Int = 0, threshold: Float = 0) {
    self.maxSize = maxSize
    self.minSize = minSize
    self.threshold = threshold
  }

  /// Whether the filter can drop a pair (and so needs the second-best score).
  var isActive: Bool { maxSize > 0 || threshold > 0 }

  /// The pairs of `found` (query, candidate, margin) that the filter keeps,
  /// most confident first.
  func apply(_ found: [(query: Int, candidate: Int, margin: Float)]) -> [(
    query: Int, candidate: Int
  )] {
    var ranked = found.sorted {
      $0.margin != $1.margin ? $0.margin > $1.margin : $0.query < $1.query
    }
    if maxSize > 0 { ranked = Array(ranked.prefix(maxSize)) }
    return ranked.enumerated().compactMap { i, p in
      threshold <= 0 || i < minSize || p.margin > threshold ? (p.query, p.candidate) : nil
    }
  }

  /// Usage errors for negative sizes or a threshold that is not finite.
  func check() throws {
    for (value, name) in [(maxSize, "maxSize"), (minSize, "minSize")] where value < 0 {
      throw RetortError.usage("must be ≥ 0, got \(value)", quantity: name)
    }
    guard threshold >= 0 && threshold.isFinite else {
      throw RetortError.usage("must be ≥ 0, got \(threshold)", quantity: "threshold")
    }
  }
}
