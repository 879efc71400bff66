import Glibc

/// Row-wise softmax of `logits` divided by `temperature`, computed stably:
/// p_ij = exp((z_ij − max_j z_ij)/T) / Σ_j exp((z_ij − max_j z_ij)/T).
///
/// `logits` holds `rows` rows of `columns` values; `output` gets the same layout
/// and may be the same buffer.
public func softmaxRows(
  _ logits: UnsafePointer<Float>, rows: Int, columns: Int, temperature: Float = 1,
  into output: UnsafeMutablePointer<Float>
) {
  for r in 0..<rows {
    softmaxRow(
      logits + r * columns, count: columns, temperature: temperature,
      into: output + r * columns)
  }
}

/// Row-wise log-softmax at temperature T:
/// log p_ij = (z_ij − m_i)/T − log Σ_j exp((z_ij − m_i)/T).
public func logSoftmaxRows(
  _ logits: UnsafePointer<Float>, rows: Int, columns: Int, temperature: Float = 1,
  into output: UnsafeMutablePointer<Float>
) {
  for r in 0..<rows {
    logSoftmaxRow(
      logits + r * columns, count: columns, temperature: temperature,
      into: output + r * columns)
  }
}

/// softmax(z/T) of one vector in double precision (for Jacobians that
/// float32 would underflow).
func softmax(_ z: [Double], temperature: Double) -> [Double] {
  var p = z
  z.withUnsafeBufferPointer { zp in
    p.withUnsafeMutableBufferPointer { pp in
      guard let s = zp.baseAddress, let d = pp.baseAddress else { return }
      softmaxRow(s, count: z.count, temperature: temperature, into: d)
    }
  }
  return p
}

extension Tensor where Scalar == Float {
  /// Row-wise softmax of a rank-2 tensor at temperature T.
  public func softmax(temperature: Float = 1) -> FloatTensor {
    mappingRows(temperature, "softmax", softmaxRows)
  }

  /// Row-wise log-softmax of a rank-2 tensor at temperature T.
  public func logSoftmax(temperature: Float = 1) -> FloatTensor {
    mappingRows(temperature, "logSoftmax", logSoftmaxRows)
  }

  /// The matrix with `kernel` (rows, columns, temperature) applied to all its rows.
  private func mappingRows(
    _ temperature: Float, _ name: String,
    _ kernel: (UnsafePointer<Float>, Int, Int, Float, UnsafeMutablePointer<Float>) -> Void
  ) -> FloatTensor {
    precondition(rank == 2, "\(name) needs a matrix")
    var out = self
    scalars.withUnsafeBufferPointer { src in
      out.scalars.withUnsafeMutableBufferPointer { dst in
        guard let s = src.baseAddress, let d = dst.baseAddress else { return }
        kernel(s, shape[0], shape[1], temperature, d)
      }
    }
    return out
  }
}
