/// Batch normalisation (Ioffe & Szegedy), with PyTorch's momentum and epsilon.
///
/// Each channel c (of [C, H, W] rows; each feature of flat rows) is normalised
/// over the n = B·H·W values it has in the batch:
/// y = γ_c·(x − μ_c)/√(σ²_c + ε) + β_c, with ε = 1e-5. While training, μ and σ²
/// are the batch mean and biased variance, and the running statistics follow
/// r_μ ← 0.9·r_μ + 0.1·μ and r_σ² ← 0.9·r_σ² + 0.1·σ²·n/(n − 1); at inference
/// μ = r_μ and σ² = r_σ² (they start at 0 and 1).
public struct BatchNorm: Layer {
  public static let momentum: Float = 0.1
  public static let epsilon: Float = 1e-5
  public var parameters: [Parameter]
  public var state: [LayerState]
  public let channels: Int
  /// Values per channel in one row (H·W; 1 for flat rows).
  public let spatial: Int
  /// The input of the last `forward`, its μ and 1/√(σ² + ε) per channel, and
  /// whether they were batch statistics (x̂ is recomputed from them, as
  /// storing it costs more memory traffic than computing it twice).
  private var saved: (input: FloatTensor, mean: [Float], inverseStd: [Float], training: Bool)?

  /// A layer with γ = 1, β = 0 and running statistics 0 and 1.
  public init(channels: Int, spatial: Int) {
    precondition(channels > 0 && spatial > 0, "bn: \(channels) channels of \(spatial) values")
    self.channels = channels
    self.spatial = spatial
    let zeros = FloatTensor(repeating: 0, shape: [channels])
    let ones = FloatTensor(repeating: 1, shape: [channels])
    parameters = [Parameter(name: "gamma", value: ones), Parameter(name: "beta", value: zeros)]
    state = [
      LayerState(name: "running_mean", value: zeros), LayerState(name: "running_var", value: ones),
    ]
  }

  /// A layer for rows of shape `shape`: channels of [C, H, W], features otherwise.
  public init(rowShape shape: [Int]) {
    if shape.count == 3 {
      self.init(channels: shape[0], spatial: shape[1] * shape[2])
    } else {
      self.init(channels: shape.reduce(1, *), spatial: 1)
    }
  }

  public var spec: LayerSpec { .batchNorm }

  /// Normalises with the running statistics.
  public func callAsFunction(_ x: FloatTensor) -> FloatTensor {
    normalize(x, mean: state[0].value.scalars, inverseStd: runningInverseStd())
  }

  /// Uses and updates batch statistics when `training`, else the running ones.
  public mutating func forward(
    _ x: FloatTensor, training: Bool, generator: inout SeededGenerator
  ) -> FloatTensor {
    guard training else {
      let (mean, inverseStd) = (state[0].value.scalars, runningInverseStd())
      saved = (x, mean, inverseStd, false)
      return normalize(x, mean: mean, inverseStd: inverseStd)
    }
    let rows = x.rowCount
    let n = rows * spatial
    precondition(n > 0, "bn: an empty batch has no statistics")
    let spatial = spatial
    let (mean, variance) = x.scalars.withUnsafeBufferPointer { buffer in
      let px = UnsafeSendable(buffer.baseAddress!)
      let sums = channelSums(rows: rows) { start, _ in Double(laneSum(px.value + start, spatial)) }
      let mean = sums.map { Float($0 / Double(n)) }
      let squares = channelSums(rows: rows) { start, c in
        Double(laneSquaredDeviations(px.value + start, spatial, from: mean[c]))
      }
      return (mean, squares.map { Float($0 / Double(n)) })
    }
    let inverseStd = variance.map { 1 / ($0 + Self.epsilon).squareRoot() }
    let y = normalize(x, mean: mean, inverseStd: inverseStd)
    saved = (x, mean, inverseStd, true)
    let m = Self.momentum
    let unbiased: Float = n > 1 ? Float(n) / Float(n - 1) : 1
    for c in 0..<channels {
      state[0].value.scalars[c] = (1 - m) * state[0].value.scalars[c] + m * mean[c]
      state[1].value.scalars[c] = (1 - m) * state[1].value.scalars[c] + m * variance[c] * unbiased
    }
    return y
  }

