import Foundation

/// One layer of an architecture description, as written in `--arch`.
///
/// The tokens are `dense:N`, `relu`, `leakyrelu[:SLOPE]` (slope 0.01 when
/// omitted) and `dropout:P`. Image layers (`conv3x3:F`, `bn`, `maxpool2`) are
/// new cases here plus a `Layer` type each; `outputShape(for:)` already passes
/// per-row shapes such as [C, H, W] along the network.
public enum LayerSpec: Equatable, Sendable, CustomStringConvertible {
  /// Fully connected: y = x·W + b with `units` outputs.
  case dense(units: Int)
  /// y = max(x, 0).
  case relu
  /// y = x for x > 0, slope·x otherwise.
  case leakyReLU(slope: Float)
  /// Inverted dropout: zero a feature with probability `rate` while training.
  case dropout(rate: Float)

  /// Layers that the description language reserves but Retort does not build yet.
  static let reserved: Set<String> = ["conv3x3", "bn", "maxpool2"]

  /// The layer of one token such as `dense:256`; a bad token is a usage error naming it.
  public init(token: String) throws {
    let parts = token.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    let name = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
    let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil
    func bad(_ why: String) -> RetortError {
      RetortError.usage("bad layer '\(token)' in architecture: \(why)")
    }
    guard parts.count <= 2 else { throw bad("more than one ':'") }
    switch name {
    case "dense":
      guard let argument, let units = Int(argument), units > 0 else {
        throw bad("expected dense:N with N a positive integer")
      }
      self = .dense(units: units)
    case "relu":
      guard argument == nil else { throw bad("relu takes no argument") }
      self = .relu
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
    case _ where Self.reserved.contains(name):
      throw bad("'\(name)' layers are not implemented yet")
    default:
      throw bad("unknown layer '\(name)' (known: dense:N, relu, leakyrelu:S, dropout:P)")
    }
  }

  /// The token that parses back to this layer.
  public var description: String {
    switch self {
    case .dense(let units): "dense:\(units)"
    case .relu: "relu"
    case .leakyReLU(let slope): "leakyrelu:\(slope)"
    case .dropout(let rate): "dropout:\(rate)"
    }
  }

  /// The per-row shape this layer produces from rows of shape `input`.
  public func outputShape(for input: [Int]) -> [Int] {
    switch self {
    case .dense(let units): [units]
    case .relu, .leakyReLU, .dropout: input
    }
  }

  /// Whether this layer is a rectifier, for which He initialisation suits
  /// the dense layer before it.
  var isRectifier: Bool {
    switch self {
    case .relu, .leakyReLU: true
    case .dense, .dropout: false
    }
  }
}
