import Foundation
import RetortTestSupport
import Testing

@testable import Retort

@Suite("MUSE's dictionary scores and filters") struct CandidateFilterTests {
  /// numpy as MUSE's get_candidates: the best two scores per query (cosine,
  /// CSLS, inverted softmax), pairs ranked by their margin, max rank, max size,
  /// min size and threshold; S2T pairs compared as sorted sets.
  @Test(arguments: [
    ("nn", InductionScore.nn), ("csls", .csls), ("invsm", .invertedSoftmax(beta: 10)),
  ])
  func s2tPairsMatchNumpy(name: String, score: InductionScore) throws {
    let x = randomMatrix(60, 5, seed: 71), z = randomMatrix(55, 5, seed: 72)
    let radii = try CSLSRadii(source: x, target: z, k: 3)
    // numpy picks a threshold between the 20th and 21st margins of the 30
    // most confident pairs, so that it drops some and min size keeps 5.
    let ref = try numpyNumbers(
      pyArray("x", x) + pyArray("z", z),
      """
      s = x @ z.T
      rf = np.sort(s, axis=1)[:, -3:].mean(1); rb = np.sort(s, axis=0)[-3:, :].mean(0)
      score = {'nn': s, 'csls': 2 * s - rf[:, None] - rb[None, :],
               'invsm': np.exp(10 * s) / np.exp(10 * s).sum(0)[None, :]}['\(name)'][:50]
      order = np.argsort(-score, axis=1, kind='stable')[:, :2]
      best, second = [np.take_along_axis(score, order[:, i:i + 1], 1)[:, 0] for i in (0, 1)]
      pairs = [(q, order[q, 0], best[q] - second[q]) for q in range(50) if order[q, 0] < 50]
      pairs.sort(key=lambda p: (-p[2], p[0]))
      pairs = pairs[:30]
      threshold = (pairs[19][2] + pairs[20][2]) / 2
      kept = [p for i, p in enumerate(pairs) if i < 5 or p[2] > threshold]
      print(threshold, ' '.join(f'{a} {b}' for a, b, _ in sorted(kept)))
      """)
    let filter = CandidateFilter(maxSize: 30, minSize: 5, threshold: Float(ref[0]))
    let ours = try DictionaryInduction.induce(
      mapped: x, target: z, radii: radii, mode: .sourceToTarget, maxRank: 50, score: score,
      filter: filter)
    #expect(ours.scalars.map(Double.init) == Array(ref.dropFirst()), "\(name)")
    #expect(ours.rowCount == 20, "\(name): \(ours.rowCount) pairs")
  }

  @Test func badFilters() {
    let x = randomMatrix(10, 3, seed: 73)
    let radii = CSLSRadii(
      k: 1, source: [Float](repeating: 0, count: 10), target: [Float](repeating: 0, count: 10))
    for (filter, quantity) in [
      (CandidateFilter(maxSize: -1), "maxSize"), (CandidateFilter(minSize: -1), "minSize"),
      (CandidateFilter(threshold: -0.1), "threshold"),
    ] {
      expectError(.usage, quantity: quantity) {
        _ = try DictionaryInduction.induce(
          mapped: x, target: x, radii: radii, mode: .union, filter: filter)
      }
    }
  }
}
