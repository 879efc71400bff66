import Foundation
import RetortTestSupport
import Testing

@testable import Retort

struct NNModelFileTests {
  static let arch = "dropout:0.1,dense:6,leakyrelu:0.2,dense:5,relu,dense:3"

  /// Runs `body` with a new temporary directory, removed afterwards.
  func inTemporaryDirectory(_ body: (String) throws -> Void) throws {
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("retort-nn-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try body(dir)
  }

  func sampleNetwork() throws -> Network {
    var g = SeededGenerator(seed: 17)
    var net = try Network(Architecture(parsing: Self.arch), inputShape: [2, 2], generator: &g)
    net.updateParameters { k, p in
      for i in p.value.scalars.indices where p.name == "b" {
        p.value.scalars[i] = Float(k + i) * 0.1
      }
    }
    return net
  }

  @Test func roundTrip() throws {
    let net = try sampleNetwork()
    try inTemporaryDirectory { dir in
      let path = dir + "/model.h5"
      let writer = try TensorFileWriter(.path(path))
      try net.write(to: writer, attributes: ["temperature": .real(20)])
      try writer.commit()

      let file = try TensorFile(path: path)
      let back = try Network.read(from: file)
      #expect(back.architecture == net.architecture)
      #expect(back.inputShape == [2, 2])
      #expect(
        back.layers.map { $0.parameters.map(\.value) }
          == net.layers.map { $0.parameters.map(\.value) })
      let x = FloatTensor(shape: [4, 2, 2], scalars: randomValues(16, seed: 3))
      #expect(back.predict(x) == net.predict(x))
      let attributes = try file.attributes(of: "model")
      #expect(attributes["temperature"] == .real(20))
      #expect(attributes["parameter_count"] == .integer(Int64(net.parameterCount)))
      #expect(
        try file.datasetNames() == [
          "model/layer1/W", "model/layer1/b", "model/layer3/W", "model/layer3/b", "model/layer5/W",
          "model/layer5/b",
        ])
    }
  }

  /// h5py alone reads the weights and, following the attributes, computes
  /// the same outputs in NumPy.
  @Test func readableWithH5py() throws {
    let net = try sampleNetwork()
    try inTemporaryDirectory { dir in
      let path = dir + "/model.h5"
      let writer = try TensorFileWriter(.path(path))
      try net.write(to: writer)
      try writer.commit()
      let x = FloatTensor(shape: [3, 2, 2], scalars: randomValues(12, seed: 4))
      let script = """
        import sys, h5py, numpy as np
        g = h5py.File("\(path)", "r")["model"]
        shape = [int(v) for v in np.atleast_1d(g.attrs["input_shape"])]
        arch = g.attrs["architecture"]
        arch = arch.decode() if isinstance(arch, bytes) else arch
        x = np.array(sys.stdin.read().split(), dtype=np.float32).reshape([-1] + shape)
        h = x.reshape(x.shape[0], -1).astype(np.float64)
        for i, token in enumerate(arch.split(",")):
            name, _, arg = token.partition(":")
            if name == "dense": h = h @ g[f"layer{i}/W"][()] + g[f"layer{i}/b"][()]
            elif name == "relu": h = np.maximum(h, 0)
            elif name == "leakyrelu": h = np.where(h > 0, h, float(arg) * h)
        print(g["layer3/W"][1, 2], " ".join(repr(float(v)) for v in h.ravel()))
        """
      let out = numbers(try runPython(script, input: rowsText(x.scalars, columns: 4)))
      let w = (net.layers[3] as! Dense).weights
      // float32 printed shortest, read back exactly
      #expect(out.first.map { Float($0) } == w[1, 2])
      let mine = net.predict(x).scalars
      #expect(out.count == 1 + mine.count)
      expectApproximatelyEqual(
        mine, out.dropFirst(), absoluteTolerance: 1e-5, relativeTolerance: 1e-5)
    }
  }

  @Test func missingOrInconsistentModelIsADataError() throws {
    try inTemporaryDirectory { dir in
      let path = dir + "/bad.h5"
      let writer = try TensorFileWriter(.path(path))
      try writer.write("x", FloatTensor(repeating: 0, shape: [2, 2]))
      try writer.createGroup("model")
      try writer.setAttribute("architecture", .text("dense:3"), on: "model")
      try writer.setAttribute("input_shape", .integers([4]), on: "model")
      try writer.write("model/layer0/W", FloatTensor(repeating: 0, shape: [3, 3]))
      try writer.write("model/layer0/b", FloatTensor(repeating: 0, shape: [3]))
      try writer.commit()
      let file = try TensorFile(path: path)
      for group in ["model", "nothing"] {
        do {
          _ = try Network.read(from: file, group: group)
          Issue.record("read a bad model from group \(group)")
        } catch let error as RetortError {
          #expect(error.kind == .data)
          #expect(error.file == path, "\(error.message)")
        }
      }
    }
  }

  /// A damaged architecture attribute can claim layers of any size: one that
  /// the file could not hold, or whose size overflows, is a data error before
  /// anything is allocated (a fuzzed model once claimed a 58 GB layer).
  @Test(arguments: ["dense:1000000000", "dense:60000000", "dense:4611686018427387904,dense:4"])
  func architectureLargerThanTheFileIsADataError(architecture: String) throws {
    try inTemporaryDirectory { dir in
      let path = dir + "/huge.h5"
      let writer = try TensorFileWriter(.path(path))
      try writer.createGroup("model")
      try writer.setAttribute("architecture", .text(architecture), on: "model")
      try writer.setAttribute("input_shape", .integers([4]), on: "model")
      try writer.write("model/layer0/W", FloatTensor(repeating: 0, shape: [4, 3]))
      try writer.commit()
      do {
        _ = try Network.read(from: TensorFile(path: path))
        Issue.record("read a model claiming \(architecture)")
      } catch let error as RetortError {
        #expect(error.kind == .data)
        #expect(error.file == path, "\(error.message)")
      }
    }
  }

  /// The footprint counted by hand for a small image network: conv 1·9·8 + 8,
  /// batch norm 4·8, dense 8·14·14·10 + 10; the widest rows are the
  /// convolution's 8·28·28 outputs.
  @Test func footprintMatchesAHandCount() throws {
    let arch = try Architecture(parsing: "conv3x3:8,bn,relu,maxpool2,flatten,dense:10")
    let footprint = try #require(arch.footprint(for: [1, 28, 28]))
    #expect(footprint.storedScalars == 80 + 32 + 15_690)
    #expect(footprint.widestRow == 6_272)
    var g = SeededGenerator(seed: 1)
    let net = try Network(arch, inputShape: [1, 28, 28], generator: &g)
    let state = net.layers.reduce(0) { $0 + $1.state.reduce(0) { $0 + $1.value.count } }
    #expect(net.parameterCount + state == footprint.storedScalars)
    let overflowing = Architecture(layers: [.dense(units: Int.max / 2), .dense(units: 3)])
    #expect(overflowing.footprint(for: [4]) == nil)
  }
}
