import RetortTestSupport
import Testing

@testable import Retort

/// One-parameter updates worked by hand.
struct NNOptimizerTests {
  /// A network y = θ·x + β with θ = 1, β = 0 and gradients set to `g`.
  func scalarNetwork() throws -> Network {
    var net = try Network(Architecture(parsing: "dense:1"), inputShape: [1]) { _, layer in
      layer.parameters[0].value = FloatTensor(shape: [1, 1], scalars: [1])
    }
    net.updateParameters { _, p in p.gradient = [0.5] }
    return net
  }

  func theta(_ net: inout Network) -> Float {
    var value: Float = 0
    net.updateParameters { k, p in if k == 0 { value = p.value.scalars[0] } }
    return value
  }

  @Test func nesterovMomentumWithWeightDecay() throws {
    // g' = 0.5 + 0.1·1 = 0.6, v = 0.6, θ = 1 − 0.1·(0.6 + 0.9·0.6) = 0.886;
    // g' = 0.5 + 0.0886 = 0.5886, v = 0.54 + 0.5886 = 1.1286,
    // θ = 0.886 − 0.1·(0.5886 + 0.9·1.1286) = 0.725566.
    var net = try scalarNetwork()
    var sgd = SGD(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1)
    sgd.step(&net)
    expectApproximatelyEqual(theta(&net), 0.886, absoluteTolerance: 1e-6)
    sgd.step(&net)
    expectApproximatelyEqual(theta(&net), 0.725566, absoluteTolerance: 1e-6)
  }

  @Test func plainMomentum() throws {
    // v = 0.5, θ = 1 − 0.05 = 0.95; v = 0.45 + 0.5 = 0.95, θ = 0.95 − 0.095 = 0.855.
    var net = try scalarNetwork()
    var sgd = SGD(learningRate: 0.1, momentum: 0.9)
    sgd.step(&net)
    sgd.step(&net)
    expectApproximatelyEqual(theta(&net), 0.855, absoluteTolerance: 1e-6)
  }

  @Test func adamStepsByTheLearningRate() throws {
    // With a constant gradient the bias-corrected m̂/√v̂ is 1: each step moves θ by η.
    var net = try scalarNetwork()
    var adam = Adam(learningRate: 0.1)
    adam.step(&net)
    expectApproximatelyEqual(theta(&net), 0.9, absoluteTolerance: 1e-5)
    adam.learningRate = 0.05
    adam.step(&net)
    expectApproximatelyEqual(theta(&net), 0.85, absoluteTolerance: 1e-5)
    #expect(adam.steps == 2)
  }
}
