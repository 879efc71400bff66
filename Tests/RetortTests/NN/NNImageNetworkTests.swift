import Foundation
import RetortTestSupport
import Testing

@testable import Retort

/// Convolutional networks: architecture strings, shapes, gradients through the
/// whole network in training mode, and model files readable by h5py alone.
struct NNImageNetworkTests {
  static let paperEncoder = Array(repeating: "conv3x3:64,bn,relu,maxpool2", count: 4)
    .joined(separator: ",")
  static let small =
    "conv3x3:3,bn,relu,maxpool2,conv3x3:2,bn,leakyrelu:0.1,maxpool2,flatten,dense:4"
  /// `small` without rectifiers: after batch norm many values sit near a
  /// rectifier's kink, where central differences are wrong whatever the step.
  static let smooth = "conv3x3:3,bn,maxpool2,conv3x3:2,bn,maxpool2,flatten,dense:4"

  @Test func paperEncoderShapes() throws {
    let a = try Architecture(parsing: Self.paperEncoder)
    #expect(a.layers.count == 16)
    #expect(a.layers[0...3] == [.conv3x3(filters: 64), .batchNorm, .relu, .maxPool2])
    #expect(try Architecture(parsing: a.description) == a)
    #expect(a.outputShape(for: [1, 28, 28]) == [64, 1, 1])
    #expect(a.outputShape(for: [3, 84, 84]) == [64, 5, 5])
    var g = SeededGenerator(seed: 1)
    let net = try Network(
      Architecture(parsing: Self.paperEncoder + ",dense:10"), inputShape: [28, 28], generator: &g)
    #expect(net.outputShape == [10])
    #expect(net.parameterCount == (9 * 64 + 64 + 2 * 64) + 3 * (9 * 64 * 64 + 64 + 2 * 64) + 650)
    #expect(try Architecture(parsing: "784-256-64").layers.count == 3)
  }

  @Test(arguments: [
    ("dense:8,conv3x3:4", [1, 4, 4], "conv3x3:4"), ("maxpool2", [1, 1, 5], "maxpool2"),
    ("conv3x3:2", [12], "conv3x3:2"),
  ])
  func layersThatCannotTakeTheirRows(text: String, shape: [Int], token: String) throws {
    var g = SeededGenerator(seed: 1)
    do {
      _ = try Network(Architecture(parsing: text), inputShape: shape, generator: &g)
      Issue.record("'\(text)' built for rows \(shape)")
    } catch let error as RetortError {
      #expect(error.kind == .usage)
      #expect(error.message.contains(token), "\(error.message)")
    }
  }

  @Test func convolutionInitialisation() throws {
    var g = SeededGenerator(seed: 3)
    let net = try Network(
      Architecture(parsing: "conv3x3:32,bn,relu"), inputShape: [8, 10, 10], generator: &g)
    let w = (net.layers[0] as! Conv3x3).weights.scalars
    let std = (w.reduce(0) { $0 + Double($1) * Double($1) } / Double(w.count)).squareRoot()
    // He through bn: fan-in 9·8.
    expectApproximatelyEqual(std, (2.0 / 72).squareRoot(), absoluteTolerance: 0.01)
    let bn = net.layers[1] as! BatchNorm
    #expect(bn.parameters[0].value.scalars.allSatisfy { $0 == 1 })
    #expect(bn.state.map(\.name) == ["running_mean", "running_var"])
  }

  /// A network with trained-looking weights whose running statistics have moved.
  func sampleNetwork(_ arch: String = small) throws -> Network {
    var g = SeededGenerator(seed: 17)
    var net = try Network(Architecture(parsing: arch), inputShape: [1, 6, 7], generator: &g)
    net.updateParameters { k, p in
      for i in p.value.scalars.indices { p.value.scalars[i] += Float((k + i) % 5) * 0.1 }
    }
    for seed in 1...2 {
      let x = FloatTensor(shape: [5, 42], scalars: randomValues(210, seed: UInt64(seed)))
      _ = net.forward(x, training: true)
    }
    return net
  }

  @Test func gradientsThroughConvolutionalNetwork() throws {
    let start = try sampleNetwork(Self.smooth)
    var net = start
    let x = FloatTensor(shape: [3, 1, 6, 7], scalars: randomValues(126, seed: 4))
    let r = randomValues(12, seed: 5)
    func objective(_ n: Network, _ input: FloatTensor) -> Double {
      var n = n
      return dot(r, n.forward(input, training: true).scalars)
    }
    net.zeroGradients()
    _ = net.forward(x, training: true)
    let dx = net.backward(FloatTensor(shape: [3, 4], scalars: r))
    #expect(dx.shape == x.shape)
    expectNetworkGradients(start: start, trained: net, x: x, dx: dx, objective: objective)
  }

