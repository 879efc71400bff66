/// Summary statistics of a numeric dataset, as `tensor info` prints them.
public struct DatasetStatistics: Equatable, Sendable {
  /// Values read (NaN included).
  public var count = 0
  public var nanCount = 0
  /// Over the values that are not NaN; nil when there are none.
  public var min: Double?
  public var max: Double?
  public var mean: Double?

  /// Adds `values` to the summary (the mean is a running one, in float64).
  mutating func add(_ values: [Double]) {
    for v in values {
      count += 1
      if v.isNaN {
        nanCount += 1
        continue
      }
      let seen = Double(count - nanCount)
      min = Swift.min(min ?? v, v)
      max = Swift.max(max ?? v, v)
      mean = (mean ?? 0) + (v - (mean ?? 0)) / seen
    }
  }
}

extension TensorFile {
  /// The statistics of numeric dataset `name`, read `blockRows` rows at a
  /// time (memory O(block × row width)).
  public func statistics(of name: String, blockRows: Int = 65_536) throws -> DatasetStatistics {
    let info = try info(name)
    guard info.kind == .float || info.kind == .integer else {
      throw RetortError.data(
        "is \(info.typeName), statistics need numbers", dataset: info.name, file: label)
    }
    var stats = DatasetStatistics()
    guard let rows = info.shape.first else {
      stats.add(try readDoubles(name))
      return stats
    }
    var start = 0
    while start < rows {
      let end = Swift.min(rows, start + blockRows)
      stats.add(try readDoubles(name, rows: start..<end))
      start = end
    }
    return stats
  }
}
