/// A feed-forward network: a sequence of layers over rows of a fixed shape.
///
/// A value type: copying a network (to keep the best one seen) copies its
/// weights lazily. `forward` then `backward` gives parameter gradients and the
/// gradient with respect to the input; `predict` runs inference and records
/// nothing. Batch norm uses batch statistics in a training `forward` (and
/// updates its running statistics), the running ones otherwise.
public struct Network: Sendable {
  public let architecture: Architecture
  /// The shape of one input row, e.g. [784] or [1, 28, 28].
  public let inputShape: [Int]
  public private(set) var layers: [any Layer]
  /// The source of dropout's random draws while training.
  public var generator: SeededGenerator
  /// The shape of the `x` given to the last `forward`.
  private var lastInputShape: [Int]?
  /// The most values any layer produces per row (bounds `predict`'s blocks).
  private let widestRow: Int

  /// A freshly initialised network for rows of shape `inputShape`.
  ///
  /// Weights are drawn from `generator` layer by layer; the dropout generator
  /// is seeded by one further draw. Throws a usage error when the shorthand's
  /// input size disagrees with `inputShape` or a layer cannot take the rows
  /// that reach it (a convolution after a dense layer).
  public init(
    _ architecture: Architecture, inputShape: [Int],
    initialization: WeightInitialization = .automatic, generator: inout SeededGenerator
  ) throws {
    let specs = architecture.layers
    self = try Network(architecture, inputShape: inputShape) { index, layer in
      let fans: (Int, Int)
      switch layer {
      case let dense as Dense: fans = (dense.inputWidth, dense.outputWidth)
      case let conv as Conv3x3: fans = (9 * conv.channels, 9 * conv.filters)
      default: return
      }
      let next = specs[(index + 1)...].first { !$0.isTransparentToInitialization }
      layer.parameters[0].value = initialization.weights(
        shape: layer.parameters[0].value.shape, fanIn: fans.0, fanOut: fans.1,
        nextRectifier: next.flatMap { $0.isRectifier ? $0 : nil }, generator: &generator)
    }
    self.generator = SeededGenerator(seed: generator.next())
  }

  /// A network whose layers start with zero weights and biases (γ = 1 and
  /// running statistics 0 and 1 in batch norm) and are then handed, in order,
  /// to `prepare` with their index to set their parameters and state.
  init(
    _ architecture: Architecture, inputShape: [Int],
    prepare: (_ index: Int, _ layer: inout any Layer) throws -> Void
  ) throws {
    // A description can claim any size (a damaged model file, a slip in
    // --arch): what no process here could hold is refused before allocating.
    guard let footprint = architecture.footprint(for: inputShape),
      footprint.storedScalars <= Self.scalarLimit, footprint.widestRow <= Self.scalarLimit
    else {
      throw RetortError.usage(
        "'\(architecture)' needs more than 2^31 weights or values per row for rows of shape "
          + "\(inputShape)", quantity: "architecture")
    }
    let width = inputShape.reduce(1, *)
    // Rows that do not fit the architecture are the data's fault as much as the
    // option's: a data error, so that the tools name the file (status 65).
    guard !inputShape.isEmpty, width > 0 else {
      throw RetortError.data(
        "needs a non-empty input, got rows of shape \(inputShape)", quantity: "architecture")
    }
    if let n = architecture.inputSize, n != width {
      throw RetortError.data(
        "'\(architecture)' expects \(n) input features, the data has \(width)",
        quantity: "architecture")
    }
    var layers = [any Layer]()
    var shape = inputShape
    for (i, spec) in architecture.layers.enumerated() {
      try spec.check(input: shape)
      var layer = Self.layer(spec, rowShape: shape)
      try prepare(i, &layer)
      layers.append(layer)
      shape = spec.outputShape(for: shape)
    }
    self.architecture = architecture
    self.inputShape = inputShape
    self.layers = layers
    widestRow = footprint.widestRow
    self.generator = SeededGenerator(seed: 0)
  }

  /// The most weights, and the most values in one row of any layer, a network may have.
  static let scalarLimit = 1 << 31

  /// The layer `spec` for rows of shape `shape`, with zero weights.
  private static func layer(_ spec: LayerSpec, rowShape shape: [Int]) -> any Layer {
    let width = shape.reduce(1, *)
    switch spec {
    case .dense(let units):
      return Dense(
        weights: FloatTensor(repeating: 0, shape: [width, units]),
        bias: FloatTensor(repeating: 0, shape: [units]))
    case .relu: return ReLU()
    case .leakyReLU(let slope): return LeakyReLU(slope: slope)
    case .dropout(let rate): return Dropout(rate: rate)
    case .batchNorm: return BatchNorm(rowShape: shape)
    case .flatten: return Flatten()
    case .conv3x3(let filters):
      let (c, h, w) = imageShape(shape)!
      return Conv3x3(
        channels: c, height: h, width: w,
        weights: FloatTensor(repeating: 0, shape: [filters, c, 3, 3]),
        bias: FloatTensor(repeating: 0, shape: [filters]))
    case .maxPool2:
      let (c, h, w) = imageShape(shape)!
      return MaxPool2(channels: c, height: h, width: w)
    }
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
  /// `training` turns dropout and batch statistics on.
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

  /// Adds ∂L/∂θ to every parameter's gradient from ∂L/∂output, as `backward`
  /// does, without the input gradients nothing uses while training: the first
  /// layer with parameters forms only its parameters' gradients and the layers
  /// before it are not visited.
  public mutating func accumulateGradients(_ outputGradient: FloatTensor) {
    precondition(lastInputShape != nil, "network: backward before forward")
    guard let first = layers.firstIndex(where: { !$0.parameters.isEmpty }) else { return }
    var g = outputGradient
    for i in layers.indices.reversed() where i > first {
      g = layers[i].backward(g, accumulate: true)
    }
    layers[first].accumulateParameterGradients(g)
  }

  /// Outputs for `x` at inference, `blockRows` rows at a time (fewer when a
  /// layer's rows are so wide that a block would pass 2^26 values).
  public func predict(_ x: FloatTensor, blockRows: Int = 1024) -> FloatTensor {
    let x = matrix(x)
    let n = x.rowCount
    let blockRows = max(1, min(blockRows, (1 << 26) / max(widestRow, 1)))
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
