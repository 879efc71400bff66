import Glibc

/// The paper's training defaults: squared Euclidean distance, Adam at
/// η = 10⁻³ halved every 2,000 episodes.
public enum PrototypicalDefaults {
  public static let distance = FewShotDistance.sqeuclidean
  public static let learningRate: Float = 1e-3
  public static let halveEvery = 2000
}

/// What one training episode gave, for progress and logs.
public struct EpisodeReport: Sendable {
  /// The episode's index, from 0.
  public var episode: Int
  public var loss: Float
  /// The fraction of the episode's queries classified correctly.
  public var accuracy: Float
  /// The learning rate of the episode's update.
  public var learningRate: Float
}

/// Validation while training: the held-out episodes, how often to run them,
/// and the rule that keeps the best encoder and ends training.
public struct PrototypicalValidation {
  public var episodes: EpisodeValidation
  /// Training episodes between validations (also after the last episode).
  public var every: Int
  public var stopping: EarlyStopping

  /// An `every` below 1 is a usage error.
  public init(episodes: EpisodeValidation, every: Int, stopping: EarlyStopping) throws {
    guard every >= 1 else {
      throw RetortError.usage("must be at least 1, got \(every)", quantity: "validateEvery")
    }
    self.episodes = episodes
    self.every = every
    self.stopping = stopping
  }
}

/// One validation point, for logs.
public struct ValidationReport: Sendable {
  /// Training episodes done when it was measured.
  public var episodes: Int
  public var loss: Double
  public var accuracy: Double
  /// Whether it is the best so far (the encoder kept).
  public var isBest: Bool
}

/// What a training run did.
public struct PrototypicalTrainingSummary: Sendable {
  /// Episodes trained (fewer than asked when validation stopped early).
  public var episodes: Int
  /// With validation: the best point, whose encoder the run returns.
  public var best: (value: Double, episodes: Int)?
  /// With validation: whether patience ended the run.
  public var stoppedEarly = false
}

/// Trains `network` as a prototypical-network encoder on episodes drawn from
/// the rows of `x` and their `labels` (Snell et al. 2017).
///
/// Each episode: draw `way` classes with `shot` support and `query` query rows
/// each (`EpisodeSampler`, from `generator`), embed support and queries in one
/// training forward (batch norm sees them as one batch), take the
/// `EpisodeLoss`, backpropagate its embedding gradients and make one Adam step
/// (with L2 `weightDecay` added to the gradients, as `distill train` does).
/// The learning rate is η·0.5^⌊e/halveEvery⌋ at episode e. With `validation`,
/// the encoder is validated every `validation.every` episodes and after the
/// last; the best one by its `stopping` rule is returned in `network`, and
/// training ends once the rule's patience has run out. Throws the sampler's
/// errors, a data error when `x` and `labels` disagree in rows or the rows do
/// not fit the network, and a usage error for a `halveEvery` below 1.
@discardableResult
public func trainPrototypical(
  network: inout Network, x: FloatTensor, labels: [Int64], way: Int, shot: Int, query: Int,
  episodes: Int, distance: FewShotDistance = PrototypicalDefaults.distance,
  learningRate: Float = PrototypicalDefaults.learningRate,
  halveEvery: Int = PrototypicalDefaults.halveEvery, weightDecay: Float = 0,
  validation: PrototypicalValidation? = nil, generator: inout SeededGenerator,
  onEpisode: (EpisodeReport) -> Void = { _ in },
  onValidation: (ValidationReport) -> Void = { _ in }
) throws -> PrototypicalTrainingSummary {
  guard halveEvery >= 1 else {
    throw RetortError.usage("must be at least 1, got \(halveEvery)", quantity: "halveEvery")
  }
  try checkRows(x, labels: labels)
  guard x.rowWidth == network.inputWidth else {
    throw RetortError.data(
      "has rows of shape \(Array(x.shape.dropFirst())), the network takes \(network.inputShape)",
      dataset: "x")
  }
  let sampler = try EpisodeSampler(labels: labels, way: way, shot: shot, query: query)
  reuseLargeAllocations()
  var adam = Adam(learningRate: learningRate, weightDecay: weightDecay)
  var summary = PrototypicalTrainingSummary(episodes: 0)
  var stopping = validation?.stopping
  var bestNetwork: Network?
  for e in 0..<max(0, episodes) {
    adam.learningRate = learningRate * Float(pow(0.5, Double(e / halveEvery)))
    let episode = sampler.sample(using: &generator)
    network.zeroGradients()
    let embeddings = network.forward(x.gather(episode.support + episode.query), training: true)
    let s = episode.support.count
    let result = EpisodeLoss(
      support: embeddings.rows(0..<s), supportTargets: episode.supportTargets,
      queries: embeddings.rows(s..<embeddings.rowCount), queryTargets: episode.queryTargets,
      way: way, distance: distance)
    network.accumulateGradients(
      FloatTensor.concatenatingRows([result.supportGradient, result.queryGradient]))
    adam.step(&network)
    onEpisode(
      EpisodeReport(
        episode: e, loss: result.loss, accuracy: result.accuracy,
        learningRate: adam.learningRate))
    summary.episodes = e + 1
    guard let validation, (e + 1) % validation.every == 0 || e + 1 == episodes else { continue }
    let point = validation.episodes.evaluate(network)
    let isBest = stopping!.record(loss: point.loss, accuracy: point.accuracy, episode: e + 1)
    if isBest { bestNetwork = network }
    onValidation(
      ValidationReport(
        episodes: e + 1, loss: point.loss, accuracy: point.accuracy, isBest: isBest))
    if stopping!.shouldStop {
      summary.stoppedEarly = true
      break
    }
  }
  if let bestNetwork, let best = stopping?.best {
    network = bestNetwork
    summary.best = (best.value, best.episode)
  }
  return summary
}

/// Throws a data error unless `x` has one row per label.
func checkRows(_ x: FloatTensor, labels: [Int64]) throws {
  guard x.rank >= 1, x.rowCount == labels.count else {
    throw RetortError.data(
      "has \(labels.count) entries for \(x.rowCount) rows of x \(x.shape)", dataset: "labels")
  }
}
