import CLazyLAPACKE

/// The thin singular value decomposition A = U·diag(S)·Vᵀ of a row-major
/// m×n matrix in double precision (LAPACK dgesdd).
///
/// Returns U (m×r), S (r, descending) and Vᵀ (r×n) with r = min(m, n).
public func svd(_ a: [Double], rows m: Int, columns n: Int) throws -> (
  u: [Double], s: [Double], vt: [Double]
) {
  precondition(a.count == m * n, "svd: \(a.count) values for a \(m)×\(n) matrix")
  let r = min(m, n)
  var work = a
  var u = [Double](repeating: 0, count: m * r)
  var s = [Double](repeating: 0, count: r)
  var vt = [Double](repeating: 0, count: r * n)
  guard r > 0 else { return (u, s, vt) }
  let info = retort_dgesdd(
    Int8(UInt8(ascii: "S")), Int32(m), Int32(n), &work, Int32(n), &s, &u, Int32(r), &vt, Int32(n))
  if info == -1000 {
    throw RetortError.software(
      "cannot load LAPACKE for the SVD (\(String(cString: retort_lapacke_error())));"
        + " install liblapacke")
  }
  if info != 0 {
    throw RetortError.data("SVD did not converge (LAPACK dgesdd info \(info))")
  }
  return (u, s, vt)
}
