/// The prototypical-network loss of one episode and its gradient for every embedding.
///
/// With prototypes c_k = mean of the support embeddings of class k, distances
/// d_ik = d(q_i, c_k) and log p_ik = log softmax_k(−d_ik), the loss is the mean
/// negative log-probability of the queries' true classes,
/// L = −(1/Q)·Σ_i log p_{i,y_i}. Then ∂L/∂d_ik = −(p_ik − [k = y_i])/Q; the
/// distance passes it to the queries and prototypes, and each support row s of
/// class k gets ∂L/∂s = ∂L/∂c_k / |S_k|.
public struct EpisodeLoss: Sendable {
  /// L, the mean negative log-probability of the true classes.
  public var loss: Float
  /// The fraction of queries whose most probable class is the true one.
  public var accuracy: Float
  /// log p [Q, way].
  public var logProbs: FloatTensor
  /// ∂L/∂support embeddings [S, D].
  public var supportGradient: FloatTensor
  /// ∂L/∂query embeddings [Q, D].
  public var queryGradient: FloatTensor

  /// The loss of queries [Q, D] with true class positions `queryTargets`
  /// against the prototypes of `support` [S, D] with positions `supportTargets`,
  /// positions in 0..<way and every class with at least one support row.
  public init(
    support: FloatTensor, supportTargets: [Int], queries: FloatTensor, queryTargets: [Int],
    way: Int, distance: FewShotDistance = .sqeuclidean
  ) {
    precondition(
      support.rank == 2 && queries.rank == 2 && support.shape[1] == queries.shape[1],
      "episode loss: support \(support.shape) and queries \(queries.shape), expected [S,D], [Q,D]")
    precondition(
      supportTargets.count == support.rowCount && queryTargets.count == queries.rowCount,
      "episode loss: one target per row")
    precondition(
      Set(supportTargets) == Set(0..<way) && queryTargets.allSatisfy { (0..<way).contains($0) },
      "episode loss: targets must cover 0..<\(way)")
    let prototypes = Prototypes.classMeans(support, targets: supportTargets, classes: way)
    let d = distance.distances(queries, prototypes)
    let negated = FloatTensor(shape: d.shape, scalars: d.scalars.map { -$0 })
    let ce = CrossEntropy.hard(logits: negated, labels: queryTargets.map(Int64.init))
    let (dq, dPrototypes) = distance.backward(
      FloatTensor(shape: d.shape, scalars: ce.gradient.scalars.map { -$0 }),
      queries: queries, prototypes: prototypes)
    let counts = (0..<way).map { k in Float(supportTargets.filter { $0 == k }.count) }
    let width = support.shape[1]
    var ds = [Float](repeating: 0, count: support.count)
    for (i, k) in supportTargets.enumerated() {
      for j in 0..<width { ds[i * width + j] = dPrototypes[k, j] / counts[k] }
    }
    logProbs = Prototypes.logProbabilities(d)
    let predicted = logProbs.rowArgmax()
    let hits = zip(predicted, queryTargets).filter { $0 == $1 }.count
    loss = ce.loss
    accuracy = queries.rowCount > 0 ? Float(hits) / Float(queries.rowCount) : 0
    supportGradient = FloatTensor(shape: support.shape, scalars: ds)
    queryGradient = dq
  }
}
