@testable import Retort

/// Boxes, scores and group keys for one NMS or OHEM test case.
struct BoxCase {
  var boxes: FloatTensor
  var scores: [Float]
  var image: [Int64]?
  var classes: [Int64]?
}

/// How to draw a test case: boxes jittered around a few object centres.
struct BoxRecipe {
  var count = 300
  var centres = 6
  var format = BoxFormat.xyxy
  var seed: UInt64 = 1
  /// Image ids and class ids to draw from, interleaved over the rows (nil: none).
  var images: [Int64]? = nil
  var classes: [Int64]? = nil
  /// Round corners to whole pixels.
  var integer = false
  /// Draw scores from a few levels only, so many are equal.
  var tiedScores = false
  /// Fraction of boxes with zero width or height.
  var zeroArea = 0.0
  /// Fraction of rows that copy an earlier row's box exactly.
  var duplicates = 0.0
  /// Extent of the centres: [-60, -60 + spread]².
  var spread = 260.0
  /// Box sizes are drawn around sizes in [minSize, minSize + 50].
  var minSize = 10.0
  /// Fraction of boxes 15 times their centre's size (they span many grid cells),
  /// scored above all others so that they are kept and suppress.
  var giants = 0.0

  func make() -> BoxCase {
    var rng = SeededGenerator(seed: seed)
    let centre = (0..<centres).map { _ in
      (-60 + spread * rng.uniform(), -60 + spread * rng.uniform(), minSize + 50 * rng.uniform())
    }
    var corners = [(Double, Double, Double, Double)]()
    var scores = [Float]()
    for i in 0..<count {
      if i > 0 && rng.uniform() < duplicates {
        corners.append(corners[rng.index(below: i)])
      } else {
        var (cx, cy, size) = centre[rng.index(below: centres)]
        let giant = rng.uniform() < giants
        if giant { size *= 15 }
        let x = cx + 0.15 * size * rng.normal()
        let y = cy + 0.15 * size * rng.normal()
        var w = max(0, size * (1 + 0.2 * rng.normal()))
        var h = max(0, size * (1 + 0.2 * rng.normal()))
        if rng.uniform() < zeroArea {
          if rng.uniform() < 0.5 { w = 0 } else { h = 0 }
        }
        var c = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
        if integer { c = (c.0.rounded(), c.1.rounded(), c.2.rounded(), c.3.rounded()) }
        corners.append(c)
        if giant {
          scores.append(Float(1 + rng.uniform()))
          continue
        }
      }
      scores.append(tiedScores ? Float(1 + rng.index(below: 5)) / 5 : Float(rng.uniform()))
    }
    var scalars = [Float]()
    for (x1, y1, x2, y2) in corners {
      switch format {
      case .xyxy: scalars += [x1, y1, x2, y2].map { Float($0) }
      case .xywh: scalars += [x1, y1, x2 - x1, y2 - y1].map { Float($0) }
      case .cxcywh: scalars += [(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1].map { Float($0) }
      }
    }
    return BoxCase(
      boxes: FloatTensor(shape: [count, 4], scalars: scalars), scores: scores,
      image: images.map { ids in (0..<count).map { _ in ids[rng.index(below: ids.count)] } },
      classes: classes.map { ids in (0..<count).map { _ in ids[rng.index(below: ids.count)] } })
  }
}

/// The exact bits of float32 values as text, for numpy's `view(np.float32)`.
func bitsText(_ values: [Float]) -> String {
  values.map { String($0.bitPattern) }.joined(separator: " ")
}

/// Integers as one line of text.
func intsText<T: BinaryInteger>(_ values: [T]?) -> String {
  (values ?? []).map { "\($0)" }.joined(separator: " ")
}

/// Lines of whitespace-separated integers.
func intLines(_ text: String) -> [[Int]] {
  text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
    $0.split(separator: " ").map { Int($0)! }
  }
}
