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

  /// Boxes [N, 4] from dataset `name`.
  public func readBoxes(_ name: String) throws -> FloatTensor {
    let boxes = try readFloat(name)
    guard boxes.rank == 2, boxes.shape[1] == 4 else {
      throw RetortError.data("dataset '\(name)' must be [N, 4], it is \(boxes.shape): \(label)")
    }
    return boxes
  }
}

extension RetortError {
  /// The same error with the file named at the end.
  public func naming(_ file: TensorFile) -> RetortError {
    RetortError(kind, "\(message): \(file.label)")
  }
}
