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

  /// Adam with weight decay on 42 parameters (five blocks of eight lanes and
  /// a tail, then the bias's seven one by one), three steps, against numpy.
  @Test func adamAgainstNumPy() throws {
    var net = try Network(Architecture(parsing: "dense:7"), inputShape: [5]) { _, layer in
      layer.parameters[0].value = FloatTensor(
        shape: [5, 7], scalars: (0..<35).map { Float($0 % 9) * 0.25 - 1 })
    }
    var adam = Adam(learningRate: 0.01, weightDecay: 0.05)
    var gradients: [[Float]] = []
    for step in 0..<3 {
      net.updateParameters { k, p in
        p.gradient = p.value.scalars.indices.map { Float(($0 * 7 + k * 3 + step) % 11) * 0.1 - 0.5 }
        gradients.append(p.gradient)
      }
      adam.step(&net)
    }
    var values: [Float] = []
    net.updateParameters { _, p in values += p.value.scalars }
    let script = """
      import sys, numpy as np
      lines = sys.stdin.read().strip().split("\\n")
      g = [np.array(l.split(), dtype=np.float32) for l in lines]
      w = [np.array([(i % 9) * 0.25 - 1 for i in range(35)], dtype=np.float64), np.zeros(7)]
      m = [np.zeros(35), np.zeros(7)]; v = [np.zeros(35), np.zeros(7)]
      for t in range(1, 4):
          for k in range(2):
              gk = g[2 * (t - 1) + k].astype(np.float64) + 0.05 * w[k]
              m[k] = 0.9 * m[k] + 0.1 * gk
              v[k] = 0.999 * v[k] + 0.001 * gk * gk
              step = (m[k] / (1 - 0.9 ** t)) / (np.sqrt(v[k] / (1 - 0.999 ** t)) + 1e-8)
              w[k] = w[k] - 0.01 * step
      print(" ".join(repr(float(x)) for x in np.concatenate(w)))
      """
    let input = gradients.map { rowsText($0, columns: $0.count) }.joined(separator: "\n")
    expectApproximatelyEqual(
      values, numbers(try runPython(script, input: input)), absoluteTolerance: 1e-6,
      relativeTolerance: 1e-5)
  }
}
