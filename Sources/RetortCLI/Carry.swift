import FoundationEssentials
import Glibc
import Retort

extension TensorFileWriter {
  /// Copies the `rows` of every root-level dataset of `source` that has
  /// `total` rows (the carry-through of a shard), except those in `except`.
  func carryRows(from source: TensorFile, rows: Range<Int>, total: Int, except: Set<String>) throws
  {
    for name in try source.datasetNames()
    where !name.contains("/") && !except.contains(name) && !contains(name) {
      guard try source.info(name).shape.first == total else { continue }
      try write(
        name, try source.read(name, rows: rows), attributes: try source.attributes(of: name))
    }
  }

  /// Writes the `kept` rows (indices into `rows`) of every root-level
  /// dataset of `source` that has `total` rows and is not written yet; the
  /// datasets in `replacing` are written as given there instead.
  public func emitRows(
    _ kept: [Int], of source: TensorFile, rows: Range<Int>, total: Int,
    replacing: [String: TensorValue] = [:]
  ) throws {
    for name in try source.datasetNames() where !name.contains("/") && !contains(name) {
      guard try source.info(name).shape.first == total else { continue }
      if let value = replacing[name] {
        try write(name, value)
      } else {
        try write(
          name, try source.read(name, rows: rows).gather(kept),
          attributes: try source.attributes(of: name))
      }
    }
  }
}
