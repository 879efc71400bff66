/// N-way K-shot accuracy over test episodes with its 95% confidence interval,
/// as Snell et al. report it.
public struct FewShotEvaluation: Equatable, Sendable {
  /// The query accuracy of each episode.
  public let accuracies: [Double]
  /// The mean of `accuracies`.
  public let accuracy: Double
  /// 1.96·s/√n for n episodes with sample standard deviation
  /// s = √(Σ(a − ā)²/(n − 1)); 0 for a single episode.
  public let ci95: Double

  /// The summary of per-episode accuracies.
  public init(accuracies: [Double]) {
    let n = Double(accuracies.count)
    let mean = accuracies.isEmpty ? 0 : accuracies.reduce(0, +) / n
    let squares = accuracies.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    self.accuracies = accuracies
    accuracy = mean
    ci95 = accuracies.count > 1 ? 1.96 * (squares / (n - 1)).squareRoot() / n.squareRoot() : 0
  }

  public var episodes: Int { accuracies.count }
}

/// Few-shot accuracy of an encoder over `episodes` test episodes drawn from
/// `x` and `labels`.
///
/// Each episode embeds its support and query rows with one call of `embed`
/// (rows in, one embedding row per input row out; `{ $0 }` for features
/// computed elsewhere), builds the prototypes of the support and classifies
/// the queries by the nearest prototype under `distance`. Throws the
/// sampler's errors, and a data error when `embed` returns another number of rows.
public func evaluateFewShot(
  embed: (FloatTensor) throws -> FloatTensor, x: FloatTensor, labels: [Int64], way: Int,
  shot: Int, query: Int, episodes: Int, distance: FewShotDistance = .sqeuclidean,
  generator: inout SeededGenerator
) throws -> FewShotEvaluation {
  try checkRows(x, labels: labels)
  let sampler = try EpisodeSampler(labels: labels, way: way, shot: shot, query: query)
  var accuracies = [Double]()
  for _ in 0..<max(0, episodes) {
    let episode = sampler.sample(using: &generator)
    let rows = episode.support + episode.query
    let embeddings = try embed(x.gather(rows))
    guard embeddings.rank >= 1, embeddings.rowCount == rows.count else {
      throw RetortError.data(
        "gave \(embeddings.rowCount) embeddings for \(rows.count) rows", quantity: "encoder")
    }
    let flat = embeddings.reshaped([rows.count, embeddings.rowWidth])
    let s = episode.support.count
    let prototypes = Prototypes.classMeans(
      flat.rows(0..<s), targets: episode.supportTargets, classes: way)
    let logProbs = Prototypes.logProbabilities(
      distance.distances(flat.rows(s..<rows.count), prototypes))
    let hits = zip(logProbs.rowArgmax(), episode.queryTargets).filter { $0 == $1 }
    accuracies.append(Double(hits.count) / Double(episode.query.count))
  }
  return FewShotEvaluation(accuracies: accuracies)
}
