import Glibc
import Retort
import RetortArguments
import RetortCLI

/// Runs `procrustes` as a program: parses the command line, does the work, exits
/// (the entry point of the `procrustes` name of the multi-call binary).
public func runProcrustes() { ProcrustesTool.main() }

struct ProcrustesTool: RetortCommand, RetortTool {
  static let datasetRoles = ["embeddings", "words"]

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
      frequent source words); --dico-method nn|csls|invsm, --dico-threshold, --dico-min-size \
      and --dico-max-size change how each dictionary is induced, as MUSE's options do \
      (pairs ranked by the margin between their best and second-best score). \
      --seed-dict unsupervised needs no dictionary and no words: \
      the first dictionary pairs the CSLS nearest neighbours between the sorted \
      square-root similarity profiles of the --unsupervised-vocab most frequent words \
      of each side (Artetxe, Labaka and Agirre 2018), which a rotation does not change. \
      --self-learning refines with that paper's loop instead: Procrustes, then CSLS \
      induction among the --vocabulary-cutoff most frequent words in both directions \
      with every similarity kept with probability p (stochastic induction), p \
      multiplied by --stochastic-multiplier after --stochastic-interval iterations \
      without a gain of --threshold in the objective (the mean best similarity), until \
      p = 1 and a last plateau. Writes 'W' [D,D] and the final 'pairs'; the log has the \
      dictionary size and criterion (or objective and p) per iteration.

      The multi-step framework of Artetxe, Labaka and Agirre (AAAI 2018) replaces the \
      last orthogonal solve: --whiten whitens each side over the final dictionary's \
      rows, the orthogonal step maps both into a shared space, --src-reweight and \
      --trg-reweight scale its dimensions by the singular values to a power, \
      --src-dewhiten and --trg-dewhiten restore the source's (src) or the target's \
      (trg) covariance, --dim-reduction keeps the first N dimensions. Then the output \
      holds the source map 'W' [N,D] and the target map 'W_tgt' [N,D] (csls --map and \
      tensor map --side target apply it). Every 'W' records its --normalize chain, \
      which csls and tensor map apply by default.

      --recipe names VecMap's defaults, which single options override: every recipe \
      normalises unit,center,unit, whitens, re-weights both sides by 0.5 and \
      de-whitens each side with its own covariance; 'unsupervised' seeds with \
      --seed-dict unsupervised and runs --self-learning, 'identical' seeds with \
      identical strings and self-learns, 'semi-supervised' self-learns from --dict, \
      'supervised' solves once from --dict.
      """,
    examples: [
      "procrustes en.h5 fr.h5 --dict en-fr.train.txt -o W.h5",
      "procrustes en.h5 fr.h5 --init W-adv.h5 --refine 5 -o W.h5",
      "procrustes en.h5 fr.h5 --seed-dict identical --refine 5 --log - -o W.h5",
      "procrustes en.h5 fr.h5 --dict en-fr.train.txt --refine 3 --dico-method nn "
        + "--dico-max-size 100 -o W.h5",
      "procrustes en.h5 fr.h5 --seed-dict unsupervised --self-learning "
        + "--stochastic-interval 5 -o W.h5",
      "procrustes en.h5 fr.h5 --recipe unsupervised --stochastic-interval 5 -o W.h5",
      "procrustes en.h5 fr.h5 --dict en-fr.train.txt --recipe supervised --dim-reduction 6 "
        + "-o W.h5",
    ])

  static let optionNames = RetortCLI.optionNames(
    ["dimensions"], except: ["dimensions": "--dim-reduction"])

  enum Seed: String, ExpressibleByArgument, CaseIterable { case identical, unsupervised }

  @OptionGroup var inputs: EmbeddingPairOptions

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Seed dictionary (HDF5 'pairs' or word-pair text).", valueName: "file[:pairs]"))
  var dict: InputSpec?

  @Option(
    name: .long,
    help: "Seed dictionary from identical strings, or from the embeddings alone (unsupervised).")
  var seedDict: Seed?

  @Option(name: .long, help: "Most frequent words used by --seed-dict unsupervised.")
  var unsupervisedVocab = UnsupervisedInitialization.defaultVocabulary

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

  @OptionGroup(title: "MUSE's dictionary options") var dico: DictionaryCommandOptions

  @OptionGroup(title: "Self-learning") var learning: SelfLearningCommandOptions

  @Option(
    name: .long,
    help: "VecMap's defaults: unsupervised, supervised, semi-supervised or identical.")
  var recipe: Recipe?

  @OptionGroup(title: "Multi-step mapping") var steps: MultiStepCommandOptions

  @OptionGroup var output: OutputOptions
  @OptionGroup var common: CommonOptions

  /// The seed: --seed-dict, else the recipe's unless --dict or --init is given.
  var seedChoice: Seed? { seedDict ?? (dict == nil && initial == nil ? recipe?.seed : nil) }

  /// --self-learning or --no-self-learning, else the recipe's.
  var selfLearns: Bool { learning.selfLearning ?? recipe?.selfLearning ?? false }

  /// The multi-step options given over the recipe's.
  var multiStep: MultiStepOptions { steps.options(over: recipe?.multiStep ?? MultiStepOptions()) }

  /// --normalize, else the recipe's chain, else unit length.
  var normalization: Normalization {
    inputs.normalization.chain(default: recipe?.normalization ?? Normalization([.unit]))
  }

  func validate() throws {
    let seeds = [dict != nil, seedChoice != nil, initial != nil].filter { $0 }.count
    if seeds == 0, let recipe {
      throw ValidationError("--recipe \(recipe.rawValue) needs --dict")
    }
    guard seeds == 1 else {
      throw ValidationError("give exactly one of --dict, --seed-dict, --init")
    }
    try requireOption(
      unsupervisedVocab >= 2, "--unsupervised-vocab", unsupervisedVocab, "at least 2")
    if selfLearns {
      if refine > 0 { throw ValidationError("--self-learning and --refine exclude each other") }
      try requireOption(
        learning.vocabularyCutoff >= 1, "--vocabulary-cutoff", learning.vocabularyCutoff,
        "at least 1")
      try requireOption(
        learning.stochasticInitial > 0 && learning.stochasticInitial <= 1,
        "--stochastic-initial", learning.stochasticInitial, "in (0, 1]")
      try requireOption(
        learning.stochasticMultiplier > 1, "--stochastic-multiplier",
        learning.stochasticMultiplier, "above 1")
      try requireOption(
        learning.stochasticInterval >= 1, "--stochastic-interval", learning.stochasticInterval,
        "at least 1")
      try requireOption(learning.threshold >= 0, "--threshold", learning.threshold, "≥ 0")
      try requireOption(
        learning.maxIterations >= 1, "--max-iterations", learning.maxIterations, "at least 1")
    } else if let first = learning.changed.first {
      throw ValidationError("\(first) needs --self-learning")
    }
    try requireOption(refine >= 0, "--refine", refine, "at least 0")
    try requireOption(dicoMaxRank >= 1, "--dico-max-rank", dicoMaxRank, "at least 1")
    try requireOption(k >= 1, "-k", k, "at least 1")
    if refine == 0, let first = dico.given.first {
      throw ValidationError("\(first) needs --refine K")
    }
    if initial != nil && refine == 0 && !selfLearns {
      throw ValidationError("--init needs --refine K >= 1 (nothing to solve otherwise)")
    }
    do { _ = try DictionaryMode(name: dicoBuild) } catch let e as RetortError {
      throw e.asValidationError(["dictionary mode": "--dico-build"])
    }
  }

  func run(in context: ToolContext) throws {
    let (src, tgt) = try inputs.read(in: context, defaultNormalization: normalization)
    let start: RefinementStart
    if let dict {
      let (pairs, total, dropped) = try readDictionary(dict, source: src, target: tgt)
      guard pairs.rowCount > 0 else {
        throw RetortError.data(
          "the dictionary is empty after dropping missing words", file: dict.path)
      }
      if dropped > 0 {
        context.warn("\(dropped) of \(total) dictionary pairs have a word outside the vocabularies")
      }
      start = .dictionary(pairs)
    } else if seedChoice == .unsupervised {
      let n = min(unsupervisedVocab, src.vectors.shape[0], tgt.vectors.shape[0])
      if n < unsupervisedVocab {
        context.warn(
          "--unsupervised-vocab \(unsupervisedVocab) is more than the vocabularies: using \(n)")
      }
      let clock = Stopwatch()
      let pairs = try UnsupervisedInitialization.dictionary(
        source: src.vectors, target: tgt.vectors, vocabulary: n, k: k,
        options: SearchOptions(threads: context.threads))
      context.metrics([
        "initial_dictionary_size": pairs.rowCount, "vocabulary": n,
        "seconds": clock.milliseconds / 1000,
      ])
      start = .dictionary(pairs)
    } else if seedChoice != nil {
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
    if selfLearns {
      try runSelfLearning(from: start, src.vectors, tgt.vectors, continuing: src.file, in: context)
      return
    }
    let result = try Retort.refine(
      source: src.vectors, target: tgt.vectors, start: start, iterations: refine,
      mode: try DictionaryMode(name: dicoBuild), maxRank: dicoMaxRank, k: k, score: dico.score,
      filter: dico.filter, options: SearchOptions(threads: context.threads)
    ) { step in
      var fields: [String: Any] = ["iteration": step.iteration, "criterion": step.criterion]
      if let size = step.dictionarySize { fields["dictionary_size"] = size }
      context.metrics(fields)
    }
    try write(
      result.mapping, result.pairs, src.vectors, tgt.vectors, continuing: src.file, in: context,
      attributes: [
        "criterion": .reals(result.steps.map(\.criterion)),
        "best_iteration": .integer(Int64(result.best)),
      ])
  }

  /// The self-learning loop from `start` (a dictionary, or W whose CSLS
  /// dictionary starts the loop), written as 'W' and 'pairs'.
  func runSelfLearning(
    from start: RefinementStart, _ source: FloatTensor, _ target: FloatTensor,
    continuing input: TensorFile, in context: ToolContext
  ) throws {
    let search = SearchOptions(threads: context.threads)
    let seed: IndexTensor
    switch start {
    case .dictionary(let pairs): seed = pairs
    case .mapping(let w):
      seed = try inducedDictionary(mapping: w, source, target, search: search)
    }
    let clock = Stopwatch()
    let result = try selfLearning(
      source: source, target: target, seed: seed, options: learning.options(k: k),
      randomSeed: context.seed, search: search
    ) { step in
      context.metrics([
        "iteration": step.iteration, "objective": step.objective,
        "keep_probability": step.keepProbability, "dictionary_size": step.dictionarySize,
        "seconds": clock.milliseconds / 1000,
      ])
    }
    try write(
      result.mapping, result.pairs, source, target, continuing: input, in: context,
      attributes: ["objective": .reals(result.steps.map(\.objective))])
  }

  /// Writes `pairs` and the orthogonal `w` (with its orthogonality defect),
  /// or, when multi-step options apply, the source and target maps of the
  /// multi-step mapping solved from `pairs`; each 'W' records the
  /// normalisation chain and `attributes`.
  func write(
    _ w: FloatTensor, _ pairs: IndexTensor, _ source: FloatTensor, _ target: FloatTensor,
    continuing input: TensorFile, in context: ToolContext, attributes: [String: AttributeValue]
  ) throws {
    var attributes = attributes
    attributes["normalization"] = .text(normalization.name)
    let steps = multiStep
    let writer = try context.writer(output)
    if steps.isOrthogonalOnly {
      attributes["orthogonality_defect"] = .real(Procrustes.orthogonalityDefect(w))
      try writer.write("W", w, attributes: attributes)
    } else {
      let maps = try MultiStepMapping.solve(
        source: source, target: target, pairs: pairs, options: steps)
      attributes.merge(stepAttributes(steps)) { a, _ in a }
      try writer.write("W", maps.source, attributes: attributes)
      try writer.write("W_tgt", maps.target, attributes: stepAttributes(steps))
    }
    try writer.write("pairs", pairs)
    try context.finish(writer, continuing: input)
  }

  /// The multi-step settings, recorded with the maps.
  func stepAttributes(_ o: MultiStepOptions) -> [String: AttributeValue] {
    [
      "whiten": .integer(o.whiten ? 1 : 0), "src_reweight": .real(o.sourceReweight),
      "trg_reweight": .real(o.targetReweight),
      "src_dewhiten": .text(o.sourceDewhiten?.rawValue ?? "none"),
      "trg_dewhiten": .text(o.targetDewhiten?.rawValue ?? "none"),
      "dimensions": .integer(Int64(o.dimensions)),
    ]
  }

  /// The CSLS dictionary (S2T&T2S) of a given mapping, to start self-learning from.
  func inducedDictionary(
    mapping w: FloatTensor, _ source: FloatTensor, _ target: FloatTensor, search: SearchOptions
  ) throws -> IndexTensor {
    var mapped = try Procrustes.map(source, by: w)
    Normalization([.unit]).apply(to: &mapped)
    let radii = try CSLSRadii(source: mapped, target: target, k: k, options: search)
    return try DictionaryInduction.induce(
      mapped: mapped, target: target, radii: radii, mode: .intersection,
      maxRank: learning.vocabularyCutoff, options: search)
  }
}
