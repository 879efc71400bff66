import Glibc

/// The Jacobian-based saliency map attack of Papernot et al. (2016), pairwise.
///
/// For target t, α_i = ∂F_t/∂x_i and β_i = Σ_{j≠t} ∂F_j/∂x_i, where F are the
/// softmax outputs F = softmax(z/T) of the deployed network (`Saliency.probs`,
/// the paper's form) or the logits F = z (`Saliency.logits`, the form most
/// implementations use). Each step picks the pair (p, q) of features still in
/// the search domain with θ(α_p+α_q) > 0 and θ(β_p+β_q) < 0 that maximises
/// |α_p+α_q|·|β_p+β_q|, moves both by θ (clipped to the feature range) and
/// removes them from the domain; it stops when the model predicts t or more
/// than a fraction γ of the features have been changed.
///
/// On the softmax outputs, ∂F_j/∂z_k = F_j(δ_jk − F_k)/T is formed in float32,
/// as the paper's networks compute it. A distilled network deployed at T = 1
/// has logits so large that F_t of every class but the predicted one is 0 in
/// float32: α and β vanish, no pair qualifies, and the attack fails. This is
/// the gradient masking that defensive distillation relies on.
public enum JSMA {
  /// The paper's change of each selected feature (+1: features increase).
  public static let defaultTheta: Float = 1
  /// The paper's largest fraction of features changed (14.5%).
  public static let defaultGamma: Float = 0.145

  /// The outputs whose Jacobian makes the saliency map.
  public enum Saliency: String, CaseIterable, Sendable {
    /// The softmax outputs F = softmax(z/T), as in the paper.
    case probs
    /// The logits z.
    case logits
  }

  /// Adversarial examples of `x` towards `targets`. Rows the model classified
  /// correctly are attacked; a row succeeds when the model predicts its target.
  /// Memory grows with `blockRows` × features, never with features².
  public static func attack(
    _ network: Network, x: FloatTensor, labels: [Int64], targets: [Int64],
    on saliency: Saliency = .probs, temperature: Float = 1, theta: Float = defaultTheta,
    gamma: Float = defaultGamma, clip: ClosedRange<Float> = 0...1, blockRows: Int = 64
  ) -> AttackOutcome {
    let n = x.rowCount, w = x.rowWidth
    let before = SoftTargets.argmax(network.predict(x))
    var adversarial = x
    var succeededRows = [Bool](repeating: false, count: n)
    let maxChanged = featureBudget(gamma: gamma, features: w)
    let candidates = (0..<n).filter { before[$0] == Int(labels[$0]) }
    var net = network
    for start in stride(from: 0, to: candidates.count, by: blockRows) {
      let rows = Array(candidates[start..<min(candidates.count, start + blockRows)])
      var current = x.gather(rows)
      var domain = (0..<rows.count).map { r in
        (0..<w).map { i in inDomain(current.scalars[r * w + i], theta: theta, clip: clip) }
      }
      var changed = [Int](repeating: 0, count: rows.count)
      var active = Array(0..<rows.count)
      var succeeded = Set<Int>()
      while !active.isEmpty {
        let batch = current.gather(active)
        let z = net.forward(batch, training: false)
        let predicted = SoftTargets.argmax(z)
        let (targetGrad, otherGrad) = outputGradients(
          z, targets: active.map { targets[rows[$0]] }, on: saliency, temperature: temperature)
        let alpha = net.backward(targetGrad, accumulate: false).reshaped([active.count, w])
        let beta = net.backward(otherGrad, accumulate: false).reshaped([active.count, w])
        var next = [Int]()
        for (k, r) in active.enumerated() {
          if predicted[k] == Int(targets[rows[r]]) {
            succeeded.insert(r)
            continue
          }
          if changed[r] + 2 > maxChanged { continue }
          let a = alpha.row(k).map { $0 * theta }
          let b = beta.row(k).map { $0 * theta }
          guard let (p, q) = bestPair(a: a, b: b, domain: domain[r]) else { continue }
          for i in [p, q] {
            let v = current.scalars[r * w + i] + theta
            current.scalars[r * w + i] = min(max(v, clip.lowerBound), clip.upperBound)
            domain[r][i] = false
          }
          changed[r] += 2
          next.append(r)
        }
        active = next
      }
      for (local, row) in rows.enumerated() {
        adversarial.scalars.replaceSubrange(row * w..<(row + 1) * w, with: current.row(local))
        succeededRows[row] = succeeded.contains(local)
      }
    }
    return AttackOutcome(
      adversarial: adversarial, attacked: (0..<n).map { before[$0] == Int(labels[$0]) },
      succeeded: succeededRows)
  }

  /// ∂F_t/∂z and Σ_{j≠t} ∂F_j/∂z for each row of logits `z` [B, C] and its
  /// target t. Logits: e_t and 1 − e_t. Softmax outputs at T, in float32:
  /// F_t(δ_tk − F_k)/T and (1 − δ_tk)·F_k/T − F_k·(Σ_{j≠t} F_j)/T.
  static func outputGradients(
    _ z: FloatTensor, targets: [Int64], on saliency: Saliency, temperature: Float
  ) -> (target: FloatTensor, others: FloatTensor) {
    let (b, c) = (z.rowCount, z.rowWidth)
    var target = FloatTensor(repeating: 0, shape: [b, c])
    var others = FloatTensor(repeating: saliency == .logits ? 1 : 0, shape: [b, c])
    if saliency == .logits {
      for r in 0..<b {
        target[r, Int(targets[r])] = 1
        others[r, Int(targets[r])] = 0
      }
      return (target, others)
    }
    let f = z.softmax(temperature: temperature)
    for r in 0..<b {
      let t = Int(targets[r])
      let ft = f[r, t]
      var rest: Float = 0
      for j in 0..<c where j != t { rest += f[r, j] }
      for k in 0..<c {
        let fk = f[r, k]
        target[r, k] = (k == t ? ft - ft * fk : -ft * fk) / temperature
        others[r, k] = ((k == t ? 0 : fk) - fk * rest) / temperature
      }
    }
    return (target, others)
  }

  /// Whether a feature can still move by θ inside the clip range.
  static func inDomain(_ v: Float, theta: Float, clip: ClosedRange<Float>) -> Bool {
    theta > 0 ? v < clip.upperBound : v > clip.lowerBound
  }

  /// The most features an attack with fraction `gamma` may change, ⌊γ·features⌋.
  public static func featureBudget(gamma: Float, features: Int) -> Int {
    Int((gamma * Float(features)).rounded(.down))
  }

  /// The pair p < q of domain features with a_p+a_q > 0 and b_p+b_q < 0
  /// maximising −(a_p+a_q)(b_p+b_q); ties keep the first pair found.
  static func bestPair(a: [Float], b: [Float], domain: [Bool]) -> (Int, Int)? {
    let idx = domain.indices.filter { domain[$0] }
    var best: Float = 0
    var pair: (Int, Int)? = nil
    for (m, p) in idx.enumerated() {
      let ap = a[p], bp = b[p]
      for q in idx[(m + 1)...] {
        let s = ap + a[q], t = bp + b[q]
        if s > 0 && t < 0 {
          let score = -s * t
          if score > best {
            best = score
            pair = (p, q)
          }
        }
      }
    }
    return pair
  }
}
