import Foundation
import Retort

extension TensorFile {
  /// An optional per-row int64 column (`image`, `classes`, `labels`) that must
  /// have `rows` entries.
  public func optionalColumn(_ name: String, rows: Int) throws -> [Int64]? {
    guard contains(name) else { return nil }
    let t = try readInt(name)
    guard t.rank == 1, t.count == rows else {
      throw RetortError.data("dataset '\(name)' has shape \(t.shape), expected [\(rows)]: \(label)")
    }
    return t.scalars
  }

  /// Boxes [N, 4] from dataset `name` (only `rows` when given).
  public func readBoxes(_ name: String, rows: Range<Int>? = nil) throws -> FloatTensor {
    let boxes = try readFloat(name, rows: rows)
    guard boxes.rank == 2, boxes.shape[1] == 4 else {
      throw RetortError.data("dataset '\(name)' must be [N, 4], it is \(boxes.shape): \(label)")
    }
    return boxes
  }
}

extension TensorFile {
  /// A per-row float column of `rows` entries (only `range` of it when given).
  public func column(_ name: String, rows: Int, range: Range<Int>? = nil) throws -> [Float] {
    let info = try info(name)
    guard info.shape == [rows] else {
      throw RetortError.data("dataset '\(name)' has shape \(info.shape), expected [\(rows)]: \(label)")
    }
    return try readFloat(name, rows: range).scalars
  }
}

/// This run's rows: all `n`, or the shard's whole images.
public func shardRows(_ shard: ShardSpec?, image: [Int64]?, rows n: Int, file: TensorFile) throws -> Range<Int> {
  guard let shard else { return 0..<n }
  return try shard.rows(ofImages: image ?? Array(repeating: 0, count: n), label: file.label)
}

extension RetortError {
  /// The same error with the file named at the end.
  public func naming(_ file: TensorFile) -> RetortError {
    RetortError(kind, "\(message): \(file.label)")
  }
}
