/// The rotation classes of the Omniglot protocol that prototypical networks
/// train and test on (Vinyals et al. 2016, Snell et al. 2017): every image is
/// also rotated by 90°, 180° and 270°, and each rotation of a class is a
/// class of its own.
public enum RotationClasses {
  /// The numbers of rotations there are: none, or all four quarter turns.
  public static let allowed = [1, 4]

  /// The rows of `x` followed by the rows rotated by r quarter turns
  /// counterclockwise for r = 1..<count (numpy's `rot90(image, r)` on the
  /// last two axes), with labels `label·count + r`.
  ///
  /// `x` holds square images, [N, H, H] or [N, C, H, H]; `count` 1 returns
  /// the input. A count other than 1 or 4 is a usage error; rows that are not
  /// square images, or labels too large to multiply by `count`, a data error.
  public static func expand(_ x: FloatTensor, labels: [Int64], count: Int) throws -> (
    x: FloatTensor, labels: [Int64]
  ) {
    guard allowed.contains(count) else {
      throw RetortError.usage("must be 1 or 4, got \(count)", quantity: "rotations")
    }
    guard count > 1 else { return (x, labels) }
    let shape = x.shape
    guard shape.count == 3 || shape.count == 4, let side = shape.last,
      shape[shape.count - 2] == side
    else {
      throw RetortError.data(
        "has rows of shape \(Array(shape.dropFirst())): rotations need square images, "
          + "[N,H,H] or [N,C,H,H]", dataset: "x")
    }
    let limit = Int64.max / Int64(count)
    if let bad = labels.first(where: { $0 < 0 || $0 >= limit }) {
      throw RetortError.data(
        "has class \(bad): rotation classes need labels in 0..<\(limit)", dataset: "labels")
    }
    let plane = side * side
    let planes = x.count / plane
    var out = [Float](repeating: 0, count: x.count * count)
    x.scalars.withUnsafeBufferPointer { source in
      out.withUnsafeMutableBufferPointer { target in
        for r in 0..<count {
          let base = r * x.count
          for p in 0..<planes {
            let from = source.baseAddress! + p * plane
            let to = target.baseAddress! + base + p * plane
            for i in 0..<side {
              for j in 0..<side {
                to[i * side + j] = from[rotatedSource(i, j, quarterTurns: r, side: side)]
              }
            }
          }
        }
      }
    }
    let expandedLabels = (0..<count).flatMap { r in labels.map { $0 * Int64(count) + Int64(r) } }
    return (
      FloatTensor(shape: [shape[0] * count] + shape.dropFirst(), scalars: out), expandedLabels
    )
  }

  /// The index in the source plane of element (i, j) of the plane rotated by
  /// `quarterTurns` counterclockwise: out[i][j] = in[j][s−1−i] for one turn.
  private static func rotatedSource(_ i: Int, _ j: Int, quarterTurns: Int, side s: Int) -> Int {
    switch quarterTurns {
    case 1: return j * s + (s - 1 - i)
    case 2: return (s - 1 - i) * s + (s - 1 - j)
    case 3: return (s - 1 - j) * s + i
    default: return i * s + j
    }
  }
}
