/// The classes a targeted attack aims at.
public enum TargetChoice: Equatable, Sendable {
  /// One class ≠ label per row, uniform, from the row's own stream of the seed.
  case random
  /// Every class ≠ label: C − 1 attempts per row, as Papernot et al. evaluate.
  case all
  /// This class for every row; rows of this label are not attempted.
  case fixed(Int)
}

/// The (row, target) attempts of a targeted attack: `rows[i]` of the input
/// is attacked towards `targets[i]`, in ascending row order and, within a
/// row, ascending target.
public struct TargetedAttempts: Equatable, Sendable {
  public var rows: [Int]
  public var targets: [Int64]

  public init(rows: [Int], targets: [Int64]) {
    self.rows = rows
    self.targets = targets
  }

  /// The attempts for rows with `labels` among `classes` classes. Row r draws
  /// its random target from stream `firstRow + r` of `seed`, so shards of the
  /// rows draw what one run draws. Throws a usage error (quantity `target`)
  /// for a fixed class outside 0..<classes, and for fewer than 2 classes.
  public init(
    labels: [Int64], classes: Int, choice: TargetChoice, seed: UInt64, firstRow: Int = 0
  ) throws {
    guard classes >= 2 else {
      throw RetortError.usage(
        "needs at least 2 classes, the model has \(classes)", quantity: "target")
    }
    var rows = [Int](), targets = [Int64]()
    for (r, y) in labels.enumerated() {
      switch choice {
      case .random:
        var generator = SeededGenerator(seed: seed, row: firstRow + r)
        let k = generator.index(below: classes - 1)
        rows.append(r)
        targets.append(Int64(k >= Int(y) ? k + 1 : k))
      case .all:
        for t in 0..<classes where t != Int(y) {
          rows.append(r)
          targets.append(Int64(t))
        }
      case .fixed(let t):
        guard (0..<classes).contains(t) else {
          throw RetortError.usage(
            "must be a class in 0..<\(classes), got \(t)", quantity: "target")
        }
        if t != Int(y) {
          rows.append(r)
          targets.append(Int64(t))
        }
      }
    }
    self.init(rows: rows, targets: targets)
  }
}
