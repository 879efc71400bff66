/// The root attributes that make a file a partial result (a shard) for
/// `tensor merge`: `shard_index`, `shard_count`, `shard_rows` (first row,
/// end row and total rows of the whole input), `shard_source` (the
/// commands of the job without `--shard` and the output, which every shard
/// of one job shares), `shard_job` (the job run that wrote the shard, absent
/// outside one) and `shard_attempt` (how often that job had been requeued).
public struct ShardMarks: Equatable, Sendable {
  public let spec: ShardSpec
  public let rows: Range<Int>
  public let total: Int
  public let source: String
  /// The job run that wrote the shard (a Slurm job id); nil outside a job.
  public let job: String?
  /// How often the job had been requeued when it wrote the shard (0 at first).
  public let attempt: Int

  /// The names of the attributes, which a merged file does not keep.
  public static let attributeNames: Set<String> = [
    "shard_index", "shard_count", "shard_rows", "shard_source", "shard_job", "shard_attempt",
  ]

  public init(
    spec: ShardSpec, rows: Range<Int>, total: Int, source: String, job: String?, attempt: Int
  ) {
    self.spec = spec
    self.rows = rows
    self.total = total
    self.source = source
    self.job = job
    self.attempt = attempt
  }

  /// The marks of `file`; nil when it is not a shard.
  public init?(_ file: TensorFile) throws {
    try self.init(attributes: file.attributes())
  }

  /// The marks among root `attributes`; nil when there are none. A shard
  /// without `shard_attempt` (written before it existed) is attempt 0.
  public init?(attributes a: [String: AttributeValue]) throws {
    guard a["shard_count"] != nil || a["shard_index"] != nil else { return nil }
    let damaged = RetortError.data("damaged shard attributes")
    guard case .integer(let i)? = a["shard_index"], case .integer(let n)? = a["shard_count"],
      case .integers(let r)? = a["shard_rows"], r.count == 3, r[0] <= r[1], r[1] <= r[2],
      case .text(let source)? = a["shard_source"], let spec = ShardSpec(parsing: "\(i)/\(n)")
    else { throw damaged }
    let job: String?
    switch a["shard_job"] {
    case nil: job = nil
    case .text(let id)?: job = id
    case _?: throw damaged
    }
    let attempt: Int
    switch a["shard_attempt"] {
    case nil: attempt = 0
    case .integer(let k)? where k >= 0: attempt = Int(k)
    case _?: throw damaged
    }
    self.init(
      spec: spec, rows: Int(r[0])..<Int(r[1]), total: Int(r[2]), source: source, job: job,
      attempt: attempt)
  }

  /// Writes the marks on the root of `writer`'s file.
  public func write(to writer: TensorFileWriter) throws {
    try writer.setAttribute("shard_index", .integer(Int64(spec.index)))
    try writer.setAttribute("shard_count", .integer(Int64(spec.count)))
    try writer.setAttribute(
      "shard_rows", .integers([Int64(rows.lowerBound), Int64(rows.upperBound), Int64(total)]))
    try writer.setAttribute("shard_source", .text(source))
    if let job { try writer.setAttribute("shard_job", .text(job)) }
    try writer.setAttribute("shard_attempt", .integer(Int64(attempt)))
  }
}
