/// A 3×3 convolution with stride 1 and zero padding 1 ("same"), as a cross-correlation:
/// y[f, i, j] = b[f] + Σ_c Σ_{u,v ∈ 0..<3} W[f, c, u, v]·x[c, i + u − 1, j + v − 1].
///
/// Rows are [C·H·W] (channels first) in and [F·H·W] out. W is stored
/// [F, C, 3, 3] (PyTorch's layout), so `model/layerK/W` reads in h5py as
/// `torch.nn.Conv2d(C, F, 3, padding=1).weight`. Each block of samples is
/// unfolded (im2col) into a [samples·H·W, 9·C] matrix; one GEMM with Wᵀ gives
/// the outputs and two more the gradients.
public struct Conv3x3: Layer {
  public var parameters: [Parameter]
  public let channels: Int
  public let height: Int
  public let width: Int
  public let filters: Int
  private var input: FloatTensor?

  /// A layer for rows of shape [C, H, W] with weights [F, C, 3, 3] and bias [F].
  public init(channels: Int, height: Int, width: Int, weights: FloatTensor, bias: FloatTensor) {
    let f = weights.shape.first ?? 0
    precondition(
      weights.shape == [f, channels, 3, 3] && bias.shape == [f],
      "conv3x3: W [F,\(channels),3,3] and b [F], got \(weights.shape) and \(bias.shape)")
    self.channels = channels
    self.height = height
    self.width = width
    filters = weights.shape[0]
    parameters = [Parameter(name: "W", value: weights), Parameter(name: "b", value: bias)]
  }

  public var spec: LayerSpec { .conv3x3(filters: filters) }
  public var weights: FloatTensor { parameters[0].value }
  public var bias: FloatTensor { parameters[1].value }

  private var pixels: Int { height * width }
  private var patch: Int { 9 * channels }

  /// The scalars of one unfolded block of samples (at least one sample).
  var blockScalars = 1 << 22
  private var blockSamples: Int { max(1, blockScalars / max(1, pixels * patch)) }

  public func callAsFunction(_ x: FloatTensor) -> FloatTensor {
    let rows = x.rowCount
    precondition(
      x.rank == 2 && x.shape[1] == channels * pixels,
      "conv3x3: input \(x.shape), expected [B,\(channels * pixels)]")
    let (hw, f, k) = (pixels, filters, patch)
    var y = [Float](repeating: 0, count: rows * f * hw)
    let bias = parameters[1].value.scalars
    forEachBlock(rows) { start, n in
      let col = unfold(x, samples: start..<start + n)
      var product = [Float](repeating: 0, count: n * hw * f)
      col.withUnsafeBufferPointer { pc in
        parameters[0].value.scalars.withUnsafeBufferPointer { pw in
          product.withUnsafeMutableBufferPointer { pp in
            sgemm(
              transposeB: true, m: n * hw, n: f, k: k, a: pc.baseAddress!, lda: k,
              b: pw.baseAddress!, ldb: k, c: pp.baseAddress!, ldc: f)
          }
        }
      }
      for s in 0..<n {
        let out = (start + s) * f * hw
        for p in 0..<hw {
          let row = (s * hw + p) * f
          for j in 0..<f { y[out + j * hw + p] = product[row + j] + bias[j] }
        }
      }
    }
    return FloatTensor(shape: [rows, f * hw], scalars: y)
  }

  public mutating func forward(
    _ x: FloatTensor, training: Bool, generator: inout SeededGenerator
  ) -> FloatTensor {
    input = x
    return self(x)
  }

