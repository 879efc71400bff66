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

  /// With every similarity equal to 1 and no penalty, the argmax is the first
  /// kept column: geometric with mean (1 − p)/p when p is the keep probability.
  @Test func stochasticInductionKeepsTheFractionAndIsSeeded() {
    let (q, n, p) = (4000, 60, 0.3)
    let ones = FloatTensor(repeating: 1 / Float(3).squareRoot(), shape: [n, 3])
    let queries = FloatTensor(repeating: 1 / Float(3).squareRoot(), shape: [q, 3])
    let penalty = [Float](repeating: 0, count: n)
    let search = SearchOptions(threads: 2)
    let a = maskedArgmax(queries, ones, penalty: penalty, keep: p, seed: 7, search: search)
    let mean = Double(a.best.reduce(0, +)) / Double(q)
    // sd of the geometric is √(1 − p)/p ≈ 2.79: four standard errors over 4,000 rows is 0.18.
    expectApproximatelyEqual(mean, (1 - p) / p, absoluteTolerance: 0.18)
    let again = maskedArgmax(queries, ones, penalty: penalty, keep: p, seed: 7, search: search)
    let oneThread = maskedArgmax(
      queries, ones, penalty: penalty, keep: p, seed: 7, search: SearchOptions(threads: 1))
    let other = maskedArgmax(queries, ones, penalty: penalty, keep: p, seed: 8, search: search)
    #expect(again.best == a.best && oneThread.best == a.best)
    #expect(other.best != a.best)
    let all = maskedArgmax(queries, ones, penalty: penalty, keep: 1, seed: 7, search: search)
    #expect(all.best.allSatisfy { $0 == 0 })
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
