import Glibc
import Retort
import RetortArguments

extension ShardSpec: ExpressibleByArgument {
  public init?(argument: String) { self.init(parsing: argument) }
}

/// The `--shard` option of tools whose rows are independent.
public struct ShardOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "Do part I (0-based) of N of the rows and write a partial result for 'tensor merge', "
        + "marked with the job ($RETORT_SHARD_JOB, else $SLURM_ARRAY_JOB_ID or $SLURM_JOB_ID) "
        + "and the attempt ($SLURM_RESTART_COUNT).",
      valueName: "i/n"))
  public var shard: ShardSpec?

  public init() {}
}

/// The rows one run covers of its main input's `total`, and what makes its
/// output a partial result: this run's `--shard` (with the job run of the
/// environment), or the marks of an input that is itself a shard (`distill
/// predict --shard | softlabel`), whose rows keep their place in the whole
/// job and whose job run stays the input's.
public struct RunPart {
  public let rows: Range<Int>
  public let total: Int
  let shard: ShardSpec?
  let job: ShardJob?
  let upstream: ShardMarks?

  /// Every row, or `shard`'s rows of `total`; a usage error for a shard when
  /// the environment's restart count is not a non-negative integer.
  public init(total: Int, shard: ShardSpec?) throws {
    try self.init(
      rows: shard?.rows(of: total) ?? 0..<total, total: total, shard: shard, upstream: nil)
  }

  /// Every row, or `shard`'s whole images (rows sorted by `image`). Without
  /// an image column every row is one image, which cannot be split: a usage
  /// error with `--shard`.
  public init(total: Int, shard: ShardSpec?, images image: [Int64]?) throws {
    guard let shard else {
      try self.init(total: total, shard: nil)
      return
    }
    guard let image else {
      throw RetortError.usage(
        "needs an 'image' column: without one all rows are one image, which cannot be split",
        quantity: "--shard")
    }
    try self.init(rows: shard.rows(ofImages: image), total: total, shard: shard, upstream: nil)
  }

  /// `shard`'s rows of `file`'s `total`, or, without `--shard`, every row
  /// of a file that is a shard of an earlier tool (its marks must cover them).
  public init(following file: TensorFile, total: Int, shard: ShardSpec?) throws {
    guard shard == nil, let marks = try ShardMarks(file) else {
      try self.init(total: total, shard: shard)
      return
    }
    guard marks.rows.count == total else {
      throw RetortError.data(
        "shard input has \(total) rows, its marks say \(marks.rows.count)", file: file.label)
    }
    try self.init(rows: 0..<total, total: total, shard: nil, upstream: marks)
  }

  /// A fresh shard reads its job run from the environment.
  private init(rows: Range<Int>, total: Int, shard: ShardSpec?, upstream: ShardMarks?) throws {
    self.rows = rows
    self.total = total
    self.shard = shard
    self.job = try shard.map { _ in try ShardJob() }
    self.upstream = upstream
  }

  /// Whether the output is a partial result.
  public var isPartial: Bool { shard != nil || upstream != nil }

  /// The row of the whole job where this run's rows start (per-row random
  /// streams start there, so that shards give what one run gives).
  public var firstRow: Int { (upstream?.rows.lowerBound ?? 0) + rows.lowerBound }

  /// Copies `source`'s root datasets of `total` rows that are not in
  /// `except` and not yet written (only this part's rows of them), and
  /// writes the shard marks of a partial result.
  func complete(
    _ writer: TensorFileWriter, carrying source: TensorFile?, except: Set<String>, tool: String
  ) throws {
    if let source {
      if shard != nil {
        try writer.carryRows(from: source, rows: rows, total: total, except: except)
      } else {
        try writer.carry(from: source, except: except)
      }
    }
    let own = ([tool] + shardIndependentArguments()).joined(separator: " ")
    if let upstream {
      try ShardMarks(
        spec: upstream.spec, rows: upstream.rows, total: upstream.total,
        source: "\(upstream.source) | \(own)", job: upstream.job, attempt: upstream.attempt
      ).write(to: writer)
    } else if let shard, let job {
      try ShardMarks(
        spec: shard, rows: rows, total: total, source: own, job: job.id, attempt: job.attempt
      ).write(to: writer)
    }
  }
}

extension ToolContext {
  /// Completes and commits a filter tool's output: `source`'s other
  /// datasets carried along unless `carry` is false (this part's rows of
  /// them), the shard marks of a partial result, and the history.
  public func finish(
    _ writer: TensorFileWriter, part: RunPart, carrying source: TensorFile?, carry: Bool = true,
    except: Set<String> = []
  ) throws {
    try part.complete(writer, carrying: carry ? source : nil, except: except, tool: tool)
    try finish(writer, continuing: source)
  }
}

/// This process's arguments without `--shard X`, `-o X` and `--output X`.
func shardIndependentArguments() -> [String] {
  var out = [String]()
  var skip = false
  for a in CommandLine.arguments.dropFirst() {
    if skip {
      skip = false
      continue
    }
    if a == "--shard" || a == "-o" || a == "--output" {
      skip = true
      continue
    }
    if a.hasPrefix("--shard=") || a.hasPrefix("--output=") { continue }
    out.append(a)
  }
  return out
}
