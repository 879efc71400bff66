import Glibc

extension Network {
  /// The gradient of each row's cross-entropy CE(softmax(z/T), y) with respect
  /// to its input, for rows `x` (not averaged over rows), and the logits z.
  public mutating func lossInputGradient(_ x: FloatTensor, labels: [Int64], temperature: Float)
    -> (gradient: FloatTensor, logits: FloatTensor)
  {
    let z = forward(x, training: false)
    var g = CrossEntropy.hard(logits: z, labels: labels, temperature: temperature).gradient
    let b = Float(x.rowCount)
    for i in g.scalars.indices { g.scalars[i] *= b }
    return (backward(g, accumulate: false), z)
  }

  /// The adversarial gradient amplitude of Papernot et al. (2016) of each
  /// row: (1/C)·Σ_j ‖∂F_j/∂x‖₁, with F = softmax(z/T).
  ///
  /// ∂F_j/∂z_k = F_j(δ_jk − F_k)/T is formed in double precision (the diagonal
  /// as F_j·Σ_{k≠j}F_k, free of cancellation) and scaled to unit size per row
  /// before the float32 backward pass, which is linear, so amplitudes far below
  /// float32's range (as distillation at high T gives) are still measured.
  /// Blocks of `blockRows` rows run on the BLAS workers.
  public func outputGradientAmplitudes(
    _ x: FloatTensor, temperature: Float, blockRows: Int = 256
  ) -> [Double] {
    let n = x.rowCount
    let blocks = (n + blockRows - 1) / blockRows
    var amplitudes = [Double](repeating: 0, count: n)
    amplitudes.withUnsafeMutableBufferPointer { buffer in
      let out = UnsafeSendable(buffer.baseAddress)
      forEachOnBLASWorkers(blocks, network: self) { k, net in
        let rows = k * blockRows..<min(n, (k + 1) * blockRows)
        net.addAmplitudes(
          of: x.rows(rows), temperature: temperature, into: out.value! + rows.lowerBound)
      }
    }
    return amplitudes
  }

  /// Adds the amplitude of each row of `block` to `amplitudes`.
  private mutating func addAmplitudes(
    of block: FloatTensor, temperature: Float, into amplitudes: UnsafeMutablePointer<Double>
  ) {
    let (b, c) = (block.rowCount, outputWidth)
    let z = forward(block, training: false)
    let f = (0..<b).map { r in
      softmax(z.row(r).map(Double.init), temperature: Double(temperature))
    }
    for j in 0..<c {
      var g = FloatTensor(repeating: 0, shape: [b, c])
      var scale = [Double](repeating: 0, count: b)
      for r in 0..<b {
        let p = f[r]
        let others = p.enumerated().reduce(0.0) { $1.offset == j ? $0 : $0 + $1.element }
        var row = (0..<c).map { k in k == j ? p[j] * others : -p[j] * p[k] }
        for k in 0..<c { row[k] /= Double(temperature) }
        let s = row.map(abs).max() ?? 0
        scale[r] = s
        if s > 0 { for k in 0..<c { g.scalars[r * c + k] = Float(row[k] / s) } }
      }
      let dx = backward(g, accumulate: false)
      let w = dx.rowWidth
      for r in 0..<b where scale[r] > 0 {
        let l1 = dx.scalars[r * w..<(r + 1) * w].reduce(0.0) { $0 + Double(abs($1)) }
        amplitudes[r] += l1 * scale[r] / Double(c)
      }
    }
  }

  /// The mean over rows of `outputGradientAmplitudes`.
  public func outputGradientAmplitude(_ x: FloatTensor, temperature: Float) -> Double {
    let a = outputGradientAmplitudes(x, temperature: temperature)
    return a.isEmpty ? 0 : a.reduce(0, +) / Double(a.count)
  }
}
