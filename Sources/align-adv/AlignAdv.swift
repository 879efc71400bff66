import Glibc
import Retort
import RetortArguments
import RetortCLI

/// Runs `align-adv` as a program: parses the command line, does the work, exits
/// (the entry point of the `align-adv` name of the multi-call binary).
public func runAlignAdv() { AlignAdv.main() }

struct AlignAdv: RetortCommand, RetortTool {
  static let datasetRoles = ["embeddings", "words"]

  static let configuration = CommandConfiguration.tool(
    "align-adv",
    abstract:
      "Learn a mapping between two embedding spaces without parallel data (adversarial, MUSE).",
    discussion: """
      W maps a source vector x to W*x (mapped rows are src*W^T, MUSE's convention). \
      A discriminator (an MLP: input dropout, --dis-layers hidden layers of --dis-hidden \
      units with LeakyReLU 0.2, one logit) learns to tell mapped source rows from target \
      rows, drawn among the --dis-most-frequent rows of each side (rows sorted by \
      frequency); W learns to fool it, and after every mapping step \
      W <- (1+beta)W - beta(WW^T)W keeps it orthogonal. After each epoch the \
      unsupervised criterion (mean cosine of the CSLS translations of the 10,000 most \
      frequent source words) picks the best W. Defaults are those of MUSE's \
      unsupervised script; sizes are clamped to small vocabularies. Writes 'W' and \
      'criterion' (one value per epoch); --log writes discriminator loss and accuracy, \
      criterion and learning rate per epoch. Follow it with procrustes --init W.h5 \
      --refine 5 and csls --eval.

      Adversarial training is a local search from the identity. With a small \
      discriminator or few samples it can settle in a wrong basin, and then the \
      criterion stays low (no dictionary is needed to see it); MUSE's sizes, the \
      defaults, are far more reliable but slow (about an hour per epoch of 300-d \
      vectors on 2 cores). Otherwise try another --seed, or seed procrustes with \
      --seed-dict identical when the two vocabularies share spellings.
      """,
    examples: [
      "align-adv en.h5 fr.h5 --epochs 2 --epoch-size 20000 --dis-hidden 256 -o W-adv.h5",
      "align-adv en.h5 fr.h5 --normalize center,unit --epochs 1 --epoch-size 10000 "
        + "--dis-hidden 128 --log - -o W-adv.h5",
    ])

  static let defaults = AdversarialOptions()

  /// The option of each setting: its name in kebab case, but for three.
  static let optionNames = RetortCLI.optionNames(
    Mirror(reflecting: defaults).children.compactMap(\.label),
    except: [
      "disLearningRate": "--dis-lr", "mapLearningRate": "--map-lr",
      "mapIdentityInit": "--map-id-init",
    ])

  @OptionGroup var inputs: EmbeddingPairOptions

