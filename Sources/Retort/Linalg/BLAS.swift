import CLazyBLAS

/// Row-major single-precision GEMM: C ← alpha·op(A)·op(B) + beta·C,
/// where op(A) is m×k, op(B) is k×n and C is m×n.
public func sgemm(
  transposeA: Bool = false, transposeB: Bool = false,
  m: Int, n: Int, k: Int, alpha: Float = 1,
  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
  beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  if m == 0 || n == 0 { return }
  retort_sgemm(
    transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// Row-major double-precision GEMM: C ← alpha·op(A)·op(B) + beta·C,
/// where op(A) is m×k, op(B) is k×n and C is m×n.
public func dgemm(
  transposeA: Bool = false, transposeB: Bool = false,
  m: Int, n: Int, k: Int, alpha: Double = 1,
  a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
  beta: Double = 0, c: UnsafeMutablePointer<Double>, ldc: Int
) {
  if m == 0 || n == 0 { return }
  retort_dgemm(
    transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// The double-precision product op(A)·B of row-major arrays, op(A) m×k and B k×n
/// (A stored k×m when transposed); zeros when k = 0.
func dgemm(
  _ a: [Double], _ b: [Double], m: Int, n: Int, k: Int, transposeA: Bool = false
) -> [Double] {
  var c = [Double](repeating: 0, count: m * n)
  guard m > 0, n > 0, k > 0 else { return c }
  a.withUnsafeBufferPointer { pa in
    b.withUnsafeBufferPointer { pb in
      c.withUnsafeMutableBufferPointer { pc in
        dgemm(
          transposeA: transposeA, m: m, n: n, k: k, a: pa.baseAddress!, lda: transposeA ? m : k,
          b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n)
      }
    }
  }
  return c
}

/// Row-major single-precision GEMV: y ← alpha·op(A)·x + beta·y for an m×n matrix A.
public func sgemv(
  transpose: Bool = false, m: Int, n: Int, alpha: Float = 1,
  a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>,
  beta: Float = 0, y: UnsafeMutablePointer<Float>
) {
  if m == 0 || n == 0 { return }
  retort_sgemv(transpose ? 1 : 0, Int32(m), Int32(n), alpha, a, Int32(lda), x, beta, y)
}

/// The matrix product op(a)·op(b) of two rank-2 tensors.
public func matmul(
  _ a: FloatTensor, _ b: FloatTensor, transposeA: Bool = false, transposeB: Bool = false
) -> FloatTensor {
  precondition(a.rank == 2 && b.rank == 2, "matmul needs matrices")
  let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
  let (k2, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
  precondition(k == k2, "matmul: inner dimensions \(k) and \(k2) differ")
  var c = FloatTensor(repeating: 0, shape: [m, n])
  a.scalars.withUnsafeBufferPointer { pa in
    b.scalars.withUnsafeBufferPointer { pb in
      c.scalars.withUnsafeMutableBufferPointer { pc in
        guard k > 0 else { return }
        sgemm(
          transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
          a: pa.baseAddress!, lda: a.shape[1], b: pb.baseAddress!, ldb: b.shape[1],
          c: pc.baseAddress!, ldc: n)
      }
    }
  }
  return c
}

/// The matrix-vector product op(a)·x.
public func matvec(_ a: FloatTensor, _ x: [Float], transpose: Bool = false) -> [Float] {
  precondition(a.rank == 2, "matvec needs a matrix")
  let (m, n) = (a.shape[0], a.shape[1])
  precondition(
    x.count == (transpose ? m : n), "matvec: vector length \(x.count) does not fit \(a.shape)")
  var y = [Float](repeating: 0, count: transpose ? n : m)
  a.scalars.withUnsafeBufferPointer { pa in
    x.withUnsafeBufferPointer { px in
      y.withUnsafeMutableBufferPointer { py in
        sgemv(
          transpose: transpose, m: m, n: n, a: pa.baseAddress!, lda: n, x: px.baseAddress!,
          y: py.baseAddress!)
      }
    }
  }
  return y
}
