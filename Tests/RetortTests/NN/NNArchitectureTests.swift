import RetortTestSupport
import Testing

@testable import Retort

struct NNArchitectureTests {
  @Test func mlpShorthand() throws {
    let a = try Architecture(parsing: "784-1200-1200-10")
    #expect(a.inputSize == 784)
    #expect(
      a.layers == [.dense(units: 1200), .relu, .dense(units: 1200), .relu, .dense(units: 10)])
    #expect(a.description == "dense:1200,relu,dense:1200,relu,dense:10")
    #expect(try Architecture(parsing: "64-10").layers == [.dense(units: 10)])
  }

  @Test func commaList() throws {
    let a = try Architecture(
      parsing: "dense:256, relu,LeakyReLU:0.2,leakyrelu,dropout:0.5,dense:10")
    #expect(a.inputSize == nil)
    #expect(
      a.layers == [
        .dense(units: 256), .relu, .leakyReLU(slope: 0.2), .leakyReLU(slope: 0.01),
        .dropout(rate: 0.5), .dense(units: 10),
      ])
    #expect(try Architecture(parsing: a.description) == a)
    #expect(a.outputShape(for: [1, 28, 28]) == [10])
  }

  @Test(arguments: [
    ("", "empty"), ("784", "784"), ("784--10", "''"), ("784-0-10", "'0'"), ("784-x-10", "'x'"),
    ("dense", "'dense'"), ("dense:0", "'dense:0'"), ("dense:x", "'dense:x'"),
    ("dense:10,,relu", "''"), ("relu:3", "'relu:3'"), ("leakyrelu:-1", "'leakyrelu:-1'"),
    ("dropout:1", "'dropout:1'"), ("dropout", "'dropout'"), ("conv3x3:0", "'conv3x3:0'"),
    ("conv3x3", "'conv3x3'"), ("bn:2", "'bn:2'"), ("maxpool2:3", "'maxpool2:3'"),
    ("dense:10,softmax", "'softmax'"), ("dense:10:3", "'dense:10:3'"),
  ])
  func badDescriptions(text: String, token: String) {
    do {
      _ = try Architecture(parsing: text)
      Issue.record("'\(text)' parsed")
    } catch let error as RetortError {
      #expect(error.kind == .usage)
      #expect(error.message.contains(token), "\(error.message)")
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func inputSizeMustMatchData() throws {
    var g = SeededGenerator(seed: 1)
    #expect(throws: RetortError.self) {
      _ = try Network(Architecture(parsing: "784-10"), inputShape: [64], generator: &g)
    }
    let net = try Network(Architecture(parsing: "784-10"), inputShape: [1, 28, 28], generator: &g)
    #expect(net.outputShape == [10])
  }

  @Test func parameterCount() throws {
    var g = SeededGenerator(seed: 1)
    let net = try Network(Architecture(parsing: "64-256-256-10"), inputShape: [64], generator: &g)
    #expect(net.parameterCount == 64 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10)
  }

  @Test func initialisationScales() throws {
    var g = SeededGenerator(seed: 2)
    let arch = try Architecture(parsing: "dense:300,relu,dense:100")
    let net = try Network(arch, inputShape: [200], generator: &g)
    let w0 = (net.layers[0] as! Dense).weights.scalars
    let w2 = (net.layers[2] as! Dense).weights.scalars
    let std0 = (w0.reduce(0) { $0 + Double($1) * Double($1) } / Double(w0.count)).squareRoot()
    expectApproximatelyEqual(std0, (2.0 / 200).squareRoot(), absoluteTolerance: 0.003)  // He, ReLU
    let bound = (6.0 / 400).squareRoot()  // Glorot for the last layer
    #expect(
      w2.allSatisfy { abs(Double($0)) <= bound } && w2.contains { abs(Double($0)) > 0.9 * bound })
    #expect((net.layers[0] as! Dense).bias.scalars.allSatisfy { $0 == 0 })
    var g2 = SeededGenerator(seed: 2)
    let same = try Network(arch, inputShape: [200], generator: &g2)
    #expect((same.layers[2] as! Dense).weights == (net.layers[2] as! Dense).weights)
  }
}
