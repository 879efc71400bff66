/// The root attributes that make a file a partial result (a shard) for
/// `tensor merge`: `shard_index`, `shard_count`, `shard_rows` (first row,
/// end row and total rows of the whole input) and `shard_source` (the
/// commands of the job without `--shard` and the output, which every shard
/// of one job shares).
public struct ShardMarks: Equatable, Sendable {
  public let spec: ShardSpec
  public let rows: Range<Int>
  public let total: Int
  public let source: String

  /// The names of the attributes, which a merged file does not keep.
  public static let attributeNames: Set<String> = [
    "shard_index", "shard_count", "shard_rows", "shard_source",
  ]

  public init(spec: ShardSpec, rows: Range<Int>, total: Int, source: String) {
    self.spec = spec
    self.rows = rows
    self.total = total
    self.source = source
  }

  /// The marks of `file`; nil when it is not a shard.
  public init?(_ file: TensorFile) throws {
    try self.init(attributes: file.attributes())
  }

  /// The marks among root `attributes`; nil when there are none.
  public init?(attributes a: [String: AttributeValue]) throws {
    guard a["shard_count"] != nil || a["shard_index"] != nil else { return nil }
    guard case .integer(let i)? = a["shard_index"], case .integer(let n)? = a["shard_count"],
      case .integers(let r)? = a["shard_rows"], r.count == 3, r[0] <= r[1], r[1] <= r[2],
      case .text(let source)? = a["shard_source"], let spec = ShardSpec(parsing: "\(i)/\(n)")
    else { throw RetortError.data("damaged shard attributes") }
    self.init(spec: spec, rows: Int(r[0])..<Int(r[1]), total: Int(r[2]), source: source)
  }

  /// Writes the marks on the root of `writer`'s file.
  public func write(to writer: TensorFileWriter) throws {
    try writer.setAttribute("shard_index", .integer(Int64(spec.index)))
    try writer.setAttribute("shard_count", .integer(Int64(spec.count)))
    try writer.setAttribute(
      "shard_rows", .integers([Int64(rows.lowerBound), Int64(rows.upperBound), Int64(total)]))
    try writer.setAttribute("shard_source", .text(source))
  }

  /// `files` in shard order when they are the shards of one job (every
  /// shard 0..<N once, with the same source); nil when none is a shard.
  public static func order(_ files: [TensorFile]) throws -> [TensorFile]? {
    let marks = try files.map { file in
      do { return try ShardMarks(file) } catch let e as RetortError { throw e.naming(file.label) }
    }
    guard let first = marks.compactMap({ $0 }).first else { return nil }
    if let plain = marks.firstIndex(where: { $0 == nil }) {
      throw RetortError.data("\(files[plain].label) is not a shard, the other inputs are")
    }
    var slots = [TensorFile?](repeating: nil, count: first.spec.count)
    for (file, m) in zip(files, marks.map { $0! }) {
      guard m.spec.count == first.spec.count else {
        throw RetortError.data(
          "\(file.label) is a shard of another job (not one of \(first.spec.count))")
      }
      guard m.source == first.source else {
        throw RetortError.data(
          "\(file.label) comes from other inputs or options than \(files[0].label)")
      }
      if let other = slots[m.spec.index] {
        throw RetortError.data(
          "shard \(m.spec.index)/\(m.spec.count) is given twice: \(other.label) and \(file.label)")
      }
      slots[m.spec.index] = file
    }
    if let missing = slots.firstIndex(where: { $0 == nil }) {
      let given = slots.compactMap { $0 }.count
      throw RetortError.data(
        "shard \(missing)/\(first.spec.count) is missing (\(given) of \(first.spec.count) given)")
    }
    return slots.map { $0! }
  }
}
