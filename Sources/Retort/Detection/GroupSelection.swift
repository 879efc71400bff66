/// How the rows of one group are chosen.
enum GroupMethod {
  /// The highest-scoring rows.
  case top
  /// Greedy NMS; groups of at least `gridMinimum` rows use the grid path.
  case greedy(BoxCorners, threshold: Float, gridMinimum: Int = GroupMethod.gridMinimum)
  /// Soft-NMS.
  case soft(BoxCorners, SoftNMS, threshold: Float)

  /// The group size from which greedy NMS uses the grid path by default.
  static let gridMinimum = 1024

  var offset: Float {
    switch self {
    case .top: 0
    case .greedy(let c, _, _), .soft(let c, _, _): c.offset
    }
  }
}

/// Rows chosen group by group, with their scores when chosen.
struct GroupSelection {
  /// Groups in ascending (image, class); within a group, in the order chosen.
  var rows: [Int] = []
  /// The score of each chosen row (decayed for Soft-NMS).
  var scores: [Float] = []
}

/// Chooses at most `maxKeep` of the `candidates` in each (image, class) group
/// by `method`, processing each group's rows by descending score, ties by
/// ascending row; groups run in parallel on `threads` threads.
///
/// Memory is O(N): one grouping of the rows, one output slot per row and, per
/// thread, the columns of its current group.
func selectByGroup(
  _ candidates: [Int], scores: [Float], image: [Int64]?, classes: [Int64]?,
  method: GroupMethod, maxKeep: Int, threads: Int
) -> GroupSelection {
  let groups = RowGroups(candidates, image: image, classes: classes)
  var outRows = [Int](repeating: 0, count: candidates.count)
  var outScores = [Float](repeating: 0, count: candidates.count)
  var taken = [Int](repeating: 0, count: groups.count)
  let size = (0..<groups.count).map { groups.starts[$0 + 1] - groups.starts[$0] }
  let largestFirst = (0..<groups.count).sorted { a, b in
    size[a] > size[b] || (size[a] == size[b] && a < b)
  }
  outRows.withUnsafeMutableBufferPointer { rowSlots in
    outScores.withUnsafeMutableBufferPointer { scoreSlots in
      taken.withUnsafeMutableBufferPointer { takenSlots in
        forEachConcurrently(
          groups.count, threads: threads, state: { BoxColumns(offset: method.offset) }
        ) { k, columns in
          let g = largestFirst[k]
          let start = groups.starts[g]
          let order = byDescendingScore(groups.group(g), scores: scores)
          let rows = rowSlots.baseAddress! + start
          let chosen = scoreSlots.baseAddress! + start
          takenSlots[g] = select(
            order, scores: scores, method: method, maxKeep: maxKeep, columns: columns,
            rows: rows, chosen: chosen)
        }
      }
    }
  }
  var result = GroupSelection()
  result.rows.reserveCapacity(taken.reduce(0, +))
  result.scores.reserveCapacity(result.rows.capacity)
  for g in 0..<groups.count {
    let slots = groups.starts[g]..<groups.starts[g] + taken[g]
    result.rows += outRows[slots]
    result.scores += outScores[slots]
  }
  return result
}

/// Chooses from one group's rows `order` (in processing order), writing the
/// chosen rows and scores to `rows` and `chosen`; returns how many.
private func select(
  _ order: [Int], scores: [Float], method: GroupMethod, maxKeep: Int, columns: BoxColumns,
  rows: UnsafeMutablePointer<Int>, chosen: UnsafeMutablePointer<Float>
) -> Int {
  let kept: Int
  switch method {
  case .top:
    kept = min(maxKeep, order.count)
    for k in 0..<kept { rows[k] = order[k] }
  case .greedy(let corners, let threshold, let gridMinimum):
    columns.load(order, from: corners, scores: scores)
    kept =
      order.count >= gridMinimum
      ? columns.greedyGridKeep(threshold: threshold, maxKeep: maxKeep)
      : columns.greedyKeep(threshold: threshold, maxKeep: maxKeep)
    for k in 0..<kept { rows[k] = columns.row[k] }
  case .soft(let corners, let soft, let threshold):
    columns.load(order, from: corners, scores: scores)
    return columns.softSelect(
      soft, threshold: threshold, maxKeep: maxKeep, rows: rows, scores: chosen)
  }
  for k in 0..<kept { chosen[k] = scores[rows[k]] }
  return kept
}

/// `rows` by descending score, ties by ascending row.
///
/// Sorts 64-bit keys, (score mapped to an order-reversing integer) · 2³² + row,
/// which is much faster than comparing through the arrays; the scores must be
/// finite (−0 counts as +0, as it compares equal).
func byDescendingScore(_ rows: ArraySlice<Int>, scores: [Float]) -> [Int] {
  guard scores.count <= UInt32.max else {
    return rows.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
  }
  var keys = rows.map { r -> UInt64 in
    let bits = (scores[r] + 0).bitPattern
    let ascending = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    return UInt64(~ascending) << 32 | UInt64(r)
  }
  keys.sort()
  return keys.map { Int($0 & 0xFFFF_FFFF) }
}
