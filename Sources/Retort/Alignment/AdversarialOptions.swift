/// The settings of adversarial alignment, named and defaulted as in MUSE's
/// `unsupervised.py` (`--dis_layers` is `disLayers`, and so on).
///
/// Sizes (`epochSize`, `disHidden`, `disMostFrequent`, `criterionRank`) are
/// scaled down here, never in the code: a small test sets small options.
public struct AdversarialOptions: Sendable {
  /// Training epochs; training also stops once the mapping rate falls below `minLr`.
  public var epochs = 5
  /// Samples per epoch: ⌈epochSize / batchSize⌉ iterations of `disSteps`
  /// discriminator steps and one mapping step.
  public var epochSize = 1_000_000
  /// Rows drawn from each side per step (a step sees 2·batchSize rows).
  public var batchSize = 32
  /// ⌈epochSize / batchSize⌉: the iterations of one epoch.
  public var iterationsPerEpoch: Int { (epochSize + batchSize - 1) / batchSize }
  /// Hidden layers of the discriminator.
  public var disLayers = 2
  /// Units per hidden layer.
  public var disHidden = 2048
  /// Negative slope of the LeakyReLU after each hidden layer.
  public var disSlope: Float = 0.2
  /// Dropout on the discriminator's input.
  public var disInputDropout: Float = 0.1
  /// Dropout after each hidden layer.
  public var disDropout: Float = 0
  /// Discriminator steps per mapping step.
  public var disSteps = 5
  /// Label smoothing ε: source rows are labelled 1 − ε, target rows ε.
  public var disSmooth: Float = 0.1
  /// Clip every discriminator parameter to [−c, c] after each step; 0 turns it off.
  public var disClipWeights: Float = 0
  /// Weight of the adversarial loss in the mapping step; 0 leaves W as it starts.
  public var disLambda: Float = 1
  /// Rows are drawn uniformly among this many most frequent words of each
  /// side, clamped to the vocabulary sizes; 0 means all rows.
  public var disMostFrequent = 75_000
  /// SGD learning rate of the discriminator (constant, as in MUSE).
  public var disLearningRate: Float = 0.1
  /// SGD learning rate of the mapping at the first epoch.
  public var mapLearningRate: Float = 0.1
  /// The mapping rate is multiplied by this after every epoch.
  public var lrDecay: Float = 0.98
  /// The mapping rate is multiplied by this when the criterion falls below
  /// its best, from the second time on (MUSE's `decrease_lr` flag).
  public var lrShrink: Float = 0.5
  /// Training stops after an epoch that leaves the mapping rate below this.
  public var minLr: Float = 1e-6
  /// W starts as the identity; otherwise as a PyTorch linear layer, every
  /// entry uniform in ±1/√D (MUSE's `map_id_init`).
  public var mapIdentityInit = true
  /// β of the orthogonalisation W ← (1 + β)·W − β·(W·Wᵀ)·W after each mapping step.
  public var mapBeta: Float = 0.001
  /// The most frequent source words whose CSLS translations make the criterion.
  public var criterionRank = 10_000
  /// Neighbours of the CSLS radii of the criterion (clamped to the vocabularies).
  public var cslsK = 10
  /// How the criterion's similarity search uses the cores.
  public var search = SearchOptions()

  public init() {}

  /// Throws a usage error whose quantity is the first setting out of its range.
  public func validate() throws {
    func require(_ ok: Bool, _ quantity: String, _ problem: String) throws {
      if !ok { throw RetortError.usage(problem, quantity: quantity) }
    }
    try require(epochs >= 1, "epochs", "must be ≥ 1, got \(epochs)")
    try require(epochSize >= 1, "epochSize", "must be ≥ 1, got \(epochSize)")
    try require(batchSize >= 1, "batchSize", "must be ≥ 1, got \(batchSize)")
    try require(disLayers >= 0, "disLayers", "must be ≥ 0, got \(disLayers)")
    try require(disHidden >= 1, "disHidden", "must be ≥ 1, got \(disHidden)")
    try require(disSlope >= 0 && disSlope.isFinite, "disSlope", "must be ≥ 0, got \(disSlope)")
    try require(
      (0..<1).contains(disInputDropout),
      "disInputDropout", "must be in [0, 1), got \(disInputDropout)")
    try require((0..<1).contains(disDropout), "disDropout", "must be in [0, 1), got \(disDropout)")
    try require(disSteps >= 1, "disSteps", "must be ≥ 1, got \(disSteps)")
    try require((0..<0.5).contains(disSmooth), "disSmooth", "must be in [0, 0.5), got \(disSmooth)")
    try require(disClipWeights >= 0, "disClipWeights", "must be ≥ 0, got \(disClipWeights)")
    try require(
      disLambda >= 0 && disLambda.isFinite, "disLambda", "must be ≥ 0, got \(disLambda)")
    try require(disMostFrequent >= 0, "disMostFrequent", "must be ≥ 0, got \(disMostFrequent)")
    try require(
      disLearningRate > 0 && disLearningRate.isFinite,
      "disLearningRate", "must be positive, got \(disLearningRate)")
    try require(
      mapLearningRate > 0 && mapLearningRate.isFinite,
      "mapLearningRate", "must be positive, got \(mapLearningRate)")
    try require(lrDecay > 0 && lrDecay <= 1, "lrDecay", "must be in (0, 1], got \(lrDecay)")
    try require(lrShrink > 0 && lrShrink <= 1, "lrShrink", "must be in (0, 1], got \(lrShrink)")
    try require(minLr >= 0, "minLr", "must be ≥ 0, got \(minLr)")
    try require(mapBeta >= 0 && mapBeta.isFinite, "mapBeta", "must be ≥ 0, got \(mapBeta)")
    try require(criterionRank >= 1, "criterionRank", "must be ≥ 1, got \(criterionRank)")
    try require(cslsK >= 1, "cslsK", "must be ≥ 1, got \(cslsK)")
  }

  /// The discriminator as an architecture over rows of D scalars: input
  /// dropout, then `disLayers` × (dense, LeakyReLU, dropout), then one logit.
  /// Dropout layers of rate 0 are left out.
  public var discriminatorArchitecture: Architecture {
    var layers = [LayerSpec]()
    if disInputDropout > 0 { layers.append(.dropout(rate: disInputDropout)) }
    for _ in 0..<disLayers {
      layers += [.dense(units: disHidden), .leakyReLU(slope: disSlope)]
      if disDropout > 0 { layers.append(.dropout(rate: disDropout)) }
    }
    layers.append(.dense(units: 1))
    return Architecture(layers: layers)
  }
}
