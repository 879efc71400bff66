/// A 3×3 convolution with stride 1 and zero padding 1 ("same"), as a cross-correlation:
/// y[f, i, j] = b[f] + Σ_c Σ_{u,v ∈ 0..<3} W[f, c, u, v]·x[c, i + u − 1, j + v − 1].
///
/// Rows are [C·H·W] (channels first) in and [F·H·W] out. W is stored
/// [F, C, 3, 3] (PyTorch's layout), so `model/layerK/W` reads in h5py as
/// `torch.nn.Conv2d(C, F, 3, padding=1).weight`. Each block of n samples is
/// unfolded (im2col) into a [9·C, n·H·W] matrix whose rows are shifted copies
/// of the input planes; one GEMM W·col gives the outputs and two more the
/// gradients.
public struct Conv3x3: InputRecordingLayer {
  public var parameters: [Parameter]
  public let channels: Int
  public let height: Int
  public let width: Int
  public let filters: Int
  var recordedInput: FloatTensor?

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
    var col = [Float](repeating: 0, count: k * min(rows, blockSamples) * hw)
    var product = [Float](repeating: 0, count: f * min(rows, blockSamples) * hw)
    x.scalars.withUnsafeBufferPointer { px in
      let (pw, pb) = (weights.scalars, bias.scalars)
      forEachBlock(rows) { start, n in
        let cols = n * hw
        col.withUnsafeMutableBufferPointer { pc in
          unfold(px.baseAddress! + start * channels * hw, samples: n, into: pc.baseAddress!)
        }
        sgemm(m: f, n: cols, k: k, a: pw, lda: k, b: col, ldb: cols, c: &product, ldc: cols)
        product.withUnsafeBufferPointer { pp in
          y.withUnsafeMutableBufferPointer { py in
            for s in 0..<n {
              for j in 0..<f {
                let out = py.baseAddress! + ((start + s) * f + j) * hw
                let row = pp.baseAddress! + j * cols + s * hw
                let bj = pb[j]
                for p in 0..<hw { out[p] = row[p] + bj }
              }
            }
          }
        }
      }
    }
    return FloatTensor(shape: [rows, f * hw], scalars: y)
  }

  /// With G = ∂L/∂Y [F, n·H·W] per block and Y = W·col: ∂L/∂W += G·colᵀ,
  /// ∂L/∂b = Σ G over samples and pixels, ∂L/∂col = Wᵀ·G, folded back onto
  /// the input pixels.
  public mutating func backward(_ dy: FloatTensor, accumulate: Bool) -> FloatTensor {
    guard let x = recordedInput else { preconditionFailure("conv3x3: backward before forward") }
    let rows = x.rowCount
    let (hw, f, k) = (pixels, filters, patch)
    precondition(dy.shape == [rows, f * hw], "conv3x3: output gradient \(dy.shape)")
    let most = min(rows, blockSamples) * hw
    var dx = [Float](repeating: 0, count: rows * channels * hw)
    var g = [Float](repeating: 0, count: f * most)
    var dcol = [Float](repeating: 0, count: k * most)
    var col = [Float](repeating: 0, count: accumulate ? k * most : 0)
    var dW = [Float](repeating: 0, count: accumulate ? f * k : 0)
    var db = [Float](repeating: 0, count: accumulate ? f : 0)
    let w = weights.scalars
    forEachBlock(rows) { start, n in
      let cols = n * hw
      dy.scalars.withUnsafeBufferPointer { pd in
        g.withUnsafeMutableBufferPointer { pg in
          for s in 0..<n {
            for j in 0..<f {
              let src = pd.baseAddress! + ((start + s) * f + j) * hw
              (pg.baseAddress! + j * cols + s * hw).update(from: src, count: hw)
            }
          }
        }
      }
      sgemm(
        transposeA: true, m: k, n: cols, k: f, a: w, lda: k, b: g, ldb: cols, c: &dcol,
        ldc: cols)
      dcol.withUnsafeBufferPointer { pc in
        dx.withUnsafeMutableBufferPointer { px in
          fold(pc.baseAddress!, samples: n, into: px.baseAddress! + start * channels * hw)
        }
      }
      guard accumulate else { return }
      x.scalars.withUnsafeBufferPointer { px in
        col.withUnsafeMutableBufferPointer { pc in
          unfold(px.baseAddress! + start * channels * hw, samples: n, into: pc.baseAddress!)
        }
      }
      sgemm(
        transposeB: true, m: f, n: k, k: cols, a: g, lda: cols, b: col, ldb: cols, beta: 1,
        c: &dW, ldc: k)
      g.withUnsafeBufferPointer { pg in
        for j in 0..<f {
          db[j] += laneSum(pg.baseAddress! + j * cols, cols)
        }
      }
    }
    if accumulate {
      for i in 0..<f * k { parameters[0].gradient[i] += dW[i] }
      for j in 0..<f { parameters[1].gradient[j] += db[j] }
    }
    return FloatTensor(shape: [rows, channels * hw], scalars: dx)
  }

  /// Calls `body(first sample, sample count)` for consecutive blocks of `rows` samples.
  private func forEachBlock(_ rows: Int, _ body: (Int, Int) -> Void) {
    for start in stride(from: 0, to: rows, by: blockSamples) {
      body(start, min(blockSamples, rows - start))
    }
  }

  /// Calls `body(s)` for each of `samples` samples, on up to OpenBLAS's threads.
  private func forEachSample(_ samples: Int, _ body: (Int) -> Void) {
    let workers = min(samples, BLASKernel.threads)
    parallelFor(workers, threads: workers) { t in
      for s in stride(from: t, to: samples, by: workers) { body(s) }
    }
  }

  /// Unfolds `samples` consecutive [C, H, W] images of `x` into the patch
  /// matrix `col` [9·C, samples·H·W]: col[9c + 3u + v, s·H·W + i·W + j] =
  /// x[s, c, i + u − 1, j + v − 1], zero outside the image.
  private func unfold(
    _ x: UnsafePointer<Float>, samples: Int, into col: UnsafeMutablePointer<Float>
  ) {
    let (h, w) = (height, width)
    let cols = samples * h * w
    forEachSample(samples) { s in
      for c in 0..<channels {
        let plane = x + (s * channels + c) * h * w
        for u in 0..<3 {
          for v in 0..<3 {
            let row = col + (9 * c + 3 * u + v) * cols + s * h * w
            let (lo, hi) = (v == 0 ? 1 : 0, v == 2 ? w - 1 : w)
            for i in 0..<h {
              let out = row + i * w
              let si = i + u - 1
              guard si >= 0 && si < h else {
                out.update(repeating: 0, count: w)
                continue
              }
              let src = plane + si * w + (v - 1)
              if lo > 0 { out[0] = 0 }
              if hi < w { out[w - 1] = 0 }
              for j in lo..<hi { out[j] = src[j] }
            }
          }
        }
      }
    }
  }

  /// Adds each entry of the patch-matrix gradient `col` [9·C, samples·H·W] to
  /// the input pixel it came from (the adjoint of `unfold`).
  private func fold(
    _ col: UnsafePointer<Float>, samples: Int, into dx: UnsafeMutablePointer<Float>
  ) {
    let (h, w) = (height, width)
    let cols = samples * h * w
    forEachSample(samples) { s in
      for c in 0..<channels {
        let plane = dx + (s * channels + c) * h * w
        for u in 0..<3 {
          for v in 0..<3 {
            let row = col + (9 * c + 3 * u + v) * cols + s * h * w
            let (lo, hi) = (v == 0 ? 1 : 0, v == 2 ? w - 1 : w)
            for i in 0..<h {
              let si = i + u - 1
              guard si >= 0 && si < h else { continue }
              let source = row + i * w
              let target = plane + si * w + (v - 1)
              for j in lo..<hi { target[j] += source[j] }
            }
          }
        }
      }
    }
  }
}
