import CRetortMath
import Glibc

/// The one softmax kernel, for every precision the family runs in.
///
/// With m = max_j z_j (a NaN entry is skipped) and e_j = exp((z_j − m)/T),
/// softmax gives p_j = e_j / Σ_k e_k and log-softmax (z_j − m)/T − log Σ_k e_k.
/// Σ_k runs from k = 0 up, from zero; x/y is `SoftmaxScalar.quotient`.
func softmaxRow<S: SoftmaxScalar>(
  _ z: UnsafePointer<S>, count n: Int, temperature t: S, into p: UnsafeMutablePointer<S>
) {
  let m = S.rowMaximum(z, count: n)
  let sum = S.exponentialsAndSum(z, count: n, maximum: m, temperature: t, into: p)
  for j in 0..<n { p[j] = S.quotient(p[j], sum) }
}

/// One row of log-softmax; see `softmaxRow`. `out` holds the exponentials
/// on the way, so it must not be `z`.
func logSoftmaxRow<S: SoftmaxScalar>(
  _ z: UnsafePointer<S>, count n: Int, temperature t: S, into out: UnsafeMutablePointer<S>
) {
  precondition(UnsafePointer(out) != z, "logSoftmaxRow cannot work in place")
  let m = S.rowMaximum(z, count: n)
  let sum = S.exponentialsAndSum(z, count: n, maximum: m, temperature: t, into: out)
  let logSum = S.logarithm(sum)
  for j in 0..<n { out[j] = S.quotient(z[j] - m, t) - logSum }
}

/// A precision of the softmax family: its exp, log and quotient.
///
/// The quotient x/y is formed as float32 softmax always has, x·(1/y), and as
/// float64 always has, x/y; the bytes of softlabel, training and distill attack
/// depend on both, so each precision keeps its own.
protocol SoftmaxScalar: BinaryFloatingPoint {
  /// max(−∞, z_0, …, z_{n−1}) by Swift's `max`, which skips NaN (of +0 and
  /// −0, the later wins).
  static func rowMaximum(_ z: UnsafePointer<Self>, count n: Int) -> Self
  /// e_j = exp((z_j − m)/T) into `e` for j < n; returns e_0 + … + e_{n−1}
  /// added in that order.
  static func exponentialsAndSum(
    _ z: UnsafePointer<Self>, count n: Int, maximum m: Self, temperature t: Self,
    into e: UnsafeMutablePointer<Self>
  ) -> Self
  static func logarithm(_ x: Self) -> Self
  static func quotient(_ x: Self, _ y: Self) -> Self
}

extension Float: SoftmaxScalar {
  static func rowMaximum(_ z: UnsafePointer<Float>, count n: Int) -> Float {
    retort_row_max(z, n)
  }

  /// Vectorised where the processor allows, with glibc's expf bits
  /// (`retort_exp_sum`).
  static func exponentialsAndSum(
    _ z: UnsafePointer<Float>, count n: Int, maximum m: Float, temperature t: Float,
    into e: UnsafeMutablePointer<Float>
  ) -> Float {
    retort_exp_sum(z, n, m, 1 / t, e)
  }
  static func logarithm(_ x: Float) -> Float { logf(x) }
  static func quotient(_ x: Float, _ y: Float) -> Float { x * (1 / y) }
}

extension Double: SoftmaxScalar {
  static func rowMaximum(_ z: UnsafePointer<Double>, count n: Int) -> Double {
    var m = -Double.infinity
    for j in 0..<n { m = max(m, z[j]) }
    return m
  }

  static func exponentialsAndSum(
    _ z: UnsafePointer<Double>, count n: Int, maximum m: Double, temperature t: Double,
    into e: UnsafeMutablePointer<Double>
  ) -> Double {
    var sum: Double = 0
    for j in 0..<n {
      e[j] = exp(quotient(z[j] - m, t))
      sum += e[j]
    }
    return sum
  }
  static func logarithm(_ x: Double) -> Double { log(x) }
  static func quotient(_ x: Double, _ y: Double) -> Double { x / y }
}
