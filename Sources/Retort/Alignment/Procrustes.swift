/// Orthogonal mappings between embedding spaces.
///
/// W maps a source vector x to W·x; for row-stored embeddings the mapped rows
/// are X·Wᵀ (MUSE's convention).
public enum Procrustes {
  /// The orthogonal W minimising Σ_p ‖W·x_p − y_p‖² over dictionary pairs:
  /// W = U·Vᵀ where U·Σ·Vᵀ = Yᵀ·X, with X the source rows and Y the target
  /// rows of the pairs, all in double precision.
  public static func solve(
    source: FloatTensor, target: FloatTensor, pairs: IndexTensor
  ) throws -> FloatTensor {
    try checkEmbeddingPair(source, "source", target, "target")
    try checkPairs(pairs, sourceRows: source.shape[0], targetRows: target.shape[0])
    let (m, d) = (pairs.shape[0], source.shape[1])
    var x = [Double](repeating: 0, count: m * d)
    var y = [Double](repeating: 0, count: m * d)
    for p in 0..<m {
      let (s, t) = (Int(pairs[p, 0]), Int(pairs[p, 1]))
      for j in 0..<d {
        x[p * d + j] = Double(source[s, j])
        y[p * d + j] = Double(target[t, j])
      }
    }
    let cross = dgemm(y, x, m: d, n: d, k: m, transposeA: true)
    let (u, _, vt) = try svd(cross, rows: d, columns: d)
    let w = FloatTensor(shape: [d, d], scalars: dgemm(u, vt, m: d, n: d, k: d).map { Float($0) })
    let defect = orthogonalityDefect(w)
    guard defect < 1e-4 else {
      throw RetortError.software(
        "Procrustes solution is not orthogonal: max |WᵀW − I| = \(defect)")
    }
    return w
  }

  /// How far W is from orthogonal: max_ij |(WᵀW − I)_ij|, in double precision.
  public static func orthogonalityDefect(_ w: FloatTensor) -> Double {
    precondition(w.rank == 2 && w.shape[0] == w.shape[1], "W must be square")
    let d = w.shape[0]
    let wd = w.scalars.map { Double($0) }
    let g = dgemm(wd, wd, m: d, n: d, k: d, transposeA: true)
    var worst = 0.0
    for i in 0..<d {
      for j in 0..<d { worst = max(worst, abs(g[i * d + j] - (i == j ? 1 : 0))) }
    }
    return worst
  }

  /// The mapped rows X·Wᵀ (each row x becomes W·x); W must be [D, D].
  public static func map(_ source: FloatTensor, by w: FloatTensor) throws -> FloatTensor {
    try checkEmbeddings(source, "source")
    try checkMapping(w, dimension: source.shape[1])
    return matmul(source, w, transposeB: true)
  }

  /// Checks that W is a finite [D, D] matrix for rows of dimension D.
  public static func checkMapping(_ w: FloatTensor, dimension d: Int) throws {
    guard w.rank == 2, w.shape[0] == w.shape[1] else {
      throw RetortError.data("has shape \(w.shape), expected a square [D, D]", dataset: "W")
    }
    guard w.shape[0] == d else {
      throw RetortError.data(
        "is \(w.shape[0])×\(w.shape[1]) but the embeddings have D = \(d)", dataset: "W")
    }
    try requireFinite(w, dataset: "W")
  }
}
