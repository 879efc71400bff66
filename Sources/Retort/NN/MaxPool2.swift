/// 2×2 max pooling with stride 2: y[c, i, j] = max over x[c, 2i + u, 2j + v], u, v ∈ {0, 1}.
///
/// An odd last row or column is dropped (H/2 and W/2 round down). Ties go to
/// the first maximum in row-major order, which also receives the gradient.
public struct MaxPool2: Layer {
  public let channels: Int
  public let height: Int
  public let width: Int
  /// For each output scalar of the last `forward`, the position of its input
  /// scalar in the window: 0, 1 on the top row, 2, 3 on the bottom one.
  private var argmax: [UInt8]?

  /// A layer for rows of shape [C, H, W] with H, W ≥ 2.
  public init(channels: Int, height: Int, width: Int) {
    precondition(height >= 2 && width >= 2, "maxpool2: image \(height)×\(width) smaller than 2×2")
    self.channels = channels
    self.height = height
    self.width = width
  }

  public var spec: LayerSpec { .maxPool2 }

  public func callAsFunction(_ x: FloatTensor) -> FloatTensor { pool(x).output }

  public mutating func forward(
    _ x: FloatTensor, training: Bool, generator: inout SeededGenerator
  ) -> FloatTensor {
    let (y, indices) = pool(x)
    argmax = indices
    return y
  }

  /// ∂L/∂x is ∂L/∂y at each window's maximum and 0 elsewhere.
  public mutating func backward(_ dy: FloatTensor, accumulate: Bool) -> FloatTensor {
    guard let argmax else { preconditionFailure("maxpool2: backward before forward") }
    precondition(dy.count == argmax.count, "maxpool2: output gradient \(dy.shape)")
    let (h, w) = (height, width)
    let (oh, ow) = (h / 2, w / 2)
    let planes = dy.rowCount * channels
    var dx = [Float](repeating: 0, count: planes * h * w)
    dy.scalars.withUnsafeBufferPointer { pd in
      argmax.withUnsafeBufferPointer { pa in
        dx.withUnsafeMutableBufferPointer { px in
          let (gradient, chosen, inputGradient) = (
            UnsafeSendable(pd.baseAddress!), UnsafeSendable(pa.baseAddress!),
            UnsafeSendable(px.baseAddress!)
          )
          forEachRange(planes, minimum: 64) { range in
            let (pd, pa, px) = (gradient.value, chosen.value, inputGradient.value)
            for plane in range {
              for i in 0..<oh {
                let o = (plane * oh + i) * ow
                let top = plane * h * w + 2 * i * w
                for j in 0..<ow {
                  let k = Int(pa[o + j])
                  px[top + 2 * j + (k & 1) + (k >> 1) * w] += pd[o + j]
                }
              }
            }
          }
        }
      }
    }
    return FloatTensor(shape: [dy.rowCount, channels * h * w], scalars: dx)
  }

  /// The pooled rows and, for each output scalar, the window position of the
  /// input scalar chosen. Each choice is made with selects, not branches: on
  /// real images which corner wins is close to random.
  private func pool(_ x: FloatTensor) -> (output: FloatTensor, argmax: [UInt8]) {
    let (h, w) = (height, width)
    let (oh, ow) = (h / 2, w / 2)
    precondition(
      x.rank == 2 && x.shape[1] == channels * h * w,
      "maxpool2: input \(x.shape), expected [B,\(channels * h * w)]")
    let planes = x.rowCount * channels
    var y = [Float](repeating: 0, count: planes * oh * ow)
    var argmax = [UInt8](repeating: 0, count: y.count)
    x.scalars.withUnsafeBufferPointer { px in
      y.withUnsafeMutableBufferPointer { py in
        argmax.withUnsafeMutableBufferPointer { pa in
          let (input, output, chosen) = (
            UnsafeSendable(px.baseAddress!), UnsafeSendable(py.baseAddress!),
            UnsafeSendable(pa.baseAddress!)
          )
          forEachRange(planes, minimum: 64) { range in
            for plane in range {
              for i in 0..<oh {
                let top = input.value + plane * h * w + 2 * i * w
                let o = (plane * oh + i) * ow
                poolRow(
                  top, top + w, count: ow, into: output.value + o, positions: chosen.value + o)
              }
            }
          }
        }
      }
    }
    return (FloatTensor(shape: [x.rowCount, channels * oh * ow], scalars: y), argmax)
  }

  /// One output row from two input rows: the first maximum of each window in
  /// the order top-left, top-right, bottom-left, bottom-right (a NaN wins only
  /// from the top-left, as no comparison with it holds).
  @inline(__always)
  private func poolRow(
    _ top: UnsafePointer<Float>, _ bottom: UnsafePointer<Float>, count: Int,
    into y: UnsafeMutablePointer<Float>, positions: UnsafeMutablePointer<UInt8>
  ) {
    for j in 0..<count {
      var best = top[2 * j]
      var position: UInt8 = 0
      func consider(_ candidate: Float, at k: UInt8) {
        let wins = candidate > best
        best = wins ? candidate : best
        position = wins ? k : position
      }
      consider(top[2 * j + 1], at: 1)
      consider(bottom[2 * j], at: 2)
      consider(bottom[2 * j + 1], at: 3)
      y[j] = best
      positions[j] = position
    }
  }
}
