import Foundation
import Testing

@testable import Retort

private let museRoot = ProcessInfo.processInfo.environment["RETORT_MUSE_DIR"] ?? "data/muse"

/// English–French spaCy vectors built by `Scripts/data/muse-en-fr`: run only
/// with RETORT_MUSE=1 and the data present (minutes, not for every test run).
@Suite(
  "Adversarial alignment on English–French",
  .enabled(if: ProcessInfo.processInfo.environment["RETORT_MUSE"] == "1"),
  .enabled(if: FileManager.default.fileExists(atPath: museRoot + "/en.h5")))
struct AdversarialRealDataTests {
  static let root = museRoot

  struct Pair {
    var source: FloatTensor
    var target: FloatTensor
    var sourceWords: [String]
    var targetWords: [String]
  }

  static func load() throws -> Pair {
    let steps = Normalization([.unit])
    let en = try TensorFile(path: root + "/en.h5")
    let fr = try TensorFile(path: root + "/fr.h5")
    return Pair(
      source: steps.applied(to: try en.readFloat("embeddings")),
      target: steps.applied(to: try fr.readFloat("embeddings")),
      sourceWords: try en.readStrings("words"), targetWords: try fr.readStrings("words"))
  }

  static func dictionary(_ name: String) throws -> [(String, String)] {
    let path = root + "/en-fr.\(name).txt"
    return try WordPairs.parse(String(contentsOfFile: path, encoding: .utf8), label: path)
  }

  static func accuracy(_ w: FloatTensor, _ data: Pair, _ retrieval: Retrieval) throws -> Double {
    var mapped = try Procrustes.map(data.source, by: w)
    unitRows(&mapped)
    return try evaluateTranslation(
      source: mapped, target: data.target, sourceWords: data.sourceWords,
      targetWords: data.targetWords, dictionary: try dictionary("test"), retrieval: retrieval
    ).p1
  }

  /// The supervised baseline on the English-French data (about 60%), with Retort's own code.
  @Test func supervisedProcrustes() throws {
    let data = try Self.load()
    let (pairs, _) = WordPairs.indices(
      of: try Self.dictionary("train"), source: data.sourceWords, target: data.targetWords)
    let w = try Procrustes.solve(source: data.source, target: data.target, pairs: pairs)
    let nn = try Self.accuracy(w, data, .nn)
    let csls = try Self.accuracy(w, data, .csls(k: 10))
    print("supervised Procrustes P@1: nn \(nn), csls \(csls)")
    #expect(nn > 0.5 && csls > 0.5)
  }
}
