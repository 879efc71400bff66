/// Inverted dropout: while training, each feature is zeroed with probability p
/// and the survivors are scaled by 1/(1−p), so that inference is the identity.
public struct Dropout: Layer {
  public let rate: Float
  /// The factor (0 or 1/(1−p)) applied to each scalar by the last training forward.
  private var mask: [Float]?

  public init(rate: Float) {
    precondition(rate >= 0 && rate < 1, "dropout rate \(rate) outside [0, 1)")
    self.rate = rate
  }

  public var spec: LayerSpec { .dropout(rate: rate) }

  public func callAsFunction(_ x: FloatTensor) -> FloatTensor { x }

  /// Draws one uniform number per scalar, in row-major order, when training.
  public mutating func forward(
    _ x: FloatTensor, training: Bool, generator: inout SeededGenerator
  ) -> FloatTensor {
    guard training, rate > 0 else {
      mask = nil
      return x
    }
    let keep = 1 / (1 - rate)
    let p = Double(rate)
    var m = [Float](repeating: 0, count: x.count)
    for i in m.indices where generator.uniform() >= p { m[i] = keep }
    var y = x
    y.scalars.withUnsafeMutableBufferPointer { py in
      for i in py.indices { py[i] *= m[i] }
    }
    mask = m
    return y
  }

  /// ∂L/∂x = mask·∂L/∂y (the identity after an inference forward).
  public mutating func backward(_ dy: FloatTensor, accumulate: Bool) -> FloatTensor {
    guard let m = mask else { return dy }
    precondition(dy.count == m.count, "dropout: output gradient \(dy.shape)")
    var dx = dy
    dx.scalars.withUnsafeMutableBufferPointer { p in
      for i in p.indices { p[i] *= m[i] }
    }
    return dx
  }
}
