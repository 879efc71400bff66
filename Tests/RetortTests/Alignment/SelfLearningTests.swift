import Foundation
import RetortTestSupport
import Testing

@testable import Retort

/// numpy's profiles: √(X·Xᵀ) over the first n rows, rows sorted, then unit, center, unit.
private let numpyProfiles = """
  def unit(m): return m / np.linalg.norm(m, axis=1, keepdims=True)
  def profiles(x, n):
      u, s, vt = np.linalg.svd(x[:n], full_matrices=False)
      m = np.sort((u * s) @ u.T, axis=1)
      return unit(unit(m) - unit(m).mean(axis=0))

  """

@Suite("Unsupervised initialisation and self-learning") struct SelfLearningTests {
  @Test func profilesMatchNumpy() throws {
    let x = randomMatrix(30, 8, seed: 41, unit: true)
    let ours = try UnsupervisedInitialization.profiles(x, rows: 20)
    #expect(ours.shape == [20, 20])
    let ref = try numpyNumbers(
      pyArray("x", x),
      numpyProfiles + "print(' '.join(map(repr, profiles(x, 20).ravel().tolist())))")
    expectApproximatelyEqual(ours.scalars, ref, absoluteTolerance: 2e-6)
  }

  /// A rotation of the source plus a little noise, rows shuffled: numpy's CSLS
  /// argmax between the profiles (k = 3), forward then backward, gives the
  /// same pairs, and most of them are the true ones.
  @Test func firstDictionaryMatchesNumpy() throws {
    var pair = try RotatedPair(
      source: randomMatrix(40, 6, seed: 42), rotation: randomRotation(6, seed: 43), noise: 0.01,
      noiseSeed: 44)
    var g = SeededGenerator(seed: 45)
    pair.shuffleTarget(using: &g)
    let ours = try UnsupervisedInitialization.dictionary(
      source: pair.source, target: pair.target, vocabulary: 40, k: 3)
    #expect(ours.shape == [80, 2])
    let ref = try numpyNumbers(
      pyArray("x", pair.source) + pyArray("z", pair.target),
      numpyProfiles + """
        xp, zp = profiles(x, 40), profiles(z, 40)
        s = xp @ zp.T
        rf = np.sort(s, axis=1)[:, -3:].mean(1); rb = np.sort(s, axis=0)[-3:, :].mean(0)
        c = 2 * s - rf[:, None] - rb[None, :]
        fwd = [(i, int(c[i].argmax())) for i in range(40)]
        bwd = [(int(c[:, j].argmax()), j) for j in range(40)]
        print(' '.join(f'{a} {b}' for a, b in fwd + bwd))
        """)
    #expect(ours.scalars.map(Double.init) == ref)
    let right = (0..<40).filter { Int(ours[$0, 1]) == pair.truth[Int(ours[$0, 0])] }.count
    #expect(right >= 36, "\(right) of 40 forward pairs are true")
  }

  /// With every similarity equal and no penalty, each direction's argmax is
  /// the first kept index: geometric with mean (1 − p)/p when p is the keep
  /// probability. The draws depend on the seed only, not on blocks or threads.
  @Test func stochasticInductionKeepsTheFractionAndIsSeeded() {
    let (q, n, p) = (4000, 60, 0.3)
    let ones = FloatTensor(repeating: 1 / Float(3).squareRoot(), shape: [n, 3])
    let queries = FloatTensor(repeating: 1 / Float(3).squareRoot(), shape: [q, 3])
    let (sp, tp) = ([Float](repeating: 0, count: q), [Float](repeating: 0, count: n))
    func induce(_ seed: UInt64, keep: Double = p, _ search: SearchOptions) -> ([Int], [Int]) {
      let r = maskedArgmax(
        queries, ones, sourcePenalty: sp, targetPenalty: tp,
        mask: InductionMask(seed: seed, keep: keep), search: search)
      return (r.forward, r.backward)
    }
    let blocks = SearchOptions(blockSize: 64, threads: 2)
    let a = induce(7, blocks)
    let mean = Double(a.0.reduce(0, +)) / Double(q)
    // sd of the geometric is √(1 − p)/p ≈ 2.79: four standard errors over 4,000 rows is 0.18.
    expectApproximatelyEqual(mean, (1 - p) / p, absoluteTolerance: 0.18)
    // Backward: for each of the 60 columns the first kept row of 4,000 (four
    // standard errors over 60 columns: 1.44).
    let backMean = Double(a.1.reduce(0, +)) / Double(n)
    expectApproximatelyEqual(backMean, (1 - p) / p, absoluteTolerance: 1.44)
    let again = induce(7, blocks)
    let oneThread = induce(7, SearchOptions(threads: 1))
    let other = induce(8, blocks)
    #expect(again.0 == a.0 && oneThread.0 == a.0 && again.1 == a.1 && oneThread.1 == a.1)
    #expect(other.0 != a.0 && other.1 != a.1)
    let all = induce(7, keep: 1, blocks)
    #expect(all.0.allSatisfy { $0 == 0 } && all.1.allSatisfy { $0 == 0 })
  }

