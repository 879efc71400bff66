/// Validated boxes as corners with their areas.
///
/// Row i is `values[5i..<5i+5]`: x1, y1, x2, y2 and the area
/// (x2 − x1 + offset) · (y2 − y1 + offset), together so that gathering a
/// group's rows reads one cache line per row. With the legacy +1 convention
/// (`offset` 1) a box covers the pixels x1...x2, so its width is x2 − x1 + 1;
/// otherwise `offset` is 0.
struct BoxCorners: Sendable {
  static let stride = 5
  var values: [Float]
  let offset: Float

  var count: Int { values.count / BoxCorners.stride }

  /// Converts `boxes` [N, 4] to corners and checks every row, together with
  /// the row's value in `values` (named `valueName` in messages) when given.
  ///
  /// The first bad row is reported: a non-finite coordinate or value, x2 < x1
  /// or y2 < y1 after conversion, or an area that overflows float32.
  init(
    validating boxes: FloatTensor, format: BoxFormat, legacyPlusOne: Bool,
    values checked: [Float]? = nil, valueName: String = "scores"
  ) throws {
    try checkBoxShape(boxes)
    let n = boxes.rowCount
    if let checked, checked.count != n {
      throw RetortError.data("has \(checked.count) values, boxes has \(n) rows", dataset: valueName)
    }
    offset = legacyPlusOne ? 1 : 0
    values = [Float](repeating: 0, count: BoxCorners.stride * n)
    let s = boxes.scalars
    let after = format == .xyxy ? "" : " after conversion from \(format)"
    for i in 0..<n {
      let raw = s[4 * i..<4 * i + 4]
      if let bad = raw.first(where: { !$0.isFinite }) {
        throw RetortError.data(
          "has a coordinate that is not finite (\(bad))", dataset: "boxes", row: i)
      }
      let c = format.corners(s[4 * i], s[4 * i + 1], s[4 * i + 2], s[4 * i + 3])
      guard c.x1.isFinite, c.y1.isFinite, c.x2.isFinite, c.y2.isFinite else {
        let bad = [c.x1, c.y1, c.x2, c.y2].first { !$0.isFinite }!
        throw RetortError.data(
          "has a corner that is not finite\(after) (\(bad))", dataset: "boxes", row: i)
      }
      if c.x2 < c.x1 {
        throw RetortError.data("has x2 < x1\(after) (\(c.x2) < \(c.x1))", dataset: "boxes", row: i)
      }
      if c.y2 < c.y1 {
        throw RetortError.data("has y2 < y1\(after) (\(c.y2) < \(c.y1))", dataset: "boxes", row: i)
      }
      let a = (c.x2 - c.x1 + offset) * (c.y2 - c.y1 + offset)
      guard a.isFinite else {
        throw RetortError.data("has an area too large for float32 (\(a))", dataset: "boxes", row: i)
      }
      if let checked, !checked[i].isFinite {
        throw RetortError.data(
          "holds a value that is not finite (\(checked[i]))", dataset: valueName, row: i)
      }
      values[5 * i] = c.x1
      values[5 * i + 1] = c.y1
      values[5 * i + 2] = c.x2
      values[5 * i + 3] = c.y2
      values[5 * i + 4] = a
    }
  }
}

/// Throws unless every value is finite, naming the first row that is not.
func checkFinite(_ values: [Float], name: String) throws {
  try requireFinite(values, dataset: name)
}

/// Throws unless `values` has `rows` entries.
func checkCount<T>(_ values: [T]?, name: String, rows: Int, of other: String) throws {
  if let values, values.count != rows {
    throw RetortError.data("has \(values.count) values, \(other) has \(rows) rows", dataset: name)
  }
}
