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
  /// datasets in `replacing` are written as given there instead. Numeric
  /// datasets are read in blocks of about 16 MiB of rows, so memory holds the
  /// kept rows and one block rather than the whole dataset.
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
          name, try keptRows(kept, of: name, in: source, rows: rows),
          attributes: try source.attributes(of: name))
      }
    }
  }
}

/// Rows `kept` (indices into `rows`, in that order) of dataset `name`: the
/// blocks that hold kept rows are read in ascending order and their kept rows
/// put back in `kept`'s order. Strings are read whole.
private func keptRows(_ kept: [Int], of name: String, in source: TensorFile, rows: Range<Int>)
  throws -> TensorValue
{
  let info = try source.info(name)
  guard info.kind != .string, !kept.isEmpty else {
    return try source.read(name, rows: rows).gather(kept)
  }
  let block = max(1, (16 << 20) / max(1, info.shape.dropFirst().reduce(8, *)))
  let ascending = kept.indices.sorted { kept[$0] < kept[$1] }
  var floats = [Float]()
  var ints = [Int64]()
  var next = 0
  for start in stride(from: 0, to: rows.count, by: block) {
    let end = min(rows.count, start + block)
    var local = [Int]()
    while next < ascending.count, kept[ascending[next]] < end {
      local.append(kept[ascending[next]] - start)
      next += 1
    }
    guard !local.isEmpty else { continue }
    let from = rows.lowerBound + start..<rows.lowerBound + end
    switch try source.read(name, rows: from).gather(local) {
    case .float(let t): floats += t.scalars
    case .int(let t): ints += t.scalars
    case .strings: preconditionFailure("strings are read whole")
    }
  }
  // The rows are in ascending order of source row; `rank[i]` is where kept[i] is.
  var rank = [Int](repeating: 0, count: kept.count)
  for (r, position) in ascending.enumerated() { rank[position] = r }
  let shape = [kept.count] + info.shape.dropFirst()
  let sorted: TensorValue =
    info.kind == .float
    ? .float(FloatTensor(shape: shape, scalars: floats))
    : .int(IndexTensor(shape: shape, scalars: ints))
  return sorted.gather(rank)
}
