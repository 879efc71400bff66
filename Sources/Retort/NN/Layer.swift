/// A trainable tensor of a layer with the gradient accumulated for it.
public struct Parameter: Sendable {
  /// The dataset name in a model file, e.g. `W` or `b`.
  public let name: String
  public var value: FloatTensor
  /// ∂loss/∂value summed over every `backward` since the last `zeroGradient()`;
  /// same layout as `value.scalars`.
  public var gradient: [Float]

  public init(name: String, value: FloatTensor) {
    self.name = name
    self.value = value
    self.gradient = Array(repeating: 0, count: value.count)
  }

  public mutating func zeroGradient() {
    for i in gradient.indices { gradient[i] = 0 }
  }
}

/// A tensor a layer keeps without training it, such as batch norm's running mean.
public struct LayerState: Sendable {
  /// The dataset name in a model file, e.g. `running_mean`.
  public let name: String
  public var value: FloatTensor

  public init(name: String, value: FloatTensor) {
    self.name = name
    self.value = value
  }
}

/// One stage of a `Network` over a mini-batch stored row-major as [B, features].
///
/// Image layers see [B, C·H·W] and know C, H and W themselves. `forward`
/// records what `backward` needs; `callAsFunction` records nothing.
public protocol Layer: Sendable {
  /// The description of this layer, as in an architecture string.
  var spec: LayerSpec { get }
  /// The trainable tensors (none for activations), in model-file order.
  var parameters: [Parameter] { get set }
  /// The untrained tensors (batch norm's running statistics), in model-file order.
  var state: [LayerState] { get set }
  /// The output for `x` at inference, recording nothing.
  func callAsFunction(_ x: FloatTensor) -> FloatTensor
  /// The output for `x`, remembering what `backward` needs; `training` turns
  /// on random layers (dropout), which draw from `generator`.
  mutating func forward(
    _ x: FloatTensor, training: Bool, generator: inout SeededGenerator
  ) -> FloatTensor
  /// ∂loss/∂input of the last `forward` from ∂loss/∂output; adds ∂loss/∂parameter
  /// to the parameters' gradients when `accumulate` is true.
  mutating func backward(_ outputGradient: FloatTensor, accumulate: Bool) -> FloatTensor
  /// Adds ∂loss/∂parameter of the last `forward` from ∂loss/∂output without
  /// forming ∂loss/∂input (which a network's first trainable layer does not
  /// need while it trains).
  mutating func accumulateParameterGradients(_ outputGradient: FloatTensor)
}

extension Layer {
  public mutating func accumulateParameterGradients(_ outputGradient: FloatTensor) {
    _ = backward(outputGradient, accumulate: true)
  }

  public var parameters: [Parameter] {
    get { [] }
    set { precondition(newValue.isEmpty, "\(spec) has no parameters") }
  }

  public var state: [LayerState] {
    get { [] }
    set { precondition(newValue.isEmpty, "\(spec) keeps no state") }
  }
}

/// A layer whose `backward` needs only the input of the last `forward`, which
/// is its inference output otherwise (dense, conv3x3, LeakyReLU).
protocol InputRecordingLayer: Layer {
  /// The input of the last `forward`; nil before the first.
  var recordedInput: FloatTensor? { get set }
}

extension InputRecordingLayer {
  public mutating func forward(
    _ x: FloatTensor, training: Bool, generator: inout SeededGenerator
  ) -> FloatTensor {
    recordedInput = x
    return self(x)
  }
}
