/// A fully connected layer: y = x·W + b for x [B, in], W [in, out], b [out].
///
/// W is stored [in, out] (the Keras layout, not PyTorch's [out, in]), so
/// row-major x·W is one GEMM without transposes and `model/layerK/W` reads in
/// h5py as the matrix that right-multiplies a batch.
public struct Dense: InputRecordingLayer {
  public var parameters: [Parameter]
  public let inputWidth: Int
  public let outputWidth: Int
  var recordedInput: FloatTensor?

  /// A layer with weights `weights` [in, out] and bias `bias` [out].
  public init(weights: FloatTensor, bias: FloatTensor) {
    precondition(
      weights.rank == 2 && bias.shape == [weights.shape[1]], "dense: W [in,out], b [out]")
    inputWidth = weights.shape[0]
    outputWidth = weights.shape[1]
    parameters = [Parameter(name: "W", value: weights), Parameter(name: "b", value: bias)]
  }

  public var spec: LayerSpec { .dense(units: outputWidth) }
  public var weights: FloatTensor { parameters[0].value }
  public var bias: FloatTensor { parameters[1].value }

  public func callAsFunction(_ x: FloatTensor) -> FloatTensor {
    precondition(
      x.rank == 2 && x.shape[1] == inputWidth, "dense: input \(x.shape), expected [B,\(inputWidth)]"
    )
    let rows = x.shape[0]
    var y = [Float](repeating: 0, count: rows * outputWidth)
    let b = parameters[1].value.scalars
    for r in 0..<rows { y.replaceSubrange(r * outputWidth..<(r + 1) * outputWidth, with: b) }
    if inputWidth > 0 {
      x.scalars.withUnsafeBufferPointer { px in
        parameters[0].value.scalars.withUnsafeBufferPointer { pw in
          y.withUnsafeMutableBufferPointer { py in
            sgemm(
              m: rows, n: outputWidth, k: inputWidth, a: px.baseAddress!, lda: inputWidth,
              b: pw.baseAddress!, ldb: outputWidth, beta: 1, c: py.baseAddress!, ldc: outputWidth)
          }
        }
      }
    }
    return FloatTensor(shape: [rows, outputWidth], scalars: y)
  }

  /// ∂L/∂x = ∂L/∂y·Wᵀ; adds ∂L/∂W = xᵀ·∂L/∂y and
  /// ∂L/∂b = Σ_rows ∂L/∂y.
  public mutating func backward(_ dy: FloatTensor, accumulate: Bool) -> FloatTensor {
    guard let x = recordedInput else { preconditionFailure("dense: backward before forward") }
    let rows = x.shape[0]
    precondition(dy.shape == [rows, outputWidth], "dense: output gradient \(dy.shape)")
    guard rows > 0 else { return FloatTensor(shape: [0, inputWidth], scalars: []) }
    var dx = [Float](repeating: 0, count: rows * inputWidth)
    dy.scalars.withUnsafeBufferPointer { pdy in
      parameters[0].value.scalars.withUnsafeBufferPointer { pw in
        dx.withUnsafeMutableBufferPointer { pdx in
          sgemm(
            transposeB: true, m: rows, n: inputWidth, k: outputWidth, a: pdy.baseAddress!,
            lda: outputWidth, b: pw.baseAddress!, ldb: outputWidth, c: pdx.baseAddress!,
            ldc: inputWidth)
        }
      }
    }
    if accumulate { accumulateParameterGradients(dy) }
    return FloatTensor(shape: [rows, inputWidth], scalars: dx)
  }

  /// Adds ∂L/∂W = xᵀ·∂L/∂y and ∂L/∂b = Σ_rows ∂L/∂y.
  public mutating func accumulateParameterGradients(_ dy: FloatTensor) {
    guard let x = recordedInput else { preconditionFailure("dense: backward before forward") }
    let rows = x.shape[0]
    precondition(dy.shape == [rows, outputWidth], "dense: output gradient \(dy.shape)")
    guard rows > 0 else { return }
    dy.scalars.withUnsafeBufferPointer { pdy in
      let dyp = pdy.baseAddress!
      x.scalars.withUnsafeBufferPointer { px in
        parameters[0].gradient.withUnsafeMutableBufferPointer { pgw in
          sgemm(
            transposeA: true, m: inputWidth, n: outputWidth, k: rows, a: px.baseAddress!,
            lda: inputWidth, b: dyp, ldb: outputWidth, beta: 1, c: pgw.baseAddress!,
            ldc: outputWidth)
        }
      }
      let ones = [Float](repeating: 1, count: rows)
      ones.withUnsafeBufferPointer { po in
        parameters[1].gradient.withUnsafeMutableBufferPointer { pgb in
          sgemv(
            transpose: true, m: rows, n: outputWidth, a: dyp, lda: outputWidth, x: po.baseAddress!,
            beta: 1, y: pgb.baseAddress!)
        }
      }
    }
  }
}
