import Foundation
import RetortTestSupport
import Testing

@testable import Retort

/// The gradients of adversarial alignment against central finite differences.
@Suite("Adversarial gradients") struct AdversarialGradientTests {
  static func discriminator(_ d: Int, seed: UInt64) throws -> Network {
    var options = AdversarialOptions()
    options.disHidden = 8
    var g = SeededGenerator(seed: seed)
    return try Network(options.discriminatorArchitecture, inputShape: [d], generator: &g)
  }

  static func batch(_ d: Int, w: FloatTensor) -> AdversarialBatch {
    AdversarialBatch(
      sourceRows: randomMatrix(3, d, seed: 31), targetRows: randomMatrix(3, d, seed: 32),
      mapping: w)
  }

  /// ∂loss/∂x of the discriminator's BCE (labels 1 − ε source, ε target),
  /// without dropout, for every input scalar.
  @Test func discriminatorInputGradient() throws {
    let d = 4
    var network = try Self.discriminator(d, seed: 21)
    let batch = Self.batch(d, w: randomMatrix(d, d, seed: 22, unit: false))
    func loss(_ x: FloatTensor) -> Float {
      BinaryCrossEntropy.sigmoid(logits: network.predict(x), labels: batch.labels, smoothing: 0.1)
        .loss
    }
    let logits = network.forward(batch.inputs, training: false)
    let result = BinaryCrossEntropy.sigmoid(logits: logits, labels: batch.labels, smoothing: 0.1)
    let analytic = network.backward(result.gradient, accumulate: false)
    let h: Float = 1e-2
    for i in batch.inputs.scalars.indices {
      var (up, down) = (batch.inputs, batch.inputs)
      up.scalars[i] += h
      down.scalars[i] -= h
      let numeric = (loss(up) - loss(down)) / (2 * h)
      expectApproximatelyEqual(
        analytic.scalars[i], numeric, absoluteTolerance: 2e-3, relativeTolerance: 0.02,
        "input \(i)")
    }
  }

  /// ∂loss/∂W of the mapping step (flipped labels), W entry by entry.
  @Test func mappingGradient() throws {
    let d = 4
    var network = try Self.discriminator(d, seed: 23)
    let w = randomMatrix(d, d, seed: 24, unit: false)
    let (_, analytic) = mappingLossAndGradient(
      &network, batch: Self.batch(d, w: w), smoothing: 0.1)
    #expect(analytic.shape == [d, d])
    let h: Float = 1e-2
    for i in w.scalars.indices {
      var (up, down) = (w, w)
      up.scalars[i] += h
      down.scalars[i] -= h
      let lossUp = mappingLossAndGradient(&network, batch: Self.batch(d, w: up), smoothing: 0.1)
      let lossDown = mappingLossAndGradient(
        &network, batch: Self.batch(d, w: down), smoothing: 0.1)
      let numeric = (lossUp.loss - lossDown.loss) / (2 * h)
      expectApproximatelyEqual(
        analytic.scalars[i], numeric, absoluteTolerance: 2e-3, relativeTolerance: 0.02,
        "W entry \(i)")
    }
  }

  /// A discriminator step lowers the loss it is taken on (small rate).
  @Test func discriminatorStepDescends() throws {
    let d = 4
    var options = AdversarialOptions()
    options.disHidden = 8
    options.disInputDropout = 0
    var g = SeededGenerator(seed: 25)
    var network = try Network(options.discriminatorArchitecture, inputShape: [d], generator: &g)
    let batch = Self.batch(d, w: randomMatrix(d, d, seed: 26, unit: false))
    var sgd = SGD(learningRate: 0.05)
    // Without dropout the step's forward pass is the inference one: its count
    // of right rows is that of the logits before the step.
    var before = network
    let logits = before.forward(batch.inputs, training: false).scalars
    let right = (0..<6).filter { (logits[$0] >= 0) == ($0 < 3) }.count
    let first = discriminatorStep(&network, batch: batch, smoothing: 0.1, optimizer: &sgd, clip: 0)
    let second = discriminatorStep(&network, batch: batch, smoothing: 0.1, optimizer: &sgd, clip: 0)
    #expect(second.loss < first.loss)
    #expect(first.correct == right, "logits \(logits)")
  }

  /// --dis-clip-weights: a clipped step equals the unclipped step with every
  /// parameter clamped to [−c, c] afterwards, and the clamp takes effect.
  @Test func clippedStepIsTheClampedUnclippedStep() throws {
    let d = 4
    var options = AdversarialOptions()
    options.disHidden = 8
    options.disInputDropout = 0
    var g = SeededGenerator(seed: 27)
    var clipped = try Network(options.discriminatorArchitecture, inputShape: [d], generator: &g)
    var plain = clipped
    let batch = Self.batch(d, w: randomMatrix(d, d, seed: 28, unit: false))
    var sgd = SGD(learningRate: 0.05)
    _ = discriminatorStep(&clipped, batch: batch, smoothing: 0.1, optimizer: &sgd, clip: 0.2)
    _ = discriminatorStep(&plain, batch: batch, smoothing: 0.1, optimizer: &sgd, clip: 0)
    var expected = [[Float]](), got = [[Float]]()
    plain.updateParameters { _, p in
      expected.append(p.value.scalars.map { min(0.2, max(-0.2, $0)) })
    }
    clipped.updateParameters { _, p in got.append(p.value.scalars) }
    #expect(got == expected)
    #expect(got.joined().contains { abs($0) == 0.2 })
    #expect(got.joined().contains { abs($0) < 0.2 && $0 != 0 })
  }
}
