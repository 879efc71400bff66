import Glibc

/// Softmax cross-entropy at temperature T, against hard labels or soft targets.
///
/// With p = softmax(z/T) (stable, `softmaxRows`) and a target distribution q
/// (one-hot for a label), the row loss is ℓ = −Σ_j q_j·log p_j and
/// ∂ℓ/∂z_k = (p_k·Σ_j q_j − q_k)/T, which is (p − q)/T when q sums to one.
/// The batch loss is (1/B)·Σ_i w_i·ℓ_i, so its gradient row i is (w_i/B)·∂ℓ_i/∂z.
public enum CrossEntropy {
  /// Cross-entropy of logits [B, C] against int64 labels in 0..<C.
  public static func hard(
    logits: FloatTensor, labels: [Int64], temperature: Float = 1, weights: [Float]? = nil
  ) -> LossResult {
    let (b, c) = dimensions(logits)
    precondition(labels.count == b, "cross-entropy: \(labels.count) labels for \(b) rows")
    precondition(labels.allSatisfy { $0 >= 0 && $0 < c }, "cross-entropy: label outside 0..<\(c)")
    return compute(logits, temperature: temperature, weights: weights) { row, p, logP, g in
      let y = Int(labels[row])
      for j in 0..<c { g[j] = p[j] }
      g[y] -= 1
      return -logP[y]
    }
  }

  /// Cross-entropy of logits [B, C] against target distributions `targets` [B, C].
  public static func soft(
    logits: FloatTensor, targets: FloatTensor, temperature: Float = 1, weights: [Float]? = nil
  ) -> LossResult {
    precondition(
      targets.shape == logits.shape,
      "cross-entropy: targets \(targets.shape) for logits \(logits.shape)")
    let (_, c) = dimensions(logits)
    return targets.scalars.withUnsafeBufferPointer { tq in
      compute(logits, temperature: temperature, weights: weights) { row, p, logP, g in
        let q = tq.baseAddress! + row * c
        var mass: Float = 0
        var loss: Float = 0
        for j in 0..<c {
          mass += q[j]
          if q[j] != 0 { loss -= q[j] * logP[j] }
        }
        for j in 0..<c { g[j] = p[j] * mass - q[j] }
        return loss
      }
    }
  }

  /// The distillation loss α·T²·CE(softmax(z/T), q) + (1−α)·CE(softmax(z/T_h), y).
  ///
  /// The T² keeps the soft term's gradient, which scales as 1/T², comparable
  /// to the hard term's (Hinton et al. 2015). The hard term uses its own
  /// temperature T_h, 1 by default as in Hinton et al.; pass T_h = T to train
  /// everything at T as defensive distillation does. Row weights apply to both terms.
  public static func mixed(
    logits: FloatTensor, targets: FloatTensor, labels: [Int64], temperature: Float, alpha: Float,
    hardTemperature: Float = 1, weights: [Float]? = nil
  ) -> LossResult {
    let soft = soft(logits: logits, targets: targets, temperature: temperature, weights: weights)
    let hard = hard(logits: logits, labels: labels, temperature: hardTemperature, weights: weights)
    let a = alpha * temperature * temperature
    let h = 1 - alpha
    var gradient = soft.gradient
    gradient.scalars.withUnsafeMutableBufferPointer { g in
      hard.gradient.scalars.withUnsafeBufferPointer { gh in
        for i in g.indices { g[i] = a * g[i] + h * gh[i] }
      }
    }
    return LossResult(
      loss: a * soft.loss + h * hard.loss,
      perRow: zip(soft.perRow, hard.perRow).map { a * $0 + h * $1 },
      gradient: gradient)
  }

  private static func dimensions(_ logits: FloatTensor) -> (Int, Int) {
    precondition(
      logits.rank == 2 && logits.shape[1] > 0,
      "cross-entropy: logits \(logits.shape), expected [B,C]")
    return (logits.shape[0], logits.shape[1])
  }

  /// Runs `row(i, p, log p, g)` for each row, which writes T·∂ℓ_i/∂z into g
  /// and returns ℓ_i; scales the gradients to the weighted batch mean.
  private static func compute(
    _ logits: FloatTensor, temperature: Float, weights: [Float]?,
    row: (Int, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Float
  ) -> LossResult {
    precondition(temperature > 0, "cross-entropy: temperature \(temperature) ≤ 0")
    let (b, c) = dimensions(logits)
    let w = rowWeights(weights, rows: b)
    var p = [Float](repeating: 0, count: b * c)
    var logP = p
    var g = p
    var perRow = [Float](repeating: 0, count: b)
    var total: Double = 0
    logits.scalars.withUnsafeBufferPointer { z in
      p.withUnsafeMutableBufferPointer { pp in
        logP.withUnsafeMutableBufferPointer { pl in
          g.withUnsafeMutableBufferPointer { pg in
            guard b > 0 else { return }
            let (zp, ppp, plp, pgp) = (
              z.baseAddress!, pp.baseAddress!, pl.baseAddress!, pg.baseAddress!
            )
            softmaxRows(zp, rows: b, columns: c, temperature: temperature, into: ppp)
            logSoftmaxRows(zp, rows: b, columns: c, temperature: temperature, into: plp)
            for i in 0..<b {
              let o = i * c
              perRow[i] = row(i, ppp + o, plp + o, pgp + o)
              total += Double(w[i]) * Double(perRow[i])
              let scale = w[i] / (Float(b) * temperature)
              for j in o..<o + c { pgp[j] *= scale }
            }
          }
        }
      }
    }
    return LossResult(
      loss: b > 0 ? Float(total / Double(b)) : 0, perRow: perRow,
      gradient: FloatTensor(shape: [b, c], scalars: g))
  }
}
