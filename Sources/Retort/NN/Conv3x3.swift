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

  /// The scalars of one unit's unfolded samples: about 1 MB, so that a
  /// worker's patch matrix is still in its cache when it is multiplied.
  var blockScalars = 1 << 18
  /// Samples per unit of work: what `blockScalars` holds (at least one), and
  /// at least a 32nd of the rows, which bounds the weight-gradient partials.
  private func unitSamples(_ rows: Int) -> Int {
    max(1, blockScalars / max(1, pixels * patch), (rows + 31) / 32)
  }

  public func callAsFunction(_ x: FloatTensor) -> FloatTensor {
    let rows = x.rowCount
    precondition(
      x.rank == 2 && x.shape[1] == channels * pixels,
      "conv3x3: input \(x.shape), expected [B,\(channels * pixels)]")
    let (hw, f, k) = (pixels, filters, patch)
    let unit = unitSamples(rows)
    let y = x.scalars.withUnsafeBufferPointer { px in
      uninitializedFloats(rows * f * hw) { output in
        let input = UnsafeSendable(px.baseAddress!)
        let (pw, pb) = (weights.scalars, bias.scalars)
        forEachUnit(rows, unit: unit) { start, n, col, product in
          let cols = n * hw
          unfold(input.value + start * channels * hw, samples: n, into: col)
          sgemm(m: f, n: cols, k: k, a: pw, lda: k, b: col, ldb: cols, c: product, ldc: cols)
          for s in 0..<n {
            for j in 0..<f {
              let out = output.value + ((start + s) * f + j) * hw
              let row = product + j * cols + s * hw
              let bj = pb[j]
              for p in 0..<hw { out[p] = row[p] + bj }
            }
          }
        }
      }
    }
    return FloatTensor(shape: [rows, f * hw], scalars: y)
  }

  /// With G = ∂L/∂Y [F, n·H·W] per unit and Y = W·col: ∂L/∂col = Wᵀ·G, folded
  /// back onto the unit's input pixels; ∂L/∂W = Σ_units G·colᵀ and ∂L/∂b = Σ G,
  /// each unit's share kept apart and added in unit order, so that the sums
  /// do not depend on the number of threads.
  public mutating func backward(_ dy: FloatTensor, accumulate: Bool) -> FloatTensor {
    gradients(dy, accumulate: accumulate, inputGradient: true)!
  }

  /// The weight and bias gradients of `backward` alone.
  public mutating func accumulateParameterGradients(_ dy: FloatTensor) {
    _ = gradients(dy, accumulate: true, inputGradient: false)
  }

  /// `backward`, forming ∂L/∂x only when `inputGradient` (else it returns nil).
  private mutating func gradients(_ dy: FloatTensor, accumulate: Bool, inputGradient needed: Bool)
    -> FloatTensor?
  {
    guard let x = recordedInput else { preconditionFailure("conv3x3: backward before forward") }
    let rows = x.rowCount
    let (hw, f, k) = (pixels, filters, patch)
    precondition(dy.shape == [rows, f * hw], "conv3x3: output gradient \(dy.shape)")
    let unit = unitSamples(rows)
    let units = (rows + unit - 1) / unit
    var dx = [Float](repeating: 0, count: needed ? rows * channels * hw : 0)
    var dW = [Float](repeating: 0, count: accumulate ? units * f * k : 0)
    var db = [Float](repeating: 0, count: accumulate ? units * f : 0)
    let w = weights.scalars
    x.scalars.withUnsafeBufferPointer { px in
      dy.scalars.withUnsafeBufferPointer { pd in
        dx.withUnsafeMutableBufferPointer { pdx in
          dW.withUnsafeMutableBufferPointer { pdW in
            db.withUnsafeMutableBufferPointer { pdb in
              let input = UnsafeSendable(px.baseAddress!)
              let gradient = UnsafeSendable(pd.baseAddress!)
              let inputGradient = UnsafeSendable(needed ? pdx.baseAddress : nil)
              let (weightParts, biasParts) = (
                UnsafeSendable(pdW.baseAddress), UnsafeSendable(pdb.baseAddress)
              )
              forEachUnit(rows, unit: unit) { start, n, col, g in
                let cols = n * hw
                for s in 0..<n {
                  for j in 0..<f {
                    let src = gradient.value + ((start + s) * f + j) * hw
                    (g + j * cols + s * hw).update(from: src, count: hw)
                  }
                }
                if let dx = inputGradient.value {
                  sgemm(
                    transposeA: true, m: k, n: cols, k: f, a: w, lda: k, b: g, ldb: cols, c: col,
                    ldc: cols)
                  fold(col, samples: n, into: dx + start * channels * hw)
                }
                guard accumulate, let parts = weightParts.value, let biases = biasParts.value
                else { return }
                let u = start / unit
                unfold(input.value + start * channels * hw, samples: n, into: col)
                sgemm(
                  transposeB: true, m: f, n: k, k: cols, a: g, lda: cols, b: col, ldb: cols,
                  c: parts + u * f * k, ldc: k)
                for j in 0..<f { biases[u * f + j] = laneSum(g + j * cols, cols) }
              }
            }
          }
        }
      }
    }
    if accumulate {
      for (gradient, parts, size) in [(0, dW, f * k), (1, db, f)] {
        parameters[gradient].gradient.withUnsafeMutableBufferPointer { total in
          parts.withUnsafeBufferPointer { part in
            for u in 0..<units { laneAdd(total.baseAddress!, part.baseAddress! + u * size, size) }
          }
        }
      }
    }
    return needed ? FloatTensor(shape: [rows, channels * hw], scalars: dx) : nil
  }

  /// Calls `body(first sample, sample count, patch buffer, product buffer)`
  /// for consecutive units of `unit` samples on the BLAS workers, each with
  /// its own buffers of 9·C·unit·H·W and F·unit·H·W scalars.
  private func forEachUnit(
    _ rows: Int, unit: Int,
    _ body: (Int, Int, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void
  ) {
    let units = (rows + unit - 1) / unit
    let (colCount, productCount) = (patch * unit * pixels, filters * unit * pixels)
    withBLASWorkers(units) { t, workers in
      let col = UnsafeMutablePointer<Float>.allocate(capacity: colCount)
      let product = UnsafeMutablePointer<Float>.allocate(capacity: productCount)
      defer {
        col.deallocate()
        product.deallocate()
      }
      for u in stride(from: t, to: units, by: workers) {
        let start = u * unit
        body(start, min(unit, rows - start), col, product)
      }
    }
  }

  /// Unfolds `samples` consecutive [C, H, W] images of `x` into the patch
  /// matrix `col` [9·C, samples·H·W]: col[9c + 3u + v, s·H·W + i·W + j] =
  /// x[s, c, i + u − 1, j + v − 1], zero outside the image. Each (u, v) row
  /// of a plane is the plane shifted by (u − 1)·W + v − 1: one copy, then the
  /// rows and the column that fell outside are zeroed.
  private func unfold(
    _ x: UnsafePointer<Float>, samples: Int, into col: UnsafeMutablePointer<Float>
  ) {
    let hw = height * width
    let cols = samples * hw
    for s in 0..<samples {
      for c in 0..<channels {
        let plane = x + (s * channels + c) * hw
        for u in 0..<3 {
          for v in 0..<3 {
            let out = col + (9 * c + 3 * u + v) * cols + s * hw
            let shift = Shift(u: u, v: v, height: height, width: width)
            out.update(repeating: 0, count: shift.lo)
            let inside = shift.hi - shift.lo
            (out + shift.lo).update(from: plane + shift.lo + shift.offset, count: inside)
            (out + shift.hi).update(repeating: 0, count: hw - shift.hi)
            for p in shift.outsideColumn { out[p] = 0 }
          }
        }
      }
    }
  }

  /// Adds each entry of the patch-matrix gradient `col` [9·C, samples·H·W] to
  /// the input pixel it came from (the adjoint of `unfold`), one shifted
  /// range per (u, v) row of a plane. The entries whose pixel is outside the
  /// image are zeroed in `col` first; adding them as +0 changes nothing, as
  /// a sum that starts at +0 is never −0.
  private func fold(
    _ col: UnsafeMutablePointer<Float>, samples: Int, into dx: UnsafeMutablePointer<Float>
  ) {
    let hw = height * width
    let cols = samples * hw
    for s in 0..<samples {
      for c in 0..<channels {
        let plane = dx + (s * channels + c) * hw
        for u in 0..<3 {
          for v in 0..<3 {
            let source = col + (9 * c + 3 * u + v) * cols + s * hw
            let shift = Shift(u: u, v: v, height: height, width: width)
            for p in shift.outsideColumn { source[p] = 0 }
            laneAdd(plane + (shift.lo + shift.offset), source + shift.lo, shift.hi - shift.lo)
          }
        }
      }
    }
  }
}

/// Where the (u, v) row of a 3×3 patch matrix reads its plane: entry p of the
/// row is pixel p + `offset` of the plane for p in `lo..<hi`, except in
/// `outsideColumn` (the first column when v = 0, the last when v = 2, which
/// would wrap onto the neighbouring image row); outside `lo..<hi` it is 0.
private struct Shift {
  let offset: Int
  let lo: Int
  let hi: Int
  let outsideColumn: StrideTo<Int>

  init(u: Int, v: Int, height h: Int, width w: Int) {
    let (firstRow, endRow) = (max(0, 1 - u), min(h, h + 1 - u))
    offset = (u - 1) * w + v - 1
    lo = min(h * w, firstRow * w + (v == 0 ? 1 : 0))
    hi = max(lo, endRow * w - (v == 2 ? 1 : 0))
    // v = 0: lo is one past the first row's first column; v = 2: the last
    // row's last column is hi itself.
    outsideColumn = stride(from: v == 1 ? hi : lo + w - 1, to: hi, by: w)
  }
}