  /// Keep probability 0.5: the mask (the hash written out again in numpy)
  /// and the masked CSLS argmax of both directions against numpy, with
  /// blocks of 7 rows over two threads.
  @Test func maskedInductionMatchesNumpy() throws {
    let x = randomMatrix(40, 5, seed: 53), z = randomMatrix(33, 5, seed: 54)
    var options = SelfLearningOptions()
    options.k = 3
    let (pairs, objective) = try stochasticInduction(
      x, z, options: options, keep: 0.5, seed: 99,
      search: SearchOptions(blockSize: 7, threads: 2))
    let ref = try numpyNumbers(
      pyArray("x", x) + pyArray("z", z),
      """
      M = (1 << 64) - 1
      def bits(seed, i, j):
          v = seed ^ ((i * 0x9E3779B97F4A7C15) & M) ^ ((j * 0xC2B2AE3D27D4EB4F) & M)
          v = ((v ^ (v >> 30)) * 0xBF58476D1CE4E5B9) & M
          v = ((v ^ (v >> 27)) * 0x94D049BB133111EB) & M
          return v ^ (v >> 31)
      b = np.array([[bits(99, i, j) for j in range(33)] for i in range(40)], dtype=object)
      cut = int(0.5 * 2**32)
      keep_f = np.vectorize(lambda v: (v & 0xFFFFFFFF) < cut)(b).astype(bool)
      keep_b = np.vectorize(lambda v: (v >> 32) < cut)(b).astype(bool)
      s = (x.astype(np.float32) @ z.astype(np.float32).T).astype(np.float64)
      rf = np.sort(s, axis=1)[:, -3:].mean(1); rb = np.sort(s, axis=0)[-3:, :].mean(0)
      f = np.where(keep_f, s - rb[None, :] / 2, 0); bw = np.where(keep_b, s - rf[:, None] / 2, 0)
      pairs = [(i, int(f[i].argmax())) for i in range(40)] + \
        [(int(bw[:, j].argmax()), j) for j in range(33)]
      print(' '.join(f'{a} {c}' for a, c in pairs), (f.max(1).mean() + bw.max(0).mean()) / 2)
      """)
    #expect(pairs.scalars.map(Double.init) == Array(ref.dropLast()))
    expectApproximatelyEqual(objective, ref.last!, absoluteTolerance: 1e-5)
  }

  /// Keep probability 1: CSLS induction and its objective against numpy.
  @Test func deterministicInductionMatchesNumpy() throws {
    let x = randomMatrix(50, 5, seed: 46), z = randomMatrix(45, 5, seed: 47)
    var options = SelfLearningOptions()
    options.k = 4
    let (pairs, objective) = try stochasticInduction(
      x, z, options: options, keep: 1, seed: 1, search: SearchOptions(threads: 2))
    let ref = try numpyNumbers(
      pyArray("x", x) + pyArray("z", z),
      """
      s = x @ z.T
      rf = np.sort(s, axis=1)[:, -4:].mean(1); rb = np.sort(s, axis=0)[-4:, :].mean(0)
      f = s - rb[None, :] / 2; b = (s - rf[:, None] / 2).T
      pairs = [(i, int(f[i].argmax())) for i in range(50)] + \
        [(int(b[j].argmax()), j) for j in range(45)]
      print(' '.join(f'{a} {c}' for a, c in pairs), (f.max(1).mean() + b.max(1).mean()) / 2)
      """)
    #expect(pairs.scalars.map(Double.init) == Array(ref.dropLast()))
    expectApproximatelyEqual(objective, ref.last!, absoluteTolerance: 1e-6)
  }

  /// From the unsupervised start, self-learning finds a random rotation of
  /// 300 points in 10 dimensions (no words), and the schedule raises p to 1.
  @Test func selfLearningRecoversARotation() throws {
    var pair = try RotatedPair(
      source: randomMatrix(300, 10, seed: 48), rotation: randomRotation(10, seed: 49),
      noise: 0.005, noiseSeed: 50)
    var g = SeededGenerator(seed: 51)
    pair.shuffleTarget(using: &g)
    let seed = try UnsupervisedInitialization.dictionary(
      source: pair.source, target: pair.target, vocabulary: 300)
    var options = SelfLearningOptions()
    options.stochasticInterval = 3
    let result = try selfLearning(
      source: pair.source, target: pair.target, seed: seed, options: options, randomSeed: 3)
    #expect(result.steps.first?.keepProbability == 0.1)
    #expect(result.steps.last?.keepProbability == 1)
    let error = zip(result.mapping.scalars, pair.rotation.scalars).map { abs($0 - $1) }.max()!
    #expect(error < 0.01, "max |W − Q| = \(error)")
  }

  @Test func badSettings() {
    let x = randomMatrix(10, 4, seed: 52)
    let seed = IndexTensor(shape: [1, 2], scalars: [0, 0])
    for (change, quantity) in [
      ({ (o: inout SelfLearningOptions) in o.stochasticInitial = 0 }, "stochasticInitial"),
      ({ (o: inout SelfLearningOptions) in o.stochasticMultiplier = 1 }, "stochasticMultiplier"),
      ({ (o: inout SelfLearningOptions) in o.stochasticInterval = 0 }, "stochasticInterval"),
      ({ (o: inout SelfLearningOptions) in o.vocabularyCutoff = 0 }, "vocabularyCutoff"),
    ] {
      var options = SelfLearningOptions()
      change(&options)
      expectError(.usage, quantity: quantity) {
        _ = try selfLearning(source: x, target: x, seed: seed, options: options, randomSeed: 1)
      }
    }
    expectError(.usage, quantity: "vocabulary") {
      _ = try UnsupervisedInitialization.dictionary(source: x, target: x, vocabulary: 1)
    }
  }
}
