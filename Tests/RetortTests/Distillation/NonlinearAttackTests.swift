import Foundation
import RetortTestSupport
import Testing

@testable import Retort

/// A d–h–c ReLU network with standard normal weights and biases.
private func mlp(_ d: Int, _ h: Int, _ c: Int, seed: UInt64) throws -> Network {
  var g = SeededGenerator(seed: seed)
  var net = try Network(Architecture(parsing: "\(d)-\(h)-\(c)"), inputShape: [d], generator: &g)
  net.updateParameters { _, p in
    for i in p.value.scalars.indices { p.value.scalars[i] = Float(g.normal()) }
  }
  return net
}

/// W0, b0, W2, b2 of `mlp`, each as one line of numbers.
private func parameterLines(_ net: Network) -> [String] {
  var lines = [String]()
  var n = net
  n.updateParameters { _, p in lines.append(p.value.scalars.map { "\($0)" }.joined(separator: " "))
  }
  return lines
}

private func line<T>(_ values: [T]) -> String { values.map { "\($0)" }.joined(separator: " ") }

/// The numpy forward pass of `mlp`: z(x) and, for ∂L/∂z given, ∇ₓL through the ReLU.
private func numpyMLP(_ d: Int, _ h: Int, _ c: Int) -> String {
  """
  W0, b0, W2, b2 = (np.array(L[i].split(), np.float64) for i in range(4))
  W0, W2 = W0.reshape(\(d), \(h)), W2.reshape(\(h), \(c))
  def forward(x):
      a = x @ W0 + b0
      return np.maximum(a, 0) @ W2 + b2, a
  def input_gradient(a, dz):
      return ((dz @ W2.T) * (a > 0)) @ W0.T
  """
}

/// The attacks' gradients on a network with a hidden ReLU layer, where ∂z/∂x
/// depends on x, against numpy: one PGD step (closed form through the ReLU)
/// and the Carlini–Wagner objective's gradient (central differences).
@Suite("Attacks on a nonlinear network") struct NonlinearAttackTests {
  /// One L∞ step with the untargeted margin loss and one L2 step with the
  /// targeted cross-entropy at T = 2, each at ε = 0.3, on an 6–10–3 network.
  @Test func pgdStepMatchesNumpy() throws {
    let (n, d, h, c) = (40, 6, 10, 3)
    let net = try mlp(d, h, c, seed: 41)
    var g = SeededGenerator(seed: 42)
    let x = FloatTensor(shape: [n, d], scalars: (0..<n * d).map { _ in Float(g.uniform()) })
    let predicted = SoftTargets.argmax(net.predict(x))
    let labels = predicted.map { Int64($0) }
    let targets = labels.map { ($0 + 1 + Int64(g.index(below: c - 1))) % Int64(c) }
    var ours = [Float]()
    for (norm, loss, targeted) in [
      (PGDOptions.Norm.inf, PGDOptions.Loss.margin, false), (.l2, .ce, true),
    ] {
      let options = PGDOptions(
        epsilon: 1, norm: norm, step: 0.05, steps: 1, loss: loss, temperature: 2)
      let outcomes = try PGD.attack(
        net, x: x, labels: labels, goal: targeted ? .targeted(targets) : .untargeted,
        epsilons: [0.3], options: options, seed: 1)
      ours += outcomes[0].adversarial.scalars
    }
    let ref = numbers(
      try runPython(
        """
        import sys, numpy as np
        L = sys.stdin.read().split('\\n')
        \(numpyMLP(d, h, c))
        x = np.array(L[4].split(), np.float64).reshape(\(n), \(d))
        y, t = np.array(L[5].split(), int), np.array(L[6].split(), int)
        rows = np.arange(\(n))
        z, a = forward(x)
        # untargeted margin, L-inf: L = z_b - z_y, b the best other class
        masked = z.copy(); masked[rows, y] = -np.inf
        dz = np.zeros_like(z); dz[rows, masked.argmax(1)] += 1; dz[rows, y] -= 1
        g = input_gradient(a, dz)
        out = [np.clip(np.clip(x + 0.05 * np.sign(g), x - 0.3, x + 0.3), 0, 1)]
        # targeted cross-entropy at T = 2, L2: L = -CE(softmax(z/T), t)
        s = z / 2; p = np.exp(s - s.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)
        dz = p.copy(); dz[rows, t] -= 1; dz = -dz / 2
        g = input_gradient(a, dz)
        adv = x + 0.05 * g / np.linalg.norm(g, axis=1, keepdims=True)
        delta = adv - x
        adv = x + delta * np.minimum(1, 0.3 / np.linalg.norm(delta, axis=1))[:, None]
        out.append(np.clip(adv, 0, 1))
        print(' '.join(map(repr, np.concatenate([o.ravel() for o in out]).tolist())))
        """,
        input: (parameterLines(net) + [line(x.scalars), line(labels), line(targets)])
          .joined(separator: "\n")))
    #expect(ref.count == 2 * n * d)
    // Every row starts correctly classified (labels are the predictions), so
    // every row moves; float32 against float64.
    expectApproximatelyEqual(ours, ref, absoluteTolerance: 1e-5)
    #expect(zip(ours, x.scalars + x.scalars).filter { $0 != $1 }.count > n * d)
  }

