import Testing

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

/// Checks a whole network's gradients against central differences of
/// `objective`: `dx` (the input gradient of `x`) and the parameter gradients
/// accumulated in `trained`, both computed from `start` by the caller.
func expectNetworkGradients(
  start: Network, trained: Network, x: FloatTensor, dx: FloatTensor,
  objective: (Network, FloatTensor) -> Double, sourceLocation: SourceLocation = #_sourceLocation
) {
  let numericX = numericalGradient(x.scalars, step: 1e-3) {
    objective(start, FloatTensor(shape: x.shape, scalars: $0))
  }
  #expect(
    gradientError(dx.scalars, numericX) < NNLayerTests.tolerance, sourceLocation: sourceLocation)
  var analytic = [[Float]]()
  var net = trained
  net.updateParameters { _, p in analytic.append(p.gradient) }
  var probe = start
  probe.updateParameters { k, p in
    let original = p.value
    let numeric = numericalGradient(original.scalars, step: 1e-3) { values in
      var n = start
      n.updateParameters { k2, q in
        if k2 == k { q.value = FloatTensor(shape: original.shape, scalars: values) }
      }
      return objective(n, x)
    }
    #expect(
      gradientError(analytic[k], numeric) < NNLayerTests.tolerance, "parameter \(k) (\(p.name))",
      sourceLocation: sourceLocation)
  }
}
