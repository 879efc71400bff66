import Foundation
import RetortTestSupport
import Testing

@testable import Retort

/// Refinement on synthetic data: the target rows are a random rotation of the
/// source rows plus noise, in a shuffled order; the seed dictionary has 30%
/// wrong pairs.
@Suite("Refinement") struct RefinementTests {
  @Test func wrongSeedPairsAreRepaired() throws {
    let (n, d) = (300, 16)
    var pair = try RotatedPair(
      source: randomMatrix(n, d, seed: 71), rotation: try randomRotation(d, seed: 72),
      noise: 0.02, noiseSeed: 73)
    var g = SeededGenerator(seed: 74)
    pair.shuffleTarget(using: &g)
    let (x, y, q, truth) = (pair.source, pair.target, pair.rotation, pair.truth)
    let seed = (0..<100).flatMap { i -> [Int64] in
      [Int64(i), Int64(i % 10 < 3 ? g.index(below: n) : truth[i])]
    }
    var reported = [RefinementStep]()
    let result = try refine(
      source: x, target: y, start: .dictionary(IndexTensor(shape: [100, 2], scalars: seed)),
      iterations: 3, options: SearchOptions(threads: 2)
    ) { reported.append($0) }
    #expect(reported == result.steps)
    #expect(result.steps.map(\.iteration) == [0, 1, 2, 3])
    #expect(result.steps[0].dictionarySize == 100)
    #expect(result.steps.last!.criterion > result.steps[0].criterion)
    let pairs = result.pairs
    let right = (0..<pairs.shape[0]).filter { truth[Int(pairs[$0, 0])] == Int(pairs[$0, 1]) }
    #expect(right.count == pairs.shape[0])
    #expect(pairs.shape[0] >= n * 95 / 100)
    expectApproximatelyEqual(result.mapping.scalars, q.scalars, absoluteTolerance: 0.02)
  }

  /// A given W is step 0, with no dictionary.
  @Test func startsFromAGivenMapping() throws {
    let x = randomMatrix(50, 6, seed: 81)
    let w = try randomRotation(6, seed: 82)
    let y = try Procrustes.map(x, by: w)
    let result = try refine(source: x, target: y, start: .mapping(w), iterations: 1)
    #expect(result.steps[0].dictionarySize == nil)
    #expect(result.steps[1].dictionarySize == 50)
    expectApproximatelyEqual(result.steps[0].criterion, 1, absoluteTolerance: 1e-5)
  }
}
