import ArgumentParser
import Foundation
import Retort
import RetortCLI

@main
struct AlignAdv: RetortCommand {
  static var configuration: CommandConfiguration {
    CommandConfiguration(
      commandName: "align-adv",
      abstract: "Learn a mapping between two embedding spaces without parallel data (adversarial, MUSE).",
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

        EXAMPLES:
          align-adv en.h5 fr.h5 --epochs 2 --epoch-size 20000 --dis-hidden 256 -o W-adv.h5
          align-adv en.h5 fr.h5 --normalize center,unit --epochs 1 --epoch-size 10000 --dis-hidden 128 --log - -o W-adv.h5

        EXIT STATUS: 0 success, 64 usage, 65 bad input data, 66 missing input, \
        70 internal error, 73 cannot create output, 74 I/O error.
        """,
      version: versionText)
  }

  @Argument(help: ArgumentHelp("Source embeddings, rows by frequency.", valueName: "src[:embeddings]"))
  var source: InputSpec

  @Argument(help: ArgumentHelp("Target embeddings, rows by frequency.", valueName: "tgt[:embeddings]"))
  var target: InputSpec

  @Option(name: .long, help: "Epochs.")
  var epochs = 5
  @Option(name: .long, help: "Samples per epoch (iterations = epoch size / batch size).")
  var epochSize = 1_000_000
  @Option(name: .long, help: "Batch size.")
  var batchSize = 32
  @Option(name: .long, help: "Discriminator hidden layers.")
  var disLayers = 2
  @Option(name: .long, help: "Discriminator hidden units.")
  var disHidden = 2048
  @Option(name: .long, help: "Discriminator input dropout.")
  var disInputDropout: Float = 0.1
  @Option(name: .long, help: "Discriminator dropout after hidden layers.")
  var disDropout: Float = 0
  @Option(name: .long, help: "Discriminator steps per mapping step.")
  var disSteps = 5
  @Option(name: .long, help: "Discriminator label smoothing.")
  var disSmooth: Float = 0.1
  @Option(name: .long, help: "Clip discriminator weights to [-c, c] after each step (0: off).")
  var disClipWeights: Float = 0
  @Option(name: .long, help: "Weight of the adversarial loss in the mapping step (0: W stays as it starts).")
  var disLambda: Float = 1
  @Flag(inversion: .prefixedNo, help: "Start W at the identity (--no-map-id-init: uniform in +-1/sqrt(D), as a PyTorch linear layer).")
  var mapIdInit = true
  @Option(name: .long, help: "Use only this many most frequent rows of each side (0: all).")
  var maxVocab = 200_000
  @Option(name: .long, help: "Sample discriminator rows among this many most frequent (0: all).")
  var disMostFrequent = 75_000
  @Option(name: .long, help: "Discriminator SGD learning rate.")
  var disLr: Float = 0.1
  @Option(name: .long, help: "Mapping SGD learning rate.")
  var mapLr: Float = 0.1
  @Option(name: .long, help: "Learning-rate decay per epoch.")
  var lrDecay: Float = 0.98
  @Option(name: .long, help: "Learning-rate shrink when the criterion does not improve.")
  var lrShrink: Float = 0.5
  @Option(name: .long, help: "Stop when the learning rate falls below this.")
  var minLr: Float = 1e-6
  @Option(name: .long, help: "Orthogonalisation beta.")
  var mapBeta: Float = 0.001
  @Option(name: .long, help: "Source words in the unsupervised criterion.")
  var criterionRank = 10_000

  @OptionGroup var normalization: NormalizationOptions
  @OptionGroup var output: OutputOptions
  @OptionGroup var common: CommonOptions

  func run() throws {
    common.applyThreads()
    try checkSingleStandardInput([source, target])
    guard maxVocab >= 0 else { throw RetortError.usage("--max-vocab must be ≥ 0, got \(maxVocab)") }
    // As MUSE: keep the most frequent rows, then normalise what is kept.
    let rows = maxVocab == 0 ? nil : 0..<maxVocab
    var src = try EmbeddingInput(source, normalization: Normalization([]), rows: rows)
    var tgt = try EmbeddingInput(target, normalization: Normalization([]), rows: rows)
    normalization.chain.apply(to: &src.vectors)
    normalization.chain.apply(to: &tgt.vectors)
    guard src.vectors.shape[1] == tgt.vectors.shape[1] else {
      throw RetortError.data("source vectors have \(src.vectors.shape[1]) dimensions, target \(tgt.vectors.shape[1]): \(src.file.label), \(tgt.file.label)")
    }
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
    options.search = SearchOptions(threads: common.threadCount)
    let log = try common.metricsLog()
    let progress = Progress(total: epochs, label: "epochs", quiet: common.quiet)
    var generator = SeededGenerator(seed: common.seed)
    let result = try alignAdversarially(
      source: src.vectors, target: tgt.vectors, options: options, generator: &generator
    ) { epoch in
      progress.advance()
      log.record([
        "epoch": epoch.epoch, "discriminator_loss": epoch.discriminatorLoss,
        "discriminator_accuracy": epoch.discriminatorAccuracy, "criterion": epoch.criterion,
        "lr": epoch.learningRate, "seconds": epoch.seconds,
      ])
      common.note("align-adv", "epoch \(epoch.epoch): criterion \(epoch.criterion)")
    }
    progress.finish()
    let writer = try output.makeWriter()
    try writer.write("W", result.mapping, attributes: [
      "best_epoch": .integer(Int64(result.bestEpoch)),
      "orthogonality_defect": .real(Procrustes.orthogonalityDefect(result.mapping)),
    ])
    try writer.write("criterion", FloatTensor(shape: [result.criteria.count], scalars: result.criteria.map(Float.init)))
    try writer.finish(tool: "align-adv", inputs: [src.file])
  }
}
