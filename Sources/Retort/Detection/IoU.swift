/// Intersection over union of two boxes given by corners and areas.
///
/// inter = max(0, min(ax2, bx2) − max(ax1, bx1) + offset)
///       · max(0, min(ay2, by2) − max(ay1, by1) + offset),
/// IoU = inter / ((aArea + bArea) − inter), and 0 when that union is 0 (two
/// zero-area boxes). Every step is one float32 operation in this order, so NMS
/// results can be reproduced exactly elsewhere; the function is symmetric.
@inline(__always)
func intersectionOverUnion(
  _ ax1: Float, _ ay1: Float, _ ax2: Float, _ ay2: Float, _ aArea: Float,
  _ bx1: Float, _ by1: Float, _ bx2: Float, _ by2: Float, _ bArea: Float,
  offset: Float
) -> Float {
  let w = greater(0, lesser(ax2, bx2) - greater(ax1, bx1) + offset)
  let h = greater(0, lesser(ay2, by2) - greater(ay1, by1) + offset)
  let inter = w * h
  let union = aArea + bArea - inter
  return union > 0 ? inter / union : 0
}

/// The larger of two ordered floats, written as a select so loops vectorise.
@inline(__always) func greater(_ a: Float, _ b: Float) -> Float { a > b ? a : b }

/// The smaller of two ordered floats, written as a select so loops vectorise.
@inline(__always) func lesser(_ a: Float, _ b: Float) -> Float { a < b ? a : b }

/// IoU of every box of `a` [N, 4] with every box of `b` [M, 4], as [N, M].
///
/// Both are validated as NMS input is (finite, x2 ≥ x1, y2 ≥ y1 after conversion).
/// `legacyPlusOne` uses widths x2 − x1 + 1 (the original Fast R-CNN convention).
public func pairwiseIoU(
  _ a: FloatTensor, _ b: FloatTensor, format: BoxFormat = .xyxy, legacyPlusOne: Bool = false
) throws -> FloatTensor {
  let p = try BoxCorners(validating: a, format: format, legacyPlusOne: legacyPlusOne)
  let q = try BoxCorners(validating: b, format: format, legacyPlusOne: legacyPlusOne)
  var out = FloatTensor(repeating: 0, shape: [p.count, q.count])
  let u = p.values
  let v = q.values
  for i in 0..<p.count {
    for j in 0..<q.count {
      out[i, j] = intersectionOverUnion(
        u[5 * i], u[5 * i + 1], u[5 * i + 2], u[5 * i + 3], u[5 * i + 4],
        v[5 * j], v[5 * j + 1], v[5 * j + 2], v[5 * j + 3], v[5 * j + 4], offset: p.offset)
    }
  }
  return out
}
