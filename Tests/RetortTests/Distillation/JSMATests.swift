import Foundation
import RetortTestSupport
import Testing

@testable import Retort

@Suite("JSMA on the softmax outputs, and attack targets") struct JSMATests {
  /// ∂F_t/∂z and Σ_{j≠t} ∂F_j/∂z against numpy's full softmax Jacobian
  /// J[j, k] = F_j(δ_jk − F_k)/T, in float64.
  @Test func softmaxJacobianRowsMatchNumpy() throws {
    let (b, c) = (6, 5)
    var g = SeededGenerator(seed: 31)
    let z = FloatTensor(shape: [b, c], scalars: (0..<b * c).map { _ in Float(3 * g.normal()) })
    let targets: [Int64] = [0, 4, 2, 1, 3, 2]
    for t: Float in [1, 2.5] {
      let (alpha, beta) = JSMA.outputGradients(z, targets: targets, on: .probs, temperature: t)
      let ref = numbers(
        try runPython(
          """
          import sys, numpy as np
          v = np.array(sys.stdin.read().split(), np.float64)
          z = v[:\(b * c)].reshape(\(b), \(c)) / \(t); t = v[\(b * c):].astype(int)
          F = np.exp(z - z.max(1, keepdims=True)); F /= F.sum(1, keepdims=True)
          out = []
          for r in range(\(b)):
              J = (np.diag(F[r]) - np.outer(F[r], F[r])) / \(t)
              out.append(np.concatenate([J[t[r]], J.sum(0) - J[t[r]]]))
          print(' '.join(map(repr, np.concatenate(out).tolist())))
          """,
          input: (z.scalars.map { "\($0)" } + targets.map { "\($0)" }).joined(separator: " ")))
      var ours = [Float]()
      for r in 0..<b { ours += Array(alpha.row(r)) + Array(beta.row(r)) }
      expectApproximatelyEqual(ours, ref, absoluteTolerance: 1e-6, "T=\(t)")
    }
  }

