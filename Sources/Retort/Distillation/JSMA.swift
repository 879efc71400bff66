import Foundation

/// The Jacobian-based saliency map attack of Papernot et al. (2016), in its
/// pairwise form, on the logits Z (as most implementations do: with softmax
/// outputs β = −α and the map degenerates).
///
/// For target t, α_i = ∂Z_t/∂x_i and β_i = Σ_{j≠t} ∂Z_j/∂x_i. Each step picks
/// the pair (p, q) of features still in the search domain with
/// θ(α_p+α_q) > 0 and θ(β_p+β_q) < 0 that maximises |α_p+α_q|·|β_p+β_q|, moves
/// both by θ (clipped to the feature range) and removes them from the domain;
/// it stops when the model predicts t or more than a fraction γ of the
/// features have been changed.
public enum JSMA {
  /// The paper's change of each selected feature (+1: features increase).
  public static let defaultTheta: Float = 1
  /// The paper's largest fraction of features changed (14.5%).
  public static let defaultGamma: Float = 0.145

  /// A target class ≠ label for each row, uniform, row r (counted from
  /// `firstRow`) drawing from its own stream of `seed`.
  public static func randomTargets(labels: [Int64], classes: Int, seed: UInt64, firstRow: Int = 0)
    -> [Int64]
  {
    labels.enumerated().map { r, y in
      var generator = SeededGenerator(seed: seed, row: firstRow + r)
      let k = generator.index(below: classes - 1)
      return Int64(k >= Int(y) ? k + 1 : k)
    }
  }

  /// Adversarial examples of `x` towards `targets`. Rows the model classified
  /// correctly are attacked; a row succeeds when the model predicts its target.
  /// Memory grows with `blockRows` × features, never with features².
  public static func attack(
    _ network: Network, x: FloatTensor, labels: [Int64], targets: [Int64],
    theta: Float = defaultTheta, gamma: Float = defaultGamma, clip: ClosedRange<Float> = 0...1,
    blockRows: Int = 64
  ) -> AttackOutcome {
    let n = x.rowCount, w = x.rowWidth
    let before = SoftTargets.argmax(network.predict(x))
    var adversarial = x
    var succeededRows = [Bool](repeating: false, count: n)
    let maxChanged = Int((gamma * Float(w)).rounded(.down))
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
        let c = z.rowWidth
        var targetGrad = FloatTensor(repeating: 0, shape: [active.count, c])
        let allGrad = FloatTensor(repeating: 1, shape: [active.count, c])
        for (k, r) in active.enumerated() { targetGrad.scalars[k * c + Int(targets[rows[r]])] = 1 }
        let alpha = net.backward(targetGrad, accumulate: false).reshaped([active.count, w])
        let total = net.backward(allGrad, accumulate: false).reshaped([active.count, w])
        var next = [Int]()
        for (k, r) in active.enumerated() {
          if predicted[k] == Int(targets[rows[r]]) {
            succeeded.insert(r)
            continue
          }
          if changed[r] + 2 > maxChanged { continue }
          let a = alpha.row(k).map { $0 * theta }
          let b = zip(total.row(k), alpha.row(k)).map { ($0 - $1) * theta }
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

  /// Whether a feature can still move by θ inside the clip range.
  static func inDomain(_ v: Float, theta: Float, clip: ClosedRange<Float>) -> Bool {
    theta > 0 ? v < clip.upperBound : v > clip.lowerBound
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
