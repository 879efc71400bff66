import Glibc

extension BoxColumns {
  /// Soft-NMS over positions 0..<count; writes the selected rows and their
  /// scores at selection to `rows` and `scores`, and returns how many, at most
  /// `maxKeep`.
  ///
  /// Rows scoring below `soft.minScore` are dropped first. Then, repeatedly:
  /// select the highest current score (ties: lowest row), and multiply every
  /// other remaining score by the decay of its IoU o with the selected box —
  /// 1 − o when o > `threshold` (linear), exp(−o²/σ) (gaussian) — dropping rows
  /// whose score falls below `soft.minScore`. Costs O(count · selected).
  func softSelect(
    _ soft: SoftNMS, threshold: Float, maxKeep: Int,
    rows: UnsafeMutablePointer<Int>, scores: UnsafeMutablePointer<Float>
  ) -> Int {
    var end = dropScores(below: soft.minScore, end: count)
    var selected = 0
    while end > 0 && selected < maxKeep {
      let p = bestPosition(end: end)
      rows[selected] = row[p]
      scores[selected] = score[p]
      selected += 1
      let s = (x1[p], y1[p], x2[p], y2[p], area[p])
      end -= 1
      if p != end { move(end, to: p) }
      let x1 = self.x1
      let y1 = self.y1
      let x2 = self.x2
      let y2 = self.y2
      let area = self.area
      let score = self.score
      let offset = self.offset
      switch soft.decay {
      case .linear:
        for j in 0..<end {
          let o = intersectionOverUnion(
            s.0, s.1, s.2, s.3, s.4, x1[j], y1[j], x2[j], y2[j], area[j], offset: offset)
          score[j] *= o > threshold ? 1 - o : 1
        }
      case .gaussian:
        for j in 0..<end {
          let o = intersectionOverUnion(
            s.0, s.1, s.2, s.3, s.4, x1[j], y1[j], x2[j], y2[j], area[j], offset: offset)
          score[j] *= exp(-(o * o) / soft.sigma)
        }
      }
      end = dropScores(below: soft.minScore, end: end)
    }
    return selected
  }

  /// The position in 0..<end with the highest score, the lowest row on ties.
  private func bestPosition(end: Int) -> Int {
    var best = 0
    for j in 1..<end where score[j] > score[best] || (score[j] == score[best] && row[j] < row[best])
    {
      best = j
    }
    return best
  }

  /// Removes positions in 0..<end scoring below `minimum`; returns the new end.
  private func dropScores(below minimum: Float, end: Int) -> Int {
    var w = 0
    for j in 0..<end where score[j] >= minimum {
      if w != j { move(j, to: w) }
      w += 1
    }
    return w
  }
}
