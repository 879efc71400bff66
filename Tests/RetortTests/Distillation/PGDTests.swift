import Foundation
import RetortTestSupport
import Testing

@testable import Retort

/// Rows of uniform features in [0, scale).
private func uniformRows(_ n: Int, _ d: Int, seed: UInt64, scale: Double = 1) -> FloatTensor {
  var g = SeededGenerator(seed: seed)
  return FloatTensor(shape: [n, d], scalars: (0..<n * d).map { _ in Float(g.uniform() * scale) })
}

/// A target ≠ label for each row.
private func otherClasses(_ labels: [Int64], classes c: Int, seed: UInt64) -> [Int64] {
  var g = SeededGenerator(seed: seed)
  return labels.map { y in Int64((Int(y) + 1 + g.index(below: c - 1)) % c) }
}

private func text(_ values: [some Numeric]) -> String {
  values.map { "\($0)" }.joined(separator: " ")
}

@Suite("Projected gradient descent") struct PGDTests {
  /// One step from x on z = xW + b, for each norm, loss and goal, against
  /// numpy's closed form. ∂z/∂x = Wᵀ, so ∇ₓL = (∂L/∂z)·Wᵀ with ∂L/∂z
  /// = (softmax(z/T) − e_y)/T (untargeted CE), −(softmax(z/T) − e_t)/T
  /// (targeted CE); for the margin, L = −m: untargeted m = z_y − z_b gives
  /// e_b − e_y, targeted m = z_b − z_t gives e_t − e_b, b the best other class.
  @Test func oneStepMatchesLinearClosedForm() throws {
    let (n, d, c) = (40, 6, 3)
    let net = try linearNetwork(inputs: d, classes: c, seed: 21)
    let x = uniformRows(n, d, seed: 22)
    let predicted = SoftTargets.argmax(net.predict(x))
    var g = SeededGenerator(seed: 23)
    // Even rows correctly labelled (attacked), odd rows at random.
    let labels = (0..<n).map { Int64($0 % 2 == 0 ? predicted[$0] : g.index(below: c)) }
    let targets = otherClasses(labels, classes: c, seed: 24)
    let configs: [(PGDOptions.Norm, PGDOptions.Loss, Bool, Float?)] = [
      (.inf, .ce, false, nil), (.inf, .ce, false, 0.04), (.inf, .ce, true, nil),
      (.l2, .ce, false, nil), (.l2, .ce, false, 0.05), (.l2, .ce, true, 0.05),
      (.inf, .margin, false, nil), (.inf, .margin, true, 0.04),
      (.l2, .margin, false, 0.05), (.l2, .margin, true, nil),
    ]
    let epsilons: [Float] = [0.1, 0.3]
    var ours = [Float]()
    var attacked = [Bool]()
    for (norm, loss, targeted, step) in configs {
      let options = PGDOptions(
        epsilon: 1, norm: norm, step: step, steps: 1, loss: loss, temperature: 2)
      let outcomes = try PGD.attack(
        net, x: x, labels: labels, goal: targeted ? .targeted(targets) : .untargeted,
        epsilons: epsilons, options: options, seed: 1)
      for o in outcomes { ours += o.adversarial.scalars }
      attacked = outcomes[0].attacked
    }
    let pythonConfigs = configs.map { norm, loss, targeted, step in
      "('\(norm.rawValue)', '\(loss.rawValue)', \(targeted ? "True" : "False"), "
        + "\(step.map { "\($0)" } ?? "None"))"
    }.joined(separator: ", ")
    let (w, b) = weights(net)
    let ref = numbers(
      try runPython(
        """
        import sys, numpy as np
        n, d, c, T = \(n), \(d), \(c), 2.0
        lines = sys.stdin.read().split('\\n')
        x, W = (np.array(lines[i].split(), float) for i in (0, 3))
        y, t = (np.array(lines[i].split(), int) for i in (1, 2))
        x = x.reshape(n, d); W = W.reshape(d, c); b = np.array(lines[4].split(), float)
        z = x @ W + b
        attacked = z.argmax(1) == y
        print(' '.join('1' if a else '0' for a in attacked))
        rows = np.arange(n)
        for norm, loss, targeted, step in [\(pythonConfigs)]:
            a = t if targeted else y
            if loss == 'ce':
                s = z / T
                p = np.exp(s - s.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)
                dz = p.copy(); dz[rows, a] -= 1; dz /= T
                if targeted: dz = -dz
            else:
                masked = z.copy(); masked[rows, a] = -np.inf
                best = masked.argmax(1)
                dz = np.zeros_like(z)
                sign = -1 if targeted else 1
                dz[rows, best] += sign; dz[rows, a] -= sign
            grad = dz @ W.T
            for eps in (0.1, 0.3):
                alpha = 2.5 * eps if step is None else step
                if norm == 'inf':
                    adv = np.clip(x + alpha * np.sign(grad), x - eps, x + eps)
                else:
                    length = np.linalg.norm(grad, axis=1, keepdims=True)
                    adv = x + alpha * grad / length
                    delta = adv - x
                    adv = x + delta * np.minimum(1, eps / np.linalg.norm(delta, axis=1))[:, None]
                adv = np.clip(adv, 0, 1)
                adv[~attacked] = x[~attacked]
                print(' '.join(map(repr, adv.ravel().tolist())))
        """,
        input: [text(x.scalars), text(labels), text(targets), text(w), text(b)]
          .joined(separator: "\n")))
    #expect(ref.count == n + configs.count * epsilons.count * n * d)
    #expect(attacked == ref.prefix(n).map { $0 == 1 })
    #expect(attacked.filter { $0 }.count >= n / 2)
    // numpy works in float64: equal up to float32 rounding.
    expectApproximatelyEqual(ours, ref.dropFirst(n), absoluteTolerance: 1e-6)
  }

