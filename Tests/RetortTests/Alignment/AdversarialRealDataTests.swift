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

  /// The supervised baseline of DATA.md (about 60%), with Retort's own code.
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

  /// A scaled-down adversarial run (sizes from RETORT_MUSE_* variables) and refinement.
  @Test func adversarialThenRefine() throws {
    let data = try Self.load()
    let env = ProcessInfo.processInfo.environment
    var options = AdversarialOptions()
    options.epochs = Int(env["RETORT_MUSE_EPOCHS"] ?? "") ?? 3
    options.epochSize = Int(env["RETORT_MUSE_EPOCH_SIZE"] ?? "") ?? 64_000
    options.disHidden = Int(env["RETORT_MUSE_HIDDEN"] ?? "") ?? 512
    var generator = SeededGenerator(seed: 1)
    let result = try alignAdversarially(
      source: data.source, target: data.target, options: options, generator: &generator
    ) { print($0) }
    let adversarial = try Self.accuracy(result.mapping, data, .csls(k: 10))
    let refined = try refine(
      source: data.source, target: data.target, start: .mapping(result.mapping), iterations: 5
    ) { print($0) }
    let final = try Self.accuracy(refined.mapping, data, .csls(k: 10))
    print("adversarial P@1 csls \(adversarial), after refinement \(final)")
  }
}
