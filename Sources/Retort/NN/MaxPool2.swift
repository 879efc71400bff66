/// 2×2 max pooling with stride 2: y[c, i, j] = max over x[c, 2i + u, 2j + v], u, v ∈ {0, 1}.
///
/// An odd last row or column is dropped (H/2 and W/2 round down). Ties go to
/// the first maximum in row-major order, which also receives the gradient.
public struct MaxPool2: Layer {
  public let channels: Int
  public let height: Int
  public let width: Int
  /// For each output scalar of the last `forward`, the index of its input scalar.
  private var argmax: [Int]?

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
    let inputWidth = channels * height * width
    var dx = [Float](repeating: 0, count: dy.rowCount * inputWidth)
    dy.scalars.withUnsafeBufferPointer { pd in
      argmax.withUnsafeBufferPointer { pa in
        dx.withUnsafeMutableBufferPointer { px in
          for o in pa.indices { px[pa[o]] += pd[o] }
        }
      }
    }
    return FloatTensor(shape: [dy.rowCount, inputWidth], scalars: dx)
  }

  /// The pooled rows and, for each output scalar, the index of the input scalar chosen.
  private func pool(_ x: FloatTensor) -> (output: FloatTensor, argmax: [Int]) {
    let (h, w) = (height, width)
    let (oh, ow) = (h / 2, w / 2)
    precondition(
      x.rank == 2 && x.shape[1] == channels * h * w,
      "maxpool2: input \(x.shape), expected [B,\(channels * h * w)]")
    let planes = x.rowCount * channels
    var y = [Float](repeating: 0, count: planes * oh * ow)
    var argmax = [Int](repeating: 0, count: y.count)
    // Planes split into contiguous ranges over as many workers as conv3x3 uses.
    let workers = max(1, min(BLASKernel.threads, planes / 64))
    x.scalars.withUnsafeBufferPointer { px in
      y.withUnsafeMutableBufferPointer { py in
        argmax.withUnsafeMutableBufferPointer { pa in
          let (input, output, chosen) = (
            UnsafeSendable(px.baseAddress!), UnsafeSendable(py.baseAddress!),
            UnsafeSendable(pa.baseAddress!)
          )
          parallelFor(workers, threads: workers) { t in
            let (px, py, pa) = (input.value, output.value, chosen.value)
            for plane in planes * t / workers..<planes * (t + 1) / workers {
              let base = plane * h * w
              for i in 0..<oh {
                let o = (plane * oh + i) * ow
                for j in 0..<ow {
                  let corner = base + 2 * i * w + 2 * j
                  var best = corner
                  if px[corner + 1] > px[best] { best = corner + 1 }
                  if px[corner + w] > px[best] { best = corner + w }
                  if px[corner + w + 1] > px[best] { best = corner + w + 1 }
                  py[o + j] = px[best]
                  pa[o + j] = best
                }
              }
            }
          }
        }
      }
    }
    return (FloatTensor(shape: [x.rowCount, channels * oh * ow], scalars: y), argmax)
  }
}
