import ArgumentParser
import Foundation
import Retort
import RetortCLI

@main
struct ProcrustesTool: RetortCommand, RetortTool {
  static let configuration = CommandConfiguration.tool(
    "procrustes",
    abstract: "Orthogonal mapping W = UV^T from a dictionary, with MUSE's iterative refinement.",
    discussion: """
      Solves W = UV^T from the SVD of Y^T*X over the dictionary pairs (in double \
      precision) so that W*x ~ y. The seed is a dictionary (--dict: HDF5 'pairs' or \
      word-pair text), identical strings (--seed-dict identical) or a mapping \
      (--init W.h5, e.g. from align-adv). --refine K then K times maps the source, \
      induces a dictionary of CSLS nearest neighbours among the --dico-max-rank most \
      frequent words (--dico-build), and solves again, keeping the W with the best \
      unsupervised criterion (mean cosine of the CSLS translations of the 10,000 most \
      frequent source words). Writes 'W' [D,D] and the final 'pairs'; the log has the \
      dictionary size and criterion per iteration.
      """,
    examples: [
      "procrustes en.h5 fr.h5 --dict en-fr.train.txt -o W.h5",
      "procrustes en.h5 fr.h5 --init W-adv.h5 --refine 5 -o W.h5",
      "procrustes en.h5 fr.h5 --seed-dict identical --refine 5 --log - -o W.h5",
    ])

  enum Seed: String, ExpressibleByArgument, CaseIterable { case identical }

  @OptionGroup var inputs: EmbeddingPairOptions

  @Option(
    name: .long,
    help: ArgumentHelp("Seed dictionary (HDF5 'pairs' or word-pair text).", valueName: "file"))
  var dict: String?

  @Option(name: .long, help: "Seed dictionary from identical strings ('identical').")
  var seedDict: Seed?

  @Option(
    name: .customLong("init"),
    help: ArgumentHelp("Start from the mapping W in FILE.", valueName: "file[:W]"))
  var initial: InputSpec?

  @Option(name: .long, help: "Refinement iterations after the first solve.")
  var refine = 0

  @Option(name: .long, help: "Dictionary induction: S2T, T2S, S2T&T2S (mutual) or S2T|T2S (union).")
  var dicoBuild = "S2T&T2S"

  @Option(name: .long, help: "Induce dictionaries among this many most frequent words.")
  var dicoMaxRank = DictionaryInduction.defaultMaxRank

  @Option(name: .short, help: "Neighbours that define CSLS's r.")
  var k = CSLSRadii.defaultK

  @OptionGroup var output: OutputOptions
  @OptionGroup var common: CommonOptions

  func validate() throws {
    let seeds = [dict != nil, seedDict != nil, initial != nil].filter { $0 }.count
    guard seeds == 1 else {
      throw ValidationError("give exactly one of --dict, --seed-dict identical, --init")
    }
    try requireOption(refine >= 0, "--refine", refine, "at least 0")
    try requireOption(dicoMaxRank >= 1, "--dico-max-rank", dicoMaxRank, "at least 1")
    try requireOption(k >= 1, "-k", k, "at least 1")
    if initial != nil && refine == 0 {
      throw ValidationError("--init needs --refine K >= 1 (nothing to solve otherwise)")
    }
    do { _ = try DictionaryMode(name: dicoBuild) } catch let e as RetortError {
      throw e.asValidationError(["dictionary mode": "--dico-build"])
    }
  }

  func run(in context: ToolContext) throws {
    let (src, tgt) = try inputs.read(in: context)
    let start: RefinementStart
    if let dict {
      let (pairs, total, dropped) = try readDictionary(dict, source: src, target: tgt)
      guard pairs.rowCount > 0 else {
        throw RetortError.data("the dictionary is empty after dropping missing words", file: dict)
      }
      if dropped > 0 {
        context.warn("\(dropped) of \(total) dictionary pairs have a word outside the vocabularies")
      }
      start = .dictionary(pairs)
    } else if seedDict != nil {
      let pairs = DictionaryInduction.identical(
        source: try src.requireWords(for: "--seed-dict identical"),
        target: try tgt.requireWords(for: "--seed-dict identical"))
      guard pairs.rowCount > 0 else {
        throw RetortError.data("no word is spelled the same in both vocabularies")
      }
      context.note("\(pairs.rowCount) identical strings")
      start = .dictionary(pairs)
    } else {
      let file = try context.open(initial!)
      let w = try file.readFiniteFloat(initial!.dataset(or: "W"))
      try context.naming(file) { try Procrustes.checkMapping(w, dimension: src.vectors.shape[1]) }
      start = .mapping(w)
    }
    let result = try Retort.refine(
      source: src.vectors, target: tgt.vectors, start: start, iterations: refine,
      mode: try DictionaryMode(name: dicoBuild), maxRank: dicoMaxRank, k: k,
      options: SearchOptions(threads: context.threads)
    ) { step in
      var fields: [String: Any] = ["iteration": step.iteration, "criterion": step.criterion]
      if let size = step.dictionarySize { fields["dictionary_size"] = size }
      context.log.record(fields)
      context.note("iteration \(step.iteration): criterion \(step.criterion)")
    }
    let writer = try context.writer(output)
    try writer.write(
      "W", result.mapping,
      attributes: [
        "orthogonality_defect": .real(Procrustes.orthogonalityDefect(result.mapping)),
        "criterion": .reals(result.steps.map(\.criterion)),
        "best_iteration": .integer(Int64(result.best)),
      ])
    try writer.write("pairs", result.pairs)
    try context.finish(writer, continuing: src.file)
  }
}
