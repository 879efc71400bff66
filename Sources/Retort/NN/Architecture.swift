import Glibc

/// A network description shared by the tools' `--arch` option.
///
/// Two spellings: the MLP shorthand `784-1200-1200-10` (input size, then the
/// width of each dense layer, with ReLU between dense layers and none after the
/// last), and a comma list such as `dense:256,relu,dropout:0.5,dense:10` or
/// `conv3x3:64,bn,relu,maxpool2,flatten,dense:10`, whose input shape comes from
/// the data. `description` is always the comma list.
public struct Architecture: Equatable, Sendable, CustomStringConvertible {
  public var layers: [LayerSpec]
  /// The input features the shorthand names; nil for a comma list.
  public var inputSize: Int?

  public init(layers: [LayerSpec], inputSize: Int? = nil) {
    self.layers = layers
    self.inputSize = inputSize
  }

  /// Parses either spelling; a bad description is a usage error naming the bad token.
  public init(parsing text: String) throws {
    let trimmed = text.trimmingSpaces()
    guard !trimmed.isEmpty else { throw RetortError.usage("is empty", quantity: "architecture") }
    if Int(trimmed) != nil {
      throw RetortError.usage(
        "'\(trimmed)' is not one: the shorthand needs an input and an output size, like 784-10",
        quantity: "architecture")
    }
    let isShorthand =
      trimmed.first!.isNumber && trimmed.contains("-")
      && !trimmed.contains(where: { ",:".contains($0) })
    if isShorthand {
      let sizes = try trimmed.split(separator: "-", omittingEmptySubsequences: false).map {
        token -> Int in
        guard let n = Int(token.trimmingSpaces()), n > 0 else {
          throw RetortError.usage(
            "'\(trimmed)' has a bad size '\(token)': expected positive integers like 784-256-10",
            quantity: "architecture")
        }
        return n
      }
      var layers = [LayerSpec]()
      for (i, n) in sizes.dropFirst().enumerated() {
        if i > 0 { layers.append(.relu) }
        layers.append(.dense(units: n))
      }
      self.init(layers: layers, inputSize: sizes[0])
    } else {
      let tokens = trimmed.split(separator: ",", omittingEmptySubsequences: false)
      self.init(layers: try tokens.map { try LayerSpec(token: String($0)) })
    }
  }

  public var description: String { layers.map(\.description).joined(separator: ",") }

  /// The per-row output shape for rows of shape `inputShape`.
  public func outputShape(for inputShape: [Int]) -> [Int] {
    layers.reduce(inputShape) { $1.outputShape(for: $0) }
  }
}

extension Architecture {
  /// What this architecture holds for rows of shape `inputShape`: the scalars
  /// its layers store (weights, biases and batch-norm state) and the widest
  /// per-row shape any layer takes or gives; nil when either overflows `Int`,
  /// as a damaged or hostile description can make it.
  public func footprint(for inputShape: [Int]) -> (storedScalars: Int, widestRow: Int)? {
    func product(_ values: [Int]) -> Int? {
      var p = 1
      for v in values {
        let (q, overflow) = p.multipliedReportingOverflow(by: max(v, 0))
        if overflow { return nil }
        p = q
      }
      return p
    }
    func plus(_ a: Int?, _ b: Int) -> Int? {
      a.flatMap { a in
        let (s, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : s
      }
    }
    guard var widest = product(inputShape) else { return nil }
    var stored = 0
    var shape = inputShape
    for spec in layers {
      guard let width = product(shape) else { return nil }
      let layerScalars: Int? =
        switch spec {
        case .dense(let units): plus(product([width, units]), units)
        case .conv3x3(let filters):
          plus(product([imageShape(shape)?.channels ?? 0, 9, filters]), filters)
        case .batchNorm: product([shape.count == 3 ? shape[0] : width, 4])
        default: 0
        }
      shape = spec.outputShape(for: shape)
      guard let layerScalars, let next = product(shape), let sum = plus(stored, layerScalars)
      else { return nil }
      stored = sum
      widest = max(widest, next)
    }
    return (stored, widest)
  }
}