  /// With Y = col·Wᵀ per block: ∂L/∂W += (∂L/∂Y)ᵀ·col, ∂L/∂b = Σ ∂L/∂y over
  /// samples and pixels, ∂L/∂col = ∂L/∂Y·W, folded back onto the input pixels.
  public mutating func backward(_ dy: FloatTensor, accumulate: Bool) -> FloatTensor {
    guard let x = input else { preconditionFailure("conv3x3: backward before forward") }
    let rows = x.rowCount
    let (hw, f, k) = (pixels, filters, patch)
    precondition(dy.shape == [rows, f * hw], "conv3x3: output gradient \(dy.shape)")
    var dx = [Float](repeating: 0, count: rows * channels * hw)
    forEachBlock(rows) { start, n in
      var dyT = [Float](repeating: 0, count: n * hw * f)
      for s in 0..<n {
        let base = (start + s) * f * hw
        for j in 0..<f {
          for p in 0..<hw { dyT[(s * hw + p) * f + j] = dy.scalars[base + j * hw + p] }
        }
      }
      var dcol = [Float](repeating: 0, count: n * hw * k)
      dyT.withUnsafeBufferPointer { pd in
        parameters[0].value.scalars.withUnsafeBufferPointer { pw in
          dcol.withUnsafeMutableBufferPointer { pc in
            sgemm(
              m: n * hw, n: k, k: f, a: pd.baseAddress!, lda: f, b: pw.baseAddress!, ldb: k,
              c: pc.baseAddress!, ldc: k)
          }
        }
      }
      dcol.withUnsafeBufferPointer { pc in
        dx.withUnsafeMutableBufferPointer { px in
          for s in 0..<n {
            fold(pc.baseAddress! + s * hw * k, into: px.baseAddress! + (start + s) * channels * hw)
          }
        }
      }
      guard accumulate else { return }
      let col = unfold(x, samples: start..<start + n)
      dyT.withUnsafeBufferPointer { pd in
        col.withUnsafeBufferPointer { pc in
          parameters[0].gradient.withUnsafeMutableBufferPointer { pg in
            sgemm(
              transposeA: true, m: f, n: k, k: n * hw, a: pd.baseAddress!, lda: f,
              b: pc.baseAddress!, ldb: k, beta: 1, c: pg.baseAddress!, ldc: k)
          }
        }
        parameters[1].gradient.withUnsafeMutableBufferPointer { pb in
          for r in 0..<n * hw {
            for j in 0..<f { pb[j] += pd[r * f + j] }
          }
        }
      }
    }
    return FloatTensor(shape: [rows, channels * hw], scalars: dx)
  }

  /// Calls `body(first sample, sample count)` for consecutive blocks of `rows` samples.
  private func forEachBlock(_ rows: Int, _ body: (Int, Int) -> Void) {
    for start in stride(from: 0, to: rows, by: blockSamples) {
      body(start, min(blockSamples, rows - start))
    }
  }

  /// The patch matrices of rows `samples` of `x`, one [H·W, 9·C] block per sample:
  /// col[i·W + j, 9c + 3u + v] = x[c, i + u − 1, j + v − 1], zero outside the image.
  private func unfold(_ x: FloatTensor, samples: Range<Int>) -> [Float] {
    let (hw, k) = (pixels, patch)
    var col = [Float](repeating: 0, count: samples.count * hw * k)
    x.scalars.withUnsafeBufferPointer { px in
      col.withUnsafeMutableBufferPointer { pc in
        for (s, row) in samples.enumerated() {
          unfold(px.baseAddress! + row * channels * hw, into: pc.baseAddress! + s * hw * k)
        }
      }
    }
    return col
  }

  /// Writes the patch matrix of one [C, H, W] image into `col`.
  private func unfold(_ x: UnsafePointer<Float>, into col: UnsafeMutablePointer<Float>) {
    let (h, w, k) = (height, width, patch)
    for c in 0..<channels {
      let plane = x + c * h * w
      for u in 0..<3 {
        for v in 0..<3 {
          let column = 9 * c + 3 * u + v
          for i in 0..<h {
            let si = i + u - 1
            for j in 0..<w {
              let sj = j + v - 1
              let inside = si >= 0 && si < h && sj >= 0 && sj < w
              col[(i * w + j) * k + column] = inside ? plane[si * w + sj] : 0
            }
          }
        }
      }
    }
  }

  /// Adds each entry of a [H·W, 9·C] patch-matrix gradient to the input pixel
  /// it came from (the adjoint of `unfold`).
  private func fold(_ col: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>) {
    let (h, w, k) = (height, width, patch)
    for c in 0..<channels {
      let plane = dx + c * h * w
      for u in 0..<3 {
        for v in 0..<3 {
          let column = 9 * c + 3 * u + v
          for i in 0..<h {
            let si = i + u - 1
            guard si >= 0 && si < h else { continue }
            for j in 0..<w {
              let sj = j + v - 1
              if sj >= 0 && sj < w { plane[si * w + sj] += col[(i * w + j) * k + column] }
            }
          }
        }
      }
    }
  }
}
