/// Rows of shape [C, H, W] seen as [C·H·W]: the identity on the scalars.
///
/// Rows are already stored flat; what changes is the shape that the layers
/// after it see (a `bn` after `flatten` normalises features, not channels).
public struct Flatten: Layer {
  public init() {}

  public var spec: LayerSpec { .flatten }

  public func callAsFunction(_ x: FloatTensor) -> FloatTensor { x }

  public mutating func forward(
    _ x: FloatTensor, training: Bool, generator: inout SeededGenerator
  ) -> FloatTensor { x }

  public mutating func backward(_ dy: FloatTensor, accumulate: Bool) -> FloatTensor { dy }
}
