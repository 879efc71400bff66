/// Class prototypes and nearest-prototype classification (Snell et al. 2017).
///
/// The prototype of class k is the mean of its support embeddings,
/// c_k = (1/|S_k|)·Σ_{x ∈ S_k} f(x); a query q gets
/// log p(y = k | q) = log softmax_k(−d(q, c_k)).
public enum Prototypes {
  /// The mean embedding [K, D] of each class in `labels`, and the class ids [K]
  /// in ascending order; a label count that differs from the rows is a data error.
  public static func compute(embeddings: FloatTensor, labels: [Int64]) throws
    -> (prototypes: FloatTensor, classes: [Int64])
  {
    guard embeddings.rank >= 1, labels.count == embeddings.rowCount else {
      throw RetortError.data(
        "has \(labels.count) entries for \(embeddings.rowCount) embeddings \(embeddings.shape)",
        dataset: "labels")
    }
    let classes = Array(Set(labels)).sorted()
    let position = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
    let means = classMeans(
      embeddings.reshaped([embeddings.rowCount, embeddings.rowWidth]),
      targets: labels.map { position[$0]! }, classes: classes.count)
    return (means, classes)
  }

  /// Log-probabilities [N, K] of each query row for each prototype, and the
  /// class id of the most probable prototype per query (the first on ties).
  public static func classify(
    queries: FloatTensor, prototypes: FloatTensor, classes: [Int64],
    distance: FewShotDistance = .sqeuclidean
  ) -> (logProbs: FloatTensor, predicted: [Int64]) {
    precondition(classes.count == prototypes.rowCount, "classify: one class id per prototype")
    let logProbs = logProbabilities(distance.distances(queries, prototypes))
    return (logProbs, logProbs.rowArgmax().map { classes[$0] })
  }

  /// log softmax of −d, row by row.
  static func logProbabilities(_ distances: FloatTensor) -> FloatTensor {
    FloatTensor(shape: distances.shape, scalars: distances.scalars.map { -$0 }).logSoftmax()
  }

  /// The mean [classes, D] of the rows of `x` [N, D] with each target in 0..<classes.
  static func classMeans(_ x: FloatTensor, targets: [Int], classes: Int) -> FloatTensor {
    let d = x.rowWidth
    var sums = [Double](repeating: 0, count: classes * d)
    var counts = [Int](repeating: 0, count: classes)
    for (i, t) in targets.enumerated() {
      counts[t] += 1
      for j in 0..<d { sums[t * d + j] += Double(x.scalars[i * d + j]) }
    }
    let means = sums.indices.map { Float(sums[$0] / Double(max(1, counts[$0 / max(1, d)]))) }
    return FloatTensor(shape: [classes, d], scalars: means)
  }
}
