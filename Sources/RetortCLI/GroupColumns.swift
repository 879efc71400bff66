import Foundation
import Retort

extension TensorFile {
  /// An optional per-row int64 column (`image`, `classes`, `labels`) that must
  /// have `rows` entries.
  public func optionalColumn(_ name: String, rows: Int) throws -> [Int64]? {
    guard contains(name) else { return nil }
    let t = try readInt(name)
    guard t.rank == 1, t.count == rows else {
      throw RetortError.data("has shape \(t.shape), expected [\(rows)]", dataset: name, file: label)
    }
    return t.scalars
  }

  /// Boxes [N, 4] from dataset `name` (only `rows` when given).
  public func readBoxes(_ name: String, rows: Range<Int>? = nil) throws -> FloatTensor {
    let boxes = try readFloat(name, rows: rows)
    guard boxes.rank == 2, boxes.shape[1] == 4 else {
      throw RetortError.data("must be [N, 4], it is \(boxes.shape)", dataset: name, file: label)
    }
    return boxes
  }
}

extension TensorFile {
  /// A per-row float column of `rows` entries (only `range` of it when given).
  public func column(_ name: String, rows: Int, range: Range<Int>? = nil) throws -> [Float] {
    let info = try info(name)
    guard info.shape == [rows] else {
      throw RetortError.data(
        "has shape \(info.shape), expected [\(rows)]", dataset: name, file: label)
    }
    return try readFloat(name, rows: range).scalars
  }
}

extension RetortError {
  /// The same error with the file named at the end.
  public func naming(_ file: TensorFile) -> RetortError { naming(file.label) }
}
