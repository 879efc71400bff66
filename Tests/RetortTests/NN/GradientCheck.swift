@testable import Retort

/// Central differences (f(x + h·e_i) − f(x − h·e_i)) / 2h for every coordinate
/// of `x`; `f` evaluates the Float code and sums in Double.
func numericalGradient(_ x: [Float], step h: Float, _ f: ([Float]) -> Double) -> [Double] {
  var probe = x
  return x.indices.map { i in
    probe[i] = x[i] + h
    let plus = f(probe)
    probe[i] = x[i] - h
    let minus = f(probe)
    probe[i] = x[i]
    return (plus - minus) / Double(2 * h)
  }
}

/// The largest of |analytic − numeric| / (1 + |numeric|) over all coordinates.
func gradientError(_ analytic: [Float], _ numeric: [Double]) -> Double {
  precondition(analytic.count == numeric.count)
  return zip(analytic, numeric).map { abs(Double($0) - $1) / (1 + abs($1)) }.max() ?? 0
}

/// Σ r_ij·y_ij in Double: a scalar objective whose gradient for y is r.
func dot(_ r: [Float], _ y: [Float]) -> Double {
  zip(r, y).reduce(0) { $0 + Double($1.0) * Double($1.1) }
}

/// Deterministic pseudo-random values in (−scale, scale).
func randomValues(_ n: Int, seed: UInt64, scale: Float = 1) -> [Float] {
  var g = SeededGenerator(seed: seed)
  return (0..<n).map { _ in scale * Float(2 * g.uniform() - 1) }
}

/// Values in ±[0.2, 1): kept away from a rectifier's kink by more than the step.
func valuesAwayFromZero(_ n: Int, seed: UInt64) -> [Float] {
  randomValues(n, seed: seed).map { $0 < 0 ? $0 * 0.8 - 0.2 : $0 * 0.8 + 0.2 }
}
