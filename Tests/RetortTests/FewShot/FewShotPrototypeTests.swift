import RetortTestSupport
import Testing

@testable import Retort

/// Prototypes, distances and log-probabilities against NumPy/SciPy in float64.
struct FewShotPrototypeTests {
  static let embeddings = FloatTensor(shape: [7, 3], scalars: randomValues(21, seed: 1, scale: 2))
  static let labels: [Int64] = [5, 2, 5, 9, 2, 2, 9]
  static let queries = FloatTensor(shape: [4, 3], scalars: randomValues(12, seed: 2, scale: 2))

  @Test(arguments: FewShotDistance.allCases)
  func matchesSciPy(distance: FewShotDistance) throws {
    let (prototypes, classes) = try Prototypes.compute(
      embeddings: Self.embeddings, labels: Self.labels)
    #expect(classes == [2, 5, 9])
    let (logProbs, predicted) = Prototypes.classify(
      queries: Self.queries, prototypes: prototypes, classes: classes, distance: distance)
    let script = """
      import sys, numpy as np
      from scipy.spatial.distance import cdist
      from scipy.special import log_softmax
      rows = sys.stdin.read().strip().split("\\n")
      e, l, q = [np.array(r.split(), dtype=np.float64) for r in rows]
      e = e.astype(np.float32).astype(np.float64).reshape(-1, 3)
      q = q.astype(np.float32).astype(np.float64).reshape(-1, 3)
      classes = np.unique(l)
      protos = np.array([e[l == c].mean(axis=0) for c in classes])
      logp = log_softmax(-cdist(q, protos, "\(distance.rawValue)"), axis=1)
      pred = classes[logp.argmax(axis=1)]
      print(" ".join(repr(float(v)) for v in np.concatenate([protos.ravel(), logp.ravel(), pred])))
      """
    let input = [
      Self.embeddings.scalars.map { "\($0)" }, Self.labels.map { "\($0)" },
      Self.queries.scalars.map { "\($0)" },
    ].map { $0.joined(separator: " ") }
      .joined(separator: "\n")
    let reference = numbers(try runPython(script, input: input))
    expectApproximatelyEqual(
      prototypes.scalars, reference[0..<9], absoluteTolerance: 1e-6, relativeTolerance: 1e-6)
    expectApproximatelyEqual(
      logProbs.scalars, reference[9..<21], absoluteTolerance: 1e-5, relativeTolerance: 1e-5)
    #expect(predicted.map(Double.init) == Array(reference[21...]))
  }

  @Test func squaredEuclideanByHand() {
    // q = (1, 2), p1 = (0, 0), p2 = (3, 2): d = [5, 4].
    let d = FewShotDistance.sqeuclidean.distances(
      FloatTensor(shape: [1, 2], scalars: [1, 2]),
      FloatTensor(shape: [2, 2], scalars: [0, 0, 3, 2]))
    #expect(d.scalars == [5, 4])
  }

  @Test func labelCountMustMatchRows() {
    expectError(.data, dataset: "labels") {
      _ = try Prototypes.compute(embeddings: Self.embeddings, labels: [1, 2, 3])
    }
  }
}
