/// The dictionary and objective of one stochastic CSLS induction between
/// unit rows `x` (mapped source) and `z` (target): two passes over the
/// similarities x·zᵀ, one for the CSLS radii and one for both directions.
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
  let found = maskedArgmax(
    x, z, sourcePenalty: radii.source, targetPenalty: radii.target,
    mask: InductionMask(seed: seed, keep: keep), search: search)
  var pairs = [Int64]()
  var objectives = [Double]()
  if options.direction != .backward {
    for i in found.forward.indices { pairs += [Int64(i), Int64(found.forward[i])] }
    objectives.append(found.forwardMean)
  }
  if options.direction != .forward {
    for j in found.backward.indices { pairs += [Int64(found.backward[j]), Int64(j)] }
    objectives.append(found.backwardMean)
  }
  return (
    IndexTensor(shape: [pairs.count / 2, 2], scalars: pairs),
    objectives.reduce(0, +) / Double(objectives.count)
  )
}

/// Which similarities stochastic induction keeps: pair (i, j) is kept with
/// probability `keep` in each direction, decided by a hash of (seed, i, j)
/// alone — the low 32 bits for the forward direction, the high 32 for the
/// backward one — so that the decision does not depend on the order in which
/// blocks are visited or on the threads.
struct InductionMask {
  let seed: UInt64
  /// Kept when the direction's 32 bits are below this; nil keeps everything.
  let cut: UInt64?

  init(seed: UInt64, keep: Double) {
    self.seed = seed
    cut = keep >= 1 ? nil : UInt64(max(0, keep) * 0x1p32)
  }

  /// The 64 random bits of pair (i, j).
  @inline(__always) func bits(_ i: Int, _ j: Int) -> UInt64 {
    var z =
      seed ^ (UInt64(truncatingIfNeeded: i) &* 0x9E37_79B9_7F4A_7C15)
      ^ (UInt64(truncatingIfNeeded: j) &* 0xC2B2_AE3D_27D4_EB4F)
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Both directions of masked CSLS retrieval from one pass over s = x·zᵀ.
///
/// Forward, for each row i: argmax_j of f_ij = s_ij − targetPenalty_j/2;
/// backward, for each column j: argmax_i of b_ij = s_ij − sourcePenalty_i/2;
/// a value the mask drops counts as 0 (VecMap's dropout). Ties keep the lower
/// index. Also returns the mean of each direction's maxima. Each worker keeps
/// its own column maxima, merged at the end by (value, then lower row), so the
/// result does not depend on the threads.
func maskedArgmax(
  _ x: FloatTensor, _ z: FloatTensor, sourcePenalty: [Float], targetPenalty: [Float],
  mask: InductionMask, search: SearchOptions
) -> (forward: [Int], forwardMean: Double, backward: [Int], backwardMean: Double) {
  let (q, n) = (x.shape[0], z.shape[0])
  let workers = similarityWorkers(queries: q, candidates: n, options: search)
  var forward = [Int](repeating: 0, count: q)
  var forwardMax = [Double](repeating: 0, count: q)
  var columnMax = [Float](repeating: -.infinity, count: workers * n)
  var columnArg = [Int](repeating: 0, count: workers * n)
  let halfTarget = targetPenalty.map { $0 / 2 }
  forward.withUnsafeMutableBufferPointer { fp in
    forwardMax.withUnsafeMutableBufferPointer { mp in
      columnMax.withUnsafeMutableBufferPointer { cmp in
        columnArg.withUnsafeMutableBufferPointer { cap in
          let (fBase, mBase, cmBase, caBase) = (
            fp.baseAddress!, mp.baseAddress!, cmp.baseAddress!, cap.baseAddress!
          )
          halfTarget.withUnsafeBufferPointer { ht in
            forEachSimilarityBlock(x, z, options: search) { w, rows, block in
              let (colMax, colArg) = (cmBase + w * n, caBase + w * n)
              for i in rows {
                let row = block + (i - rows.lowerBound) * n
                let halfSource = sourcePenalty[i] / 2
                var (top, at): (Float, Int) = (-.infinity, 0)
                if let cut = mask.cut {
                  for j in 0..<n {
                    let bits = mask.bits(i, j)
                    let f = bits & 0xFFFF_FFFF < cut ? row[j] - ht[j] : 0
                    let b = bits >> 32 < cut ? row[j] - halfSource : 0
                    if f > top { (top, at) = (f, j) }
                    if b > colMax[j] { (colMax[j], colArg[j]) = (b, i) }
                  }
                } else {
                  for j in 0..<n {
                    let (f, b) = (row[j] - ht[j], row[j] - halfSource)
                    if f > top { (top, at) = (f, j) }
                    if b > colMax[j] { (colMax[j], colArg[j]) = (b, i) }
                  }
                }
                fBase[i] = at
                mBase[i] = Double(top)
              }
            }
          }
        }
      }
    }
  }
  var backward = [Int](repeating: 0, count: n)
  var backwardSum = 0.0
  for j in 0..<n {
    var (best, at) = (columnMax[j], columnArg[j])
    for w in 1..<max(workers, 1) {
      let (v, i) = (columnMax[w * n + j], columnArg[w * n + j])
      if v > best || (v == best && i < at) { (best, at) = (v, i) }
    }
    backward[j] = at
    backwardSum += Double(best)
  }
  return (
    forward, forwardMax.reduce(0, +) / Double(max(q, 1)),
    backward, backwardSum / Double(max(n, 1))
  )
}
