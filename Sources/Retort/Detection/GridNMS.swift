extension BoxColumns {
  /// Greedy NMS as `greedyKeep`, with the same result, for large groups: each
  /// candidate is tested only against the kept boxes that share a grid cell
  /// with it.
  ///
  /// A uniform grid covers the group's extent, with cells about the mean box
  /// size and at most `count` cells. A kept box is listed in every cell its
  /// closed extent [x1, x2 + offset] × [y1, y2 + offset] touches, or in a
  /// "wide" list when that is more than `wideCells` cells. Two boxes whose
  /// extents do not meet have intersection 0 in float32 too (subtraction keeps
  /// the sign), so IoU 0, which never exceeds a threshold ≥ 0: skipping such
  /// pairs cannot change the result. A wide candidate is tested against all
  /// kept boxes. Kept boxes are moved to positions 0..<kept, in order.
  func greedyGridKeep(threshold: Float, maxKeep: Int) -> Int {
    let n = count
    guard n > 0, maxKeep > 0 else { return 0 }
    let grid = Grid(self)
    var cells = [[Int32]](repeating: [], count: grid.columns * grid.rows)
    var wide = [Int]()
    var kept = 0
    for c in 0..<n {
      let span = grid.span(x1[c], y1[c], x2[c] + offset, y2[c] + offset)
      let isWide = span.cellCount > Grid.wideCells
      var suppressed = false
      if isWide {
        suppressed = anyOverlap(with: c, among: 0..<kept, threshold: threshold)
      } else {
        suppressed = wide.contains { iou($0, c) > threshold }
        cellLoop: for gy in span.y where !suppressed {
          for gx in span.x {
            for k in cells[gy * grid.columns + gx] where iou(Int(k), c) > threshold {
              suppressed = true
              break cellLoop
            }
          }
        }
      }
      if suppressed { continue }
      if c != kept { move(c, to: kept) }
      if isWide {
        wide.append(kept)
      } else {
        for gy in span.y {
          for gx in span.x { cells[gy * grid.columns + gx].append(Int32(kept)) }
        }
      }
      kept += 1
      if kept == maxKeep { break }
    }
    return kept
  }

  /// Whether any position in `range` has IoU with `c` above `threshold`.
  private func anyOverlap(with c: Int, among range: Range<Int>, threshold: Float) -> Bool {
    let cx1 = x1[c]
    let cy1 = y1[c]
    let cx2 = x2[c]
    let cy2 = y2[c]
    let cArea = area[c]
    for k in range {
      let o = intersectionOverUnion(
        cx1, cy1, cx2, cy2, cArea, x1[k], y1[k], x2[k], y2[k], area[k], offset: offset)
      if o > threshold { return true }
    }
    return false
  }
}

/// A uniform grid over the extent of the boxes in a `BoxColumns`.
private struct Grid {
  /// Boxes covering more cells than this are tested against all kept boxes.
  static let wideCells = 16

  let columns: Int, rows: Int
  let minX: Double, minY: Double, scaleX: Double, scaleY: Double

  init(_ boxes: BoxColumns) {
    var minX = Double.infinity
    var minY = Double.infinity
    var maxX = -Double.infinity
    var maxY = -Double.infinity
    var sumW = 0.0
    var sumH = 0.0
    for i in 0..<boxes.count {
      let ex = Double(boxes.x2[i] + boxes.offset)
      let ey = Double(boxes.y2[i] + boxes.offset)
      minX = min(minX, Double(boxes.x1[i]))
      minY = min(minY, Double(boxes.y1[i]))
      maxX = max(maxX, ex)
      maxY = max(maxY, ey)
      sumW += ex - Double(boxes.x1[i])
      sumH += ey - Double(boxes.y1[i])
    }
    let n = Double(boxes.count)
    let perAxis = max(1, n.squareRoot().rounded(.down))
    func cellsAlong(_ extent: Double, meanSize: Double) -> Int {
      guard extent > 0 else { return 1 }
      return Int(max(1, min(perAxis, (extent / max(meanSize, extent / perAxis)).rounded(.up))))
    }
    columns = cellsAlong(maxX - minX, meanSize: sumW / n)
    rows = cellsAlong(maxY - minY, meanSize: sumH / n)
    self.minX = minX
    self.minY = minY
    scaleX = maxX > minX ? Double(columns) / (maxX - minX) : 0
    scaleY = maxY > minY ? Double(rows) / (maxY - minY) : 0
  }

  /// The cells touched by the closed rectangle [x1, x2] × [y1, y2].
  func span(_ x1: Float, _ y1: Float, _ x2: Float, _ y2: Float)
    -> (x: ClosedRange<Int>, y: ClosedRange<Int>, cellCount: Int)
  {
    let x =
      cell(
        x1, from: minX, scale: scaleX, count: columns)...cell(
        x2, from: minX, scale: scaleX, count: columns)
    let y =
      cell(
        y1, from: minY, scale: scaleY, count: rows)...cell(
        y2, from: minY, scale: scaleY, count: rows)
    return (x, y, x.count * y.count)
  }

  /// The cell index of coordinate `v`: monotone in `v`, clamped to the grid.
  private func cell(_ v: Float, from origin: Double, scale: Double, count: Int) -> Int {
    let t = (Double(v) - origin) * scale
    return t <= 0 ? 0 : min(count - 1, Int(min(t, Double(count))))
  }
}
