/// A loss over a mini-batch: its mean value and its gradient for the outputs.
public struct LossResult: Sendable {
  /// (1/B)·Σ_i w_i·ℓ_i, with w_i = 1 when no weights are given.
  public var loss: Float
  /// The unweighted loss ℓ_i of each row.
  public var perRow: [Float]
  /// ∂loss/∂outputs, in the shape of the outputs.
  public var gradient: FloatTensor
}

/// The row weights to use: `weights` checked against `rows`, or all ones.
func rowWeights(_ weights: [Float]?, rows: Int) -> [Float] {
  guard let weights else { return Array(repeating: 1, count: rows) }
  precondition(weights.count == rows, "loss: \(weights.count) weights for \(rows) rows")
  return weights
}
