import RetortTestSupport
import Testing

@testable import Retort

/// Finite-difference checks of every layer's input and parameter gradients.
/// Tolerance: |analytic − numeric| ≤ 2e-3·(1 + |numeric|), central differences
/// with step 1e-2 on Float code (the error is O(h²) plus Float rounding ~1e-5).
struct NNLayerTests {
  static let tolerance = 2e-3
  static let h: Float = 1e-2

  /// Checks ∂(Σ r·layer(x))/∂x and the parameter gradients of `layer` at `x`.
  func check(_ layer: some Layer, x: FloatTensor, training: Bool = false) {
    let seed: UInt64 = 99
    var layer = layer
    var generator = SeededGenerator(seed: seed)
    let y = layer.forward(x, training: training, generator: &generator)
    let r = randomValues(y.count, seed: 5)
    let dx = layer.backward(FloatTensor(shape: y.shape, scalars: r), accumulate: true)
    let fixed = layer
    func objective(_ l: some Layer, _ input: FloatTensor) -> Double {
      var l = l
      var g = SeededGenerator(seed: seed)
      return dot(r, l.forward(input, training: training, generator: &g).scalars)
    }
    let numericX = numericalGradient(x.scalars, step: Self.h) {
      objective(fixed, FloatTensor(shape: x.shape, scalars: $0))
    }
    #expect(gradientError(dx.scalars, numericX) < Self.tolerance, "input gradient of \(layer.spec)")
    for (j, p) in fixed.parameters.enumerated() {
      let numeric = numericalGradient(p.value.scalars, step: Self.h) { values in
        var l = fixed
        l.parameters[j].value = FloatTensor(shape: p.value.shape, scalars: values)
        return objective(l, x)
      }
      #expect(
        gradientError(p.gradient, numeric) < Self.tolerance,
        "gradient of \(p.name) in \(layer.spec)")
    }
  }

  @Test func denseGradients() {
    let layer = Dense(
      weights: FloatTensor(shape: [4, 5], scalars: randomValues(20, seed: 1)),
      bias: FloatTensor(shape: [5], scalars: randomValues(5, seed: 2)))
    check(layer, x: FloatTensor(shape: [3, 4], scalars: randomValues(12, seed: 3)))
  }

  @Test func activationGradients() {
    let x = FloatTensor(shape: [3, 4], scalars: valuesAwayFromZero(12, seed: 4))
    check(ReLU(), x: x)
    check(LeakyReLU(slope: 0.2), x: x)
  }

  @Test func dropoutGradientsWhileTraining() {
    check(
      Dropout(rate: 0.4), x: FloatTensor(shape: [4, 5], scalars: randomValues(20, seed: 6)),
      training: true)
  }

  @Test func denseForwardByHand() {
    // [1 2]·[[1 2 3],[4 5 6]] + [0.5 0 −1] = [9.5 12 14]
    let layer = Dense(
      weights: FloatTensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]),
      bias: FloatTensor(shape: [3], scalars: [0.5, 0, -1]))
    #expect(layer(FloatTensor(shape: [1, 2], scalars: [1, 2])).scalars == [9.5, 12, 14])
  }

  @Test func activationsByHand() {
    let x = FloatTensor(shape: [1, 4], scalars: [-2, -0.5, 0, 3])
    #expect(ReLU()(x).scalars == [0, 0, 0, 3])
    #expect(LeakyReLU(slope: 0.25)(x).scalars == [-0.5, -0.125, 0, 3])
  }

  @Test func dropoutIsInvertedAndSeeded() {
    let x = FloatTensor(repeating: 1, shape: [50, 40])
    var layer = Dropout(rate: 0.25)
    var g1 = SeededGenerator(seed: 3)
    let y = layer.forward(x, training: true, generator: &g1)
    #expect(Set(y.scalars) == [0, Float(1) / 0.75])
    let kept = Double(y.scalars.filter { $0 != 0 }.count) / Double(y.count)
    expectApproximatelyEqual(kept, 0.75, absoluteTolerance: 0.05)
    var g2 = SeededGenerator(seed: 3)
    var again = Dropout(rate: 0.25)
    #expect(again.forward(x, training: true, generator: &g2) == y)
    var g3 = SeededGenerator(seed: 3)
    #expect(layer.forward(x, training: false, generator: &g3) == x)
    #expect(layer(x) == x)
  }

  @Test func networkGradientsThroughEveryLayer() throws {
    let arch = try Architecture(parsing: "dense:5,relu,dropout:0.3,dense:4,leakyrelu:0.1,dense:3")
    var generator = SeededGenerator(seed: 11)
    var net = try Network(arch, inputShape: [2, 2], generator: &generator)
    net.updateParameters { _, p in
      let scale: Float = p.name == "b" ? 0.5 : 1
      for i in p.value.scalars.indices { p.value.scalars[i] += scale * Float(i % 3) * 0.1 }
    }
    let x = FloatTensor(shape: [3, 2, 2], scalars: randomValues(12, seed: 12))
    let start = net
    let r = randomValues(9, seed: 13)
    func objective(_ n: Network, _ input: FloatTensor) -> Double {
      var n = n
      n.generator = SeededGenerator(seed: 21)
      return dot(r, n.forward(input, training: true).scalars)
    }
    net.generator = SeededGenerator(seed: 21)
    _ = net.forward(x, training: true)
    let dx = net.backward(FloatTensor(shape: [3, 3], scalars: r))
    #expect(dx.shape == x.shape)
    let numericX = numericalGradient(x.scalars, step: 1e-3) {
      objective(start, FloatTensor(shape: x.shape, scalars: $0))
    }
    #expect(gradientError(dx.scalars, numericX) < Self.tolerance)
    var analytic = [[Float]]()
    net.updateParameters { _, p in analytic.append(p.gradient) }
    var numeric = [[Double]]()
    var probe = start
    probe.updateParameters { k, p in
      let original = p.value
      numeric.append(
        numericalGradient(original.scalars, step: 1e-3) { values in
          var n = start
          n.updateParameters { k2, q in
            if k2 == k { q.value = FloatTensor(shape: original.shape, scalars: values) }
          }
          return objective(n, x)
        })
    }
    #expect(analytic.count == 6)
    for k in analytic.indices {
      #expect(gradientError(analytic[k], numeric[k]) < Self.tolerance, "parameter \(k)")
    }
  }

  @Test func inputGradientWithoutParameterGradients() throws {
    var generator = SeededGenerator(seed: 1)
    var net = try Network(Architecture(parsing: "3-4-2"), inputShape: [3], generator: &generator)
    let x = FloatTensor(shape: [2, 3], scalars: randomValues(6, seed: 2))
    _ = net.forward(x, training: false)
    let dx = net.backward(FloatTensor(repeating: 1, shape: [2, 2]), accumulate: false)
    #expect(dx.shape == [2, 3])
    net.updateParameters { _, p in #expect(p.gradient.allSatisfy { $0 == 0 }) }
  }
}