  /// The L2 projection scales δ by min(1, ε/‖δ‖₂), then clips; as numpy does.
  @Test func l2ProjectionMatchesNumpy() throws {
    let (n, d) = (30, 8)
    let eps: Float = 0.5
    let x = uniformRows(n, d, seed: 31)
    var g = SeededGenerator(seed: 32)
    var moved = x
    for r in 0..<n {
      let v = (0..<d).map { _ in g.normal() }
      let length = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      let target = Double(eps) * (0.2 + 2.8 * Double(r) / Double(n - 1))
      for j in 0..<d { moved.scalars[r * d + j] += Float(target * v[j] / length) }
    }
    var free = moved.scalars, clipped = moved.scalars
    var outside = 0
    for r in 0..<n {
      let o = r * d
      let length = zip(moved.row(r), x.row(r)).reduce(0.0) {
        $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1)
      }.squareRoot()
      if length > Double(eps) { outside += 1 }
      x.scalars.withUnsafeBufferPointer { x in
        free.withUnsafeMutableBufferPointer { row in
          PGD.project(
            row.baseAddress! + o, around: x.baseAddress! + o, count: d, norm: .l2, epsilon: eps,
            clip: nil)
        }
        clipped.withUnsafeMutableBufferPointer { row in
          PGD.project(
            row.baseAddress! + o, around: x.baseAddress! + o, count: d, norm: .l2, epsilon: eps,
            clip: 0...1)
        }
      }
    }
    #expect(outside > 5 && outside < n - 5)
    let ref = numbers(
      try runPython(
        """
        import sys, numpy as np
        lines = sys.stdin.read().split('\\n')
        x, moved = (np.array(l.split(), float).reshape(\(n), \(d)) for l in lines)
        delta = moved - x
        scale = np.minimum(1, \(eps) / np.linalg.norm(delta, axis=1))
        p = x + delta * scale[:, None]
        print(' '.join(map(repr, p.ravel().tolist() + np.clip(p, 0, 1).ravel().tolist())))
        """,
        input: text(x.scalars) + "\n" + text(moved.scalars)))
    #expect(ref.count == 2 * n * d)
    expectApproximatelyEqual(free + clipped, ref, absoluteTolerance: 1e-6)
  }

  /// Many steps on a linear model: within the ball and the feature range,
  /// success growing with ε, and a targeted margin attack with the whole cube
  /// allowed reaching most targets.
  @Test func multiStepStaysInBallAndSucceedsMoreWithEpsilon() throws {
    let (n, d, c) = (100, 20, 4)
    let net = try linearNetwork(inputs: d, classes: c, seed: 41)
    let x = uniformRows(n, d, seed: 42)
    let labels = SoftTargets.argmax(net.predict(x)).map(Int64.init)
    let epsilons: [Float] = [0.05, 0.1, 0.15, 0.2, 0.3]
    for norm in PGDOptions.Norm.allCases {
      let options = PGDOptions(epsilon: 1, norm: norm, steps: 20, randomStart: true)
      let outcomes = try PGD.attack(
        net, x: x, labels: labels, goal: .untargeted, epsilons: epsilons, options: options,
        seed: 43, blockRows: 32)
      var rates = [Double]()
      for (eps, outcome) in zip(epsilons, outcomes) {
        let norms = PerturbationNorms(original: x, adversarial: outcome.adversarial)
        let size = norm == .inf ? norms.linf : norms.l2
        #expect(size.allSatisfy { $0 <= Double(eps) + 1e-6 }, "\(norm) ε=\(eps)")
        #expect(outcome.adversarial.scalars.allSatisfy { (0...1).contains($0) })
        #expect(outcome.attacked.allSatisfy { $0 })
        rates.append(AttackStatistics(original: x, outcome: outcome).successRate)
      }
      // Measured: L∞ 0.54, 0.78, 0.92, 0.98, 1; L2 0.09, 0.29, 0.46, 0.55, 0.67.
      #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 <= $1 }, "\(norm): \(rates)")
      #expect(rates.last! > rates.first!, "\(norm): \(rates)")
    }
    let targets = otherClasses(labels, classes: c, seed: 44)
    let options = PGDOptions(epsilon: 1, steps: 40, loss: .margin)
    let outcome = try PGD.attack(
      net, x: x, labels: labels, goal: .targeted(targets), options: options, seed: 45)
    let predicted = SoftTargets.argmax(net.predict(outcome.adversarial))
    let reachedRows = (0..<n).map { predicted[$0] == Int(targets[$0]) }
    #expect(outcome.succeeded == reachedRows)
    let reached = reachedRows.filter { $0 }.count
    // Every target is reachable: a linear program (scipy's linprog, run once
    // by hand on these weights) finds for each class a point of [0, 1]^20 where
    // its logit exceeds every other by at least 4.17. ε = 1 with clipping to
    // [0, 1] allows the whole cube, and 40 sign steps of 1/16 can cross it 2.5
    // times; all 100 rows reach their target (measured).
    #expect(reached == n)
  }

  /// Random starts: fixed by the seed, changed by another seed, and a shard
  /// of rows 5..<10 with streams 5..<10 gives those rows of the whole run.
  @Test func randomStartIsSeededPerRow() throws {
    let (n, d, c) = (10, 6, 3)
    let net = try linearNetwork(inputs: d, classes: c, seed: 51)
    let x = uniformRows(n, d, seed: 52)
    let predicted = SoftTargets.argmax(net.predict(x))
    var g = SeededGenerator(seed: 53)
    let labels = (0..<n).map { Int64($0 % 3 == 2 ? g.index(below: c) : predicted[$0]) }
    let targets = otherClasses(labels, classes: c, seed: 54)
    for norm in PGDOptions.Norm.allCases {
      for goal in [AttackGoal.untargeted, .targeted(targets)] {
        let options = PGDOptions(
          epsilon: 1, norm: norm, step: 0.02, steps: 3, randomStart: true)
        func run(_ rows: Range<Int>, seed: UInt64) throws -> [AttackOutcome] {
          try PGD.attack(
            net, x: x.rows(rows), labels: Array(labels[rows]), goal: goal.rows(Array(rows)),
            epsilons: [0.1, 0.4], options: options, seed: seed, streams: Array(rows),
            blockRows: 5)
        }
        let a = try run(0..<n, seed: 7), b = try run(0..<n, seed: 7)
        let other = try run(0..<n, seed: 8)
        let shard = try run(5..<n, seed: 7)
        for k in 0..<2 {
          #expect(a[k].adversarial.scalars == b[k].adversarial.scalars)
          #expect(a[k].adversarial.scalars != other[k].adversarial.scalars)
          #expect(shard[k].adversarial.scalars == a[k].adversarial.rows(5..<n).scalars)
          #expect(shard[k].succeeded == Array(a[k].succeeded[5...]))
        }
      }
    }
  }

  /// δ₀ lies in the ball; for L2 its radius is distributed as ε·u^(1/d), whose
  /// mean is ε·d/(d + 1).
  @Test func randomStartFillsTheBall() {
    let (d, draws) = (5, 4000)
    let eps: Float = 0.5
    var g = SeededGenerator(seed: 61)
    var radii = [Double]()
    for _ in 0..<draws {
      let inf = PGD.randomStart(width: d, norm: .inf, epsilon: eps, generator: &g)
      #expect(inf.allSatisfy { abs($0) <= eps })
      let l2 = PGD.randomStart(width: d, norm: .l2, epsilon: eps, generator: &g)
      radii.append(l2.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot())
    }
    #expect(radii.allSatisfy { $0 <= Double(eps) * (1 + 1e-6) })
    // The radius has standard deviation ε·√(d/(d+2) − (d/(d+1))²) ≈ 0.141ε; the
    // mean of 4000 is within 4 standard errors (0.009ε) of ε·5/6.
    let mean = radii.reduce(0, +) / Double(draws)
    expectApproximatelyEqual(mean, Double(eps) * 5 / 6, absoluteTolerance: 0.009 * Double(eps))
  }

  @Test func badSettingsAreUsageErrors() throws {
    let net = try linearNetwork(inputs: 4, classes: 3, seed: 71)
    let x = uniformRows(6, 4, seed: 72)
    let labels = SoftTargets.argmax(net.predict(x)).map(Int64.init)
    func attack(
      _ options: PGDOptions, epsilons: [Float] = [0.1], goal: AttackGoal = .untargeted,
      labels: [Int64]? = nil
    ) throws {
      _ = try PGD.attack(
        net, x: x, labels: labels ?? SoftTargets.argmax(net.predict(x)).map(Int64.init),
        goal: goal, epsilons: epsilons, options: options, seed: 1)
    }
    let ok = PGDOptions(epsilon: 0.1)
    for eps: Float in [0, -0.1, .infinity, .nan] {
      expectError(.usage, quantity: "epsilon") { try attack(ok, epsilons: [0.1, eps]) }
    }
    expectError(.usage, quantity: "epsilon") {
      _ = try PGD.attack(
        net, x: x, labels: labels, goal: .untargeted, options: PGDOptions(epsilon: 0), seed: 1)
    }
    expectError(.usage, quantity: "steps") { try attack(PGDOptions(epsilon: 0.1, steps: 0)) }
    expectError(.usage, quantity: "step") { try attack(PGDOptions(epsilon: 0.1, step: 0)) }
    expectError(.usage, quantity: "temperature") {
      try attack(PGDOptions(epsilon: 0.1, temperature: 0))
    }
    var targets = otherClasses(labels, classes: 3, seed: 73)
    targets[4] = labels[4]
    expectError(.usage, row: 4, quantity: "target") { try attack(ok, goal: .targeted(targets)) }
    targets[4] = 3
    expectError(.usage, row: 4, quantity: "target") { try attack(ok, goal: .targeted(targets)) }
    expectError(.data, dataset: "labels") { try attack(ok, labels: Array(labels.prefix(5))) }
  }
}
