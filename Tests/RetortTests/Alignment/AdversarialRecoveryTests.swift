import Foundation
import Testing

@testable import Retort

/// Adversarial alignment then Procrustes refinement on a synthetic pair: the
/// target is a rotation of the source points plus noise, in another row order.
/// The points come from a few clusters and have a decaying spectrum, so the
/// rotation is identifiable from the two clouds alone.
@Suite("Adversarial recovery") struct AdversarialRecoveryTests {
  /// `n` unit rows of dimension `d` from `clusters` Gaussian clusters, the
  /// scale of coordinate j falling from 1 to 0.2.
  static func clusteredPoints(_ n: Int, _ d: Int, clusters: Int, seed: UInt64) -> FloatTensor {
    var g = SeededGenerator(seed: seed)
    let scale = (0..<d).map { 1 - 0.8 * Double($0) / Double(d - 1) }
    let centers = (0..<clusters * d).map { 2 * scale[$0 % d] * g.normal() }
    var x = FloatTensor(repeating: 0, shape: [n, d])
    for i in 0..<n {
      let c = g.index(below: clusters)
      for j in 0..<d { x[i, j] = Float(centers[c * d + j] + scale[j] * g.normal()) }
    }
    unitRows(&x)
    return x
  }

  /// A random rotation at a set distance from the identity: the orthogonal
  /// factor U·Vᵀ of I + t·G for a Gaussian G.
  static func tiltedRotation(_ d: Int, _ t: Double, seed: UInt64) throws -> FloatTensor {
    let g = randomMatrix(d, d, seed: seed, unit: false)
    let a = (0..<d * d).map { ($0 % (d + 1) == 0 ? 1 : 0) + t * Double(g.scalars[$0]) }
    let (u, _, vt) = try svd(a, rows: d, columns: d)
    let w = (0..<d * d).map { e in
      Float((0..<d).reduce(0.0) { $0 + u[(e / d) * d + $1] * vt[$1 * d + e % d] })
    }
    return FloatTensor(shape: [d, d], scalars: w)
  }

  /// The identity retrieves about 1% of the rows first; the adversarial W
  /// alone most of them; refinement from it all of them.
  @Test func recoversARotation() throws {
    let (n, d) = (2000, 20)
    var pair = try RotatedPair(
      source: Self.clusteredPoints(n, d, clusters: 8, seed: 5),
      rotation: try Self.tiltedRotation(d, 0.7, seed: 6), noise: 0.01, noiseSeed: 7)
    var g = SeededGenerator(seed: 8)
    pair.shuffleTarget(using: &g)
    let (x, y, truth) = (pair.source, pair.target, pair.truth)
    func precision(_ w: FloatTensor) throws -> Double {
      var m = try Procrustes.map(x, by: w)
      unitRows(&m)
      let nn = try nearestNeighbors(queries: m, candidates: y, k: 1)
      return Double((0..<n).filter { Int(nn.indices[$0, 0]) == truth[$0] }.count) / Double(n)
    }

    var options = AdversarialOptions()
    options.epochs = 3
    options.epochSize = 32_000
    options.disHidden = 64
    options.search = SearchOptions(threads: 2)
    var generator = SeededGenerator(seed: 9)
    var reports = [AdversarialEpoch]()
    let adversarial = try alignAdversarially(
      source: x, target: y, options: options, generator: &generator
    ) { reports.append($0) }
    #expect(reports.map(\.epoch) == [0, 1, 2])
    #expect(adversarial.criteria == reports.map(\.criterion))
    #expect(adversarial.criteria[adversarial.bestEpoch] == adversarial.criteria.max())
    #expect(reports.allSatisfy { $0.discriminatorAccuracy > 0.5 && $0.seconds > 0 })
    #expect(reports.map(\.learningRate) == [0.1, 0.1 * 0.98, 0.1 * 0.98 * 0.98])
    let identity = FloatTensor(
      shape: [d, d], scalars: (0..<d * d).map { $0 % (d + 1) == 0 ? 1 : 0 })
    #expect(try precision(identity) < 0.05)
    #expect(try precision(adversarial.mapping) > 0.5)
    let refined = try refine(
      source: x, target: y, start: .mapping(adversarial.mapping), iterations: 3,
      options: SearchOptions(threads: 2))
    #expect(try precision(refined.mapping) > 0.9)
  }
}
