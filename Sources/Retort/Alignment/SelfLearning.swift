import Foundation

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

/// The dictionary and objective of one stochastic CSLS induction between
/// unit rows `x` (mapped source) and `z` (target).
func stochasticInduction(
  _ x: FloatTensor, _ z: FloatTensor, options: SelfLearningOptions, keep: Double,
  seed: UInt64, search: SearchOptions
) throws -> (pairs: IndexTensor, objective: Double) {
  let radii =
    options.k > 0
    ? try CSLSRadii(source: x, target: z, k: options.k, options: search)
    : CSLSRadii(
      k: 0, source: [Float](repeating: 0, count: x.shape[0]),
      target: [Float](repeating: 0, count: z.shape[0]))
  var pairs = [Int64]()
  var objectives = [Double]()
  if options.direction != .backward {
    let (best, value) = maskedArgmax(
      x, z, penalty: radii.target, keep: keep, seed: seed, search: search)
    for i in best.indices { pairs += [Int64(i), Int64(best[i])] }
    objectives.append(value)
  }
  if options.direction != .forward {
    let (best, value) = maskedArgmax(
      z, x, penalty: radii.source, keep: keep, seed: seed ^ 0xD1B5_4A32_D192_ED03, search: search)
    for j in best.indices { pairs += [Int64(best[j]), Int64(j)] }
    objectives.append(value)
  }
  return (
    IndexTensor(shape: [pairs.count / 2, 2], scalars: pairs),
    objectives.reduce(0, +) / Double(objectives.count)
  )
}

/// For each row q of `queries`: argmax_j of m_qj·(s_qj − penalty_j/2), where
/// s = queries·candidatesᵀ and m_qj is 1 with probability `keep` (drawn from
/// stream q of `seed`; always 1 when keep = 1) and 0 otherwise; and the mean
/// of the maxima. Ties keep the lower j.
func maskedArgmax(
  _ queries: FloatTensor, _ candidates: FloatTensor, penalty: [Float], keep: Double,
  seed: UInt64, search: SearchOptions
) -> (best: [Int], mean: Double) {
  let (q, n) = (queries.shape[0], candidates.shape[0])
  var best = [Int](repeating: 0, count: q)
  var maxima = [Double](repeating: 0, count: q)
  let cut = keep >= 1 ? UInt64.max : UInt64(keep * 0x1p64)
  best.withUnsafeMutableBufferPointer { bp in
    maxima.withUnsafeMutableBufferPointer { mp in
      let (bBase, mBase) = (bp.baseAddress!, mp.baseAddress!)
      forEachSimilarityBlock(queries, candidates, options: search) { _, rows, block in
        for r in rows {
          let row = block + (r - rows.lowerBound) * n
          var generator = SeededGenerator(seed: seed, row: r)
          var (top, at): (Float, Int) = (-.infinity, 0)
          for j in 0..<n {
            var v = row[j] - penalty[j] / 2
            if cut != .max && generator.next() >= cut { v = 0 }
            if v > top { (top, at) = (v, j) }
          }
          bBase[r] = at
          mBase[r] = Double(top)
        }
      }
    }
  }
  return (best, maxima.reduce(0, +) / Double(max(q, 1)))
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
