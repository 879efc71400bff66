import Foundation
import Testing

@testable import Retort

/// Every bad input is a RetortError of the right kind whose fields name the culprit.
@Suite("Alignment errors") struct AlignmentErrorTests {
  static let x = randomMatrix(5, 3, seed: 101)
  static let y = randomMatrix(4, 3, seed: 102)

  static func pairs(_ values: [Int64]) -> IndexTensor {
    IndexTensor(shape: [values.count / 2, 2], scalars: values)
  }

  @Test func dimensionsDiffer() {
    let wide = randomMatrix(4, 2, seed: 103)
    expectError(.data, quantity: "target") {
      try CSLSRadii(source: Self.x, target: wide, k: 2)
    }
    expectError(.data, quantity: "candidates") {
      try nearestNeighbors(queries: Self.x, candidates: wide, k: 1)
    }
  }

  @Test func pairsOutOfRange() {
    expectError(.data, dataset: "pairs", row: 1) {
      try Procrustes.solve(source: Self.x, target: Self.y, pairs: Self.pairs([0, 0, 7, 0]))
    }
    expectError(.data, dataset: "pairs", row: 2) {
      try Procrustes.solve(source: Self.x, target: Self.y, pairs: Self.pairs([0, 0, 1, 1, 1, -1]))
    }
    expectError(.data, dataset: "pairs") {
      try Procrustes.solve(
        source: Self.x, target: Self.y,
        pairs: IndexTensor(shape: [2, 3], scalars: [0, 0, 0, 0, 0, 0]))
    }
  }

  @Test func emptyDictionaries() {
    expectError(.data, dataset: "pairs") {
      try Procrustes.solve(source: Self.x, target: Self.y, pairs: Self.pairs([]))
    }
    expectError(.data, dataset: "pairs") {
      try refine(source: Self.x, target: Self.y, start: .dictionary(Self.pairs([])), iterations: 1)
    }
    expectError(.data, quantity: "dictionary") {
      try evaluateTranslation(
        source: Self.x, target: Self.y, sourceWords: ["a", "b", "c", "d", "e"],
        targetWords: ["a", "b", "c", "d"], dictionary: [], retrieval: .nn)
    }
    expectError(.data, quantity: "dictionary") {
      try evaluateTranslation(
        source: Self.x, target: Self.y, sourceWords: ["a", "b", "c", "d", "e"],
        targetWords: ["a", "b", "c", "d"], dictionary: [("q", "a")], retrieval: .nn)
    }
  }

  @Test func badMappings() {
    expectError(.data, dataset: "W") {
      try Procrustes.map(Self.x, by: FloatTensor(repeating: 0, shape: [3, 2]))
    }
    expectError(.data, dataset: "W") {
      try refine(
        source: Self.x, target: Self.y, start: .mapping(FloatTensor(repeating: 0, shape: [2, 2])),
        iterations: 1)
    }
    var w = FloatTensor(repeating: 0, shape: [3, 3])
    w[2, 1] = .nan
    expectError(.data, dataset: "W", row: 2) {
      try Procrustes.map(Self.x, by: w)
    }
  }

  @Test func nonFiniteRows() {
    var bad = Self.y
    bad[3, 2] = .nan
    expectError(.data, row: 3, quantity: "target") {
      try CSLSRadii(source: Self.x, target: bad, k: 2)
    }
    bad[3, 2] = .infinity
    expectError(.data, row: 3, quantity: "target") {
      try Procrustes.solve(source: Self.x, target: bad, pairs: Self.pairs([0, 0]))
    }
  }

  @Test func badCountsAndQueries() throws {
    expectError(.usage, quantity: "k") {
      try CSLSRadii(source: Self.x, target: Self.y, k: 5)
    }
    expectError(.usage, quantity: "k") {
      try nearestNeighbors(queries: Self.x, candidates: Self.y, k: 0)
    }
    let radii = try CSLSRadii(source: Self.x, target: Self.y, k: 2)
    expectError(.data, row: 1, quantity: "queries") {
      try cslsNeighbors(source: Self.x, target: Self.y, radii: radii, queries: [0, 9], top: 2)
    }
    let other = CSLSRadii(k: 2, source: [0], target: radii.target)
    expectError(.usage, quantity: "radii") {
      try cslsNeighbors(source: Self.x, target: Self.y, radii: other, top: 2)
    }
    expectError(.data, quantity: "source") {
      try CSLSRadii(source: FloatTensor(shape: [0, 3], scalars: []), target: Self.y, k: 1)
    }
  }
}
