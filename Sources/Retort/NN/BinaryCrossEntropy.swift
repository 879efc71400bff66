import Glibc

/// Binary cross-entropy on a sigmoid output, with label smoothing.
///
/// For a logit s, σ(s) = 1/(1 + e^−s), a label y ∈ [0, 1] and smoothing ε, the
/// target is t = ε + (1 − 2ε)·y (1 − ε for label 1, ε for label 0, as MUSE's
/// discriminator uses), and ℓ = −t·log σ(s) − (1 − t)·log(1 − σ(s)),
/// computed stably as max(s, 0) − s·t + log(1 + e^−|s|); ∂ℓ/∂s = σ(s) − t.
/// The batch loss is (1/B)·Σ_i w_i·ℓ_i.
public enum BinaryCrossEntropy {
  /// The loss of logits (one per row: [B] or [B, 1]) against `labels` [B].
  public static func sigmoid(
    logits: FloatTensor, labels: [Float], smoothing: Float = 0, weights: [Float]? = nil
  ) -> LossResult {
    let b = logits.count
    precondition(
      logits.rowCount == b && labels.count == b,
      "binary cross-entropy: \(labels.count) labels for logits \(logits.shape)")
    precondition(
      smoothing >= 0 && smoothing < 0.5,
      "binary cross-entropy: smoothing \(smoothing) outside [0, 0.5)")
    let w = rowWeights(weights, rows: b)
    var perRow = [Float](repeating: 0, count: b)
    var gradient = logits
    var total: Double = 0
    for i in 0..<b {
      let s = logits.scalars[i]
      let t = smoothing + (1 - 2 * smoothing) * labels[i]
      perRow[i] = max(s, 0) - s * t + log1pf(expf(-abs(s)))
      let sigma = s >= 0 ? 1 / (1 + expf(-s)) : expf(s) / (1 + expf(s))
      gradient.scalars[i] = w[i] * (sigma - t) / Float(b)
      total += Double(w[i]) * Double(perRow[i])
    }
    return LossResult(
      loss: b > 0 ? Float(total / Double(b)) : 0, perRow: perRow, gradient: gradient)
  }
}
