extension ShardMarks {
  /// `files` in shard order when they are the shards of one job run (every
  /// shard 0..<N once, with the same source and the same job); nil when none
  /// is a shard. Two files of one index are refused whatever their attempts:
  /// a requeued task must replace its earlier file, not add to it.
  public static func order(_ files: [TensorFile]) throws -> [TensorFile]? {
    let marks = try files.map { file in
      do { return try ShardMarks(file) } catch let e as RetortError { throw e.naming(file.label) }
    }
    guard let first = marks.compactMap({ $0 }).first else { return nil }
    if let plain = marks.firstIndex(where: { $0 == nil }) {
      throw RetortError.data("\(files[plain].label) is not a shard, the other inputs are")
    }
    let n = first.spec.count
    // Keyed by index, not an array of n: a damaged count must not size an allocation.
    var slots = [Int: (file: TensorFile, marks: ShardMarks)]()
    for (file, m) in zip(files, marks.map { $0! }) {
      guard m.spec.count == n else {
        throw RetortError.data(
          "\(file.label) is one of \(m.spec.count) shards, the first input one of \(n)")
      }
      guard m.source == first.source else {
        throw RetortError.data(
          "\(file.label) comes from other inputs or options than \(files[0].label)")
      }
      guard m.job == first.job else {
        throw RetortError.data(
          "\(file.label) was written \(written(by: m.job)), "
            + "\(files[0].label) \(written(by: first.job))")
      }
      if let (other, o) = slots[m.spec.index] {
        let attempts = o.attempt == m.attempt ? "" : " (attempts \(o.attempt) and \(m.attempt))"
        throw RetortError.data(
          "shard \(m.spec.index)/\(n) is given twice\(attempts): \(other.label) and \(file.label)")
      }
      slots[m.spec.index] = (file, m)
    }
    // At most files.count indices are present, so the first gap is found in as many steps.
    if let missing = (0..<n).first(where: { slots[$0] == nil }) {
      throw RetortError.data(
        "shard \(missing)/\(n) is missing (\(files.count) of \(n) given: "
          + "\(abbreviated(files.map(\.label))))")
    }
    return (0..<n).map { slots[$0]!.file }
  }

  /// Who wrote a shard of `job`, for a message.
  private static func written(by job: String?) -> String {
    job.map { "by job \($0)" } ?? "without a job id"
  }

  /// `labels` joined with commas: all of up to four, else the first two,
  /// "..." and the last, so that a message stays one short line.
  private static func abbreviated(_ labels: [String]) -> String {
    let shown = labels.count <= 4 ? labels : labels.prefix(2) + ["...", labels[labels.count - 1]]
    return shown.joined(separator: ", ")
  }
}
