/// The rectifier y = max(x, 0), elementwise.
public struct ReLU: Layer {
  private var output: FloatTensor?

  public init() {}

  public var spec: LayerSpec { .relu }

  public func callAsFunction(_ x: FloatTensor) -> FloatTensor {
    let y = x.scalars.withUnsafeBufferPointer { px in
      let input = UnsafeSendable(px.baseAddress)
      return uninitializedFloats(x.count) { out in
        forEachRange(x.count, minimum: 1 << 15) { range in
          for i in range { out.value[i] = max(input.value![i], 0) }
        }
      }
    }
    return FloatTensor(shape: x.shape, scalars: y)
  }

  public mutating func forward(
    _ x: FloatTensor, training: Bool, generator: inout SeededGenerator
  ) -> FloatTensor {
    let y = self(x)
    output = y
    return y
  }

  /// ∂L/∂x = ∂L/∂y where y > 0, else 0 (0 at the kink).
  public mutating func backward(_ dy: FloatTensor, accumulate: Bool) -> FloatTensor {
    guard let y = output else { preconditionFailure("relu: backward before forward") }
    precondition(dy.shape == y.shape, "relu: output gradient \(dy.shape), expected \(y.shape)")
    let dx = y.scalars.withUnsafeBufferPointer { py in
      dy.scalars.withUnsafeBufferPointer { pd in
        let (output, gradient) = (UnsafeSendable(py.baseAddress), UnsafeSendable(pd.baseAddress))
        return uninitializedFloats(dy.count) { out in
          forEachRange(dy.count, minimum: 1 << 15) { range in
            let (y, g) = (output.value!, gradient.value!)
            for i in range {
              let gi = g[i]  // loaded unconditionally, so that the choice is a select
              out.value[i] = y[i] > 0 ? gi : 0
            }
          }
        }
      }
    }
    return FloatTensor(shape: dy.shape, scalars: dx)
  }
}

/// The leaky rectifier y = x for x > 0, slope·x otherwise, elementwise.
public struct LeakyReLU: InputRecordingLayer {
  public let slope: Float
  var recordedInput: FloatTensor?

  public init(slope: Float) { self.slope = slope }

  public var spec: LayerSpec { .leakyReLU(slope: slope) }

  public func callAsFunction(_ x: FloatTensor) -> FloatTensor {
    var y = x
    let a = slope
    y.scalars.withUnsafeMutableBufferPointer { p in
      for i in p.indices {
        let v = p[i]
        p[i] = v < 0 ? v * a : v
      }
    }
    return y
  }

  /// ∂L/∂x = ∂L/∂y for x > 0, slope·∂L/∂y otherwise.
  public mutating func backward(_ dy: FloatTensor, accumulate: Bool) -> FloatTensor {
    guard let x = recordedInput else { preconditionFailure("leakyrelu: backward before forward") }
    precondition(dy.shape == x.shape, "leakyrelu: output gradient \(dy.shape), expected \(x.shape)")
    var dx = dy
    let a = slope
    x.scalars.withUnsafeBufferPointer { px in
      dx.scalars.withUnsafeMutableBufferPointer { p in
        for i in p.indices {
          let g = p[i]
          p[i] = px[i] > 0 ? g : g * a
        }
      }
    }
    return dx
  }
}
