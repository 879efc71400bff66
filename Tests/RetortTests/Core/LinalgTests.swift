import Foundation
import RetortTestSupport
import Testing

@testable import Retort

@Suite("BLAS and LAPACK") struct LinalgTests {
  // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [58 64; 139 154] (by hand).
  @Test func sgemmHandWorked() {
    let a = FloatTensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    let b = FloatTensor(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
    #expect(matmul(a, b).scalars == [58, 64, 139, 154])
    // aᵀ·a = [17 22 27; 22 29 36; 27 36 45]
    #expect(matmul(a, a, transposeA: true).scalars == [17, 22, 27, 22, 29, 36, 27, 36, 45])
    // a·aᵀ = [14 32; 32 77]
    #expect(matmul(a, a, transposeB: true).scalars == [14, 32, 32, 77])
  }

  @Test func sgemvHandWorked() {
    let a = FloatTensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    #expect(matvec(a, [1, 0, -1]) == [-2, -2])
    #expect(matvec(a, [1, 1], transpose: true) == [5, 7, 9])
  }

  // [[3, 0], [4, 5]] has singular values √45 and √5
  // (σ² are the roots of λ² − 50λ + 225).
  @Test func svdClosedForm() throws {
    let a: [Double] = [3, 0, 4, 5]
    let (u, s, vt) = try svd(a, rows: 2, columns: 2)
    expectApproximatelyEqual(s[0], 45.0.squareRoot(), absoluteTolerance: 1e-12)
    expectApproximatelyEqual(s[1], 5.0.squareRoot(), absoluteTolerance: 1e-12)
    for i in 0..<2 {
      for j in 0..<2 {
        let rebuilt = (0..<2).reduce(0.0) { $0 + u[i * 2 + $1] * s[$1] * vt[$1 * 2 + j] }
        expectApproximatelyEqual(rebuilt, a[i * 2 + j], absoluteTolerance: 1e-12)
      }
    }
  }

  @Test func kernelDecision() {
    let none: [String: String] = [:]
    #expect(
      BLASKernel.replacementCore(running: "Prescott", best: "SkylakeX", environment: none)
        == "SkylakeX")
    #expect(
      BLASKernel.replacementCore(running: "Haswell", best: "SkylakeX", environment: none)
        == "SkylakeX")
    #expect(
      BLASKernel.replacementCore(running: "Cooperlake", best: "SkylakeX", environment: none) == nil)
    #expect(BLASKernel.replacementCore(running: "Zen", best: "Haswell", environment: none) == nil)
    #expect(BLASKernel.replacementCore(running: "Prescott", best: nil, environment: none) == nil)
    // A user's own choice, or a re-execution already done, is left alone.
    #expect(
      BLASKernel.replacementCore(
        running: "Prescott", best: "SkylakeX", environment: ["OPENBLAS_CORETYPE": "Haswell"]) == nil
    )
    #expect(
      BLASKernel.replacementCore(
        running: "Prescott", best: "SkylakeX", environment: ["RETORT_BLAS_REEXEC": "1"]) == nil)
  }
}
