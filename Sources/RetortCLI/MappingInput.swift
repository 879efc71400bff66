import Retort

/// A mapping file as `csls` reads it: the source map, the target map when
/// the file maps both sides into a shared space, and the normalisation chain
/// the maps were learned on.
public struct MappingInput {
  public let source: EmbeddingMap
  /// `W_tgt`, read only when the source map is the default `W`.
  public let target: EmbeddingMap?
  /// The chain recorded with `W` (nil when none is).
  public let normalization: Normalization?
  public let label: String

  /// Reads `spec` (default dataset `W`).
  public init(_ spec: InputSpec, in context: ToolContext) throws {
    let file = try context.open(spec)
    source = try EmbeddingMap.read(from: file, dataset: spec.dataset)
    let shared = spec.dataset == nil && file.contains(EmbeddingMap.Side.target.dataset)
    target = shared ? try EmbeddingMap.read(from: file, side: .target) : nil
    normalization = try EmbeddingMap.recordedNormalization(
      in: file, dataset: spec.dataset(or: EmbeddingMap.Side.source.dataset))
    label = file.label
    if let target, target.outputDimension != source.outputDimension {
      throw RetortError.data(
        "'W' maps to D = \(source.outputDimension) but 'W_tgt' to D = \(target.outputDimension)",
        file: label)
    }
  }

  /// Maps `source` (and `target`, when the file has a target map) in place and
  /// renormalises the mapped rows to unit length. The messages name both files.
  public func apply(source: inout EmbeddingInput, target: inout EmbeddingInput) throws {
    try self.source.checkDimension(
      source.vectors.shape[1], mapFile: label, rowsFile: source.file.label)
    source.vectors = self.source.mapped(source.vectors, blockRows: 65_536)
    Normalization([.unit]).apply(to: &source.vectors)
    if let map = self.target {
      try map.checkDimension(target.vectors.shape[1], mapFile: label, rowsFile: target.file.label)
      target.vectors = map.mapped(target.vectors, blockRows: 65_536)
      Normalization([.unit]).apply(to: &target.vectors)
    } else if source.vectors.shape[1] != target.vectors.shape[1] {
      throw RetortError.data(
        "'W' maps to D = \(source.vectors.shape[1]) and the file has no 'W_tgt', the target "
          + "embeddings have D = \(target.vectors.shape[1])", file: label)
    }
  }
}
