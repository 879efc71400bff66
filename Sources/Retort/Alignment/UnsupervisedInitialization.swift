/// The fully unsupervised first dictionary of Artetxe, Labaka and Agirre
/// (ACL 2018), built from embeddings alone (no words).
///
/// A rotation of a space does not change its similarity matrix M = X·Xᵀ, and
/// if two languages' spaces were isometric their similarity matrices would
/// differ only by a permutation of rows and columns. Sorting every row of
/// √M = U·S·Uᵀ (with X = U·S·Vᵀ, over the `vocabulary` most frequent rows)
/// makes each word's profile independent of the order of the others, so the
/// profiles of the two sides can be compared directly: they are normalised
/// (unit, center, unit, as the paper's recipe does) and each word takes its
/// CSLS nearest neighbour on the other side.
public enum UnsupervisedInitialization {
  /// The paper's vocabulary for the initialisation.
  public static let defaultVocabulary = 4000

  /// The sorted, normalised profile of each of the first `rows` rows of `x`:
  /// row i of √(X·Xᵀ), sorted ascending, then unit, center, unit.
  public static func profiles(_ x: FloatTensor, rows n: Int) throws -> FloatTensor {
    precondition(x.rank == 2 && n <= x.shape[0])
    let d = x.shape[1]
    let (u, s, _) = try svd(x.rows(0..<n).scalars.map(Double.init), rows: n, columns: d)
    let r = s.count
    var us = u
    for i in 0..<n { for j in 0..<r { us[i * r + j] *= s[j] } }
    // √(X·Xᵀ) = (U·S)·Uᵀ, in double precision (n×n, symmetric).
    let root = dgemm(us, transpose(u, rows: n, columns: r), m: n, n: n, k: r)
    var out = FloatTensor(repeating: 0, shape: [n, n])
    for i in 0..<n {
      let sorted = root[i * n..<(i + 1) * n].sorted()
      for j in 0..<n { out[i, j] = Float(sorted[j]) }
    }
    Normalization([.unit, .center, .unit]).apply(to: &out)
    return out
  }

  /// The first dictionary between `source` and `target` (rows in frequency
  /// order): over the first min(`vocabulary`, N_S, N_T) rows of each, CSLS
  /// (k neighbours) nearest neighbours between the profiles, source to target
  /// (forward), target to source (backward) or both concatenated (union, as
  /// the paper), as (source row, target row) pairs.
  public static func dictionary(
    source: FloatTensor, target: FloatTensor, vocabulary: Int = defaultVocabulary,
    k: Int = CSLSRadii.defaultK, direction: InductionDirection = .union,
    options: SearchOptions = .init()
  ) throws -> IndexTensor {
    try checkEmbeddingPair(source, "source", target, "target")
    guard vocabulary >= 2 else {
      throw RetortError.usage("must be at least 2, got \(vocabulary)", quantity: "vocabulary")
    }
    let n = min(vocabulary, source.shape[0], target.shape[0])
    let xp = try profiles(source, rows: n), zp = try profiles(target, rows: n)
    let radii = try CSLSRadii(source: xp, target: zp, k: min(k, n), options: options)
    var pairs = [Int64]()
    if direction != .backward {
      let best = cslsSearch(
        queries: xp, queryRadii: radii.source, candidates: zp, candidateRadii: radii.target,
        top: 1, options: options)
      for i in 0..<n { pairs += [Int64(i), best.indices[i, 0]] }
    }
    if direction != .forward {
      let best = cslsSearch(
        queries: zp, queryRadii: radii.target, candidates: xp, candidateRadii: radii.source,
        top: 1, options: options)
      for j in 0..<n { pairs += [best.indices[j, 0], Int64(j)] }
    }
    return IndexTensor(shape: [pairs.count / 2, 2], scalars: pairs)
  }
}

/// Which way dictionary induction looks for translations.
public enum InductionDirection: String, CaseIterable, Sendable {
  /// Each source word takes its best target.
  case forward
  /// Each target word takes its best source.
  case backward
  /// Both lists, concatenated (a pair found both ways counts twice).
  case union
}

/// The transpose of a row-major rows×columns matrix.
func transpose(_ a: [Double], rows m: Int, columns n: Int) -> [Double] {
  var t = [Double](repeating: 0, count: m * n)
  for i in 0..<m { for j in 0..<n { t[j * m + i] = a[i * n + j] } }
  return t
}
