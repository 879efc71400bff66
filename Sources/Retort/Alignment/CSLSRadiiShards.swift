extension CSLSRadii {
  /// The targets' top-k lists of several shards merged: for each target row,
  /// the k largest similarities over all parts, largest first. This is the
  /// `topk` merge rule of `--phase radii` shards.
  public static func mergeTargetTopK(_ parts: [FloatTensor]) throws -> FloatTensor {
    guard let first = parts.first else { throw RetortError.data("no parts to merge") }
    if let bad = parts.firstIndex(where: { $0.rank != 2 || $0.shape != first.shape }) {
      throw RetortError.data(
        "must be [N, k] alike in every shard, part \(bad) is \(parts[bad].shape)")
    }
    var out = first
    let k = out.rowWidth
    for r in 0..<out.rowCount {
      let best = parts.flatMap { $0.row(r) }.sorted(by: >).prefix(k)
      out.scalars.replaceSubrange(r * k..<(r + 1) * k, with: best)
    }
    return out
  }

  /// The radii from `sourceRadii` (r_T of every source row) and the merged
  /// top-k lists of every target row: r_S(y) is the mean of y's list.
  public init(k: Int, sourceRadii: [Float], targetTopK: FloatTensor) {
    let target = (0..<targetTopK.rowCount).map { r in
      Float(targetTopK.row(r).reduce(0.0) { $0 + Double($1) } / Double(targetTopK.rowWidth))
    }
    self.init(k: k, source: sourceRadii, target: target)
  }
}
