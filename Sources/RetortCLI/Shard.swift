import ArgumentParser
import Foundation
import Retort

/// `--shard I/N`: this run does part I (0-based) of N of the rows (or whole
/// images), as `$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT` of a job array.
public struct ShardSpec: ExpressibleByArgument, Equatable, Sendable {
  public let index: Int
  public let count: Int

  public init?(argument: String) {
    let parts = argument.split(separator: "/")
    guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (0..<n).contains(i)
    else { return nil }
    index = i
    count = n
  }

  /// This shard's rows of `n`: n·I/N ..< n·(I+1)/N.
  public func rows(of n: Int) -> Range<Int> { n * index / count..<n * (index + 1) / count }

  /// This shard's rows when whole images must stay together: the image
  /// column must be non-decreasing (rows sorted by image); the cut points are
  /// moved forward to the next change of image.
  public func rows(ofImages image: [Int64], label: String) throws -> Range<Int> {
    if let bad = image.indices.dropFirst().first(where: { image[$0] < image[$0 - 1] }) {
      throw RetortError.data("--shard needs rows sorted by 'image' (row \(bad) has image \(image[bad]) after \(image[bad - 1])): \(label)")
    }
    func cut(_ r: Int) -> Int {
      var r = r
      while r > 0 && r < image.count && image[r] == image[r - 1] { r += 1 }
      return r
    }
    let plain = rows(of: image.count)
    return cut(plain.lowerBound)..<cut(plain.upperBound)
  }
}

/// The `--shard` option of tools whose rows are independent.
public struct ShardOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp(
    "Do part I (0-based) of N of the rows and write a partial result for 'tensor merge'.",
    valueName: "i/n"))
  public var shard: ShardSpec?

  public init() {}
}

extension TensorFileWriter {
  /// Marks the output as shard `spec` covering `rows` of `total`, for
  /// `tensor merge`: root attributes `shard_index`, `shard_count`,
  /// `shard_rows` and `shard_source` (the tool and its arguments without
  /// `--shard` and the output, which every shard of one job shares).
  public func markShard(_ spec: ShardSpec, rows: Range<Int>, total: Int, tool: String) throws {
    try setAttribute("shard_index", .integer(Int64(spec.index)))
    try setAttribute("shard_count", .integer(Int64(spec.count)))
    try setAttribute("shard_rows", .integers([Int64(rows.lowerBound), Int64(rows.upperBound), Int64(total)]))
    try setAttribute("shard_source", .text(([tool] + shardIndependentArguments()).joined(separator: " ")))
  }

  /// Copies the `rows` of every root-level dataset of `source` that has
  /// `total` rows (the carry-through of a shard), except those in `except`.
  public func carryRows(from source: TensorFile, rows: Range<Int>, total: Int, except: Set<String>) throws {
    for name in try source.datasetNames() where !name.contains("/") && !except.contains(name) && !contains(name) {
      guard try source.info(name).shape.first == total else { continue }
      try write(name, try source.read(name, rows: rows), attributes: try source.attributes(of: name))
    }
  }
}

/// This process's arguments without `--shard X`, `-o X` and `--output X`.
func shardIndependentArguments() -> [String] {
  var out = [String]()
  var skip = false
  for a in CommandLine.arguments.dropFirst() {
    if skip { skip = false; continue }
    if a == "--shard" || a == "-o" || a == "--output" { skip = true; continue }
    if a.hasPrefix("--shard=") || a.hasPrefix("--output=") { continue }
    out.append(a)
  }
  return out
}
