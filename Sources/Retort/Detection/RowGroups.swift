/// Rows arranged group by group, groups keyed by (image, class).
///
/// Keys that span a compact range (as image and class ids do) are grouped by
/// counting, in linear time: a stable counting sort by class, then by image.
/// Other keys fall back to one comparison sort by (image, class, row).
struct RowGroups {
  /// The rows, group by group in ascending (image, class), ascending within.
  var order: [Int]
  /// Group g is `order[starts[g]..<starts[g + 1]]`.
  var starts: [Int]

  var count: Int { starts.count - 1 }

  /// Groups `rows` (ascending) by their entries in `image` and `classes`; a
  /// missing key counts as the same value for every row.
  init(_ rows: [Int], image: [Int64]?, classes: [Int64]?) {
    order = rows
    if let byClass = classes.map({ countingSorted(rows, by: $0) }) ?? rows,
      let byImage = image.map({ countingSorted(byClass, by: $0) }) ?? byClass
    {
      order = byImage
    } else {
      order.sort { a, b in
        if let image, image[a] != image[b] { return image[a] < image[b] }
        if let classes, classes[a] != classes[b] { return classes[a] < classes[b] }
        return a < b
      }
    }
    starts = [0]
    for k in order.indices.dropFirst() {
      let a = order[k - 1]
      let b = order[k]
      if image?[a] != image?[b] || classes?[a] != classes?[b] { starts.append(k) }
    }
    if !order.isEmpty { starts.append(order.count) }
  }

  func group(_ g: Int) -> ArraySlice<Int> { order[starts[g]..<starts[g + 1]] }
}

/// `rows` stably reordered by ascending `key[row]` with a counting sort, or nil
/// when the keys span more than 4 · count + 1024 values.
private func countingSorted(_ rows: [Int], by key: [Int64]) -> [Int]? {
  guard let first = rows.first else { return rows }
  var lo = key[first]
  var hi = lo
  for r in rows {
    lo = min(lo, key[r])
    hi = max(hi, key[r])
  }
  let (span, overflow) = hi.subtractingReportingOverflow(lo)
  guard !overflow, span < 4 * rows.count + 1024 else { return nil }
  var next = [Int](repeating: 0, count: Int(span) + 2)
  for r in rows { next[Int(key[r] - lo) + 1] += 1 }
  for k in 1..<next.count { next[k] += next[k - 1] }
  var out = [Int](repeating: 0, count: rows.count)
  for r in rows {
    let k = Int(key[r] - lo)
    out[next[k]] = r
    next[k] += 1
  }
  return out
}
