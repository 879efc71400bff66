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
  /// x̂ = (x − μ)/√(σ² + ε) and 1/√(σ² + ε) per channel of the last `forward`,
  /// and whether it used batch statistics.
  private var saved: (normalized: [Float], inverseStd: [Float], training: Bool)?

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
    normalize(x, mean: state[0].value.scalars, inverseStd: runningInverseStd()).output
  }

  /// Uses and updates batch statistics when `training`, else the running ones.
  public mutating func forward(
    _ x: FloatTensor, training: Bool, generator: inout SeededGenerator
  ) -> FloatTensor {
    guard training else {
      let inverseStd = runningInverseStd()
      let (y, normalized) = normalize(x, mean: state[0].value.scalars, inverseStd: inverseStd)
      saved = (normalized, inverseStd, false)
      return y
    }
    let n = x.rowCount * spatial
    precondition(n > 0, "bn: an empty batch has no statistics")
    var mean = [Float](repeating: 0, count: channels)
    var variance = mean
    x.scalars.withUnsafeBufferPointer { px in
      for c in 0..<channels {
        var sum: Double = 0
        forEachRun(channel: c, rows: x.rowCount) { start in
          sum += Double(laneSum(px.baseAddress! + start, spatial))
        }
        let mu = Float(sum / Double(n))
        var squares: Double = 0
        forEachRun(channel: c, rows: x.rowCount) { start in
          squares += Double(laneSquaredDeviations(px.baseAddress! + start, spatial, from: mu))
        }
        mean[c] = mu
        variance[c] = Float(squares / Double(n))
      }
    }
    let inverseStd = variance.map { 1 / ($0 + Self.epsilon).squareRoot() }
    let (y, normalized) = normalize(x, mean: mean, inverseStd: inverseStd)
    saved = (normalized, inverseStd, true)
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
    guard let (normalized, inverseStd, training) = saved else {
      preconditionFailure("bn: backward before forward")
    }
    precondition(dy.count == normalized.count, "bn: output gradient \(dy.shape)")
    let rows = dy.rowCount
    let n = Float(rows * spatial)
    var dx = [Float](repeating: 0, count: dy.count)
    var sumsDy = [Float](repeating: 0, count: channels)
    var sumsDyX = sumsDy
    let gamma = parameters[0].value.scalars
    dy.scalars.withUnsafeBufferPointer { pd in
      normalized.withUnsafeBufferPointer { pn in
        dx.withUnsafeMutableBufferPointer { px in
          for c in 0..<channels {
            var sumDy: Float = 0
            var sumDyX: Float = 0
            forEachRun(channel: c, rows: rows) { start in
              sumDy += laneSum(pd.baseAddress! + start, spatial)
              sumDyX += laneDot(pd.baseAddress! + start, pn.baseAddress! + start, spatial)
            }
            sumsDy[c] = sumDy
            sumsDyX[c] = sumDyX
            let scale = gamma[c] * inverseStd[c]
            let shift = training ? scale / n * sumDy : 0
            let slope = training ? scale / n * sumDyX : 0
            forEachRun(channel: c, rows: rows) { start in
              for i in start..<start + spatial { px[i] = scale * pd[i] - shift - slope * pn[i] }
            }
          }
        }
      }
    }
    if accumulate {
      for c in 0..<channels {
        parameters[0].gradient[c] += sumsDyX[c]
        parameters[1].gradient[c] += sumsDy[c]
      }
    }
    return FloatTensor(shape: dy.shape, scalars: dx)
  }

  private func runningInverseStd() -> [Float] {
    state[1].value.scalars.map { 1 / ($0 + Self.epsilon).squareRoot() }
  }

  /// y = γ·x̂ + β and x̂ = (x − μ)·s for the given per-channel μ and s.
  private func normalize(_ x: FloatTensor, mean: [Float], inverseStd: [Float])
    -> (output: FloatTensor, normalized: [Float])
  {
    precondition(
      x.rank == 2 && x.shape[1] == channels * spatial,
      "bn: input \(x.shape), expected [B,\(channels * spatial)]")
    var normalized = [Float](repeating: 0, count: x.count)
    var y = normalized
    let (gamma, beta) = (parameters[0].value.scalars, parameters[1].value.scalars)
    x.scalars.withUnsafeBufferPointer { px in
      normalized.withUnsafeMutableBufferPointer { pn in
        y.withUnsafeMutableBufferPointer { py in
          for c in 0..<channels {
            let (mu, s, g, b) = (mean[c], inverseStd[c], gamma[c], beta[c])
            forEachRun(channel: c, rows: x.rowCount) { start in
              for i in start..<start + spatial {
                let v = (px[i] - mu) * s
                pn[i] = v
                py[i] = g * v + b
              }
            }
          }
        }
      }
    }
    return (FloatTensor(shape: x.shape, scalars: y), normalized)
  }

  /// Calls `body` with the first index of each run of `spatial` scalars of
  /// channel `c` in `rows` rows.
  @inline(__always)
  private func forEachRun(channel c: Int, rows: Int, _ body: (Int) -> Void) {
    let width = channels * spatial
    for r in 0..<rows { body(r * width + c * spatial) }
  }
}
