/// The boxes of one group in processing order, as contiguous columns.
///
/// Kept per thread and reused from group to group. The kernels (greedy, grid,
/// soft) read and compact these columns in place through raw pointers, so the
/// inner loops run over plain contiguous floats.
final class BoxColumns {
  private(set) var capacity = 0
  private(set) var count = 0
  private(set) var x1 = UnsafeMutablePointer<Float>.allocate(capacity: 0)
  private(set) var y1 = UnsafeMutablePointer<Float>.allocate(capacity: 0)
  private(set) var x2 = UnsafeMutablePointer<Float>.allocate(capacity: 0)
  private(set) var y2 = UnsafeMutablePointer<Float>.allocate(capacity: 0)
  private(set) var area = UnsafeMutablePointer<Float>.allocate(capacity: 0)
  private(set) var score = UnsafeMutablePointer<Float>.allocate(capacity: 0)
  private(set) var row = UnsafeMutablePointer<Int>.allocate(capacity: 0)
  /// Scratch: one byte per position, set by the suppression pass.
  private(set) var flag = UnsafeMutablePointer<UInt8>.allocate(capacity: 0)
  let offset: Float

  init(offset: Float) { self.offset = offset }

  deinit { release() }

  /// Loads `rows` (in processing order) from `corners`, with their `scores`.
  func load(_ rows: [Int], from corners: BoxCorners, scores: [Float]) {
    reserve(rows.count)
    count = rows.count
    corners.values.withUnsafeBufferPointer { v in
      for (k, r) in rows.enumerated() {
        let b = v.baseAddress! + BoxCorners.stride * r
        x1[k] = b[0]
        y1[k] = b[1]
        x2[k] = b[2]
        y2[k] = b[3]
        area[k] = b[4]
        score[k] = scores[r]
        row[k] = r
      }
    }
  }

  /// Copies position `from` over position `to`.
  @inline(__always)
  func move(_ from: Int, to: Int) {
    x1[to] = x1[from]
    y1[to] = y1[from]
    x2[to] = x2[from]
    y2[to] = y2[from]
    area[to] = area[from]
    score[to] = score[from]
    row[to] = row[from]
  }

  /// IoU of positions `i` and `j`.
  @inline(__always)
  func iou(_ i: Int, _ j: Int) -> Float {
    intersectionOverUnion(
      x1[i], y1[i], x2[i], y2[i], area[i], x1[j], y1[j], x2[j], y2[j], area[j], offset: offset)
  }

  private func reserve(_ n: Int) {
    guard n > capacity else { return }
    release()
    capacity = max(n, 2 * capacity)
    x1 = .allocate(capacity: capacity)
    y1 = .allocate(capacity: capacity)
    x2 = .allocate(capacity: capacity)
    y2 = .allocate(capacity: capacity)
    area = .allocate(capacity: capacity)
    score = .allocate(capacity: capacity)
    row = .allocate(capacity: capacity)
    flag = .allocate(capacity: capacity)
  }

  private func release() {
    for p in [x1, y1, x2, y2, area, score] { p.deallocate() }
    row.deallocate()
    flag.deallocate()
  }
}