  /// One step of JSMA on the softmax outputs of a linear model changes the
  /// pair that numpy's brute force over α = J_t·Wᵀ, β = Σ_{j≠t} J_j·Wᵀ picks.
  @Test func probsPairChoiceMatchesNumpyBruteForce() throws {
    let (n, d, c) = (8, 12, 4)
    let net = try linearNetwork(inputs: d, classes: c, seed: 32)
    var g = SeededGenerator(seed: 33)
    let x = FloatTensor(shape: [n, d], scalars: (0..<n * d).map { _ in Float(g.uniform() * 0.5) })
    let labels = SoftTargets.argmax(net.predict(x)).map(Int64.init)
    let targets = try TargetedAttempts(labels: labels, classes: c, choice: .random, seed: 34)
      .targets
    // γ·d = 2 features: one pair, then the budget is spent.
    let outcome = JSMA.attack(
      net, x: x, labels: labels, targets: targets, on: .probs, gamma: 2 / Float(d))
    let (w, bias) = weights(net)
    let ref = numbers(
      try runPython(
        """
        import sys, numpy as np
        v = np.array(sys.stdin.read().split(), np.float64)
        x = v[:\(n * d)].reshape(\(n), \(d)); t = v[\(n * d):\(n * d + n)].astype(int)
        W = v[\(n * d + n):\(n * d + n + d * c)].reshape(\(d), \(c)); b = v[\(n * d + n + d * c):]
        z = x @ W + b
        F = np.exp(z - z.max(1, keepdims=True)); F /= F.sum(1, keepdims=True)
        for r in range(\(n)):
            J = np.diag(F[r]) - np.outer(F[r], F[r])
            a = J[t[r]] @ W.T; be = (J.sum(0) - J[t[r]]) @ W.T
            best, pair = 0.0, (-1, -1)
            for p in range(\(d)):
                for q in range(p + 1, \(d)):
                    s, u = a[p] + a[q], be[p] + be[q]
                    if s > 0 and u < 0 and -s * u > best:
                        best, pair = -s * u, (p, q)
            print(pair[0], pair[1])
        """,
        input: [x.scalars.map { "\($0)" }, targets.map { "\($0)" }, w.map { "\($0)" },
          bias.map { "\($0)" }].map { $0.joined(separator: " ") }.joined(separator: "\n")))
    #expect(ref.count == 2 * n)
    for r in 0..<n {
      let changed = (0..<d).filter { x[r, $0] != outcome.adversarial[r, $0] }
      #expect(changed == [Int(ref[2 * r]), Int(ref[2 * r + 1])], "row \(r)")
      for i in changed { #expect(outcome.adversarial[r, i] == min(x[r, i] + 1, 1)) }
    }
  }

  /// A saturated softmax (logits scaled by 1000, as a network distilled at a
  /// high temperature has when deployed at T = 1): ∂F/∂x underflows to 0 in
  /// float32, JSMA on the outputs changes nothing, JSMA on the logits still
  /// succeeds.
  @Test func saturatedSoftmaxDefeatsProbsButNotLogits() throws {
    let (n, d, c) = (20, 30, 3)
    var net = try linearNetwork(inputs: d, classes: c, seed: 10)
    net.updateParameters { _, p in
      for i in p.value.scalars.indices { p.value.scalars[i] *= 1000 }
    }
    var g = SeededGenerator(seed: 11)
    let x = FloatTensor(shape: [n, d], scalars: (0..<n * d).map { _ in Float(g.uniform() * 0.5) })
    let labels = SoftTargets.argmax(net.predict(x)).map(Int64.init)
    let targets = try TargetedAttempts(labels: labels, classes: c, choice: .random, seed: 12)
      .targets
    let probs = JSMA.attack(net, x: x, labels: labels, targets: targets, on: .probs, gamma: 0.4)
    let logits = JSMA.attack(net, x: x, labels: labels, targets: targets, on: .logits, gamma: 0.4)
    #expect(probs.attacked.filter { $0 }.count == n)
    #expect(probs.succeeded.filter { $0 }.count == 0)
    #expect(probs.adversarial.scalars == x.scalars)
    // Unsaturated, the same rows fall to the logit attack (16 of 20 here).
    #expect(logits.succeeded.filter { $0 }.count > n / 2)
  }

  /// Labels (0, 2, 1) among 3 classes, counted by hand.
  @Test func targetAttemptsByHand() throws {
    let labels: [Int64] = [0, 2, 1]
    let all = try TargetedAttempts(labels: labels, classes: 3, choice: .all, seed: 1)
    #expect(all == TargetedAttempts(rows: [0, 0, 1, 1, 2, 2], targets: [1, 2, 0, 1, 0, 2]))
    let fixed = try TargetedAttempts(labels: labels, classes: 3, choice: .fixed(1), seed: 1)
    #expect(fixed == TargetedAttempts(rows: [0, 1], targets: [1, 1]))
    let random = try TargetedAttempts(labels: labels, classes: 3, choice: .random, seed: 5)
    #expect(random.rows == [0, 1, 2])
    #expect(zip(random.targets, labels).allSatisfy { $0 != $1 && (0..<3).contains($0) })
    // A shard starting at row 1 draws what one run draws for its rows.
    let shard = try TargetedAttempts(
      labels: Array(labels[1...]), classes: 3, choice: .random, seed: 5, firstRow: 1)
    #expect(shard.targets == Array(random.targets[1...]))
  }

  @Test func badTargets() {
    expectError(.usage, quantity: "target") {
      _ = try TargetedAttempts(labels: [0, 1], classes: 3, choice: .fixed(3), seed: 1)
    }
    expectError(.usage, quantity: "target") {
      _ = try TargetedAttempts(labels: [0], classes: 1, choice: .random, seed: 1)
    }
  }
}
