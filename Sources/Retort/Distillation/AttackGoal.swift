/// What an attack aims for on each row.
public enum AttackGoal: Sendable, Equatable {
  /// Any class other than the row's label.
  case untargeted
  /// The given class for each row (never its label).
  case targeted([Int64])

  /// Whether `predicted` reaches the goal for row `r` with label `label`.
  public func isReached(_ predicted: Int, row r: Int, label: Int64) -> Bool {
    switch self {
    case .untargeted: return predicted != Int(label)
    case .targeted(let t): return predicted == Int(t[r])
    }
  }

  /// The class whose logit the attack pushes up (`targeted`) or down
  /// (`untargeted`, the label) for row `r`.
  func anchor(row r: Int, label: Int64) -> Int {
    switch self {
    case .untargeted: return Int(label)
    case .targeted(let t): return Int(t[r])
    }
  }

  /// The goal restricted to `rows` (the same rows of every per-row array).
  public func rows(_ rows: [Int]) -> AttackGoal {
    switch self {
    case .untargeted: return .untargeted
    case .targeted(let t): return .targeted(rows.map { t[$0] })
    }
  }
}

/// The logit margin m of one row: how far an attack is from its goal.
///
/// Targeted at t: m = max_{j≠t} z_j − z_t. Untargeted with label y:
/// m = z_y − max_{j≠y} z_j. The goal is reached when m < 0 (ties between the
/// anchor and the best other class count as not reached). The gradient is
/// ∂m/∂z = e_plus − e_minus; the maximum over j takes the lowest index among
/// equal logits.
public struct LogitMargin: Equatable, Sendable {
  public var value: Float
  /// The class with ∂m/∂z = +1.
  public var plus: Int
  /// The class with ∂m/∂z = −1.
  public var minus: Int

  public init(value: Float, plus: Int, minus: Int) {
    (self.value, self.plus, self.minus) = (value, plus, minus)
  }

  /// The margin of logits `z` for `goal` on row `r` with label `label`.
  public init(_ z: ArraySlice<Float>, goal: AttackGoal, row r: Int, label: Int64) {
    let anchor = goal.anchor(row: r, label: label)
    let base = z.startIndex
    var best = -1
    for j in z.indices where j - base != anchor {
      if best < 0 || z[j] > z[base + best] { best = j - base }
    }
    let za = z[base + anchor], zb = z[base + best]
    switch goal {
    case .untargeted: (value, plus, minus) = (za - zb, anchor, best)
    case .targeted: (value, plus, minus) = (zb - za, best, anchor)
    }
  }
}
