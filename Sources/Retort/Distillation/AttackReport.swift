/// What an attack on a set of rows gave, from its per-row outcomes (one run,
/// or the merged rows of its shards): per radius for FGSM and PGD, once for
/// JSMA and C&W.
public struct AttackReport: Sendable {
  /// `fgsm`, `jsma`, `pgd` or `cw`.
  public var method: String
  /// The radii of FGSM and PGD (empty for the others).
  public var epsilons: [Double]
  /// Rows given and rows attacked (classified correctly before).
  public var examples: Int
  /// One entry per radius (one without radii).
  public var statistics: [AttackStatistics]
  /// Mean and median over rows of the gradient amplitude (the mean of the
  /// two middle rows for an even count).
  public var meanAmplitude: Double
  public var medianAmplitude: Double

  /// The report of per-row outcomes: `succeeded` and `norms` hold one entry
  /// per radius.
  /// `l0Budget` (JSMA's feature budget) adds `mean_l0_capped`.
  public init(
    method: String, epsilons: [Double], attacked: [Bool], succeeded: [[Bool]],
    norms: [PerturbationNorms], amplitudes: [Double], l0Budget: Double? = nil
  ) {
    self.method = method
    self.epsilons = epsilons
    examples = attacked.count
    statistics = zip(succeeded, norms).map {
      AttackStatistics(attacked: attacked, succeeded: $0, norms: $1, l0Budget: l0Budget)
    }
    // Summed in ascending order: positive terms, smallest first, lose least to rounding.
    let sorted = amplitudes.sorted()
    meanAmplitude = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
    medianAmplitude = median(sorted)
  }

  /// The report's stable keys (DESIGN "Command line"): `success_rate`,
  /// `mean_l0`, `mean_l2`, `mean_linf` (arrays when several radii were
  /// given), `gradient_amplitude` and `gradient_amplitude_median`, `attacked`,
  /// `examples`, `method`, for FGSM and PGD `eps`, and for JSMA
  /// `mean_l0_capped` (failures counted at the feature budget).
  public var fields: [String: Any] {
    var out: [String: Any] = [
      "method": method, "examples": examples, "attacked": statistics[0].attacked,
      "gradient_amplitude": meanAmplitude, "gradient_amplitude_median": medianAmplitude,
    ]
    func put(_ key: String, _ value: (AttackStatistics) -> Double) {
      out[key] = statistics.count == 1 ? value(statistics[0]) as Any : statistics.map(value) as Any
    }
    put("success_rate") { $0.successRate }
    put("mean_l0") { $0.meanL0 }
    put("mean_l2") { $0.meanL2 }
    put("mean_linf") { $0.meanLinf }
    if statistics[0].meanL0Capped != nil { put("mean_l0_capped") { $0.meanL0Capped ?? 0 } }
    if !epsilons.isEmpty {
      out["eps"] = epsilons.count == 1 ? epsilons[0] as Any : epsilons as Any
    }
    return out
  }
}

/// The median of `values`: the middle one, or the mean of the two middle
/// ones for an even count; 0 when empty.
public func median(_ values: [Double]) -> Double {
  guard !values.isEmpty else { return 0 }
  let sorted = values.sorted()
  let mid = sorted.count / 2
  return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