  @Option(name: .long, help: "Epochs.")
  var epochs = defaults.epochs
  @Option(name: .long, help: "Samples per epoch (iterations = epoch size / batch size).")
  var epochSize = defaults.epochSize
  @Option(name: .long, help: "Batch size.")
  var batchSize = defaults.batchSize
  @Option(name: .long, help: "Discriminator hidden layers.")
  var disLayers = defaults.disLayers
  @Option(name: .long, help: "Discriminator hidden units.")
  var disHidden = defaults.disHidden
  @Option(name: .long, help: "Discriminator input dropout.")
  var disInputDropout = defaults.disInputDropout
  @Option(name: .long, help: "Discriminator dropout after hidden layers.")
  var disDropout = defaults.disDropout
  @Option(name: .long, help: "Discriminator steps per mapping step.")
  var disSteps = defaults.disSteps
  @Option(name: .long, help: "Discriminator label smoothing.")
  var disSmooth = defaults.disSmooth
  @Option(name: .long, help: "Clip discriminator weights to [-c, c] after each step (0: off).")
  var disClipWeights = defaults.disClipWeights
  @Option(
    name: .long,
    help: "Weight of the adversarial loss in the mapping step (0: W stays as it starts).")
  var disLambda = defaults.disLambda
  @Flag(
    inversion: .prefixedNo,
    help: ArgumentHelp(
      "Start W at the identity (--no-map-id-init: uniform in +-1/sqrt(D), "
        + "as a PyTorch linear layer)."))
  var mapIdInit = defaults.mapIdentityInit
  @Option(name: .long, help: "Use only this many most frequent rows of each side (0: all).")
  var maxVocab = 200_000
  @Option(name: .long, help: "Sample discriminator rows among this many most frequent (0: all).")
  var disMostFrequent = defaults.disMostFrequent
  @Option(name: .long, help: "Discriminator SGD learning rate.")
  var disLr = defaults.disLearningRate
  @Option(name: .long, help: "Mapping SGD learning rate.")
  var mapLr = defaults.mapLearningRate
  @Option(name: .long, help: "Learning-rate decay per epoch.")
  var lrDecay = defaults.lrDecay
  @Option(name: .long, help: "Learning-rate shrink when the criterion does not improve.")
  var lrShrink = defaults.lrShrink
  @Option(name: .long, help: "Stop when the learning rate falls below this.")
  var minLr = defaults.minLr
  @Option(name: .long, help: "Orthogonalisation beta.")
  var mapBeta = defaults.mapBeta
  @Option(name: .long, help: "Source words in the unsupervised criterion.")
  var criterionRank = defaults.criterionRank

  @OptionGroup var output: OutputOptions
  @OptionGroup var common: CommonOptions

  /// The core's settings from the options.
  func adversarialOptions(threads: Int) -> AdversarialOptions {
    var options = AdversarialOptions()
    options.epochs = epochs
    options.epochSize = epochSize
    options.batchSize = batchSize
    options.disLayers = disLayers
    options.disHidden = disHidden
    options.disInputDropout = disInputDropout
    options.disDropout = disDropout
    options.disSteps = disSteps
    options.disSmooth = disSmooth
    options.disClipWeights = disClipWeights
    options.disLambda = disLambda
    options.mapIdentityInit = mapIdInit
    options.disMostFrequent = disMostFrequent
    options.disLearningRate = disLr
    options.mapLearningRate = mapLr
    options.lrDecay = lrDecay
    options.lrShrink = lrShrink
    options.minLr = minLr
    options.mapBeta = mapBeta
    options.criterionRank = criterionRank
    options.search = SearchOptions(threads: threads)
    return options
  }

  func run(in context: ToolContext) throws {
    guard maxVocab >= 0 else {
      throw RetortError.usage("--max-vocab must be ≥ 0, got \(maxVocab)")
    }
    // As MUSE: keep the most frequent rows, then normalise what is kept.
    let (src, tgt) = try inputs.read(
      in: context, rows: maxVocab == 0 ? nil : 0..<maxVocab, normalizingAfterRows: true)
    let options = adversarialOptions(threads: context.threads)
    try options.validate()
    let iterations = epochs.multipliedReportingOverflow(by: options.iterationsPerEpoch)
    let progress = context.progress(
      total: iterations.overflow ? Int.max : iterations.partialValue, label: "iterations")
    var generator = context.generator()
    let result = try alignAdversarially(
      source: src.vectors, target: tgt.vectors, options: options, generator: &generator,
      onEpoch: { epoch in
        context.metrics([
          "epoch": epoch.epoch, "discriminator_loss": epoch.discriminatorLoss,
          "discriminator_accuracy": epoch.discriminatorAccuracy, "criterion": epoch.criterion,
          "lr": epoch.learningRate, "seconds": epoch.seconds,
        ])
      }, onIteration: { progress.advance() })
    let writer = try context.writer(output)
    try writer.write(
      "W", result.mapping,
      attributes: [
        "best_epoch": .integer(Int64(result.bestEpoch)),
        "orthogonality_defect": .real(Procrustes.orthogonalityDefect(result.mapping)),
      ])
    let criteria = FloatTensor(
      shape: [result.criteria.count], scalars: result.criteria.map(Float.init))
    try writer.write("criterion", criteria)
    try context.finish(writer, continuing: src.file)
  }
}
