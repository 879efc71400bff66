import Foundation

/// How an attack did: success rate among the rows the model classified
/// correctly before the attack, and the mean size of the successful perturbations.
public struct AttackStatistics: Equatable, Sendable {
  /// Rows the model classified correctly before the attack (the ones attacked).
  public var attacked = 0
  /// Attacked rows whose adversarial example succeeded.
  public var succeeded = 0
  /// Means over the successful rows: features changed, L2 and L∞ norms of x' − x.
  public var meanL0 = 0.0
  public var meanL2 = 0.0
  public var meanLinf = 0.0

  public var successRate: Double { attacked > 0 ? Double(succeeded) / Double(attacked) : 0 }

  /// Adds one successful row's perturbation.
  mutating func addSuccess(original: ArraySlice<Float>, adversarial: ArraySlice<Float>) {
    var l0 = 0.0, l2 = 0.0, linf = 0.0
    for (a, b) in zip(original, adversarial) {
      let d = Double(abs(b - a))
      if d > 0 { l0 += 1 }
      l2 += d * d
      linf = max(linf, d)
    }
    let k = Double(succeeded)
    meanL0 = (meanL0 * k + l0) / (k + 1)
    meanL2 = (meanL2 * k + l2.squareRoot()) / (k + 1)
    meanLinf = (meanLinf * k + linf) / (k + 1)
    succeeded += 1
  }
}
