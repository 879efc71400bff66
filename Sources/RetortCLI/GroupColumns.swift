import Glibc
import Retort

extension TensorFile {
  /// The optional per-row int64 column of `role` (`image`, `classes`,
  /// `labels`), which must have `rows` entries.
  public func optionalColumn(role: String, rows: Int) throws -> [Int64]? {
    guard try has(role: role) else { return nil }
    let name = dataset(for: role)
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

extension ToolContext {
  /// The optional grouping column of `role` in `file`. When the file has
  /// none but has a dataset whose name contains the role's (`image_index`
  /// for `image`), warns that the rows are taken as `absence` and how to
  /// name that dataset.
  public func groupColumn(
    role: String, in file: TensorFile, spec: InputSpec, rows: Int, absence: String
  ) throws -> [Int64]? {
    if let column = try file.optionalColumn(role: role, rows: rows) { return column }
    let similar = try file.datasetNames().filter {
      $0.lowercased().contains(text: role.lowercased()) && $0 != role
    }
    if let first = similar.first {
      let path = spec.path == "-" ? "" : spec.path
      warn(
        "\(file.label) has no '\(role)', so \(absence); if '\(first)' is it, "
          + "give \(path):\(role)=\(first)")
    }
    return nil
  }
}

extension RetortError {
  /// The same error with the file named at the end.
  public func naming(_ file: TensorFile) -> RetortError { naming(file.label) }
}
