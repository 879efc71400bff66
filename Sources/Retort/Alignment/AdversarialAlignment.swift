/// What one epoch of adversarial alignment did.
public struct AdversarialEpoch: Equatable, Sendable {
  /// 0 for the first epoch.
  public var epoch: Int
  /// Mean BCE of the discriminator steps, each measured before its update.
  public var discriminatorLoss: Double
  /// Fraction of the discriminator steps' rows it classified right (with dropout on).
  public var discriminatorAccuracy: Double
  /// `unsupervisedCriterion` of W at the end of the epoch.
  public var criterion: Double
  /// The mapping learning rate used in this epoch.
  public var learningRate: Float
  /// Wall-clock seconds of the epoch, criterion included.
  public var seconds: Double
}

/// The outcome of `alignAdversarially`.
public struct AdversarialResult: Sendable {
  /// The W [D, D] of the epoch with the best criterion.
  public var mapping: FloatTensor
  /// The criterion after each epoch run.
  public var criteria: [Double]
  /// The epoch whose W is `mapping`.
  public var bestEpoch: Int
  /// The report of each epoch run, as `onEpoch` saw it.
  public var epochs: [AdversarialEpoch]
}

/// Adversarial alignment (Conneau et al. 2017, MUSE): learns W so that the
/// mapped source rows W·x cannot be told from target rows by a discriminator.
///
/// W starts as the identity (or random: `mapIdentityInit`). Each iteration
/// runs `disSteps` discriminator steps (minimise BCE with mapped source
/// labelled 1 − ε, target ε) and one mapping step (minimise the BCE with
/// flipped labels over W, SGD, then
/// W ← (1 + β)·W − β·(W·Wᵀ)·W). After each epoch the criterion of
/// `unsupervisedCriterion` on unit-normalised X·Wᵀ and Y picks the best W,
/// and the mapping rate decays (and shrinks, as MUSE's `update_lr`).
/// Rows are frequency-sorted; they are used as given (normalise beforehand).
/// `onEpoch` is called with each epoch's report, `onIteration` after each
/// iteration's discriminator steps (for progress).
public func alignAdversarially(
  source: FloatTensor, target: FloatTensor, options: AdversarialOptions = .init(),
  generator: inout SeededGenerator, onEpoch: ((AdversarialEpoch) -> Void)? = nil,
  onIteration: (() -> Void)? = nil
) throws -> AdversarialResult {
  try checkEmbeddingPair(source, "source", target, "target")
  try options.validate()
  reuseLargeAllocations()
  let d = source.shape[1]
  let limits = [source, target].map {
    options.disMostFrequent == 0 ? $0.rowCount : min(options.disMostFrequent, $0.rowCount)
  }
  var network = try Network(
    options.discriminatorArchitecture, inputShape: [d], generator: &generator)
  var disOptimizer = SGD(learningRate: options.disLearningRate)
  var w = initialMapping(d, identity: options.mapIdentityInit, generator: &generator)
  var unitTarget = target
  unitRows(&unitTarget)
  var rate = options.mapLearningRate
  var best = (mapping: w, criterion: -Double.infinity, epoch: 0)
  var shrinkArmed = false
  var epochs = [AdversarialEpoch]()
  let iterations = options.iterationsPerEpoch
  for epoch in 0..<options.epochs {
    let start = ContinuousClock.now
    var (lossSum, correct, seen) = (0.0, 0, 0)
    for iteration in 0..<iterations {
      for _ in 0..<options.disSteps {
        let batch = AdversarialBatch(
          source: source, target: target, mapping: w, size: options.batchSize,
          sourceLimit: limits[0], targetLimit: limits[1], generator: &generator)
        let step = discriminatorStep(
          &network, batch: batch, smoothing: options.disSmooth, optimizer: &disOptimizer,
          clip: options.disClipWeights)
        guard step.loss.isFinite else {
          throw RetortError.software(
            "adversarial alignment: the discriminator loss is \(step.loss) at epoch \(epoch), "
              + "iteration \(iteration); lower the learning rates")
        }
        lossSum += Double(step.loss)
        correct += step.correct
        seen += batch.labels.count
      }
      onIteration?()
      guard options.disLambda > 0 else { continue }
      let batch = AdversarialBatch(
        source: source, target: target, mapping: w, size: options.batchSize,
        sourceLimit: limits[0], targetLimit: limits[1], generator: &generator)
      let (_, gradient) = mappingLossAndGradient(
        &network, batch: batch, smoothing: options.disSmooth)
      let step = rate * options.disLambda
      for i in w.scalars.indices { w.scalars[i] -= step * gradient.scalars[i] }
      orthogonalize(&w, beta: options.mapBeta)
    }
    guard w.firstNonFinite() == nil else {
      throw RetortError.software(
        "adversarial alignment: W diverged at epoch \(epoch); lower mapLearningRate")
    }
    let criterion = try adversarialCriterion(
      source: source, unitTarget: unitTarget, mapping: w, options: options)
    let report = AdversarialEpoch(
      epoch: epoch, discriminatorLoss: lossSum / Double(iterations * options.disSteps),
      discriminatorAccuracy: Double(correct) / Double(seen), criterion: criterion,
      learningRate: rate,
      seconds: secondsElapsed(since: start))
    epochs.append(report)
    onEpoch?(report)
    if criterion > best.criterion { best = (w, criterion, epoch) }
    rate = max(options.minLr, rate * options.lrDecay)
    if options.lrShrink < 1, criterion < best.criterion {
      if shrinkArmed { rate *= options.lrShrink }
      shrinkArmed = true
    }
    if rate < options.minLr { break }
  }
  return AdversarialResult(
    mapping: best.mapping, criteria: epochs.map(\.criterion), bestEpoch: best.epoch,
    epochs: epochs)
}

/// The starting W [D, D]: the identity, or every entry uniform in ±1/√D.
func initialMapping(_ d: Int, identity: Bool, generator: inout SeededGenerator) -> FloatTensor {
  guard !identity else {
    return FloatTensor(shape: [d, d], scalars: (0..<d * d).map { $0 % (d + 1) == 0 ? 1 : 0 })
  }
  let bound = 1 / Double(d).squareRoot()
  return FloatTensor(
    shape: [d, d],
    scalars: (0..<d * d).map { _ in
      Float(bound * (2 * generator.uniform() - 1))
    })
}

/// `unsupervisedCriterion` of W: X·Wᵀ and Y unit-normalised, CSLS radii over
/// all rows with k clamped to the vocabulary sizes.
func adversarialCriterion(
  source: FloatTensor, unitTarget: FloatTensor, mapping w: FloatTensor,
  options: AdversarialOptions
) throws -> Double {
  var mapped = matmul(source, w, transposeB: true)
  unitRows(&mapped)
  let k = min(options.cslsK, mapped.rowCount, unitTarget.rowCount)
  let radii = try CSLSRadii(source: mapped, target: unitTarget, k: k, options: options.search)
  return try unsupervisedCriterion(
    mapped: mapped, target: unitTarget, radii: radii, rank: options.criterionRank,
    options: options.search)
}
