import Foundation
import RetortTestSupport
import Testing

@testable import Retort

@Suite("Procrustes") struct ProcrustesTests {
  /// scipy's orthogonal_procrustes(A, B) gives R minimising ‖A·R − B‖ for
  /// rows A = X, B = Y, so X·R ≈ Y, i.e. R = Wᵀ.
  @Test func againstScipy() throws {
    let x = randomMatrix(40, 6, seed: 41)
    let y = randomMatrix(35, 6, seed: 42)
    var g = SeededGenerator(seed: 43)
    let pairs = IndexTensor(
      shape: [25, 2],
      scalars: (0..<25).flatMap { _ in [Int64(g.index(below: 40)), Int64(g.index(below: 35))] })
    let w = try Procrustes.solve(source: x, target: y, pairs: pairs)
    let ref = try numpyNumbers(
      pyArray("x", x) + pyArray("y", y) + pyArray("p", pairs),
      """
      from scipy.linalg import orthogonal_procrustes
      r, _ = orthogonal_procrustes(x[p[:, 0]], y[p[:, 1]])
      print(*r.T.ravel())
      """)
    expectApproximatelyEqual(w.scalars, ref, absoluteTolerance: 1e-5)
    #expect(Procrustes.orthogonalityDefect(w) < 1e-6)
  }

  /// Pairs y_i = Q·x_i + noise recover the rotation Q.
  @Test func recoversARotationFromNoisyPairs() throws {
    let d = 12
    let q = try randomRotation(d, seed: 51)
    let pair = try RotatedPair(
      source: randomMatrix(200, d, seed: 52), rotation: q, noise: 0.01, noiseSeed: 53,
      unitTarget: false)
    let (x, y) = (pair.source, pair.target)
    let pairs = IndexTensor(
      shape: [200, 2], scalars: (0..<200).flatMap { [Int64($0), Int64($0)] })
    let w = try Procrustes.solve(source: x, target: y, pairs: pairs)
    expectApproximatelyEqual(w.scalars, q.scalars, absoluteTolerance: 0.01)
    #expect(Procrustes.orthogonalityDefect(w) < 1e-6)
  }

  @Test func defectOfANonOrthogonalMatrix() {
    // WᵀW for W = [[1, 1], [0, 1]] is [[1, 1], [1, 2]]: largest deviation 1.
    #expect(
      Procrustes.orthogonalityDefect(FloatTensor(shape: [2, 2], scalars: [1, 1, 0, 1])) == 1)
  }
}
