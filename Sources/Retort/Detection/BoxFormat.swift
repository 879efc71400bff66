/// How the four numbers of a box row are laid out.
public enum BoxFormat: String, CaseIterable, Sendable {
  /// Corners: x1, y1, x2, y2.
  case xyxy
  /// Top-left corner and size: x1, y1, w, h, so x2 = x1 + w and y2 = y1 + h.
  case xywh
  /// Centre and size: cx, cy, w, h, so x1 = cx − w/2 and x2 = cx + w/2.
  case cxcywh

  /// The corners (x1, y1, x2, y2) of the box `(a, b, c, d)` written in this format.
  ///
  /// Computed in float32, in the order the formulas above are written.
  @inlinable
  public func corners(_ a: Float, _ b: Float, _ c: Float, _ d: Float)
    -> (x1: Float, y1: Float, x2: Float, y2: Float)
  {
    switch self {
    case .xyxy: (a, b, c, d)
    case .xywh: (a, b, a + c, b + d)
    case .cxcywh: (a - c / 2, b - d / 2, a + c / 2, b + d / 2)
    }
  }
}

/// Boxes [N, 4] written in `format`, rewritten as corners x1, y1, x2, y2 [N, 4].
///
/// Only the shape is checked. For library callers: the tools keep boxes in the
/// format they were given (`nms --emit` writes the kept rows as read).
public func xyxyBoxes(_ boxes: FloatTensor, format: BoxFormat) throws -> FloatTensor {
  try checkBoxShape(boxes)
  guard format != .xyxy else { return boxes }
  let s = boxes.scalars
  var out = boxes
  for i in 0..<boxes.rowCount {
    let c = format.corners(s[4 * i], s[4 * i + 1], s[4 * i + 2], s[4 * i + 3])
    out.scalars[4 * i] = c.x1
    out.scalars[4 * i + 1] = c.y1
    out.scalars[4 * i + 2] = c.x2
    out.scalars[4 * i + 3] = c.y2
  }
  return out
}

/// Throws unless `boxes` has shape [N, 4].
func checkBoxShape(_ boxes: FloatTensor) throws {
  guard boxes.rank == 2, boxes.shape[1] == 4 else {
    throw RetortError.data("has shape \(boxes.shape), expected [N, 4]", dataset: "boxes")
  }
}
