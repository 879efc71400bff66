extension BoxColumns {
  /// Greedy NMS over positions 0..<count, which are in processing order
  /// (descending score, ties by ascending row). Returns the number kept, at
  /// most `maxKeep`; the kept boxes end up at positions 0..<kept, in order.
  ///
  /// The first remaining position is always kept; one vectorised pass marks
  /// the remaining positions whose IoU with it is > `threshold`, and a
  /// compaction removes them only when there are any. Work is the sum over
  /// kept boxes of the candidates still left, so it stops early once clusters
  /// are resolved or `maxKeep` is reached.
  func greedyKeep(threshold: Float, maxKeep: Int) -> Int {
    var kept = 0
    var end = count
    while kept < end && kept < maxKeep {
      let i = kept
      kept += 1
      if kept == maxKeep { break }
      if markOverlaps(of: i, from: i + 1, to: end, threshold: threshold) > 0 {
        end = compactUnmarked(from: i + 1, to: end)
      }
    }
    return kept
  }

  /// Sets `flag[j]` to 1 where IoU(i, j) > `threshold`, 0 elsewhere, for j in
  /// lo..<hi; returns how many were set.
  ///
  /// The IoU is `intersectionOverUnion` written out without its zero-union
  /// select: there 0/0 gives NaN, which is not > threshold either, and the
  /// loop stays free of branches so it vectorises.
  private func markOverlaps(of i: Int, from lo: Int, to hi: Int, threshold: Float) -> Int {
    let ax1 = x1[i]
    let ay1 = y1[i]
    let ax2 = x2[i]
    let ay2 = y2[i]
    let aArea = area[i]
    let x1 = self.x1
    let y1 = self.y1
    let x2 = self.x2
    let y2 = self.y2
    let area = self.area
    let flag = self.flag
    let offset = self.offset
    var marked = 0
    for j in lo..<hi {
      let w = greater(0, lesser(ax2, x2[j]) - greater(ax1, x1[j]) + offset)
      let h = greater(0, lesser(ay2, y2[j]) - greater(ay1, y1[j]) + offset)
      let inter = w * h
      let f: UInt8 = inter / (aArea + area[j] - inter) > threshold ? 1 : 0
      flag[j] = f
      marked &+= Int(f)
    }
    return marked
  }

  /// Moves the unmarked positions of lo..<hi to the front of that range, in
  /// order; returns the new end.
  private func compactUnmarked(from lo: Int, to hi: Int) -> Int {
    var w = lo
    for j in lo..<hi where flag[j] == 0 {
      if w != j { move(j, to: w) }
      w += 1
    }
    return w
  }
}