  /// Training's pass without input gradients gives backward's parameter
  /// gradients exactly: a convolution first, a dense layer first after a
  /// parameterless flatten, and a batch norm first.
  @Test(arguments: [
    NNImageNetworkTests.small, "flatten,dense:5,relu,dense:4", "bn,conv3x3:2,relu,flatten,dense:4",
  ])
  func parameterGradientsWithoutInputGradients(text: String) throws {
    var full = try sampleNetwork(text)
    var lean = full
    let x = FloatTensor(shape: [3, 1, 6, 7], scalars: randomValues(126, seed: 6))
    let dy = FloatTensor(shape: [3, 4], scalars: randomValues(12, seed: 7))
    full.zeroGradients()
    lean.zeroGradients()
    _ = full.forward(x, training: true)
    _ = lean.forward(x, training: true)
    _ = full.backward(dy)
    lean.accumulateGradients(dy)
    var (a, b) = ([[Float]](), [[Float]]())
    full.updateParameters { _, p in a.append(p.gradient) }
    lean.updateParameters { _, p in b.append(p.gradient) }
    #expect(a.count > 0 && a == b)
    #expect(b.contains { $0.contains { $0 != 0 } })
  }

  @Test func modelFileRoundTrip() throws {
    let net = try sampleNetwork()
    try NNModelFileTests().inTemporaryDirectory { dir in
      let path = dir + "/conv.h5"
      let writer = try TensorFileWriter(.path(path))
      try net.write(to: writer)
      try writer.commit()
      let file = try TensorFile(path: path)
      let back = try Network.read(from: file)
      #expect(back.architecture == net.architecture && back.inputShape == [1, 6, 7])
      #expect(back.layers.map { $0.state.map(\.value) } == net.layers.map { $0.state.map(\.value) })
      let x = FloatTensor(shape: [4, 42], scalars: randomValues(168, seed: 6))
      #expect(back.predict(x) == net.predict(x))
      let names = try file.datasetNames()
      #expect(names.contains("model/layer1/running_var") && names.contains("model/layer4/W"))
      #expect(names.filter { $0.hasPrefix("model/layer1/") }.count == 4)
    }
  }

  /// h5py reads the weights and running statistics and, with SciPy's
  /// correlation, computes the same inference outputs.
  @Test func convolutionalModelReadableWithH5py() throws {
    let net = try sampleNetwork()
    try NNModelFileTests().inTemporaryDirectory { dir in
      let path = dir + "/conv.h5"
      let writer = try TensorFileWriter(.path(path))
      try net.write(to: writer)
      try writer.commit()
      let x = FloatTensor(shape: [3, 42], scalars: randomValues(126, seed: 7))
      let script = """
        import sys, h5py, numpy as np
        from scipy.signal import correlate2d
        g = h5py.File("\(path)", "r")["model"]
        shape = [int(v) for v in np.atleast_1d(g.attrs["input_shape"])]
        arch = g.attrs["architecture"]
        arch = arch.decode() if isinstance(arch, bytes) else arch
        h = np.array(sys.stdin.read().split(), dtype=np.float32).astype(np.float64)
        h = h.reshape([-1] + shape)
        for i, token in enumerate(arch.split(",")):
            name, _, arg = token.partition(":")
            p = lambda k: g[f"layer{i}/{k}"][()].astype(np.float64)
            if name == "conv3x3":
                w, b = p("W"), p("b")
                h = np.array([[b[f] + sum(correlate2d(im[c], w[f, c], mode="same")
                                          for c in range(im.shape[0]))
                               for f in range(w.shape[0])] for im in h])
            elif name == "bn":
                s = (None, slice(None)) + (None,) * (h.ndim - 2)
                h = p("gamma")[s] * (h - p("running_mean")[s]) / np.sqrt(
                    p("running_var")[s] + 1e-5) + p("beta")[s]
            elif name == "relu": h = np.maximum(h, 0)
            elif name == "leakyrelu": h = np.where(h > 0, h, float(arg) * h)
            elif name == "maxpool2":
                n, c, hh, ww = h.shape
                h = h[:, :, :hh // 2 * 2, :ww // 2 * 2].reshape(
                    n, c, hh // 2, 2, ww // 2, 2).max(axis=(3, 5))
            elif name == "flatten": h = h.reshape(h.shape[0], -1)
            elif name == "dense": h = h.reshape(h.shape[0], -1) @ p("W") + p("b")
        print(" ".join(repr(float(v)) for v in h.ravel()))
        """
      let reference = numbers(try runPython(script, input: rowsText(x.scalars, columns: 42)))
      expectApproximatelyEqual(
        net.predict(x).scalars, reference, absoluteTolerance: 1e-4, relativeTolerance: 1e-4)
    }
  }
}
