import RetortTestSupport
import Testing

@testable import Retort

/// The episode loss's gradients for the embeddings, and through an encoder,
/// against central differences.
struct FewShotLossTests {
  static let way = 3
  static let supportTargets = [0, 0, 1, 1, 2, 2]
  static let queryTargets = [0, 1, 1, 2, 0]

  static func loss(
    _ support: [Float], _ queries: [Float], width: Int, distance: FewShotDistance
  ) -> EpisodeLoss {
    EpisodeLoss(
      support: FloatTensor(shape: [6, width], scalars: support), supportTargets: supportTargets,
      queries: FloatTensor(shape: [5, width], scalars: queries), queryTargets: queryTargets,
      way: way, distance: distance)
  }

  @Test(arguments: FewShotDistance.allCases)
  func embeddingGradients(distance: FewShotDistance) {
    let width = 4
    let support = randomValues(6 * width, seed: 3, scale: 1.5)
    let queries = randomValues(5 * width, seed: 4, scale: 1.5)
    let result = Self.loss(support, queries, width: width, distance: distance)
    let numericS = numericalGradient(support, step: 1e-2) {
      Double(Self.loss($0, queries, width: width, distance: distance).loss)
    }
    let numericQ = numericalGradient(queries, step: 1e-2) {
      Double(Self.loss(support, $0, width: width, distance: distance).loss)
    }
    #expect(gradientError(result.supportGradient.scalars, numericS) < NNLayerTests.tolerance)
    #expect(gradientError(result.queryGradient.scalars, numericQ) < NNLayerTests.tolerance)
    #expect(result.supportGradient.scalars.contains { abs($0) > 1e-3 })
  }

  @Test func lossByHand() {
    // One-dimensional: prototypes 0 and 2; the query 0 of class 0 has d = [0, 4],
    // so L = −log(1/(1 + e^−4)) = log(1 + e^−4) = 0.0181499.
    let r = EpisodeLoss(
      support: FloatTensor(shape: [2, 1], scalars: [0, 2]), supportTargets: [0, 1],
      queries: FloatTensor(shape: [1, 1], scalars: [0]), queryTargets: [0], way: 2)
    expectApproximatelyEqual(r.loss, 0.0181499, absoluteTolerance: 1e-6)
    #expect(r.accuracy == 1)
  }

  /// The episode loss backpropagated through a small conv encoder with batch
  /// norm in training mode (all 11 rows form one batch, as in training).
  @Test(arguments: FewShotDistance.allCases)
  func gradientsThroughEncoder(distance: FewShotDistance) throws {
    var g = SeededGenerator(seed: 5)
    let start = try Network(
      Architecture(parsing: "conv3x3:2,bn,maxpool2,flatten,dense:3"), inputShape: [1, 4, 4],
      generator: &g)
    let x = FloatTensor(shape: [11, 4, 4], scalars: randomValues(176, seed: 6))
    func episodeLoss(_ net: inout Network, _ input: FloatTensor) -> EpisodeLoss {
      let e = net.forward(input, training: true)
      return EpisodeLoss(
        support: e.rows(0..<6), supportTargets: Self.supportTargets, queries: e.rows(6..<11),
        queryTargets: Self.queryTargets, way: Self.way, distance: distance)
    }
    func objective(_ n: Network, _ input: FloatTensor) -> Double {
      var n = n
      return Double(episodeLoss(&n, input).loss)
    }
    var net = start
    let result = episodeLoss(&net, x)
    let dx = net.backward(
      FloatTensor.concatenatingRows([result.supportGradient, result.queryGradient]))
    expectNetworkGradients(start: start, trained: net, x: x, dx: dx, objective: objective)
  }
}
