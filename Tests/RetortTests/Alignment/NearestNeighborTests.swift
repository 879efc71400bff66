import Foundation
import RetortTestSupport
import Testing

@testable import Retort

/// Blocked top-k by inner product against numpy (float64 products, stable
/// argsort, so ties go to the lower index).
@Suite("Nearest neighbours") struct NearestNeighborTests {
  static let layouts: [(Int?, SearchOptions.Parallelism)] = [
    (1, .blocks), (4, .blocks), (16, .blas), (64, .blocks), (nil, .blas),
  ]

  /// Random unit rows with exact duplicates among the candidates (rows 3, 7
  /// and 20 equal), which tie.
  @Test(arguments: layouts) func randomAgainstNumpy(
    block: Int?, parallelism: SearchOptions.Parallelism
  ) throws {
    let q = randomMatrix(37, 8, seed: 1)
    var c = randomMatrix(53, 8, seed: 2)
    for dup in [7, 20] {
      for j in 0..<8 { c[dup, j] = c[3, j] }
    }
    let options = SearchOptions(blockSize: block, threads: 2, parallelism: parallelism)
    let found = try nearestNeighbors(queries: q, candidates: c, k: 5, options: options)
    let ref = try numpyNumbers(
      pyArray("q", q) + pyArray("c", c),
      """
      s = q @ c.T
      i = np.argsort(-s, axis=1, kind='stable')[:, :5]
      print(*i.ravel()); print(*np.take_along_axis(s, i, 1).ravel())
      """)
    #expect(found.indices.shape == [37, 5])
    #expect(found.indices.scalars.map(Double.init) == Array(ref[0..<185]))
    expectApproximatelyEqual(found.scores.scalars, ref[185...], absoluteTolerance: 1e-5)
  }

  /// Integer-valued rows make many exact ties: the lower index must win.
  @Test(arguments: [1, 3, 10]) func exactTiesGoToLowerIndex(block: Int) throws {
    var g = SeededGenerator(seed: 9)
    func ints(_ r: Int) -> FloatTensor {
      FloatTensor(shape: [r, 4], scalars: (0..<r * 4).map { _ in Float(g.index(below: 3)) - 1 })
    }
    let (q, c) = (ints(11), ints(30))
    let found = try nearestNeighbors(
      queries: q, candidates: c, k: 7, options: SearchOptions(blockSize: block, threads: 2))
    let ref = try numpyNumbers(
      pyArray("q", q) + pyArray("c", c),
      "s = q @ c.T\nprint(*np.argsort(-s, axis=1, kind='stable')[:, :7].ravel())")
    #expect(found.indices.scalars.map(Double.init) == ref)
  }

  @Test func kEqualToCandidatesSortsEverything() throws {
    let q = randomMatrix(3, 5, seed: 4)
    let c = randomMatrix(6, 5, seed: 5)
    let found = try nearestNeighbors(queries: q, candidates: c, k: 6)
    for r in 0..<3 {
      #expect(Set(found.indices.row(r)) == Set(0..<6))
      #expect(zip(found.scores.row(r), found.scores.row(r).dropFirst()).allSatisfy { $0 >= $1 })
    }
  }
}

extension SearchOptions.Parallelism: CustomTestStringConvertible {
  public var testDescription: String { self == .blas ? "blas" : "blocks" }
}