  /// With s = 1/√(σ² + ε): ∂L/∂γ = Σ ∂L/∂y·x̂, ∂L/∂β = Σ ∂L/∂y, and
  /// ∂L/∂x = γ·s·∂L/∂y with fixed statistics, or with batch statistics
  /// ∂L/∂x = (γ·s/n)·(n·∂L/∂y − Σ ∂L/∂y − x̂·Σ ∂L/∂y·x̂),
  /// sums over the channel.
  public mutating func backward(_ dy: FloatTensor, accumulate: Bool) -> FloatTensor {
    guard let (x, mean, inverseStd, training) = saved else {
      preconditionFailure("bn: backward before forward")
    }
    precondition(dy.shape == x.shape, "bn: output gradient \(dy.shape), expected \(x.shape)")
    let rows = dy.rowCount
    let n = Float(rows * spatial)
    let (spatial, gamma) = (spatial, parameters[0].value.scalars)
    // Σ ∂L/∂y and Σ ∂L/∂y·x̂ of channel c at 2c and 2c + 1, in one pass.
    var sums = [Float](repeating: 0, count: 2 * channels)
    let dx = dy.scalars.withUnsafeBufferPointer { pd in
      x.scalars.withUnsafeBufferPointer { px in
        let (gradient, input) = (UnsafeSendable(pd.baseAddress!), UnsafeSendable(px.baseAddress!))
        sums.withUnsafeMutableBufferPointer { buffer in
          let total = UnsafeSendable(buffer.baseAddress!)
          forEachRun(rows: rows) { start, c in
            let g = gradient.value + start
            total.value[2 * c] += laneSum(g, spatial)
            total.value[2 * c + 1] += laneDotNormalized(
              g, input.value + start, spatial, mean: mean[c], inverseStd: inverseStd[c])
          }
        }
        let scale = (0..<channels).map { gamma[$0] * inverseStd[$0] }
        let shift = (0..<channels).map { training ? scale[$0] / n * sums[2 * $0] : 0 }
        let slope = (0..<channels).map { training ? scale[$0] / n * sums[2 * $0 + 1] : 0 }
        return uninitializedFloats(dy.count) { out in
          forEachRun(rows: rows) { start, c in
            let (g, x, y, mu, s) = (gradient.value, input.value, out.value, mean[c], inverseStd[c])
            for i in start..<start + spatial {
              y[i] = scale[c] * g[i] - shift[c] - slope[c] * ((x[i] - mu) * s)
            }
          }
        }
      }
    }
    if accumulate {
      for c in 0..<channels {
        parameters[0].gradient[c] += sums[2 * c + 1]
        parameters[1].gradient[c] += sums[2 * c]
      }
    }
    return FloatTensor(shape: dy.shape, scalars: dx)
  }

  private func runningInverseStd() -> [Float] {
    state[1].value.scalars.map { 1 / ($0 + Self.epsilon).squareRoot() }
  }

  /// y = γ·x̂ + β with x̂ = (x − μ)·s for the given per-channel μ and s.
  private func normalize(_ x: FloatTensor, mean: [Float], inverseStd: [Float]) -> FloatTensor {
    precondition(
      x.rank == 2 && x.shape[1] == channels * spatial,
      "bn: input \(x.shape), expected [B,\(channels * spatial)]")
    let (gamma, beta, spatial) = (parameters[0].value.scalars, parameters[1].value.scalars, spatial)
    let y = x.scalars.withUnsafeBufferPointer { buffer in
      let px = UnsafeSendable(buffer.baseAddress!)
      return uninitializedFloats(x.count) { out in
        forEachRun(rows: x.rowCount) { start, c in
          let (mu, s, g, b) = (mean[c], inverseStd[c], gamma[c], beta[c])
          for i in start..<start + spatial { out.value[i] = g * ((px.value[i] - mu) * s) + b }
        }
      }
    }
    return FloatTensor(shape: x.shape, scalars: y)
  }

  /// Calls `body(first index, channel)` for each run of `spatial` scalars of
  /// each channel in `rows` rows: the channels split into ranges over the
  /// workers, each range row by row, so a channel's sums are in row order.
  private func forEachRun(rows: Int, _ body: (Int, Int) -> Void) {
    let width = channels * spatial
    forEachRange(channels, minimum: 1) { range in
      for r in 0..<rows {
        for c in range { body(r * width + c * spatial, c) }
      }
    }
  }

  /// Σ over the rows of `term(first index of the run, channel)` per channel.
  private func channelSums<T: AdditiveArithmetic>(rows: Int, _ term: (Int, Int) -> T) -> [T] {
    var sums = [T](repeating: .zero, count: channels)
    sums.withUnsafeMutableBufferPointer { buffer in
      let p = UnsafeSendable(buffer.baseAddress!)
      forEachRun(rows: rows) { start, c in p.value[c] += term(start, c) }
    }
    return sums
  }
}
