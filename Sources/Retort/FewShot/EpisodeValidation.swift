/// Validation of an encoder on episodes of held-out classes: the same episodes
/// (drawn once, from their own seed) at every validation, so that successive
/// points differ only by the encoder.
public struct EpisodeValidation {
  private let x: FloatTensor
  private let episodes: [Episode]
  private let way: Int
  private let distance: FewShotDistance

  /// `count` episodes of `way` classes with `shot` support and `query` query
  /// rows, drawn from the rows of `x` and `labels` with `seed`. Throws the
  /// sampler's errors (too few classes or examples) and a data error when
  /// `x` and `labels` disagree in rows.
  public init(
    x: FloatTensor, labels: [Int64], way: Int, shot: Int, query: Int, count: Int, seed: UInt64,
    distance: FewShotDistance
  ) throws {
    try checkRows(x, labels: labels)
    let sampler = try EpisodeSampler(labels: labels, way: way, shot: shot, query: query)
    var generator = SeededGenerator(seed: seed)
    self.x = x
    self.episodes = (0..<max(0, count)).map { _ in sampler.sample(using: &generator) }
    self.way = way
    self.distance = distance
  }

  /// The encoder's mean episode loss and mean query accuracy over the
  /// episodes (batch norm in inference mode).
  public func evaluate(_ network: Network) -> (loss: Double, accuracy: Double) {
    var loss = 0.0
    var accuracy = 0.0
    for episode in episodes {
      let embeddings = network.predict(x.gather(episode.support + episode.query))
      let flat = embeddings.reshaped([embeddings.rowCount, embeddings.rowWidth])
      let s = episode.support.count
      let result = EpisodeLoss(
        support: flat.rows(0..<s), supportTargets: episode.supportTargets,
        queries: flat.rows(s..<flat.rowCount), queryTargets: episode.queryTargets, way: way,
        distance: distance)
      loss += Double(result.loss)
      accuracy += Double(result.accuracy)
    }
    let n = Double(max(1, episodes.count))
    return (loss / n, accuracy / n)
  }
}
