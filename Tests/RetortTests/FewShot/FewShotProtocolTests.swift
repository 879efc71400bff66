import Foundation
import RetortTestSupport
import Testing

@testable import Retort

/// The parts of the paper's protocol around episodic training: rotation
/// classes, validation with early stopping, and weight decay.
struct FewShotProtocolTests {
  /// Two 1-channel 3×3 images and a 2-channel one's worth of planes, rotated
  /// by each quarter turn: numpy's rot90 on the last two axes gives the same
  /// rows, rotation by rotation, and each rotation is a class of its own.
  @Test func rotationClassesMatchNumpyRot90() throws {
    let x = FloatTensor(shape: [2, 2, 3, 3], scalars: (0..<36).map { Float($0 * $0 % 17) })
    let (rotated, labels) = try RotationClasses.expand(x, labels: [3, 7], count: 4)
    let r = try runPythonReport(
      """
      import numpy as np
      x = (np.arange(36) ** 2 % 17).astype(np.float32).reshape(2, 2, 3, 3)
      out = np.concatenate([np.rot90(x, r, axes=(2, 3)) for r in range(4)])
      report(values=out.ravel().tolist(), labels=[l * 4 + r for r in range(4) for l in (3, 7)])
      """)
    #expect(rotated.shape == [8, 2, 3, 3])
    #expect(rotated.scalars == r.numbers("values").map(Float.init))
    #expect(labels.map(Int.init) == r.integers("labels"))
    #expect(Set(labels).count == 4 * Set([3, 7]).count)
    // [N, H, W] images rotate the same way (by hand: one counterclockwise
    // turn of [[0,1,4],[9,16,8],[2,15,13]]); count 1 is the input itself.
    let flat = FloatTensor(shape: [2, 3, 3], scalars: x.scalars.prefix(18).map { $0 })
    let (once, _) = try RotationClasses.expand(flat, labels: [0, 1], count: 1)
    #expect(once == flat)
    let (plane, _) = try RotationClasses.expand(flat, labels: [0, 1], count: 4)
    #expect(Array(plane.scalars[18..<27]) == [4, 8, 13, 1, 16, 15, 0, 9, 2].map(Float.init))
  }

  @Test func rotationClassesRefuseWhatCannotTurn() {
    let features = FloatTensor(shape: [2, 9], scalars: Array(repeating: 0, count: 18))
    expectError(.data, dataset: "x") {
      _ = try RotationClasses.expand(features, labels: [0, 1], count: 4)
    }
    let oblong = FloatTensor(shape: [1, 2, 3], scalars: Array(repeating: 0, count: 6))
    expectError(.data, dataset: "x") {
      _ = try RotationClasses.expand(oblong, labels: [0], count: 4)
    }
    let square = FloatTensor(shape: [1, 2, 2], scalars: Array(repeating: 0, count: 4))
    expectError(.usage, quantity: "rotations") {
      _ = try RotationClasses.expand(square, labels: [0], count: 3)
    }
    expectError(.data, dataset: "labels") {
      _ = try RotationClasses.expand(square, labels: [-1], count: 4)
    }
  }

  /// A scripted sequence of validation losses: the best is kept, and with
  /// patience 2 training stops at the second point in a row without a new best.
  @Test func earlyStoppingFollowsTheScriptedLosses() throws {
    var rule = try EarlyStopping(measure: .loss, patience: 2)
    let losses = [1.0, 0.8, 0.9, 0.8, 0.7, 0.75, 0.76, 0.6]
    var bests = [Bool]()
    var stoppedAt: Int?
    for (i, loss) in losses.enumerated() {
      bests.append(rule.record(loss: loss, accuracy: 0, episode: (i + 1) * 100))
      if rule.shouldStop {
        stoppedAt = i
        break
      }
    }
    // 0.8 again is no improvement (strictly lower is); 0.7 resets the count.
    #expect(bests == [true, true, false, false])
    #expect(stoppedAt == 3)
    #expect(rule.best?.value == 0.8 && rule.best?.episode == 200)

    var byAccuracy = try EarlyStopping(measure: .accuracy, patience: nil)
    for (i, a) in [0.5, 0.7, 0.6, 0.7, 0.9].enumerated() {
      _ = byAccuracy.record(loss: 9, accuracy: a, episode: i)
      #expect(!byAccuracy.shouldStop)
    }
    #expect(byAccuracy.best?.value == 0.9 && byAccuracy.best?.episode == 4)
    expectError(.usage, quantity: "patience") {
      _ = try EarlyStopping(measure: .loss, patience: 0)
    }
  }

