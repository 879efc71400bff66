import Foundation
import Testing

@testable import Retort

/// Every bad input is a RetortError with a one-line message naming the culprit.
@Suite("Alignment errors") struct AlignmentErrorTests {
  static let x = randomMatrix(5, 3, seed: 101)
  static let y = randomMatrix(4, 3, seed: 102)

  static func pairs(_ values: [Int64]) -> IndexTensor {
    IndexTensor(shape: [values.count / 2, 2], scalars: values)
  }

  @Test func dimensionsDiffer() {
    let wide = randomMatrix(4, 2, seed: 103)
    #expect(throws: RetortError.data("dimensions differ: source has 3, target has 2")) {
      try CSLSRadii(source: Self.x, target: wide, k: 2)
    }
    #expect(throws: RetortError.data("dimensions differ: queries has 3, candidates has 2")) {
      try nearestNeighbors(queries: Self.x, candidates: wide, k: 1)
    }
  }

  @Test func pairsOutOfRange() {
    #expect(throws: RetortError.data("pair 1 (7, 0): source row 7 is out of range 0..<5")) {
      try Procrustes.solve(source: Self.x, target: Self.y, pairs: Self.pairs([0, 0, 7, 0]))
    }
    #expect(throws: RetortError.data("pair 2 (1, -1): target row -1 is out of range 0..<4")) {
      try Procrustes.solve(source: Self.x, target: Self.y, pairs: Self.pairs([0, 0, 1, 1, 1, -1]))
    }
    #expect(throws: RetortError.data("pairs has shape [2, 3], expected [M, 2]")) {
      try Procrustes.solve(
        source: Self.x, target: Self.y,
        pairs: IndexTensor(shape: [2, 3], scalars: [0, 0, 0, 0, 0, 0]))
    }
  }

  @Test func emptyDictionaries() {
    #expect(throws: RetortError.data("the dictionary is empty")) {
      try Procrustes.solve(source: Self.x, target: Self.y, pairs: Self.pairs([]))
    }
    #expect(throws: RetortError.data("the dictionary is empty")) {
      try refine(source: Self.x, target: Self.y, start: .dictionary(Self.pairs([])), iterations: 1)
    }
    #expect(throws: RetortError.data("the dictionary is empty")) {
      try evaluateTranslation(
        source: Self.x, target: Self.y, sourceWords: ["a", "b", "c", "d", "e"],
        targetWords: ["a", "b", "c", "d"], dictionary: [], retrieval: .nn)
    }
    #expect(throws: RetortError.data("no dictionary pair has both words in the vocabularies")) {
      try evaluateTranslation(
        source: Self.x, target: Self.y, sourceWords: ["a", "b", "c", "d", "e"],
        targetWords: ["a", "b", "c", "d"], dictionary: [("q", "a")], retrieval: .nn)
    }
  }

  @Test func badMappings() {
    #expect(throws: RetortError.data("W has shape [3, 2], expected a square [D, D]")) {
      try Procrustes.map(Self.x, by: FloatTensor(repeating: 0, shape: [3, 2]))
    }
    #expect(throws: RetortError.data("W is 2×2 but the embeddings have D = 3")) {
      try refine(
        source: Self.x, target: Self.y, start: .mapping(FloatTensor(repeating: 0, shape: [2, 2])),
        iterations: 1)
    }
    var w = FloatTensor(repeating: 0, shape: [3, 3])
    w[2, 1] = .nan
    #expect(throws: RetortError.data("W row 2 holds NaN or infinity")) {
      try Procrustes.map(Self.x, by: w)
    }
  }

  @Test func nonFiniteRows() {
    var bad = Self.y
    bad[3, 2] = .nan
    #expect(throws: RetortError.data("target row 3 holds NaN or infinity")) {
      try CSLSRadii(source: Self.x, target: bad, k: 2)
    }
    bad[3, 2] = .infinity
    #expect(throws: RetortError.data("target row 3 holds NaN or infinity")) {
      try Procrustes.solve(source: Self.x, target: bad, pairs: Self.pairs([0, 0]))
    }
  }

  @Test func badCountsAndQueries() throws {
    #expect(throws: RetortError.usage("k must be between 1 and the 4 rows of target, got 5")) {
      try CSLSRadii(source: Self.x, target: Self.y, k: 5)
    }
    #expect(throws: RetortError.usage("k must be between 1 and the 4 rows of candidates, got 0")) {
      try nearestNeighbors(queries: Self.x, candidates: Self.y, k: 0)
    }
    let radii = try CSLSRadii(source: Self.x, target: Self.y, k: 2)
    #expect(throws: RetortError.data("query 1 is row 9, out of range 0..<5")) {
      try cslsNeighbors(source: Self.x, target: Self.y, radii: radii, queries: [0, 9], top: 2)
    }
    let other = CSLSRadii(k: 2, source: [0], target: radii.target)
    #expect(
      throws: RetortError.usage(
        "CSLS radii are for 1 source and 4 target rows, but the inputs have 5 and 4")
    ) {
      try cslsNeighbors(source: Self.x, target: Self.y, radii: other, top: 2)
    }
    #expect(throws: RetortError.data("source is empty (shape [0, 3])")) {
      try CSLSRadii(source: FloatTensor(shape: [0, 3], scalars: []), target: Self.y, k: 1)
    }
  }
}
