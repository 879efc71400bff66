import Glibc

/// How `distill train` trains a classifier.
public struct ClassifierTrainingOptions: Sendable {
  public enum Targets: String, Sendable, CaseIterable {
    /// CE(softmax(z/T), y) on hard labels.
    case hard
    /// CE(softmax(z/T), q) on soft targets q, no T² factor (Papernot et al.'s
    /// defensive distillation trains the student this way).
    case soft
    /// α·T²·CE(softmax(z/T), q) + (1−α)·CE(softmax(z), y) (Hinton et al. 2015).
    case mixed
  }
  public enum OptimizerKind: String, Sendable, CaseIterable { case sgd, adam }

  public var architecture: Architecture
  public var targets: Targets = .hard
  public var temperature: Float = 1
  public var alpha: Float = 0.5
  public var epochs = 10
  public var batchSize = 128
  public var learningRate: Float = 0.001
  public var optimizer: OptimizerKind = .adam
  public var momentum: Float = 0.9
  public var nesterov = false
  public var weightDecay: Float = 0

  public init(architecture: Architecture) { self.architecture = architecture }

  /// The defaults of every setting but the architecture.
  public static let defaults = ClassifierTrainingOptions(architecture: Architecture(layers: []))
}

/// The rows a classifier learns from: inputs and hard labels and/or soft
/// targets, with optional per-row weights.
public struct ClassifierTrainingSet: Sendable {
  public var x: FloatTensor
  public var labels: [Int64]?
  public var probs: FloatTensor?
  public var weights: [Float]?

  public init(
    x: FloatTensor, labels: [Int64]? = nil, probs: FloatTensor? = nil, weights: [Float]? = nil
  ) {
    self.x = x
    self.labels = labels
    self.probs = probs
    self.weights = weights
  }
}

/// What one epoch gave.
public struct EpochReport: Sendable {
  public var generation: Int
  public var epoch: Int
  public var loss: Float
  public var validation: ClassificationReport?
  public var validationLoss: Double? { validation?.nll }
  public var seconds: Double
}

/// Trains a classifier; with `validation` the epoch with the lowest
/// validation loss is kept, otherwise the last one. The validation loss is
/// the mean NLL of the labels at the training temperature (the quantity
/// trained for: a network trained at T = 20 is judged at T = 20, not at its
/// deployment temperature).
///
/// `onBatch` is called after every mini-batch with the rows done; `onEpoch`
/// after every epoch.
public func trainClassifier(
  _ options: ClassifierTrainingOptions, data: ClassifierTrainingSet,
  validation: (x: FloatTensor, labels: [Int64])? = nil, generation: Int = 0,
  generator: inout SeededGenerator, onBatch: (Int) -> Void = { _ in },
  onEpoch: (EpochReport) -> Void = { _ in }
) throws -> Network {
  var network = try Network(
    options.architecture, inputShape: Array(data.x.shape.dropFirst()), generator: &generator)
  let classes = network.outputWidth
  try checkTrainingSet(data, options: options, classes: classes)
  reuseLargeAllocations()
  var best: (network: Network, loss: Double)? = nil
  var sgd = SGD(
    learningRate: options.learningRate, momentum: options.momentum, nesterov: options.nesterov,
    weightDecay: options.weightDecay)
  var adam = Adam(learningRate: options.learningRate, weightDecay: options.weightDecay)
  for epoch in 0..<options.epochs {
    let start = ContinuousClock.now
    let loss: Float
    let lossOfBatch = { (outputs: FloatTensor, rows: [Int]) -> LossResult in
      defer { onBatch(rows.count) }
      return batchLoss(outputs, rows: rows, data: data, options: options)
    }
    switch options.optimizer {
    case .sgd:
      loss = network.trainEpoch(
        data.x, batchSize: options.batchSize, optimizer: &sgd, generator: &generator,
        loss: lossOfBatch)
    case .adam:
      loss = network.trainEpoch(
        data.x, batchSize: options.batchSize, optimizer: &adam, generator: &generator,
        loss: lossOfBatch)
    }
    guard loss.isFinite else {
      throw RetortError.data(
        "is too large: training diverged in epoch \(epoch + 1) (loss \(loss))",
        quantity: "learningRate")
    }
    var report = EpochReport(
      generation: generation, epoch: epoch + 1, loss: loss, validation: nil, seconds: 0)
    if let validation {
      let v = ClassificationReport(
        logits: network.predict(validation.x), labels: validation.labels,
        temperature: options.temperature)
      report.validation = v
      if best == nil || v.nll < best!.loss { best = (network, v.nll) }
    }
    report.seconds = secondsElapsed(since: start)
    onEpoch(report)
  }
  return best?.network ?? network
}

/// The mini-batch loss of `options.targets` for `rows` of `data`.
func batchLoss(
  _ outputs: FloatTensor, rows: [Int], data: ClassifierTrainingSet,
  options: ClassifierTrainingOptions
) -> LossResult {
  let weights = data.weights.map { w in rows.map { w[$0] } }
  let labels = data.labels.map { l in rows.map { l[$0] } }
  let probs = data.probs.map { $0.gather(rows) }
  switch options.targets {
  case .hard:
    return CrossEntropy.hard(
      logits: outputs, labels: labels!, temperature: options.temperature, weights: weights)
  case .soft:
    return CrossEntropy.soft(
      logits: outputs, targets: probs!, temperature: options.temperature, weights: weights)
  case .mixed:
    return CrossEntropy.mixed(
      logits: outputs, targets: probs!, labels: labels!, temperature: options.temperature,
      alpha: options.alpha, weights: weights)
  }
}

/// Checks that the training set holds what the targets need, in range.
func checkTrainingSet(
  _ data: ClassifierTrainingSet, options: ClassifierTrainingOptions, classes: Int
) throws {
  let n = data.x.rowCount
  guard n > 0 else { throw RetortError.data("has no rows", dataset: "x") }
  try requireFinite(data.x, dataset: "x")
  if options.targets != .soft {
    guard let labels = data.labels else {
      throw RetortError.data("\(options.targets.rawValue) needs 'labels'", quantity: "targets")
    }
    guard labels.count == n else {
      throw RetortError.data("has \(labels.count) rows, x has \(n)", dataset: "labels")
    }
    try checkLabels(labels, classes: classes)
  }
  if options.targets != .hard {
    guard let probs = data.probs else {
      throw RetortError.data(
        "\(options.targets.rawValue) needs soft targets 'probs'", quantity: "targets")
    }
    guard probs.shape == [n, classes] else {
      throw RetortError.data(
        "has shape \(probs.shape), the network gives [\(n), \(classes)]", dataset: "probs")
    }
  }
  if let w = data.weights {
    guard w.count == n else {
      throw RetortError.data("has \(w.count) rows, x has \(n)", dataset: "weight")
    }
    if let i = w.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
      throw RetortError.data(
        "is \(w[i]), not a finite non-negative number", dataset: "weight", row: i)
    }
  }
  guard options.temperature > 0, options.temperature.isFinite else {
    throw RetortError.usage("must be positive, got \(options.temperature)", quantity: "temperature")
  }
}
