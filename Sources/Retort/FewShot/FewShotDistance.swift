/// The distance between a query embedding and a class prototype.
///
/// Squared Euclidean d(q, p) = ‖q − p‖² (Snell et al.'s choice), or cosine
/// d(q, p) = 1 − q·p/(‖q‖·‖p‖) with each norm floored at 1e-8.
public enum FewShotDistance: String, Sendable, CaseIterable {
  case sqeuclidean
  case cosine

  static let normFloor: Float = 1e-8

  /// The distances [N, K] from each row of `queries` [N, D] to each row of `prototypes` [K, D].
  ///
  /// Squared Euclidean takes one GEMM: d_ik = ‖q_i‖² − 2·q_i·p_k + ‖p_k‖², with
  /// the norms written first and the product added by sgemm (α = −2, β = 1).
  public func distances(_ queries: FloatTensor, _ prototypes: FloatTensor) -> FloatTensor {
    let (n, k, d) = Self.dimensions(queries, prototypes)
    switch self {
    case .sqeuclidean:
      let q2 = queries.squaredRowNorms()
      let p2 = prototypes.squaredRowNorms()
      var out = [Float](repeating: 0, count: n * k)
      for i in 0..<n {
        for j in 0..<k { out[i * k + j] = q2[i] + p2[j] }
      }
      if n > 0, k > 0, d > 0 {
        queries.scalars.withUnsafeBufferPointer { pq in
          prototypes.scalars.withUnsafeBufferPointer { pp in
            out.withUnsafeMutableBufferPointer { po in
              sgemm(
                transposeB: true, m: n, n: k, k: d, alpha: -2, a: pq.baseAddress!, lda: d,
                b: pp.baseAddress!, ldb: d, beta: 1, c: po.baseAddress!, ldc: k)
            }
          }
        }
      }
      return FloatTensor(shape: [n, k], scalars: out)
    case .cosine:
      let similarity = matmul(
        queries.dividedByRowNorms(floor: Self.normFloor).unit,
        prototypes.dividedByRowNorms(floor: Self.normFloor).unit, transposeB: true)
      return FloatTensor(shape: [n, k], scalars: similarity.scalars.map { 1 - $0 })
    }
  }

  /// ∂L/∂queries and ∂L/∂prototypes from ∂L/∂d [N, K].
  ///
  /// Squared Euclidean: ∂L/∂q_i = 2·Σ_k G_ik·(q_i − p_k),
  /// ∂L/∂p_k = 2·Σ_i G_ik·(p_k − q_i).
  /// Cosine, with q̂ = q/‖q‖: ∂L/∂q̂ = −G·P̂, ∂L/∂p̂ = −Gᵀ·Q̂, and
  /// ∂L/∂q = (∂L/∂q̂ − q̂·(q̂·∂L/∂q̂))/‖q‖ (the same for p).
  func backward(_ g: FloatTensor, queries: FloatTensor, prototypes: FloatTensor)
    -> (queries: FloatTensor, prototypes: FloatTensor)
  {
    let (n, k, _) = Self.dimensions(queries, prototypes)
    precondition(g.shape == [n, k], "distance gradient \(g.shape), expected [\(n),\(k)]")
    switch self {
    case .sqeuclidean:
      let rowSums = (0..<n).map { i in (0..<k).reduce(Float(0)) { $0 + g[i, $1] } }
      let columnSums = (0..<k).map { j in (0..<n).reduce(Float(0)) { $0 + g[$1, j] } }
      var dq = matmul(g, prototypes)
      var dp = matmul(g, queries, transposeA: true)
      Self.combine(&dq, 2, queries, rowSums)
      Self.combine(&dp, 2, prototypes, columnSums)
      return (dq, dp)
    case .cosine:
      let (qUnit, qNorms) = queries.dividedByRowNorms(floor: Self.normFloor)
      let (pUnit, pNorms) = prototypes.dividedByRowNorms(floor: Self.normFloor)
      let dqUnit = matmul(g, pUnit)
      let dpUnit = matmul(g, qUnit, transposeA: true)
      return (
        Self.unnormalizeGradient(dqUnit, unit: qUnit, norms: qNorms, scale: -1),
        Self.unnormalizeGradient(dpUnit, unit: pUnit, norms: pNorms, scale: -1)
      )
    }
  }

  private static func dimensions(_ queries: FloatTensor, _ prototypes: FloatTensor)
    -> (Int, Int, Int)
  {
    precondition(
      queries.rank == 2 && prototypes.rank == 2 && queries.shape[1] == prototypes.shape[1],
      "distances: queries \(queries.shape) and prototypes \(prototypes.shape), expected [N,D], "
        + "[K,D]")
    return (queries.shape[0], prototypes.shape[0], queries.shape[1])
  }

  /// a ← scale·(b_i·s_i − a_i) row by row: with a = G·P, b = Q, s = row sums of G
  /// this is 2·Σ_k G_ik·(q_i − p_k).
  private static func combine(
    _ a: inout FloatTensor, _ scale: Float, _ b: FloatTensor, _ s: [Float]
  ) {
    let d = a.shape[1]
    for i in 0..<a.shape[0] {
      for j in 0..<d { a[i, j] = scale * (b[i, j] * s[i] - a[i, j]) }
    }
  }

  /// ∂L/∂x from ∂L/∂x̂ = scale·`dUnit` for x̂ = x/‖x‖; rows whose norm was
  /// floored are x/1e-8, a linear map.
  private static func unnormalizeGradient(
    _ dUnit: FloatTensor, unit: FloatTensor, norms: [Float], scale: Float
  ) -> FloatTensor {
    var dx = dUnit
    let d = dUnit.shape[1]
    for i in 0..<dUnit.shape[0] {
      let floored = norms[i] == normFloor
      var along: Float = 0
      if !floored { for j in 0..<d { along += unit[i, j] * dUnit[i, j] } }
      for j in 0..<d { dx[i, j] = scale * (dUnit[i, j] - unit[i, j] * along) / norms[i] }
    }
    return dx
  }
}
