import Foundation
import RetortTestSupport
import Testing

@testable import Retort

/// Loss values by hand, against NumPy, and finite-difference gradients.
///
/// The worked 2×3 example: logits z1 = [0, 0, ln 2], z2 = [ln 3, 0, 0] give
/// p1 = [1/4, 1/4, 1/2], p2 = [3/5, 1/5, 1/5].
/// - Hard labels [2, 0]: ℓ = [ln 2, ln 5/3] = [0.693147, 0.510826], mean 0.601986;
///   gradient (p − onehot)/B = [[0.125, 0.125, −0.25], [−0.2, 0.1, 0.1]].
/// - At T = 2 with logits 2z the probabilities are the same: the same losses and
///   half the gradient.
/// - Soft targets q1 = [0, ½, ½], q2 = [1, 0, 0]: ℓ1 = ½ ln 4 + ½ ln 2 = ½ ln 8 =
///   1.039721, ℓ2 = 0.510826, mean 0.775273.
/// - Weights [2, 0] with hard labels: (2·ln 2 + 0)/2 = 0.693147.
/// - Mixed, α = ½, T = 2, logits 2z, hard term at T = 1: the soft term is
///   α·T²·0.775273 = 1.550546; at T = 1, p1 = [1/6, 1/6, 2/3] and
///   p2 = [9/11, 1/11, 1/11], so CE(hard) = mean(ln 3/2, ln 11/9) =
///   (0.405465 + 0.200671)/2 = 0.303068, times ½ = 0.151534; total 1.702080.
/// - BCE, smoothing 0.1: s = 0, y = 1 (t = 0.9): ℓ = ln 2 = 0.693147;
///   s = ln 3 (σ = 3/4), y = 0 (t = 0.1): ℓ = −(0.1 ln ¾ + 0.9 ln ¼) = 1.276433;
///   mean 0.984790; gradient (σ − t)/B = [−0.2, 0.325].
struct NNLossTests {
  static let z = FloatTensor(
    shape: [2, 3], scalars: [0, 0, Float(log(2.0)), Float(log(3.0)), 0, 0])
  static let z2 = FloatTensor(shape: [2, 3], scalars: z.scalars.map { 2 * $0 })
  static let labels: [Int64] = [2, 0]
  static let q = FloatTensor(shape: [2, 3], scalars: [0, 0.5, 0.5, 1, 0, 0])

  @Test func hardByHand() {
    let r = CrossEntropy.hard(logits: Self.z, labels: Self.labels)
    expectApproximatelyEqual(r.loss, 0.601986, absoluteTolerance: 1e-5)
    expectApproximatelyEqual(r.perRow, [0.693147, 0.510826], absoluteTolerance: 1e-5)
    expectApproximatelyEqual(
      r.gradient.scalars, [0.125, 0.125, -0.25, -0.2, 0.1, 0.1], absoluteTolerance: 1e-5)
    let t = CrossEntropy.hard(logits: Self.z2, labels: Self.labels, temperature: 2)
    expectApproximatelyEqual(t.loss, 0.601986, absoluteTolerance: 1e-5)
    expectApproximatelyEqual(
      t.gradient.scalars, [0.0625, 0.0625, -0.125, -0.1, 0.05, 0.05], absoluteTolerance: 1e-5)
    let w = CrossEntropy.hard(logits: Self.z, labels: Self.labels, weights: [2, 0])
    expectApproximatelyEqual(w.loss, 0.693147, absoluteTolerance: 1e-5)
    expectApproximatelyEqual(
      w.gradient.scalars, [0.25, 0.25, -0.5, 0, 0, 0], absoluteTolerance: 1e-5)
  }

