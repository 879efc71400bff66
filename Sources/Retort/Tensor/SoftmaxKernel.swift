import FoundationEssentials
import Glibc

/// The one softmax kernel, for every precision the family runs in.
///
/// With m = max_j z_j (a NaN entry is skipped) and e_j = exp((z_j − m)/T),
/// softmax gives p_j = e_j / Σ_k e_k and log-softmax (z_j − m)/T − log Σ_k e_k.
/// Σ_k runs from k = 0 up, from zero; x/y is `SoftmaxScalar.quotient`.
func softmaxRow<S: SoftmaxScalar>(
  _ z: UnsafePointer<S>, count n: Int, temperature t: S, into p: UnsafeMutablePointer<S>
) {
  let m = rowMaximum(z, count: n)
  var sum: S = 0
  for j in 0..<n {
    let e = S.exponential(S.quotient(z[j] - m, t))
    p[j] = e
    sum += e
  }
  for j in 0..<n { p[j] = S.quotient(p[j], sum) }
}

/// One row of log-softmax; see `softmaxRow`.
func logSoftmaxRow<S: SoftmaxScalar>(
  _ z: UnsafePointer<S>, count n: Int, temperature t: S, into out: UnsafeMutablePointer<S>
) {
  let m = rowMaximum(z, count: n)
  var sum: S = 0
  for j in 0..<n { sum += S.exponential(S.quotient(z[j] - m, t)) }
  let logSum = S.logarithm(sum)
  for j in 0..<n { out[j] = S.quotient(z[j] - m, t) - logSum }
}

/// max(−∞, z_0, …, z_{n−1}) with Swift's `max`, which skips NaN.
func rowMaximum<S: SoftmaxScalar>(_ z: UnsafePointer<S>, count n: Int) -> S {
  var m = -S.infinity
  for j in 0..<n { m = max(m, z[j]) }
  return m
}

/// A precision of the softmax family: its exp, log and quotient.
///
/// The quotient x/y is formed as float32 softmax always has, x·(1/y), and as
/// float64 always has, x/y; the bytes of softlabel, training and distill attack
/// depend on both, so each precision keeps its own.
protocol SoftmaxScalar: BinaryFloatingPoint {
  static func exponential(_ x: Self) -> Self
  static func logarithm(_ x: Self) -> Self
  static func quotient(_ x: Self, _ y: Self) -> Self
}

extension Float: SoftmaxScalar {
  static func exponential(_ x: Float) -> Float { expf(x) }
  static func logarithm(_ x: Float) -> Float { logf(x) }
  static func quotient(_ x: Float, _ y: Float) -> Float { x * (1 / y) }
}

extension Double: SoftmaxScalar {
  static func exponential(_ x: Double) -> Double { exp(x) }
  static func logarithm(_ x: Double) -> Double { log(x) }
  static func quotient(_ x: Double, _ y: Double) -> Double { x / y }
}
