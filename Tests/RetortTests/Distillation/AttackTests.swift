import Foundation
import RetortTestSupport
import Testing

@testable import Retort

/// A one-layer network z = x·W + b with given weights, for closed forms.
func linearNetwork(inputs: Int, classes: Int, seed: UInt64) throws -> Network {
  var g = SeededGenerator(seed: seed)
  var net = try Network(
    Architecture(parsing: "\(inputs)-\(classes)"), inputShape: [inputs], generator: &g)
  net.updateParameters { _, p in
    for i in p.value.scalars.indices { p.value.scalars[i] = Float(g.normal()) }
  }
  return net
}

func weights(_ net: Network) -> (w: [Float], b: [Float]) {
  var w = [Float](), b = [Float]()
  var n = net
  n.updateParameters { k, p in if k == 0 { w = p.value.scalars } else { b = p.value.scalars } }
  return (w, b)
}

@Suite("Adversarial attacks") struct AttackTests {
  /// FGSM on z = xW + b: ∇ₓCE = (softmax(z/T) − onehot(y))·Wᵀ/T, in numpy.
  @Test func fgsmMatchesLinearClosedForm() throws {
    let (n, d, c) = (40, 6, 3)
    let net = try linearNetwork(inputs: d, classes: c, seed: 7)
    var g = SeededGenerator(seed: 8)
    let x = FloatTensor(shape: [n, d], scalars: (0..<n * d).map { _ in Float(g.uniform()) })
    let labels = (0..<n).map { _ in Int64(g.index(below: c)) }
    let result = FGSM.attack(net, x: x, labels: labels, epsilons: [0.1, 0.3], temperature: 2)
    let (w, b) = weights(net)
    let ref = numbers(
      try runPython(
        """
        import sys, numpy as np
        v = np.array(sys.stdin.read().split(), float)
        x = v[:\(n * d)].reshape(\(n), \(d)); y = v[\(n * d):\(n * d + n)].astype(int)
        W = v[\(n * d + n):\(n * d + n + d * c)].reshape(\(d), \(c)); b = v[\(n * d + n + d * c):]
        z = (x @ W + b) / 2; p = np.exp(z - z.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)
        p[np.arange(\(n)), y] -= 1
        s = np.sign(p @ W.T)
        for eps in (0.1, 0.3):
            print(' '.join(map(repr, np.clip(x + eps * s, 0, 1).ravel().tolist())))
        """,
        input: [
          x.scalars.map { "\($0)" }, labels.map { "\($0)" }, w.map { "\($0)" }, b.map { "\($0)" },
        ]
        .map { $0.joined(separator: " ") }.joined(separator: "\n")))
    #expect(ref.count == 2 * n * d)
    let ours = result[0].adversarial.scalars + result[1].adversarial.scalars
    // numpy adds in float64: equal up to float32 rounding.
    expectApproximatelyEqual(ours, ref, absoluteTolerance: 1e-6)
    let rates = result.map { AttackStatistics(original: x, outcome: $0).successRate }
    #expect(rates[1] >= rates[0])
  }

  @Test func bestPairMatchesBruteForce() throws {
    var g = SeededGenerator(seed: 9)
    for _ in 0..<20 {
      let n = 30
      let a = (0..<n).map { _ in Float(g.normal()) }
      let b = (0..<n).map { _ in Float(g.normal()) }
      let domain = (0..<n).map { _ in g.uniform() < 0.8 }
      let pair = JSMA.bestPair(a: a, b: b, domain: domain)
      var best: Float = 0
      var expected: (Int, Int)? = nil
      for p in 0..<n where domain[p] {
        for q in (p + 1)..<n where domain[q] {
          let s = a[p] + a[q], t = b[p] + b[q]
          if s > 0, t < 0, -s * t > best {
            best = -s * t
            expected = (p, q)
          }
        }
      }
      #expect(pair?.0 == expected?.0 && pair?.1 == expected?.1)
    }
  }

  @Test func jsmaReachesTargetsWithinBudget() throws {
    let (n, d, c) = (20, 30, 3)
    let net = try linearNetwork(inputs: d, classes: c, seed: 10)
    var g = SeededGenerator(seed: 11)
    let x = FloatTensor(shape: [n, d], scalars: (0..<n * d).map { _ in Float(g.uniform() * 0.5) })
    let labels = SoftTargets.argmax(net.predict(x)).map(Int64.init)
    let targets = try TargetedAttempts(
      labels: labels, classes: c, choice: .random, seed: 12
    ).targets
    #expect(zip(targets, labels).allSatisfy { $0 != $1 })
    let gamma: Float = 0.4
    let outcome = JSMA.attack(
      net, x: x, labels: labels, targets: targets, on: .logits, gamma: gamma)
    let (adv, stats) = (outcome.adversarial, AttackStatistics(original: x, outcome: outcome))
    #expect(stats.attacked == n)
    #expect(stats.succeeded > n / 2)
    let predicted = SoftTargets.argmax(net.predict(adv))
    var succeeded = 0
    for r in 0..<n {
      let changed = zip(x.row(r), adv.row(r)).filter { $0 != $1 }.count
      #expect(changed <= Int(gamma * Float(d)))
      #expect(adv.row(r).allSatisfy { (0...1).contains($0) })
      if predicted[r] == Int(targets[r]) { succeeded += 1 }
    }
    #expect(succeeded == stats.succeeded)
  }

  /// ∂F_j/∂x = W·diag-jacobian: for z = xW + b,
  /// ∂F_j/∂x_i = Σ_k W_ik F_j(δ_jk − F_k)/T.
  @Test func gradientAmplitudeMatchesNumpy() throws {
    let (n, d, c) = (10, 5, 4)
    let net = try linearNetwork(inputs: d, classes: c, seed: 12)
    var g = SeededGenerator(seed: 13)
    let x = FloatTensor(shape: [n, d], scalars: (0..<n * d).map { _ in Float(g.uniform()) })
    let (w, b) = weights(net)
    for t: Float in [1, 0.05] {
      let ours = net.outputGradientAmplitude(x, temperature: t)
      let ref = numbers(
        try runPython(
          """
          import sys, numpy as np
          v = np.array(sys.stdin.read().split(), np.float64)
          x = v[:\(n * d)].reshape(\(n), \(d)); \
          W = v[\(n * d):\(n * d + d * c)].reshape(\(d), \(c)); b = v[\(n * d + d * c):]
          z = (x @ W + b) / \(t); z -= z.max(1, keepdims=True); \
          F = np.exp(z); F /= F.sum(1, keepdims=True)
          total = 0.0
          for r in range(\(n)):
              J = (np.diag(F[r]) - np.outer(F[r], F[r])) / \(t)   # J[j, k] = dF_j/dz_k
              total += np.abs(J @ W.T).sum()
          print(repr(float(total / (\(n) * \(c)))))
          """,
          input: [x.scalars, w, b].map { $0.map { "\($0)" }.joined(separator: " ") }.joined(
            separator: "\n")))
      expectApproximatelyEqual(
        ours, ref[0], absoluteTolerance: 1e-300, relativeTolerance: 1e-4,
        "T=\(t)")
    }
  }
}
