import Foundation
import RetortTestSupport
import Testing

@testable import Retort

/// Uniform rows in lo...hi.
private func uniformRows(_ n: Int, _ d: Int, _ range: ClosedRange<Double>, seed: UInt64)
  -> FloatTensor
{
  var g = SeededGenerator(seed: seed)
  let span = range.upperBound - range.lowerBound
  return FloatTensor(
    shape: [n, d], scalars: (0..<n * d).map { _ in Float(range.lowerBound + span * g.uniform()) })
}

private func line<T>(_ values: [T]) -> String { values.map { "\($0)" }.joined(separator: " ") }

@Suite("Carlini–Wagner L2 attack") struct CarliniWagnerTests {
  /// The objective and its gradient with respect to w against numpy on
  /// z = x'W + b: the loss in float64 and the gradient by central differences
  /// of that loss (h = 1e-6), for both goals, with κ chosen so that some rows
  /// have m > −κ and others sit on the clamped branch.
  @Test func objectiveAndGradientMatchNumpy() throws {
    let (n, d, c) = (12, 6, 4)
    var net = try linearNetwork(inputs: d, classes: c, seed: 21)
    let (weightsW, biases) = weights(net)
    var g = SeededGenerator(seed: 22)
    let clip: ClosedRange<Float> = -1...2
    let x = uniformRows(n, d, -0.8...1.8, seed: 23)
    let w = FloatTensor(shape: [n, d], scalars: (0..<n * d).map { _ in Float(g.normal()) })
    let labels = (0..<n).map { _ in Int64(g.index(below: c)) }
    let targets = labels.map { ($0 + 1 + Int64(g.index(below: c - 1))) % Int64(c) }
    let consts = (0..<n).map { _ in Float(0.1 + 2 * g.uniform()) }
    let kappa: Float = 0.5
    let options = CarliniWagnerOptions(confidence: kappa, clip: clip)
    for (name, goal, anchors) in [
      ("untargeted", AttackGoal.untargeted, labels), ("targeted", .targeted(targets), targets),
    ] {
      let ours = CarliniWagner.objective(
        &net, w: w, original: x, labels: labels, goal: goal, const: consts, options: options)
      let ref = numbers(
        try runPython(
          """
          import sys, numpy as np
          L = [np.array(s.split(), np.float64) for s in sys.stdin.read().split('\\n')]
          x, w = L[0].reshape(\(n), \(d)), L[1].reshape(\(n), \(d))
          W, b = L[2].reshape(\(d), \(c)), L[3]
          anchor, const = L[4].astype(int), L[5]
          targeted, kappa, lo, hi = \(name == "targeted" ? "True" : "False"), \(kappa), \
          \(clip.lowerBound), \(clip.upperBound)
          def parts(r, v):
              xp = lo + (hi - lo) * (np.tanh(v) + 1) / 2
              z = xp @ W + b
              other = np.max(np.delete(z, anchor[r]))
              m = other - z[anchor[r]] if targeted else z[anchor[r]] - other
              return np.sum((xp - x[r]) ** 2) + const[r] * max(m, -kappa), m
          loss, margin, grad = [], [], []
          h = 1e-6
          for r in range(\(n)):
              f, m = parts(r, w[r]); loss.append(f); margin.append(m)
              for i in range(\(d)):
                  e = np.zeros(\(d)); e[i] = h
                  grad.append((parts(r, w[r] + e)[0] - parts(r, w[r] - e)[0]) / (2 * h))
          print(' '.join(repr(float(v)) for v in loss + margin + grad))
          """,
          input: [
            line(x.scalars), line(w.scalars), line(weightsW), line(biases), line(anchors),
            line(consts),
          ].joined(separator: "\n")))
      #expect(ref.count == 2 * n + n * d)
      guard ref.count == 2 * n + n * d else { continue }
      let margins = Array(ref[n..<2 * n])
      // Both branches of max(m, −κ) are exercised, none within 1e-3 of the kink.
      #expect(margins.contains { $0 > Double(-kappa) + 1e-3 }, "\(name)")
      #expect(margins.contains { $0 < Double(-kappa) - 1e-3 }, "\(name)")
      #expect(margins.allSatisfy { abs($0 + Double(kappa)) > 1e-3 }, "\(name)")
      // float32 against float64, values up to ~10 (gradients up to ~6):
      // measured worst differences 1.5e-6 (loss), 5.6e-7 (margin) and 5.9e-7
      // (gradient; the finite differences themselves are good to ~1e-9).
      expectApproximatelyEqual(
        ours.loss, ref[0..<n], absoluteTolerance: 5e-6, relativeTolerance: 1e-6, name)
      expectApproximatelyEqual(ours.margin, margins, absoluteTolerance: 3e-6, name)
      expectApproximatelyEqual(
        ours.gradient.scalars, ref[(2 * n)...], absoluteTolerance: 3e-6, relativeTolerance: 1e-6,
        name)
      let distances = (0..<n).map { r in
        zip(ours.adversarial.row(r), x.row(r)).reduce(0.0) {
          $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1))
        }
      }
      expectApproximatelyEqual(ours.distance, distances, relativeTolerance: 1e-6, name)
      #expect(ours.adversarial.scalars.allSatisfy { clip.contains($0) })
    }
  }

  /// Two classes, z = xW + b: the smallest L2 change that flips the class is
  /// the distance |z_y − z_o|/‖W_o − W_y‖ to the hyperplane, when the foot of
  /// the perpendicular stays in the box (numpy). C&W can never land below it
  /// (up to float32 rounding: ratio ≥ 0.999).
  ///
  /// How far above is set by Adam's step, which is about lr per coordinate of
  /// w whatever the gradient's size, i.e. up to lr·(hi − lo)/2 per feature of
  /// x': the closest x' kept past the boundary is within about one step of it.
  /// Measured (16 rows, 5 features): with lr = 1e-3 the worst ratio is 1.0009,
  /// so 1% is asserted; with the paper's lr = 1e-2 it is 1.005 on rows at
  /// distance ≥ 0.03 and 1.03 at 0.016, but 1.86 on a row at distance 0.0058,
  /// where the first step (L2 ≈ 0.005·√5 = 0.011) overshoots the boundary. So
  /// with lr = 1e-2 a row passes within 5% or within one step's L2 of the
  /// distance.
  @Test func twoClassesFindTheDistanceToTheHyperplane() throws {
    let (n, d) = (16, 5)
    let net = try linearNetwork(inputs: d, classes: 2, seed: 31)
    let (weightsW, biases) = weights(net)
    let x = uniformRows(n, d, 0.3...0.7, seed: 32)
    let labels = SoftTargets.argmax(net.predict(x)).map(Int64.init)
    let ref = numbers(
      try runPython(
        """
        import sys, numpy as np
        L = [np.array(s.split(), np.float64) for s in sys.stdin.read().split('\\n')]
        x, W, b, y = L[0].reshape(\(n), \(d)), L[1].reshape(\(d), 2), L[2], L[3].astype(int)
        out = []
        for r in range(\(n)):
            a = W[:, 1 - y[r]] - W[:, y[r]]
            gap = x[r] @ a + b[1 - y[r]] - b[y[r]]        # z_o - z_y < 0
            foot = x[r] - gap / (a @ a) * a
            out += [abs(gap) / np.linalg.norm(a), float(np.all((foot >= 0) & (foot <= 1)))]
        print(' '.join(repr(float(v)) for v in out))
        """,
        input: [line(x.scalars), line(weightsW), line(biases), line(labels)].joined(
          separator: "\n")))
    #expect(ref.count == 2 * n)
    guard ref.count == 2 * n else { return }
    let inBox = (0..<n).filter { ref[2 * $0 + 1] == 1 }
    #expect(inBox.count >= n / 2)
    for lr: Float in [1e-3, 1e-2] {
      let outcome = try CarliniWagner.attack(
        net, x: x, labels: labels, goal: .untargeted, options: .init(learningRate: lr))
      #expect(outcome.attacked.allSatisfy { $0 })
      #expect(outcome.succeeded.allSatisfy { $0 })
      let l2 = PerturbationNorms(original: x, adversarial: outcome.adversarial).l2
      let step = Double(lr) / 2 * Double(d).squareRoot()
      var worst = 0.0
      for r in inBox {
        let (found, best) = (l2[r], ref[2 * r])
        worst = max(worst, found / best)
        #expect(found >= 0.999 * best, "lr \(lr) row \(r): \(found) vs \(best)")
        if lr < 5e-3 {
          #expect(found <= 1.01 * best, "lr \(lr) row \(r): \(found) vs \(best)")
        } else {
          #expect(
            found <= 1.05 * best || found <= best + step, "lr \(lr) row \(r): \(found) vs \(best)")
        }
      }
      print("C&W two classes, lr \(lr): worst L2 / distance \(worst) over \(inBox.count) rows")
    }
  }

  /// A random 5-class linear model over 12 features: nearly every attacked row
  /// reaches its goal, x' stays in the box, unattacked rows (labels made wrong
  /// on purpose) and failed rows are unchanged, and with κ = 1 the kept x' of
  /// a targeted row has margin ≤ −1.
  @Test func multiClassRunsSucceedInTheBox() throws {
    let (n, d, c) = (40, 12, 5)
    let net = try linearNetwork(inputs: d, classes: c, seed: 41)
    let x = uniformRows(n, d, 0...1, seed: 42)
    var labels = SoftTargets.argmax(net.predict(x)).map(Int64.init)
    let wrong = Set(stride(from: 3, to: n, by: 7))
    for r in wrong { labels[r] = (labels[r] + 1) % Int64(c) }
    let targets = try TargetedAttempts(
      labels: labels, classes: c, choice: .random, seed: 43
    ).targets
    let runs: [(String, AttackGoal, Float)] = [
      ("untargeted", .untargeted, 0), ("targeted", .targeted(targets), 0),
      ("targeted κ=1", .targeted(targets), 1),
    ]
    for (name, goal, kappa) in runs {
      let options = CarliniWagnerOptions(confidence: kappa)
      let outcome = try CarliniWagner.attack(
        net, x: x, labels: labels, goal: goal, options: options, blockRows: 16)
      let stats = AttackStatistics(original: x, outcome: outcome)
      print("C&W \(name): \(stats.succeeded)/\(stats.attacked), mean L2 \(stats.meanL2)")
      #expect(stats.attacked == n - wrong.count, "\(name)")
      #expect(stats.successRate >= 0.95, "\(name): \(stats.succeeded)/\(stats.attacked)")
      #expect(outcome.adversarial.scalars.allSatisfy { (0...1).contains($0) }, "\(name)")
      let z = net.predict(outcome.adversarial)
      let predicted = SoftTargets.argmax(z)
      for r in 0..<n {
        #expect(outcome.attacked[r] == !wrong.contains(r), "\(name) row \(r)")
        let reached = goal.isReached(predicted[r], row: r, label: labels[r])
        #expect(outcome.succeeded[r] == (outcome.attacked[r] && reached), "\(name) row \(r)")
        if !outcome.succeeded[r] {
          #expect(outcome.adversarial.row(r) == x.row(r), "\(name) row \(r) changed")
        } else {
          let m = LogitMargin(z.row(r), goal: goal, row: r, label: labels[r]).value
          #expect(m <= -kappa + 1e-5, "\(name) row \(r): margin \(m)")
        }
      }
    }
  }

  /// Two runs (over several blocks) give the same bytes.
  @Test func deterministic() throws {
    let (n, d, c) = (20, 8, 3)
    let net = try linearNetwork(inputs: d, classes: c, seed: 51)
    let x = uniformRows(n, d, 0...1, seed: 52)
    let labels = SoftTargets.argmax(net.predict(x)).map(Int64.init)
    let options = CarliniWagnerOptions(binarySteps: 4, maxIterations: 100)
    let runs = try (0..<2).map { _ in
      try CarliniWagner.attack(
        net, x: x, labels: labels, goal: .untargeted, options: options, blockRows: 7)
    }
    #expect(
      runs[0].adversarial.scalars.map(\.bitPattern)
        == runs[1].adversarial.scalars.map(\.bitPattern))
    #expect(runs[0].succeeded == runs[1].succeeded)
    #expect(runs[0].succeeded.contains(true))
  }

  @Test func badInputsAreRefused() throws {
    let net = try linearNetwork(inputs: 3, classes: 3, seed: 61)
    let x = uniformRows(4, 3, 0...1, seed: 62)
    let labels = SoftTargets.argmax(net.predict(x)).map(Int64.init)
    func run(
      _ options: CarliniWagnerOptions = .defaults, goal: AttackGoal = .untargeted,
      labels given: [Int64]? = nil, x other: FloatTensor? = nil
    ) throws {
      _ = try CarliniWagner.attack(
        net, x: other ?? x, labels: given ?? labels, goal: goal, options: options)
    }
    let cases: [(String, CarliniWagnerOptions)] = [
      ("binarySteps", .init(binarySteps: 0)),
      ("maxIterations", .init(maxIterations: 0)),
      ("initialConst", .init(initialConst: 0)),
      ("initialConst", .init(initialConst: -1)),
      ("initialConst", .init(initialConst: .infinity)),
      ("initialConst", .init(initialConst: .nan)),
      ("learningRate", .init(learningRate: 0)),
      ("learningRate", .init(learningRate: -0.1)),
      ("confidence", .init(confidence: -1)),
      ("confidence", .init(confidence: .infinity)),
      ("confidence", .init(confidence: .nan)),
      ("clip", .init(clip: 1...1)),
    ]
    for (quantity, options) in cases {
      expectError(.usage, quantity: quantity) { try run(options) }
    }
    let sameAsLabel = labels.enumerated().map { $0 == 2 ? $1 : ($1 + 1) % 3 }
    expectError(.usage, row: 2, quantity: "target") { try run(goal: .targeted(sameAsLabel)) }
    let outside = labels.enumerated().map { $0 == 1 ? 3 : ($1 + 1) % 3 }
    expectError(.usage, row: 1, quantity: "target") { try run(goal: .targeted(outside)) }
    expectError(.usage, quantity: "target") { try run(goal: .targeted([1])) }
    expectError(.data, dataset: "labels") { try run(labels: Array(labels.prefix(3))) }
    expectError(.data, dataset: "labels", row: 0) { try run(labels: [7] + labels.dropFirst()) }
    var outOfBox = x
    outOfBox.scalars[4] = 1.5
    expectError(.data, dataset: "x", row: 1) { try run(x: outOfBox) }
  }
}
