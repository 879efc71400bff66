/// Part I (0-based) of N of a job's rows, as `$SLURM_ARRAY_TASK_ID` of
/// `$SLURM_ARRAY_TASK_COUNT` tasks: rows n·I/N ..< n·(I+1)/N of n.
public struct ShardSpec: Equatable, Sendable {
  public let index: Int
  public let count: Int

  /// `I/N` with 0 ≤ I < N; nil for anything else.
  public init?(parsing text: String) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1,
      (0..<n).contains(i)
    else { return nil }
    index = i
    count = n
  }

  /// This shard's rows of `n`: n·I/N ..< n·(I+1)/N.
  public func rows(of n: Int) -> Range<Int> { n * index / count..<n * (index + 1) / count }

  /// This shard's rows when whole images must stay together: the image
  /// column must be non-decreasing (rows sorted by image); the cut points
  /// move forward to the next change of image.
  public func rows(ofImages image: [Int64]) throws -> Range<Int> {
    if let bad = image.indices.dropFirst().first(where: { image[$0] < image[$0 - 1] }) {
      throw RetortError.data(
        "is not sorted, as shards of whole images need (\(image[bad]) after \(image[bad - 1]))",
        dataset: "image", row: bad)
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
