/// A feed-forward network: a sequence of layers over rows of a fixed shape.
///
/// A value type: copying a network (to keep the best one seen) copies its
/// weights lazily. `forward` then `backward` gives parameter gradients and the
/// gradient with respect to the input; `predict` runs inference and records
/// nothing.
public struct Network: Sendable {
  public let architecture: Architecture
  /// The shape of one input row, e.g. [784] or [1, 28, 28].
  public let inputShape: [Int]
  public private(set) var layers: [any Layer]
  /// The source of dropout's random draws while training.
  public var generator: SeededGenerator
  /// The shape of the `x` given to the last `forward`.
  private var lastInputShape: [Int]?

  /// A freshly initialised network for rows of shape `inputShape`.
  ///
  /// Weights are drawn from `generator` layer by layer; the dropout generator
  /// is seeded by one further draw. Throws a usage error when the shorthand's
  /// input size disagrees with `inputShape`.
  public init(
    _ architecture: Architecture, inputShape: [Int],
    initialization: WeightInitialization = .automatic, generator: inout SeededGenerator
  ) throws {
    let specs = architecture.layers
    self = try Network(architecture, inputShape: inputShape) { index, inputs, outputs in
      let next = specs[(index + 1)...].first { if case .dropout = $0 { false } else { true } }
      let w = initialization.weights(
        inputs: inputs, outputs: outputs, nextRectifier: next.flatMap { $0.isRectifier ? $0 : nil },
        generator: &generator)
      return Dense(weights: w, bias: FloatTensor(repeating: 0, shape: [outputs]))
    }
    self.generator = SeededGenerator(seed: generator.next())
  }

  /// A network whose dense layer `index` with `inputs` → `outputs` is the one
  /// that `dense` returns.
  init(
    _ architecture: Architecture, inputShape: [Int],
    dense: (_ index: Int, _ inputs: Int, _ outputs: Int) throws -> Dense
  ) throws {
    let width = inputShape.reduce(1, *)
    guard !inputShape.isEmpty, width > 0 else {
      throw RetortError.usage("a network needs a non-empty input, got rows of shape \(inputShape)")
    }
    if let n = architecture.inputSize, n != width {
      throw RetortError.usage(
        "architecture '\(architecture)' expects \(n) input features, the data has \(width)")
    }
    var layers = [any Layer]()
    var shape = inputShape
    for (i, spec) in architecture.layers.enumerated() {
      switch spec {
      case .dense(let units):
        layers.append(try dense(i, shape.reduce(1, *), units))
      case .relu: layers.append(ReLU())
      case .leakyReLU(let slope): layers.append(LeakyReLU(slope: slope))
      case .dropout(let rate): layers.append(Dropout(rate: rate))
      }
      shape = spec.outputShape(for: shape)
    }
    self.architecture = architecture
    self.inputShape = inputShape
    self.layers = layers
    self.generator = SeededGenerator(seed: 0)
  }

  /// The shape of one output row.
  public var outputShape: [Int] { architecture.outputShape(for: inputShape) }
  /// Scalars per output row.
  public var outputWidth: Int { outputShape.reduce(1, *) }
  /// Scalars per input row.
  public var inputWidth: Int { inputShape.reduce(1, *) }

  /// The number of trainable scalars.
  public var parameterCount: Int {
    layers.reduce(0) { $0 + $1.parameters.reduce(0) { $0 + $1.value.count } }
  }

  /// Rows of `x` (any shape whose rows hold `inputWidth` scalars) as [B, inputWidth].
  private func matrix(_ x: FloatTensor) -> FloatTensor {
    precondition(
      x.rank >= 1 && x.rowWidth == inputWidth,
      "network: input \(x.shape) does not have rows of shape \(inputShape)")
    return x.rank == 2 ? x : x.reshaped([x.rowCount, inputWidth])
  }

  /// The outputs [B, outputWidth] for `x`, recording what `backward` needs;
  /// `training` turns dropout on.
  public mutating func forward(_ x: FloatTensor, training: Bool) -> FloatTensor {
    lastInputShape = x.shape
    var h = matrix(x)
    for i in layers.indices { h = layers[i].forward(h, training: training, generator: &generator) }
    return h
  }

  /// ∂L/∂x for the `x` of the last `forward`, in its shape, from ∂L/∂output.
  /// Adds ∂L/∂θ to every parameter's gradient unless `accumulate` is false
  /// (input gradients only, as attacks need).
  public mutating func backward(_ outputGradient: FloatTensor, accumulate: Bool = true)
    -> FloatTensor
  {
    guard let shape = lastInputShape else {
      preconditionFailure("network: backward before forward")
    }
    var g = outputGradient
    for i in layers.indices.reversed() { g = layers[i].backward(g, accumulate: accumulate) }
    return g.reshaped(shape)
  }

  /// Outputs for `x` at inference, `blockRows` rows at a time.
  public func predict(_ x: FloatTensor, blockRows: Int = 1024) -> FloatTensor {
    let x = matrix(x)
    let n = x.rowCount
    var out = [Float]()
    out.reserveCapacity(n * outputWidth)
    for start in stride(from: 0, to: n, by: max(1, blockRows)) {
      var h = x.rows(start..<min(n, start + blockRows))
      for layer in layers { h = layer(h) }
      out.append(contentsOf: h.scalars)
    }
    return FloatTensor(shape: [n, outputWidth], scalars: out)
  }

  /// Sets every parameter gradient to zero.
  public mutating func zeroGradients() {
    updateParameters { _, p in p.zeroGradient() }
  }

  /// Calls `body` on every parameter in order with its running index
  /// (layer by layer, `W` before `b`), allowing changes in place.
  public mutating func updateParameters(
    _ body: (_ index: Int, _ parameter: inout Parameter) -> Void
  ) {
    var k = 0
    for i in layers.indices {
      for j in layers[i].parameters.indices {
        body(k, &layers[i].parameters[j])
        k += 1
      }
    }
  }
}
