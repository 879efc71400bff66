import Glibc

/// One layer of an architecture description, as written in `--arch`.
///
/// The tokens are `dense:N`, `relu`, `leakyrelu[:SLOPE]` (slope 0.01 when
/// omitted), `dropout:P`, and the image layers `conv3x3:F`, `bn`, `maxpool2`
/// and `flatten`. Per-row shapes such as [C, H, W] pass along the network
/// through `outputShape(for:)`; `conv3x3` and `maxpool2` read an [H, W] row as
/// [1, H, W], while `bn` normalises each scalar of any row that is not [C, H, W].
public enum LayerSpec: Equatable, Sendable, CustomStringConvertible {
  /// Fully connected: y = x·W + b with `units` outputs.
  case dense(units: Int)
  /// y = max(x, 0).
  case relu
  /// y = x for x > 0, slope·x otherwise.
  case leakyReLU(slope: Float)
  /// Inverted dropout: zero a feature with probability `rate` while training.
  case dropout(rate: Float)
  /// 3×3 convolution, stride 1, zero padding 1, with `filters` output channels.
  case conv3x3(filters: Int)
  /// Batch normalisation over the channels of [C, H, W] rows, the features otherwise.
  case batchNorm
  /// 2×2 max pooling with stride 2 (odd sizes round down).
  case maxPool2
  /// [C, H, W] rows seen as [C·H·W] (the scalars do not move).
  case flatten

  /// The layer of one token such as `dense:256`; a bad token is a usage error naming it.
  public init(token: String) throws {
    let parts = token.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    let name = parts[0].trimmingSpaces().lowercased()
    let argument = parts.count > 1 ? parts[1].trimmingSpaces() : nil
    func bad(_ why: String) -> RetortError {
      RetortError.usage("has a bad layer '\(token)': \(why)", quantity: "architecture")
    }
    func noArgument(_ layer: LayerSpec) throws -> LayerSpec {
      guard argument == nil else { throw bad("\(name) takes no argument") }
      return layer
    }
    guard parts.count <= 2 else { throw bad("more than one ':'") }
    switch name {
    case "dense":
      guard let argument, let units = Int(argument), units > 0 else {
        throw bad("expected dense:N with N a positive integer")
      }
      self = .dense(units: units)
    case "relu": self = try noArgument(.relu)
    case "leakyrelu":
      let slope = argument.map { Float($0) } ?? 0.01
      guard let slope, slope.isFinite, slope >= 0 else {
        throw bad("expected leakyrelu:SLOPE with SLOPE a number ≥ 0")
      }
      self = .leakyReLU(slope: slope)
    case "dropout":
      guard let argument, let rate = Float(argument), rate >= 0, rate < 1 else {
        throw bad("expected dropout:P with 0 ≤ P < 1")
      }
      self = .dropout(rate: rate)
    case "conv3x3":
      guard let argument, let filters = Int(argument), filters > 0 else {
        throw bad("expected conv3x3:F with F a positive integer")
      }
      self = .conv3x3(filters: filters)
    case "bn": self = try noArgument(.batchNorm)
    case "maxpool2": self = try noArgument(.maxPool2)
    case "flatten": self = try noArgument(.flatten)
    default:
      throw bad(
        "unknown layer '\(name)' (known: dense:N, relu, leakyrelu:S, dropout:P, conv3x3:F, bn, "
          + "maxpool2, flatten)")
    }
  }

  /// The token that parses back to this layer.
  public var description: String {
    switch self {
    case .dense(let units): "dense:\(units)"
    case .relu: "relu"
    case .leakyReLU(let slope): "leakyrelu:\(slope)"
    case .dropout(let rate): "dropout:\(rate)"
    case .conv3x3(let filters): "conv3x3:\(filters)"
    case .batchNorm: "bn"
    case .maxPool2: "maxpool2"
    case .flatten: "flatten"
    }
  }

  /// The per-row shape this layer produces from rows of shape `input`
  /// (meaningful when `check(input:)` accepts `input`).
  public func outputShape(for input: [Int]) -> [Int] {
    switch self {
    case .dense(let units): [units]
    case .relu, .leakyReLU, .dropout, .batchNorm: input
    case .flatten: [input.reduce(1, *)]
    case .conv3x3(let filters):
      imageShape(input).map { [filters, $0.height, $0.width] } ?? input
    case .maxPool2:
      imageShape(input).map { [$0.channels, $0.height / 2, $0.width / 2] } ?? input
    }
  }

  /// Throws a usage error when this layer cannot take rows of shape `input`.
  func check(input: [Int]) throws {
    switch self {
    case .conv3x3, .maxPool2:
      guard let image = imageShape(input) else {
        throw RetortError.usage(
          "layer '\(self)' needs image rows [C,H,W] or [H,W], got rows of shape \(input)",
          quantity: "architecture")
      }
      if self == .maxPool2, image.height < 2 || image.width < 2 {
        throw RetortError.usage(
          "layer 'maxpool2' needs images of at least 2×2, got \(input)", quantity: "architecture")
      }
    default: return
    }
  }

  /// Whether this layer is a rectifier, for which He initialisation suits
  /// the weighted layer before it.
  var isRectifier: Bool {
    switch self {
    case .relu, .leakyReLU: true
    default: false
    }
  }

  /// Whether this layer keeps the scale of its input's spread of values
  /// (dropout) or resets it (batch norm), so that the initialisation of a
  /// weighted layer before it may look past it for a rectifier.
  var isTransparentToInitialization: Bool {
    switch self {
    case .dropout, .batchNorm: true
    default: false
    }
  }
}

/// The (channels, height, width) of an image row: [C, H, W], or [H, W] as one channel.
func imageShape(_ shape: [Int]) -> (channels: Int, height: Int, width: Int)? {
  switch shape.count {
  case 3: (shape[0], shape[1], shape[2])
  case 2: (1, shape[0], shape[1])
  default: nil
  }
}
