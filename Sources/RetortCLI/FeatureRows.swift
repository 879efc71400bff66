import FoundationEssentials
import Glibc
import Retort

/// Rows of features read from an input: `x` [N, ...] (finite; images
/// [N, H, W] become [N, 1, H, W] when asked), with its `labels` when present
/// or required, and the part of the rows this run covers.
public struct FeatureRows {
  public let file: TensorFile
  /// The dataset the rows came from.
  public let name: String
  public let x: FloatTensor
  public let labels: [Int64]?
  public let part: RunPart

  /// What the reader requires of the rows.
  public struct Requirements {
    /// The dataset when the argument names none: the first of these that
    /// the file has (the first one when it has none).
    public var names = ["x"]
    /// The shape of one row that a model takes; nil for any.
    public var inputShape: [Int]?
    /// `labels` must be there (else: read when present).
    public var labels = false
    /// Labels must lie in 0..<classes.
    public var classes: Int?
    /// [N, H, W] images are read as one channel, [N, 1, H, W].
    public var imagesAsChannels = false
    /// Only the first rows of the file count.
    public var limit: Int?

    public init(
      names: [String] = ["x"], inputShape: [Int]? = nil, labels: Bool = false, classes: Int? = nil,
      imagesAsChannels: Bool = false, limit: Int? = nil
    ) {
      self.names = names
      self.inputShape = inputShape
      self.labels = labels
      self.classes = classes
      self.imagesAsChannels = imagesAsChannels
      self.limit = limit
    }
  }
}

extension ToolContext {
  /// Reads `spec`'s rows of features (only `shard`'s rows when given).
  public func featureRows(
    _ spec: InputSpec, _ needs: FeatureRows.Requirements, shard: ShardSpec? = nil
  ) throws -> FeatureRows {
    let file = try open(spec)
    let name =
      spec.dataset ?? needs.names.lazy.compactMap { spec.roles[$0] }.first
      ?? needs.names.first(where: file.contains) ?? needs.names[0]
    let total = min(needs.limit ?? .max, try file.info(name).shape.first ?? 0)
    let part = RunPart(total: total, shard: shard)
    var x = try file.readFiniteFloat(name, rows: part.rows)
    guard x.rank >= 2, x.rowCount > 0 else {
      throw RetortError.data(
        "must hold rows of features, it is \(x.shape)", dataset: name, file: file.label)
    }
    if needs.imagesAsChannels, x.rank == 3 {
      x = x.reshaped([x.shape[0], 1, x.shape[1], x.shape[2]])
    }
    if let shape = needs.inputShape, x.rowWidth != shape.reduce(1, *) {
      throw RetortError.data(
        "has rows of shape \(Array(x.shape.dropFirst())), the model takes \(shape)", dataset: name,
        file: file.label)
    }
    var labels: [Int64]? = nil
    let labelsName = file.dataset(for: "labels")
    if try needs.labels || file.has(role: "labels") {
      let read = try file.readInt(labelsName, rows: part.rows).scalars
      guard read.count == x.rowCount else {
        throw RetortError.data(
          "'\(labelsName)' has \(read.count) rows, '\(name)' has \(x.rowCount)", file: file.label)
      }
      if let classes = needs.classes {
        try naming(file) { try checkLabels(read, classes: classes, dataset: labelsName) }
      }
      labels = read
    }
    return FeatureRows(file: file, name: name, x: x, labels: labels, part: part)
  }
}
