import Foundation

/// How dense weights are first drawn; biases start at zero.
public enum WeightInitialization: Sendable {
  /// Glorot (Xavier) uniform: W ~ U(−a, a), a = √(6/(in + out)).
  case glorot
  /// He normal: W ~ N(0, σ²), σ = √(2/((1 + s²)·in)) for a following
  /// rectifier of negative slope s (0 for ReLU, or when none follows).
  case he
  /// He for a dense layer followed by a rectifier (dropout between them
  /// allowed), Glorot otherwise.
  case automatic

  /// Weights [in, out] drawn in row-major order from `generator`.
  func weights(
    inputs: Int, outputs: Int, nextRectifier: LayerSpec?, generator: inout SeededGenerator
  ) -> FloatTensor {
    var w = [Float](repeating: 0, count: inputs * outputs)
    let useHe: Bool
    switch self {
    case .glorot: useHe = false
    case .he: useHe = true
    case .automatic: useHe = nextRectifier != nil
    }
    if useHe {
      var slope: Double = 0
      if case .leakyReLU(let s)? = nextRectifier { slope = Double(s) }
      let sigma = (2 / ((1 + slope * slope) * Double(inputs))).squareRoot()
      for i in w.indices { w[i] = Float(sigma * generator.normal()) }
    } else {
      let a = (6 / Double(inputs + outputs)).squareRoot()
      for i in w.indices { w[i] = Float(a * (2 * generator.uniform() - 1)) }
    }
    return FloatTensor(shape: [inputs, outputs], scalars: w)
  }
}
