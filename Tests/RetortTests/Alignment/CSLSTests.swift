import Foundation
import RetortTestSupport
import Testing

@testable import Retort

/// One-pass CSLS radii and CSLS retrieval against a full numpy computation:
/// S = X·Yᵀ, r_T = mean of each row's k largest, r_S = mean of each column's
/// k largest, CSLS = 2S − r_T[:, None] − r_S[None, :].
@Suite("CSLS") struct CSLSTests {
  static let reference = """
    s = x @ y.T
    rt = np.sort(s, 1)[:, -k:].mean(1); rs = np.sort(s, 0)[-k:, :].mean(0)
    c = 2 * s - rt[:, None] - rs[None, :]
    cq = c[queries]
    i = np.argsort(-cq, axis=1, kind='stable')[:, :top]
    n = np.argsort(-s[queries], axis=1, kind='stable')[:, :top]
    print(*rt); print(*rs); print(*i.ravel()); print(*np.take_along_axis(cq, i, 1).ravel())
    print(*n.ravel())
    """

  @Test(arguments: [
    (1, SearchOptions.Parallelism.blocks), (3, .blocks), (16, .blas), (100, .blocks),
  ])
  func againstNumpy(block: Int, parallelism: SearchOptions.Parallelism) throws {
    let (ns, nt, k, top) = (41, 29, 4, 6)
    let x = randomMatrix(ns, 7, seed: 11)
    var y = randomMatrix(nt, 7, seed: 12)
    for j in 0..<7 { y[9, j] = y[2, j] }  // a duplicate target: tied CSLS scores
    let queries = [5, 0, 17, 5, 40]
    let options = SearchOptions(blockSize: block, threads: 2, parallelism: parallelism)
    try expectAgreement(x, y, k: k, top: top, queries: queries, options: options)
  }

  /// Blocks of 512 rows and tiles of 1,024 targets: 2,600 targets (three
  /// tiles, the last partial) with a tie across tiles, 600 sources (two
  /// blocks by default), queries from both blocks.
  @Test(arguments: [nil, 100] as [Int?])
  func acrossTilesAgainstNumpy(block: Int?) throws {
    let (ns, nt, k, top) = (600, 2600, 5, 4)
    let x = randomMatrix(ns, 6, seed: 31)
    var y = randomMatrix(nt, 6, seed: 32)
    for j in 0..<6 { y[2100, j] = y[1000, j] }  // tied targets in different tiles
    let queries = [3, 511, 512, 599, 250]
    try expectAgreement(
      x, y, k: k, top: top, queries: queries, options: SearchOptions(blockSize: block, threads: 2))
  }

  /// CSLS radii, CSLS neighbours and plain nearest neighbours of `queries`
  /// against `reference` in numpy.
  func expectAgreement(
    _ x: FloatTensor, _ y: FloatTensor, k: Int, top: Int, queries: [Int], options: SearchOptions
  ) throws {
    let (ns, nt) = (x.shape[0], y.shape[0])
    let radii = try CSLSRadii(source: x, target: y, k: k, options: options)
    let found = try cslsNeighbors(
      source: x, target: y, radii: radii, queries: queries, top: top, options: options)
    let plain = try nearestNeighbors(
      queries: x.gather(queries), candidates: y, k: top, options: options)
    let ref = try numpyNumbers(
      pyArray("x", x) + pyArray("y", y)
        + "k = \(k); top = \(top); queries = \(queries)\n", Self.reference)
    let q = queries.count * top
    expectApproximatelyEqual(radii.source, ref[0..<ns], absoluteTolerance: 1e-5)
    expectApproximatelyEqual(radii.target, ref[ns..<ns + nt], absoluteTolerance: 1e-5)
    var at = ns + nt
    #expect(found.indices.scalars.map(Double.init) == Array(ref[at..<at + q]))
    at += q
    expectApproximatelyEqual(found.scores.scalars, ref[at..<at + q], absoluteTolerance: 1e-5)
    at += q
    #expect(plain.indices.scalars.map(Double.init) == Array(ref[at..<at + q]))
  }

  /// The same radii whatever the blocks and threads: heaps break ties by index.
  @Test func radiiDoNotDependOnLayout() throws {
    let x = randomMatrix(70, 6, seed: 21)
    let y = randomMatrix(45, 6, seed: 22)
    let one = try CSLSRadii(
      source: x, target: y, k: 5, options: SearchOptions(blockSize: 7, threads: 1))
    for options in [
      SearchOptions(blockSize: 3, threads: 2), SearchOptions(threads: 2, parallelism: .blas),
    ] {
      #expect(try CSLSRadii(source: x, target: y, k: 5, options: options) == one)
    }
  }

  /// Radii computed once serve a later call on a subset of the queries.
  @Test func precomputedRadiiServeShards() throws {
    let x = randomMatrix(30, 5, seed: 31)
    let y = randomMatrix(25, 5, seed: 32)
    let radii = try CSLSRadii(source: x, target: y, k: 3)
    let all = try cslsNeighbors(source: x, target: y, radii: radii, top: 4)
    let saved = CSLSRadii(k: radii.k, source: radii.source, target: radii.target)
    let shard = try cslsNeighbors(
      source: x, target: y, radii: saved, queries: Array(10..<20), top: 4)
    #expect(shard.indices == all.indices.rows(10..<20))
    #expect(shard.scores == all.scores.rows(10..<20))
  }
}
