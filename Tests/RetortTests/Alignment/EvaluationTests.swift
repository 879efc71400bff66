import Foundation
import Testing

@testable import Retort

/// P@k on unit vectors in the plane, worked by hand from their angles.
///
/// Targets w 0°, x 10°, y 90°, z 180°, u 270°, s 135°; sources a 2°, b 85°,
/// c 183°, d 300°. Nearest first by angle difference:
/// a: w x y u s z — gold {x} is 2nd: miss at 1, hit at 5 and 10.
/// b: y s x w z u — gold {z, y}: y is 1st, a hit everywhere.
/// c: z s u y x w — gold {w} is 6th: a hit only at 10.
/// Pairs (e, w) and (a, v) have a word outside the vocabularies, so coverage
/// is 4/6 and the queries are a, b, c: P@1 = 1/3, P@5 = 2/3, P@10 = 1.
@Suite("Translation evaluation") struct EvaluationTests {
  static func plane(_ degrees: [Double]) -> FloatTensor {
    FloatTensor(
      shape: [degrees.count, 2],
      scalars: degrees.flatMap { [Float(cos($0 * .pi / 180)), Float(sin($0 * .pi / 180))] })
  }
  static let target = plane([0, 10, 90, 180, 270, 135])
  static let targetWords = ["w", "x", "y", "z", "u", "s"]
  static let source = plane([2, 85, 183, 300])
  static let sourceWords = ["a", "b", "c", "d"]
  static let dictionary = [("a", "x"), ("b", "z"), ("b", "y"), ("c", "w"), ("e", "w"), ("a", "v")]

  /// A pair given twice counts twice in the coverage (5/7 with (a, x)
  /// repeated) though it is one gold pair; the precisions do not change.
  @Test func repeatedPairsCountInCoverage() throws {
    let result = try evaluateTranslation(
      source: Self.source, target: Self.target, sourceWords: Self.sourceWords,
      targetWords: Self.targetWords, dictionary: Self.dictionary + [("a", "x")], retrieval: .nn)
    #expect(
      result == TranslationAccuracy(p1: 1.0 / 3, p5: 2.0 / 3, p10: 1, coverage: 5.0 / 7, queries: 3)
    )
  }

  @Test func nearestNeighbourByHand() throws {
    let result = try evaluateTranslation(
      source: Self.source, target: Self.target, sourceWords: Self.sourceWords,
      targetWords: Self.targetWords, dictionary: Self.dictionary, retrieval: .nn)
    #expect(
      result == TranslationAccuracy(p1: 1.0 / 3, p5: 2.0 / 3, p10: 1, coverage: 4.0 / 6, queries: 3)
    )
  }

  /// CSLS evaluation agrees with P@k counted from `cslsNeighbors` directly.
  @Test func cslsMatchesItsNeighbours() throws {
    let result = try evaluateTranslation(
      source: Self.source, target: Self.target, sourceWords: Self.sourceWords,
      targetWords: Self.targetWords, dictionary: Self.dictionary, retrieval: .csls(k: 2))
    let radii = try CSLSRadii(source: Self.source, target: Self.target, k: 2)
    let found = try cslsNeighbors(
      source: Self.source, target: Self.target, radii: radii, queries: [0, 1, 2], top: 6)
    let gold: [Set<Int64>] = [[1], [3, 2], [0]]
    func p(_ k: Int) -> Double {
      Double(
        (0..<3).filter { q in found.indices.row(q).prefix(k).contains { gold[q].contains($0) } }
          .count) / 3
    }
    #expect(
      result == TranslationAccuracy(p1: p(1), p5: p(5), p10: p(10), coverage: 4.0 / 6, queries: 3))
  }
}
