import Glibc

/// The settings of `selfLearning`; the defaults are those of Artetxe, Labaka
/// and Agirre (ACL 2018).
public struct SelfLearningOptions: Equatable, Sendable {
  /// Dictionaries are induced among this many most frequent rows of each side.
  public var vocabularyCutoff = 20_000
  /// CSLS neighbourhood for induction (0: plain nearest neighbours).
  public var k = CSLSRadii.defaultK
  public var direction = InductionDirection.union
  /// The first keep probability p of stochastic induction.
  public var stochasticInitial = 0.1
  /// p is multiplied by this when the objective has not improved for
  /// `stochasticInterval` iterations.
  public var stochasticMultiplier = 2.0
  public var stochasticInterval = 50
  /// The least gain of the objective that counts as an improvement.
  public var threshold = 1e-6
  /// A bound on the iterations (the schedule ends the loop before it).
  public var maxIterations = 1000

  public init() {}

  public static let defaults = SelfLearningOptions()
}

/// One iteration of the self-learning loop.
public struct SelfLearningStep: Equatable, Sendable {
  public var iteration: Int
  /// Pairs the mapping of this iteration was solved from.
  public var dictionarySize: Int
  /// The keep probability of this iteration's induction.
  public var keepProbability: Double
  /// The mean best similarity of the induced translations (both directions
  /// averaged for `union`), as the paper defines its objective.
  public var objective: Double
}

/// The outcome of `selfLearning`.
public struct SelfLearningResult: Sendable {
  /// W [D, D]: mapped rows are X·Wᵀ.
  public var mapping: FloatTensor
  /// The dictionary W was solved from.
  public var pairs: IndexTensor
  public var steps: [SelfLearningStep]
}

/// The robust self-learning loop of Artetxe, Labaka and Agirre (ACL 2018),
/// with orthogonal mappings.
///
/// Each iteration solves W = Procrustes(dictionary), maps the source and
/// induces a new dictionary among the `vocabularyCutoff` most frequent rows:
/// forward, each source row i takes argmax_j s_ij − r_S(j)/2, backward each
/// target row j takes argmax_i s_ij − r_T(i)/2 (CSLS, r the mean of the k
/// largest similarities; plain cosine when k = 0), where every similarity is
/// first kept with probability p and set to 0 otherwise (stochastic
/// induction). The objective is the mean of the kept maxima. When it has not
/// improved by `threshold` for `stochasticInterval` iterations, p is
/// multiplied by `stochasticMultiplier` (at most 1); when that happens at
/// p = 1 the loop ends and the last W is returned. Rows must be unit length.
/// Random draws come from `seed`, one stream per iteration, direction and row,
/// so the result does not depend on the threads.
public func selfLearning(
  source: FloatTensor, target: FloatTensor, seed pairs: IndexTensor,
  options: SelfLearningOptions = .defaults, randomSeed: UInt64,
  search: SearchOptions = .init(), onStep: ((SelfLearningStep) -> Void)? = nil
) throws -> SelfLearningResult {
  try checkEmbeddingPair(source, "source", target, "target")
  try checkSelfLearning(options)
  let ns = min(options.vocabularyCutoff, source.shape[0])
  let nt = min(options.vocabularyCutoff, target.shape[0])
  let targetRows = target.rows(0..<nt)
  var pairs = pairs
  var steps = [SelfLearningStep]()
  var keep = options.stochasticInitial
  var (best, lastImprovement) = (-Double.infinity, 0)
  var iteration = 1
  while true {
    if iteration - lastImprovement > options.stochasticInterval {
      if keep >= 1 { break }
      keep = min(1, keep * options.stochasticMultiplier)
      lastImprovement = iteration
    }
    let w = try Procrustes.solve(source: source, target: target, pairs: pairs)
    if iteration > options.maxIterations { return .init(mapping: w, pairs: pairs, steps: steps) }
    let mapped = try Procrustes.map(source.rows(0..<ns), by: w)
    let induced = try stochasticInduction(
      mapped, targetRows, options: options, keep: keep,
      seed: randomSeed &+ UInt64(iteration) &* 0x9E37_79B9_7F4A_7C15, search: search)
    let step = SelfLearningStep(
      iteration: iteration, dictionarySize: pairs.shape[0], keepProbability: keep,
      objective: induced.objective)
    steps.append(step)
    onStep?(step)
    if induced.objective - best >= options.threshold {
      (best, lastImprovement) = (induced.objective, iteration)
    }
    pairs = induced.pairs
    iteration += 1
  }
  let w = try Procrustes.solve(source: source, target: target, pairs: pairs)
  return SelfLearningResult(mapping: w, pairs: pairs, steps: steps)
}

/// Usage errors for settings outside their ranges.
func checkSelfLearning(_ o: SelfLearningOptions) throws {
  for (value, name) in [
    (o.vocabularyCutoff, "vocabularyCutoff"), (o.stochasticInterval, "stochasticInterval"),
    (o.maxIterations, "maxIterations"),
  ] where value < 1 {
    throw RetortError.usage("must be at least 1, got \(value)", quantity: name)
  }
  guard o.k >= 0 else { throw RetortError.usage("must be ≥ 0, got \(o.k)", quantity: "k") }
  guard o.stochasticInitial > 0 && o.stochasticInitial <= 1 else {
    throw RetortError.usage(
      "must be in (0, 1], got \(o.stochasticInitial)", quantity: "stochasticInitial")
  }
  guard o.stochasticMultiplier > 1 && o.stochasticMultiplier.isFinite else {
    throw RetortError.usage(
      "must be above 1, got \(o.stochasticMultiplier)", quantity: "stochasticMultiplier")
  }
  guard o.threshold >= 0 && o.threshold.isFinite else {
    throw RetortError.usage("must be ≥ 0, got \(o.threshold)", quantity: "threshold")
  }
}
