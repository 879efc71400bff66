import Foundation
import RetortTestSupport
import Testing

@testable import Retort

@Suite("Inverted retrieval") struct InvertedRetrievalTests {
  /// numpy, as VecMap's evaluation defines them: inverted softmax ranks targets
  /// by exp(β·s_xj)/Σ_i exp(β·s_ij); inverted NN by the rank of x among the
  /// sources nearest to y_j, equal ranks by higher similarity.
  @Test func bothRulesMatchNumpy() throws {
    let x = randomMatrix(60, 6, seed: 61), z = randomMatrix(50, 6, seed: 62)
    let queries = [3, 0, 59, 17, 42]
    let softmax = try InvertedRetrieval.softmax(beta: 5).neighbors(
      source: x, target: z, queries: queries, top: 3, options: SearchOptions(threads: 2))
    let inverted = try InvertedRetrieval.nearestNeighbor.neighbors(
      source: x, target: z, queries: queries, top: 3, options: SearchOptions(threads: 2))
    let ref = try numpyNumbers(
      pyArray("x", x) + pyArray("z", z),
      """
      q = [3, 0, 59, 17, 42]
      s = x @ z.T
      p = np.exp(5 * s) / np.exp(5 * s).sum(0)[None, :]
      out = []
      for l in q:
          order = np.argsort(-p[l], kind='stable')[:3]
          out += [*order, *p[l, order]]
      rank = (s[:, None, :] > s[None, :, :]).sum(0)  # [l, j]: sources nearer to y_j than x_l
      for l in q:
          order = sorted(range(50), key=lambda j: (rank[l, j], -s[l, j], j))[:3]
          out += [*order, *s[l, order]]
      print(' '.join(map(repr, np.array(out, float).tolist())))
      """)
    #expect(ref.count == 60)
    for (i, found) in [softmax, inverted].enumerated() {
      for l in 0..<5 {
        let o = (i * 5 + l) * 6
        #expect(found.indices.row(l).map(Double.init) == Array(ref[o..<o + 3]), "rule \(i) q \(l)")
        expectApproximatelyEqual(
          Array(found.scores.row(l)), Array(ref[o + 3..<o + 6]), absoluteTolerance: 1e-5)
      }
    }
  }

  @Test func badInverseTemperature() {
    let x = randomMatrix(5, 3, seed: 63)
    expectError(.usage, quantity: "inverseTemperature") {
      _ = try InvertedRetrieval.softmax(beta: 0).neighbors(
        source: x, target: x, queries: [0], top: 1)
    }
  }
}
