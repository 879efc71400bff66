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

/// The rows of features of an input, checked and sized but not yet read, to
/// be read in blocks: what `FeatureRows` holds whole, for tools whose output
/// rows depend on their own input rows only.
public struct FeatureBlocks {
  public let file: TensorFile
  /// The dataset the rows come from.
  public let name: String
  /// The part of the rows this run covers.
  public let part: RunPart
  /// The shape of one row as stored in the file.
  public let storedRowShape: [Int]
  private let needs: FeatureRows.Requirements

  fileprivate init(
    file: TensorFile, name: String, part: RunPart, storedRowShape: [Int],
    needs: FeatureRows.Requirements
  ) {
    self.file = file
    self.name = name
    self.part = part
    self.storedRowShape = storedRowShape
    self.needs = needs
  }

  /// Rows per block: about 4 Mi stored values, so that memory stays O(block)
  /// however many rows there are.
  public var blockRows: Int {
    max(1, min(65_536, (1 << 22) / max(1, storedRowShape.reduce(1, *))))
  }

  /// The part's rows as consecutive blocks of `blockRows` file rows.
  public var blocks: [Range<Int>] {
    let rows = part.rows
    return stride(from: rows.lowerBound, to: rows.upperBound, by: blockRows).map {
      $0..<min(rows.upperBound, $0 + blockRows)
    }
  }

  /// `rows` (file rows within `part.rows`), finite, images as channels when asked.
  public func read(_ rows: Range<Int>) throws -> FloatTensor {
    var x = try file.readFiniteFloat(name, rows: rows)
    if needs.imagesAsChannels, x.rank == 3 {
      x = x.reshaped([x.shape[0], 1, x.shape[1], x.shape[2]])
    }
    return x
  }

  /// The fingerprint of this part's rows as stored (`Fingerprint.of` on
  /// them), for values read block by block.
  public func fingerprint() -> Fingerprint.Rows {
    Fingerprint.Rows(shape: [part.rows.count] + storedRowShape)
  }
}

extension ToolContext {
  /// `spec`'s rows of features (only `shard`'s rows when given), checked
  /// against `needs` from the file's header, to be read in blocks.
  public func featureBlocks(
    _ spec: InputSpec, _ needs: FeatureRows.Requirements, shard: ShardSpec? = nil
  ) throws -> FeatureBlocks {
    let file = try open(spec)
    let name =
      spec.dataset ?? needs.names.lazy.compactMap { spec.roles[$0] }.first
      ?? needs.names.first(where: file.contains) ?? needs.names[0]
    let shape = try file.info(name).shape
    let total = min(needs.limit ?? .max, shape.first ?? 0)
    let part = try RunPart(total: total, shard: shard)
    guard shape.count >= 2, part.rows.count > 0 else {
      throw RetortError.data(
        "must hold rows of features, it is \(shape)", dataset: name, file: file.label)
    }
    let rowShape = Array(shape.dropFirst())
    if let wanted = needs.inputShape, rowShape.reduce(1, *) != wanted.reduce(1, *) {
      throw RetortError.data(
        "has rows of shape \(rowShape), the model takes \(wanted)", dataset: name,
        file: file.label)
    }
    return FeatureBlocks(
      file: file, name: name, part: part, storedRowShape: rowShape, needs: needs)
  }

  /// Reads `spec`'s rows of features (only `shard`'s rows when given).
  public func featureRows(
    _ spec: InputSpec, _ needs: FeatureRows.Requirements, shard: ShardSpec? = nil
  ) throws -> FeatureRows {
    let blocks = try featureBlocks(spec, needs, shard: shard)
    let (file, name, part) = (blocks.file, blocks.name, blocks.part)
    let x = try blocks.read(part.rows)
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