  @Test func softAndMixedByHand() {
    let s = CrossEntropy.soft(logits: Self.z2, targets: Self.q, temperature: 2)
    expectApproximatelyEqual(s.loss, 0.775273, absoluteTolerance: 1e-5)
    expectApproximatelyEqual(s.perRow, [1.039721, 0.510826], absoluteTolerance: 1e-5)
    let m = CrossEntropy.mixed(
      logits: Self.z2, targets: Self.q, labels: Self.labels, temperature: 2, alpha: 0.5)
    expectApproximatelyEqual(m.loss, 1.702080, absoluteTolerance: 1e-5)
  }

  @Test func binaryByHand() {
    let r = BinaryCrossEntropy.sigmoid(
      logits: FloatTensor(shape: [2, 1], scalars: [0, Float(log(3.0))]), labels: [1, 0],
      smoothing: 0.1)
    expectApproximatelyEqual(r.loss, 0.984790, absoluteTolerance: 1e-5)
    expectApproximatelyEqual(r.gradient.scalars, [-0.2, 0.325], absoluteTolerance: 1e-5)
    #expect(r.gradient.shape == [2, 1])
  }

  @Test func extremeLogitsStayFinite() {
    let z = FloatTensor(shape: [1, 3], scalars: [1000, -1000, 0])
    let r = CrossEntropy.hard(logits: z, labels: [1], temperature: 0.5)
    #expect(r.loss.isFinite && r.gradient.scalars.allSatisfy(\.isFinite))
    let b = BinaryCrossEntropy.sigmoid(
      logits: FloatTensor(shape: [2], scalars: [-200, 200]), labels: [1, 0])
    expectApproximatelyEqual(b.loss, 200, absoluteTolerance: 1e-5)
    #expect(b.gradient.scalars.allSatisfy { $0.isFinite })
  }

  /// Softmax and cross-entropy in float64 NumPy, from the same Float logits.
  @Test func matchesNumPy() throws {
    let (b, c): (Int, Int) = (5, 7)
    let logits = FloatTensor(shape: [b, c], scalars: randomValues(b * c, seed: 31, scale: 40))
    let labels: [Int64] = [0, 6, 3, 3, 1]
    let targets = FloatTensor(shape: [b, c], scalars: randomValues(b * c, seed: 32).map { $0 + 1 })
      .softmax()
    let weights: [Float] = [1, 0.5, 2, 0, 1.5]
    let temperature: Float = 2.5
    let script = """
      import sys, numpy as np
      rows = [list(map(float, l.split())) for l in sys.stdin.read().strip().split("\\n")]
      b, c, T = 5, 7, 2.5
      z = np.array(rows[0:b]); q = np.array(rows[b:2*b]); w = np.array(rows[2*b])
      y = np.array(rows[2*b+1], dtype=int)
      s = z / T; s = s - s.max(axis=1, keepdims=True)
      logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True)); p = np.exp(logp)
      hard = -logp[np.arange(b), y]
      oh = np.eye(c)[y]
      gh = (w[:, None] / b) * (p - oh) / T
      soft = -(q * logp).sum(axis=1)
      gs = (w[:, None] / b) * (p * q.sum(axis=1, keepdims=True) - q) / T
      out = [p.ravel(), [np.mean(w * hard)], gh.ravel(), [np.mean(w * soft)], gs.ravel()]
      print(" ".join(repr(float(v)) for part in out for v in part))
      """
    let input = [
      rowsText(logits.scalars, columns: c), rowsText(targets.scalars, columns: c),
      rowsText(weights, columns: b), rowsText(labels, columns: b),
    ].joined(separator: "\n")
    let reference = numbers(try runPython(script, input: input))
    #expect(reference.count == 3 * b * c + 2)
    guard reference.count == 3 * b * c + 2 else { return }
    let n = b * c
    let p = logits.softmax(temperature: temperature)
    let hard = CrossEntropy.hard(
      logits: logits, labels: labels, temperature: temperature, weights: weights)
    let soft = CrossEntropy.soft(
      logits: logits, targets: targets, temperature: temperature, weights: weights)
    expectApproximatelyEqual(
      p.scalars, reference[0..<n], absoluteTolerance: 1e-5, relativeTolerance: 1e-5)
    expectApproximatelyEqual(
      [hard.loss], reference[n...n], absoluteTolerance: 1e-5, relativeTolerance: 1e-5)
    expectApproximatelyEqual(
      hard.gradient.scalars, reference[(n + 1)..<(2 * n + 1)],
      absoluteTolerance: 1e-5, relativeTolerance: 1e-5)
    expectApproximatelyEqual(
      [soft.loss], reference[(2 * n + 1)...(2 * n + 1)],
      absoluteTolerance: 1e-5, relativeTolerance: 1e-5)
    expectApproximatelyEqual(
      soft.gradient.scalars, reference[(2 * n + 2)...],
      absoluteTolerance: 1e-5, relativeTolerance: 1e-5)
  }

