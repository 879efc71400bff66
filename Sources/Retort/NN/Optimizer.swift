import Glibc

/// A rule that updates a network's parameters from their accumulated gradients.
///
/// Weight decay λ is L2 regularisation added to the gradient, g ← ∂L/∂θ + λ·θ,
/// for every parameter (weights and biases), before momentum or Adam's moments
/// see it (as PyTorch's `weight_decay`; not AdamW's decoupled decay).
/// `learningRate` may change between steps, for schedules.
public protocol Optimizer: Sendable {
  var learningRate: Float { get set }
  /// Applies one update to every parameter of `network` from its gradients.
  mutating func step(_ network: inout Network)
}

/// Stochastic gradient descent with momentum μ, optionally Nesterov's:
/// v ← μ·v + g, then θ ← θ − η·v, or θ ← θ − η·(g + μ·v) with Nesterov
/// (PyTorch's formulation; v starts at zero).
public struct SGD: Optimizer {
  public var learningRate: Float
  public var momentum: Float
  public var nesterov: Bool
  public var weightDecay: Float
  private var velocity: [[Float]] = []

  public init(
    learningRate: Float, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0
  ) {
    self.learningRate = learningRate
    self.momentum = momentum
    self.nesterov = nesterov
    self.weightDecay = weightDecay
  }

  public mutating func step(_ network: inout Network) {
    let (eta, mu, lambda, nesterov) = (learningRate, momentum, weightDecay, nesterov)
    network.updateParameters { k, p in
      p.gradient.withUnsafeBufferPointer { g in
        p.value.scalars.withUnsafeMutableBufferPointer { theta in
          // Without momentum v = g at every step, so no velocity is kept.
          guard mu != 0 else {
            return Self.update(
              theta, g, velocity: nil, eta: eta, mu: 0, lambda: lambda, nesterov: false)
          }
          if k == velocity.count { velocity.append(Array(repeating: 0, count: theta.count)) }
          velocity[k].withUnsafeMutableBufferPointer { v in
            Self.update(
              theta, g, velocity: v.baseAddress, eta: eta, mu: mu, lambda: lambda,
              nesterov: nesterov)
          }
        }
      }
    }
  }

  /// One element-wise update, in chunks on several threads (the same bytes as one thread).
  private static func update(
    _ theta: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>,
    velocity: UnsafeMutablePointer<Float>?, eta: Float, mu: Float, lambda: Float, nesterov: Bool
  ) {
    let n = theta.count
    let chunks = max(1, min(availableCores, n / 65_536))
    let shared = UnsafeSendable((g.baseAddress!, theta.baseAddress!, velocity))
    parallelFor(chunks, threads: chunks) { c in
      let (g, w, v) = shared.value
      let range = n * c / chunks..<n * (c + 1) / chunks
      guard let v else {
        for i in range { w[i] -= eta * (g[i] + lambda * w[i]) }
        return
      }
      for i in range {
        let gi = g[i] + lambda * w[i]
        v[i] = mu * v[i] + gi
        w[i] -= eta * (nesterov ? gi + mu * v[i] : v[i])
      }
    }
  }
}

/// Adam (Kingma & Ba): m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
/// θ ← θ − η·m̂/(√v̂ + ε) with m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ) at step t.
public struct Adam: Optimizer {
  public var learningRate: Float
  public var beta1: Float
  public var beta2: Float
  public var epsilon: Float
  public var weightDecay: Float
  /// Steps taken so far (t of the last step).
  public private(set) var steps = 0
  private var m: [[Float]] = []
  private var v: [[Float]] = []

  public init(
    learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
    weightDecay: Float = 0
  ) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
  }

  public mutating func step(_ network: inout Network) {
    steps += 1
    let (b1, b2, eps, lambda) = (beta1, beta2, epsilon, weightDecay)
    let t = Double(steps)
    let c1 = Float(1 - pow(Double(b1), t))
    let c2 = Float(1 - pow(Double(b2), t))
    let eta = learningRate
    network.updateParameters { k, p in
      if k == m.count {
        m.append(Array(repeating: 0, count: p.value.count))
        v.append(Array(repeating: 0, count: p.value.count))
      }
      m[k].withUnsafeMutableBufferPointer { pm in
        v[k].withUnsafeMutableBufferPointer { pv in
          p.gradient.withUnsafeBufferPointer { pg in
            p.value.scalars.withUnsafeMutableBufferPointer { theta in
              // Element-wise, so chunks on several threads give the same bytes.
              let n = theta.count
              let chunks = max(1, min(availableCores, n / 65_536))
              let shared = UnsafeSendable(
                (pm.baseAddress!, pv.baseAddress!, pg.baseAddress!, theta.baseAddress!))
              parallelFor(chunks, threads: chunks) { c in
                let (m, v, g, w) = shared.value
                let range = n * c / chunks..<n * (c + 1) / chunks
                // Eight at a time (the pointers might alias as far as the
                // compiler knows, so it would not vectorise the loop), then
                // the rest one by one; the same operations in either form.
                var i = range.lowerBound
                while i + 8 <= range.upperBound {
                  var (mi, vi, wi) = (loadLanes(m + i), loadLanes(v + i), loadLanes(w + i))
                  let gi = loadLanes(g + i) + lambda * wi
                  mi = b1 * mi + (1 - b1) * gi
                  vi = b2 * vi + (1 - b2) * gi * gi
                  wi -= eta * (mi / c1) / ((vi / c2).squareRoot() + eps)
                  storeLanes(mi, m + i)
                  storeLanes(vi, v + i)
                  storeLanes(wi, w + i)
                  i += 8
                }
                for i in i..<range.upperBound {
                  let gi = g[i] + lambda * w[i]
                  m[i] = b1 * m[i] + (1 - b1) * gi
                  v[i] = b2 * v[i] + (1 - b2) * gi * gi
                  w[i] -= eta * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
                }
              }
            }
          }
        }
      }
    }
  }
}