  /// Adam with L2 weight decay λ: g' = g + λθ, and the first step moves each
  /// weight by −η·m̂/(√v̂ + ε) = −η·g'/(|g'| + ε). With λ = 10⁸ the decay
  /// dominates the episode's gradient, so every weight with |θ| > 10⁻³ moves
  /// by exactly −η·sign(θ): the closed form, whatever the episode was.
  @Test func weightDecayStepMatchesTheClosedForm() throws {
    let (x, y) = FewShotTrainingTests.data(classes: 6, firstClass: 0, perClass: 6, seed: 21)
    var g = SeededGenerator(seed: 22)
    var network = try Network(Architecture(parsing: "8-16-4"), inputShape: [8], generator: &g)
    var before = [[Float]]()
    network.updateParameters { _, p in before.append(p.value.scalars) }
    try trainPrototypical(
      network: &network, x: x, labels: y, way: 3, shot: 2, query: 2, episodes: 1,
      learningRate: 0.01, weightDecay: 1e8, generator: &g)
    var checked = 0
    var worst: Float = 0
    network.updateParameters { k, p in
      for (old, new) in zip(before[k], p.value.scalars) where abs(old) > 1e-3 {
        let expected = old - 0.01 * (old > 0 ? 1 : -1)
        worst = max(worst, abs(new - expected))
        checked += 1
      }
    }
    #expect(checked > 100)
    #expect(worst < 1e-6, "largest deviation from θ − η·sign(θ): \(worst)")
  }

  /// With validation the encoder returned is the best one seen: evaluating it
  /// again gives the best loss reported, and patience ends training early.
  @Test func validationKeepsTheBestEncoderAndStops() throws {
    let (x, y) = FewShotTrainingTests.data(classes: 20, firstClass: 0, perClass: 10, seed: 31)
    let (vx, vy) = FewShotTrainingTests.data(classes: 8, firstClass: 500, perClass: 10, seed: 32)
    let episodes = try EpisodeValidation(
      x: vx, labels: vy, way: 5, shot: 2, query: 3, count: 20, seed: 33, distance: .sqeuclidean)
    let validation = try PrototypicalValidation(
      episodes: episodes, every: 5, stopping: EarlyStopping(measure: .loss, patience: 3))
    var g = SeededGenerator(seed: 34)
    var network = try Network(Architecture(parsing: "8-32-8"), inputShape: [8], generator: &g)
    var points = [ValidationReport]()
    let summary = try trainPrototypical(
      network: &network, x: x, labels: y, way: 5, shot: 2, query: 3, episodes: 400,
      learningRate: 0.05, validation: validation, generator: &g,
      onValidation: { points.append($0) })
    let best = try #require(points.filter(\.isBest).min { $0.loss < $1.loss })
    #expect(summary.best?.episodes == best.episodes)
    expectApproximatelyEqual(episodes.evaluate(network).loss, best.loss, absoluteTolerance: 1e-9)
    #expect(points.map(\.episodes) == Array(stride(from: 5, through: summary.episodes, by: 5)))
    if summary.stoppedEarly {
      #expect(points.suffix(3).allSatisfy { !$0.isBest })
      #expect(summary.episodes < 400)
    }
    // At learning rate 0 every point equals the first: it stays the best,
    // and patience 3 ends training at the fourth validation, episode 20.
    var frozen = try Network(Architecture(parsing: "8-32-8"), inputShape: [8], generator: &g)
    let start = frozen
    let stopped = try trainPrototypical(
      network: &frozen, x: x, labels: y, way: 5, shot: 2, query: 3, episodes: 400,
      learningRate: 0, validation: validation, generator: &g)
    #expect(stopped.stoppedEarly && stopped.episodes == 20 && stopped.best?.episodes == 5)
    #expect(episodes.evaluate(frozen).loss == episodes.evaluate(start).loss)
  }
}
