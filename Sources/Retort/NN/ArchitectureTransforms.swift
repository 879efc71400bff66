extension Architecture {
  /// The architecture with `dropout(rate)` after every hidden activation
  /// (ReLU or LeakyReLU that is not the last layer); unchanged for rate 0.
  public func insertingDropout(rate: Float) -> Architecture {
    guard rate > 0 else { return self }
    var out = self
    out.layers = []
    for (i, layer) in layers.enumerated() {
      out.layers.append(layer)
      if i < layers.count - 1, layer.isActivation { out.layers.append(.dropout(rate: rate)) }
    }
    return out
  }
}

extension LayerSpec {
  /// Whether the layer is a ReLU or a LeakyReLU.
  var isActivation: Bool {
    switch self {
    case .relu, .leakyReLU: true
    default: false
    }
  }
}
