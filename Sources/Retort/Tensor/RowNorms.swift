/// Row norms and row normalisation of matrices, in the two roundings the
/// tools' bytes depend on.
///
/// Embeddings for alignment are scaled by s_i = float32(1/√(Σ_j x_ij²)) with
/// the sum in float64 (zero rows stay zero). Few-shot cosine distances divide
/// by max(√(Σ_j x_ij²), floor) with the sum in float32, and keep the norms for
/// the gradient. Both sum from j = 0 up.
extension Tensor where Scalar == Float {
  /// ‖x_i‖₂² of each row, summed in float32.
  func squaredRowNorms() -> [Float] {
    let d = rowWidth
    return scalars.withUnsafeBufferPointer { s in
      (0..<rowCount).map { i in
        var sum: Float = 0
        for j in i * d..<(i + 1) * d { sum += s[j] * s[j] }
        return sum
      }
    }
  }

  /// The rows divided by their norms floored at `floor`, x_i / max(‖x_i‖₂, floor),
  /// and the floored norms.
  func dividedByRowNorms(floor: Float) -> (unit: FloatTensor, norms: [Float]) {
    let norms = squaredRowNorms().map { max($0.squareRoot(), floor) }
    var unit = self
    let d = rowWidth
    unit.scalars.withUnsafeMutableBufferPointer { p in
      for i in 0..<rowCount {
        for j in i * d..<(i + 1) * d { p[j] /= norms[i] }
      }
    }
    return (unit, norms)
  }
}

/// Scales every non-zero row of a matrix to unit L2 norm:
/// x_i ← x_i · float32(1/‖x_i‖₂), ‖x_i‖₂² summed in float64.
func unitRows(_ x: inout FloatTensor) {
  let (n, d) = (x.rowCount, x.rowWidth)
  x.scalars.withUnsafeMutableBufferPointer { p in
    for i in 0..<n {
      let row = p.baseAddress! + i * d
      var sum: Double = 0
      for j in 0..<d { sum += Double(row[j]) * Double(row[j]) }
      guard sum > 0 else { continue }
      let scale = Float(1 / sum.squareRoot())
      for j in 0..<d { row[j] *= scale }
    }
  }
}
