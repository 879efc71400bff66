/// Where Procrustes refinement starts.
public enum RefinementStart: Sendable {
  /// Solve a first mapping from these (source row, target row) pairs.
  case dictionary(IndexTensor)
  /// Start from a given W [D, D], e.g. one learned adversarially.
  case mapping(FloatTensor)
}

/// One mapping of the refinement loop and how good it looks.
public struct RefinementStep: Equatable, Sendable {
  /// 0 for the starting mapping, then 1…K.
  public var iteration: Int
  /// Pairs the mapping was solved from; nil for a given starting W.
  public var dictionarySize: Int?
  /// `unsupervisedCriterion` of the mapping.
  public var criterion: Double
}

/// The outcome of `refine`: the step with the best criterion, as MUSE keeps it.
public struct RefinementResult: Sendable {
  /// W [D, D] of the best step.
  public var mapping: FloatTensor
  /// The dictionary the best W was solved from ([0, 2] for a given start).
  public var pairs: IndexTensor
  /// The index of the best step in `steps`.
  public var best: Int
  public var steps: [RefinementStep]
}

/// Iterative Procrustes refinement (MUSE): map the source, induce a dictionary
/// of CSLS nearest neighbours, solve W = Procrustes(dictionary); K times.
///
/// Rows of `source` and `target` must be unit length; mapped rows X·Wᵀ are
/// renormalised before CSLS, as MUSE does; `score` and `filter` change how
/// each dictionary is induced (`DictionaryInduction.induce`; the criterion
/// stays CSLS). `onStep` sees each step as it ends.
public func refine(
  source: FloatTensor, target: FloatTensor, start: RefinementStart, iterations: Int,
  mode: DictionaryMode = .intersection, maxRank: Int = DictionaryInduction.defaultMaxRank,
  k: Int = CSLSRadii.defaultK, score: InductionScore = .csls, filter: CandidateFilter = .init(),
  options: SearchOptions = .init(), onStep: ((RefinementStep) -> Void)? = nil
) throws -> RefinementResult {
  try checkEmbeddingPair(source, "source", target, "target")
  guard iterations >= 0 else {
    throw RetortError.usage("must be ≥ 0, got \(iterations)", quantity: "iterations")
  }
  var w: FloatTensor
  var pairs: IndexTensor
  switch start {
  case .dictionary(let seed):
    w = try Procrustes.solve(source: source, target: target, pairs: seed)
    pairs = seed
  case .mapping(let given):
    try Procrustes.checkMapping(given, dimension: source.shape[1])
    w = given
    pairs = IndexTensor(shape: [0, 2], scalars: [])
  }
  var steps = [RefinementStep]()
  var best = (mapping: w, pairs: pairs, index: 0)
  var iteration = 0
  while true {
    var mapped = try Procrustes.map(source, by: w)
    unitRows(&mapped)
    let radii = try CSLSRadii(source: mapped, target: target, k: k, options: options)
    let criterion = try unsupervisedCriterion(
      mapped: mapped, target: target, radii: radii, options: options)
    let step = RefinementStep(
      iteration: iteration, dictionarySize: pairs.shape[0] == 0 ? nil : pairs.shape[0],
      criterion: criterion)
    steps.append(step)
    onStep?(step)
    if iteration == 0 || criterion > steps[best.index].criterion {
      best = (w, pairs, iteration)
    }
    if iteration == iterations { break }
    iteration += 1
    pairs = try DictionaryInduction.induce(
      mapped: mapped, target: target, radii: radii, mode: mode, maxRank: maxRank, score: score,
      filter: filter, options: options)
    w = try Procrustes.solve(source: source, target: target, pairs: pairs)
  }
  return RefinementResult(mapping: best.mapping, pairs: best.pairs, best: best.index, steps: steps)
}

/// MUSE's unsupervised model-selection criterion: the mean cosine of the S2T
/// CSLS translations of the `rank` (10,000) most frequent source words.
///
/// (1/|D|) Σ_{(i,j) ∈ D} cos(Wx_i, y_j), where D is the S2T dictionary of
/// `DictionaryInduction.induce` with maxRank = rank, clamped to the vocabulary
/// sizes (as MUSE, translations ranked beyond `rank` are left out); 0 when D is
/// empty. Rows are unit length, so the cosine is the inner product.
public func unsupervisedCriterion(
  mapped: FloatTensor, target: FloatTensor, radii: CSLSRadii, rank: Int = 10_000,
  options: SearchOptions = .init()
) throws -> Double {
  let pairs = try DictionaryInduction.induce(
    mapped: mapped, target: target, radii: radii, mode: .sourceToTarget, maxRank: rank,
    options: options)
  let (m, d) = (pairs.shape[0], mapped.shape[1])
  guard m > 0 else { return 0 }
  var sum = 0.0
  for p in 0..<m {
    let (i, j) = (Int(pairs[p, 0]), Int(pairs[p, 1]))
    for c in 0..<d { sum += Double(mapped[i, c]) * Double(target[j, c]) }
  }
  return sum / Double(m)
}
