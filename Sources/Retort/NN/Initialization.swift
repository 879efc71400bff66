import Glibc

/// How weights are first drawn; biases start at zero (batch norm at γ = 1, β = 0).
///
/// For a dense layer fan-in and fan-out are its input and output widths; for
/// a 3×3 convolution from C to F channels they are 9·C and 9·F.
public enum WeightInitialization: Sendable {
  /// Glorot (Xavier) uniform: W ~ U(−a, a), a = √(6/(fanIn + fanOut)).
  case glorot
  /// He normal: W ~ N(0, σ²), σ = √(2/((1 + s²)·fanIn)) for a following
  /// rectifier of negative slope s (0 for ReLU, or when none follows).
  case he
  /// He for a layer followed by a rectifier (dropout or batch norm between
  /// them allowed), Glorot otherwise.
  case automatic

  /// Weights of shape `shape` drawn in row-major order from `generator`.
  func weights(
    shape: [Int], fanIn: Int, fanOut: Int, nextRectifier: LayerSpec?,
    generator: inout SeededGenerator
  ) -> FloatTensor {
    var w = [Float](repeating: 0, count: shape.reduce(1, *))
    let useHe: Bool
    switch self {
    case .glorot: useHe = false
    case .he: useHe = true
    case .automatic: useHe = nextRectifier != nil
    }
    if useHe {
      var slope: Double = 0
      if case .leakyReLU(let s)? = nextRectifier { slope = Double(s) }
      let sigma = (2 / ((1 + slope * slope) * Double(fanIn))).squareRoot()
      for i in w.indices { w[i] = Float(sigma * generator.normal()) }
    } else {
      let a = (6 / Double(fanIn + fanOut)).squareRoot()
      for i in w.indices { w[i] = Float(a * (2 * generator.uniform() - 1)) }
    }
    return FloatTensor(shape: shape, scalars: w)
  }
}
