import Foundation
import RetortTestSupport
import Testing

@testable import Retort

@Suite("Adversarial alignment") struct AdversarialTests {
  /// ‖W·Wᵀ − I‖_F in double precision.
  static func defect(_ w: FloatTensor) -> Double {
    let d = w.shape[0]
    var sum = 0.0
    for i in 0..<d {
      for j in 0..<d {
        var g = 0.0
        for k in 0..<d { g += Double(w[i, k]) * Double(w[j, k]) }
        sum += (g - (i == j ? 1 : 0)) * (g - (i == j ? 1 : 0))
      }
    }
    return sum.squareRoot()
  }

  /// Each singular value s of a diagonal W becomes (1 + β)·s − β·s³.
  @Test func orthogonalizeDiagonal() {
    let s: [Float] = [0.5, 0.9, 1, 1.2, 2]
    let beta: Float = 0.1
    var w = FloatTensor(repeating: 0, shape: [5, 5])
    for i in 0..<5 { w[i, i] = s[i] }
    orthogonalize(&w, beta: beta)
    for i in 0..<5 {
      expectApproximatelyEqual(
        w[i, i], ((1 + beta) * s[i] - beta * s[i] * s[i] * s[i]), absoluteTolerance: 1e-6)
      for j in 0..<5 where j != i { #expect(w[i, j] == 0) }
    }
  }

  /// A rotation stays one; a skewed W moves towards orthogonal, step by step.
  @Test func orthogonalizeRotationAndSkewed() throws {
    var q = try randomRotation(8, seed: 41)
    let before = Self.defect(q)
    for _ in 0..<100 { orthogonalize(&q, beta: 0.001) }
    #expect(Self.defect(q) < before + 1e-4)  // float32 rounding only
    var w = try randomRotation(8, seed: 42)
    let skew = randomMatrix(8, 8, seed: 43, unit: false)
    for i in w.scalars.indices { w.scalars[i] += 0.1 * skew.scalars[i] }
    var last = Self.defect(w)
    #expect(last > 0.1)
    for _ in 0..<5 {
      orthogonalize(&w, beta: 0.01)
      let now = Self.defect(w)
      #expect(now < last)
      last = now
    }
    for _ in 0..<2000 { orthogonalize(&w, beta: 0.01) }
    #expect(Self.defect(w) < 1e-3)
    var same = w
    orthogonalize(&same, beta: 0)
    #expect(same == w)
  }

  /// MUSE's discriminator: input dropout, hidden dense + LeakyReLU, one logit.
  @Test func discriminatorArchitecture() {
    var options = AdversarialOptions()
    #expect(
      options.discriminatorArchitecture.description
        == "dropout:0.1,dense:2048,leakyrelu:0.2,dense:2048,leakyrelu:0.2,dense:1")
    options.disInputDropout = 0
    options.disDropout = 0.5
    options.disLayers = 1
    options.disHidden = 16
    #expect(
      options.discriminatorArchitecture.description == "dense:16,leakyrelu:0.2,dropout:0.5,dense:1")
  }

  static func tiny() -> AdversarialOptions {
    var options = AdversarialOptions()
    options.epochs = 2
    options.epochSize = 64
    options.disHidden = 8
    options.search = SearchOptions(threads: 1)
    return options
  }

  /// MUSE's sizes (75,000 most frequent, rank 10,000, k = 10) on a vocabulary
  /// of 6 rows are clamped, not refused; the same seed gives the same W.
  @Test func smallVocabulariesAreClamped() throws {
    let x = randomMatrix(6, 4, seed: 51)
    let y = randomMatrix(7, 4, seed: 52)
    var g1 = SeededGenerator(seed: 53)
    let a = try alignAdversarially(source: x, target: y, options: Self.tiny(), generator: &g1)
    var g2 = SeededGenerator(seed: 53)
    let b = try alignAdversarially(source: x, target: y, options: Self.tiny(), generator: &g2)
    #expect(a.mapping == b.mapping)
    #expect(a.criteria.count == 2)
    #expect(a.criteria.allSatisfy { $0.isFinite && $0 > -1 && $0 <= 1 })
  }

  /// Without shrinking (lrShrink 1) the rate only decays, every epoch, down
  /// to minLr: 1e-3, 5e-4, 2.5e-4, then 2e-4 until the last epoch.
  @Test func learningRateDecaysToMinLr() throws {
    var options = Self.tiny()
    options.epochs = 6
    options.mapLearningRate = 1e-3
    options.lrDecay = 0.5
    options.lrShrink = 1
    options.minLr = 2e-4
    var g = SeededGenerator(seed: 54)
    let result = try alignAdversarially(
      source: randomMatrix(6, 4, seed: 55), target: randomMatrix(6, 4, seed: 56),
      options: options, generator: &g)
    #expect(result.epochs.map(\.learningRate) == [1e-3, 5e-4, 2.5e-4, 2e-4, 2e-4, 2e-4])
  }

  /// Without decay (lrDecay 1) the rate changes only by shrinking: it halves
  /// after every fall of the criterion below the best so far except the first
  /// (MUSE's schedule), and training stops once it is below minLr. The rates
  /// are replayed from the reported criteria; the run must shrink at least once.
  @Test func learningRateShrinksFromTheSecondFall() throws {
    var options = Self.tiny()
    options.epochs = 12
    options.mapLearningRate = 1
    options.lrDecay = 1
    options.lrShrink = 0.5
    options.minLr = 0.1
    var g = SeededGenerator(seed: 54)
    let result = try alignAdversarially(
      source: randomMatrix(6, 4, seed: 55), target: randomMatrix(6, 4, seed: 56),
      options: options, generator: &g)
    var expected = [Float]()
    var rate: Float = 1, best = -Double.infinity, falls = 0
    for epoch in result.epochs {
      expected.append(rate)
      best = max(best, epoch.criterion)
      if epoch.criterion < best {
        falls += 1
        if falls >= 2 { rate *= 0.5 }
      }
    }
    #expect(result.epochs.map(\.learningRate) == expected, "criteria \(result.criteria)")
    #expect(expected.contains { $0 < 1 }, "no shrink in this run: \(result.criteria)")
    #expect(result.epochs.count == options.epochs || rate < options.minLr)
  }

  @Test func badInputs() {
    var g = SeededGenerator(seed: 57)
    let options = Self.tiny()
    let x = randomMatrix(6, 4, seed: 58)
    func error(_ a: FloatTensor, _ b: FloatTensor, _ o: AdversarialOptions) -> RetortError? {
      do {
        _ = try alignAdversarially(source: a, target: b, options: o, generator: &g)
        return nil
      } catch { return error as? RetortError }
    }
    let wide = randomMatrix(6, 5, seed: 59)
    #expect(error(x, wide, options)?.quantity == "target")
    let empty = FloatTensor(shape: [0, 4], scalars: [])
    #expect(error(empty, x, options)?.quantity == "source")
    var nan = x
    nan[3, 2] = .nan
    #expect(error(x, nan, options)?.quantity == "target" && error(x, nan, options)?.row == 3)
    var bad = options
    bad.batchSize = 0
    #expect(error(x, x, bad)?.kind == .usage)
    bad = options
    bad.disSmooth = 0.5
    #expect(error(x, x, bad)?.quantity == "disSmooth")
  }
}