  /// The C&W objective ‖x′ − x‖² + c·max(m, −κ) and its gradient with respect
  /// to w (x′ = tanh-box(w)) on a 5–8–4 network, against numpy in float64
  /// with central differences (h = 1e-6) for the gradient.
  @Test func carliniWagnerGradientMatchesFiniteDifferences() throws {
    let (n, d, h, c) = (10, 5, 8, 4)
    var net = try mlp(d, h, c, seed: 51)
    var g = SeededGenerator(seed: 52)
    let x = FloatTensor(shape: [n, d], scalars: (0..<n * d).map { _ in Float(g.uniform()) })
    let w = FloatTensor(shape: [n, d], scalars: (0..<n * d).map { _ in Float(g.normal()) })
    let labels = (0..<n).map { _ in Int64(g.index(below: c)) }
    let consts = (0..<n).map { _ in Float(0.5 + g.uniform()) }
    let ours = CarliniWagner.objective(
      &net, w: w, original: x, labels: labels, goal: .untargeted, const: consts,
      options: CarliniWagnerOptions(confidence: 0, clip: 0...1))
    let ref = numbers(
      try runPython(
        """
        import sys, numpy as np
        L = sys.stdin.read().split('\\n')
        \(numpyMLP(d, h, c))
        x = np.array(L[4].split(), np.float64).reshape(\(n), \(d))
        w = np.array(L[5].split(), np.float64).reshape(\(n), \(d))
        y, const = np.array(L[6].split(), int), np.array(L[7].split(), np.float64)
        def loss(r, v):
            xp = (np.tanh(v) + 1) / 2
            z, _ = forward(xp)
            m = z[y[r]] - np.max(np.delete(z, y[r]))
            return np.sum((xp - x[r]) ** 2) + const[r] * max(m, 0.0)
        out = [loss(r, w[r]) for r in range(\(n))]
        for r in range(\(n)):
            for i in range(\(d)):
                e = np.zeros(\(d)); e[i] = 1e-6
                out.append((loss(r, w[r] + e) - loss(r, w[r] - e)) / 2e-6)
        print(' '.join(repr(float(v)) for v in out))
        """,
        input: (parameterLines(net) + [
          line(x.scalars), line(w.scalars), line(labels), line(consts),
        ])
        .joined(separator: "\n")))
    #expect(ref.count == n + n * d)
    guard ref.count == n + n * d else { return }
    // Some rows still on the classifier's side (m > 0), so the network's
    // gradient is in play.
    #expect(ours.margin.contains { $0 > 1e-3 })
    expectApproximatelyEqual(
      ours.loss, ref[0..<n], absoluteTolerance: 1e-4, relativeTolerance: 1e-5)
    expectApproximatelyEqual(
      ours.gradient.scalars, ref[n...], absoluteTolerance: 1e-4, relativeTolerance: 1e-4)
  }
}