  // MARK: Finite differences: |analytic − numeric| ≤ 1e-3·(1 + |numeric|), step 1e-2.

  static let tolerance = 1e-3

  func check(_ logits: FloatTensor, _ loss: (FloatTensor) -> LossResult, _ what: String) {
    let analytic = loss(logits).gradient.scalars
    let numeric = numericalGradient(logits.scalars, step: 1e-2) {
      Double(loss(FloatTensor(shape: logits.shape, scalars: $0)).loss)
    }
    #expect(gradientError(analytic, numeric) < Self.tolerance, "\(what)")
  }

  static let logits = FloatTensor(shape: [4, 5], scalars: randomValues(20, seed: 41, scale: 3))
  static let hardLabels: [Int64] = [4, 0, 2, 2]
  static let soft = FloatTensor(shape: [4, 5], scalars: randomValues(20, seed: 42).map { 2 * $0 })
    .softmax()
  static let rowWeights: [Float] = [0.5, 2, 1, 0.25]

  @Test func hardGradients() {
    check(Self.logits, { CrossEntropy.hard(logits: $0, labels: Self.hardLabels) }, "hard")
    check(
      Self.logits, { CrossEntropy.hard(logits: $0, labels: Self.hardLabels, temperature: 3) },
      "hard at T=3")
    check(
      Self.logits,
      {
        CrossEntropy.hard(
          logits: $0, labels: Self.hardLabels, temperature: 0.7, weights: Self.rowWeights)
      },
      "weighted hard at T=0.7")
  }

  @Test func softGradients() {
    check(
      Self.logits, { CrossEntropy.soft(logits: $0, targets: Self.soft, temperature: 4) },
      "soft at T=4")
    check(
      Self.logits,
      {
        CrossEntropy.soft(logits: $0, targets: Self.soft, temperature: 2, weights: Self.rowWeights)
      },
      "weighted soft at T=2")
  }

  @Test func mixedGradients() {
    check(
      Self.logits,
      {
        CrossEntropy.mixed(
          logits: $0, targets: Self.soft, labels: Self.hardLabels, temperature: 3, alpha: 0.7)
      }, "mixed, hard at T=1")
    check(
      Self.logits,
      {
        CrossEntropy.mixed(
          logits: $0, targets: Self.soft, labels: Self.hardLabels, temperature: 3, alpha: 0.3,
          hardTemperature: 3, weights: Self.rowWeights)
      }, "weighted mixed, hard at T")
  }

  @Test func binaryGradients() {
    let logits = FloatTensor(shape: [6], scalars: randomValues(6, seed: 43, scale: 4))
    let labels: [Float] = [1, 0, 1, 1, 0, 0]
    check(logits, { BinaryCrossEntropy.sigmoid(logits: $0, labels: labels, smoothing: 0.1) }, "bce")
    check(
      logits,
      {
        BinaryCrossEntropy.sigmoid(
          logits: $0, labels: labels, smoothing: 0.2, weights: [1, 2, 0.5, 0, 1, 3])
      }, "weighted bce")
  }
}
