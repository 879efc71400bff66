import Testing

@testable import Retort

/// Seeded training on XOR-like data: four Gaussian clusters at (±1, ±1) with
/// σ = 0.3, labelled by whether the signs of the two coordinates differ.
struct NNTrainingTests {
  static func xor(_ n: Int, seed: UInt64) -> (FloatTensor, [Int64]) {
    var g = SeededGenerator(seed: seed)
    var x = [Float]()
    var y = [Int64]()
    for _ in 0..<n {
      let a: Float = g.index(below: 2) == 0 ? -1 : 1
      let b: Float = g.index(below: 2) == 0 ? -1 : 1
      x += [a + Float(0.3 * g.normal()), b + Float(0.3 * g.normal())]
      y.append(a == b ? 0 : 1)
    }
    return (FloatTensor(shape: [n, 2], scalars: x), y)
  }

  static func accuracy(_ logits: FloatTensor, _ labels: [Int64]) -> Double {
    let c = logits.shape[1]
    let hits = labels.indices.filter { i in
      let row = logits.row(i)
      return row.firstIndex(of: row.max()!)! - i * c == Int(labels[i])
    }.count
    return Double(hits) / Double(labels.count)
  }

  /// Trains `arch` for `epochs` and returns the network and each epoch's mean loss.
  static func train(
    _ arch: String, optimizer: some Optimizer, epochs: Int, seed: UInt64
  ) throws -> (Network, [Float]) {
    let (x, y) = xor(160, seed: 1)
    var generator = SeededGenerator(seed: seed)
    var net = try Network(Architecture(parsing: arch), inputShape: [2], generator: &generator)
    var optimizer = optimizer
    var losses = [Float]()
    for _ in 0..<epochs {
      losses.append(
        net.trainEpoch(x, batchSize: 16, optimizer: &optimizer, generator: &generator) {
          out, rows in
          CrossEntropy.hard(logits: out, labels: rows.map { y[$0] })
        })
    }
    return (net, losses)
  }

  static func parameters(_ net: Network) -> [[Float]] {
    net.layers.flatMap { $0.parameters.map(\.value.scalars) }
  }

  @Test func adamLearnsXOR() throws {
    let (net, losses) = try Self.train(
      "2-16-16-2", optimizer: Adam(learningRate: 0.01), epochs: 30, seed: 7)
    let (xt, yt) = Self.xor(200, seed: 2)
    let accuracy = Self.accuracy(net.predict(xt, blockRows: 64), yt)
    #expect(accuracy >= 0.95, "held-out accuracy \(accuracy)")
    #expect(losses.last! < 0.5 * losses.first!)
  }

  @Test func nesterovWithDropoutLearnsXOR() throws {
    let sgd = SGD(learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-4)
    let (net, _) = try Self.train(
      "dense:32,relu,dropout:0.1,dense:2", optimizer: sgd, epochs: 30, seed: 8)
    let (xt, yt) = Self.xor(200, seed: 2)
    let accuracy = Self.accuracy(net.predict(xt), yt)
    #expect(accuracy >= 0.95, "held-out accuracy \(accuracy)")
  }

  @Test func sameSeedSameWeights() throws {
    let arch = "dense:8,relu,dropout:0.2,dense:2"
    let (a, la) = try Self.train(arch, optimizer: Adam(learningRate: 0.01), epochs: 3, seed: 5)
    let (b, lb) = try Self.train(arch, optimizer: Adam(learningRate: 0.01), epochs: 3, seed: 5)
    let (c, _) = try Self.train(arch, optimizer: Adam(learningRate: 0.01), epochs: 3, seed: 6)
    #expect(Self.parameters(a) == Self.parameters(b))
    #expect(la == lb)
    #expect(Self.parameters(a) != Self.parameters(c))
  }

  @Test func batchesCoverEveryRowOnce() {
    var g = SeededGenerator(seed: 3)
    let batches = shuffledBatches(count: 10, batchSize: 4, generator: &g)
    #expect(batches.map(\.count) == [4, 4, 2])
    #expect(batches.joined().sorted() == Array(0..<10))
    var g2 = SeededGenerator(seed: 3)
    #expect(shuffledBatches(count: 10, batchSize: 4, generator: &g2) == batches)
  }

  @Test func predictInBlocksMatchesForward() throws {
    var g = SeededGenerator(seed: 4)
    var net = try Network(Architecture(parsing: "3-5-4"), inputShape: [3], generator: &g)
    let x = FloatTensor(shape: [7, 3], scalars: randomValues(21, seed: 9))
    #expect(net.predict(x, blockRows: 3) == net.forward(x, training: false))
  }
}
