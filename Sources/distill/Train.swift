import ArgumentParser
import Foundation
import Retort
import RetortCLI

extension Distill {
  struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Train a classifier on hard labels, soft targets or both; born-again generations.",
      discussion: """
        DATA holds 'x' [N,...], 'labels' [N] and/or 'probs' [N,C] (from softlabel), and \
        optionally 'weight' [N]. Losses, with z the logits and T the temperature: hard \
        CE(softmax(z/T), y); soft CE(softmax(z/T), q) (no T^2 factor, as defensive \
        distillation trains); mixed alpha*T^2*CE(softmax(z/T), q) + (1-alpha)*CE(softmax(z), y). \
        With --val the epoch with the lowest validation NLL (at the training temperature) is kept. \
        --generations K trains K born-again students after the first network, each on \
        its predecessor's soft labels at T, and writes all of them and their ensemble.

        EXAMPLES:
          distill train --arch 784-128-10 --epochs 30 --val val.h5 train.h5 -o model.h5
          distill train --arch 784-256-10 -T 20 --targets soft student-data.h5 -o student.h5
          distill train --arch 784-128-10 --generations 3 --variant cwtm train.h5 -o ban.h5
        """)

    @Argument(help: ArgumentHelp("Training data ('-': standard input).", valueName: "data[:x]"))
    var data: InputSpec = InputSpec(path: "-")

    @Option(name: .long, help: "Network, e.g. 784-1200-1200-10 or dense:256,relu,dropout:0.5,dense:10.")
    var arch: String

    @Option(name: .long, help: "Targets: hard (labels), soft (probs) or mixed.")
    var targets: ClassifierTrainingOptions.Targets = .hard

    @Option(name: [.customShort("T"), .long], help: "Softmax temperature during training.")
    var temperature: Float = 1

    @Option(name: .long, help: "Weight of the soft term with --targets mixed.")
    var alpha: Float = 0.5

    @Option(name: .long, help: "Passes over the data.")
    var epochs = 10

    @Option(name: .long, help: "Mini-batch size.")
    var batch = 128

    @Option(name: .long, help: "Learning rate.")
    var lr: Float = 0.001

    @Option(name: .long, help: "Optimizer: adam or sgd (with --momentum, --nesterov).")
    var optimizer: ClassifierTrainingOptions.OptimizerKind = .adam

    @Option(name: .long, help: "SGD momentum.")
    var momentum: Float = 0.9

    @Flag(name: .long, help: "Nesterov momentum for SGD.")
    var nesterov = false

    @Option(name: .long, help: "L2 weight decay added to the gradient.")
    var weightDecay: Float = 0

    @Option(name: .long, help: ArgumentHelp("Dropout after every hidden activation (0: none).", valueName: "p"))
    var dropout: Float = 0

    @Option(name: .long, help: ArgumentHelp("Validation data with 'x' and 'labels'; keeps the best epoch.", valueName: "file"))
    var val: InputSpec?

    @Option(name: .long, help: ArgumentHelp("Born-again generations after the first network.", valueName: "k"))
    var generations = 0

    @Option(name: .long, help: "Born-again targets: plain, cwtm (confidence weights) or dkpp (permuted dark knowledge).")
    var variant: BornAgain.Variant = .plain

    @OptionGroup var output: OutputOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
      guard temperature > 0, temperature.isFinite else { throw ValidationError("-T must be positive, got \(temperature)") }
      guard epochs >= 1, batch >= 1 else { throw ValidationError("--epochs and --batch must be at least 1") }
      guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be positive") }
      guard (0...1).contains(alpha) else { throw ValidationError("--alpha must be in [0, 1]") }
      guard (0..<1).contains(dropout) else { throw ValidationError("--dropout must be in [0, 1)") }
      guard generations >= 0 else { throw ValidationError("--generations must be at least 0") }
    }

    /// The architecture with dropout inserted after every hidden activation.
    func architecture() throws -> Architecture {
      var a = try Architecture(parsing: arch)
      guard dropout > 0 else { return a }
      var layers = [LayerSpec]()
      for (i, l) in a.layers.enumerated() {
        layers.append(l)
        if i < a.layers.count - 1, l == .relu || { if case .leakyReLU = l { true } else { false } }() {
          layers.append(.dropout(rate: dropout))
        }
      }
      a.layers = layers
      return a
    }

    func run() throws {
      common.applyThreads()
      var options = ClassifierTrainingOptions(architecture: try architecture())
      options.targets = targets
      options.temperature = temperature
      options.alpha = alpha
      options.epochs = epochs
      options.batchSize = batch
      options.learningRate = lr
      options.optimizer = optimizer
      options.momentum = momentum
      options.nesterov = nesterov
      options.weightDecay = weightDecay

      let file = try data.open()
      let xName = data.dataset(or: "x")
      let x = try file.readFiniteFloat(xName)
      guard x.rank >= 2 else { throw RetortError.data("dataset '\(xName)' must be [N, features...], it is \(x.shape): \(file.label)") }
      var set = ClassifierTrainingSet(x: x)
      if file.contains("labels") { set.labels = try file.readInt("labels").scalars }
      if targets != .hard { set.probs = try file.readFiniteFloat("probs") }
      if file.contains("weight") { set.weights = try file.readFiniteFloat("weight").scalars }
      var validation: (x: FloatTensor, labels: [Int64])? = nil
      if let val {
        let vf = try val.open()
        validation = (try vf.readFiniteFloat(val.dataset(or: "x")), try vf.readInt("labels").scalars)
        guard validation!.x.rowWidth == x.rowWidth, validation!.labels.count == validation!.x.rowCount else {
          throw RetortError.data("validation 'x' \(validation!.x.shape) and 'labels' do not match the training data: \(vf.label)")
        }
      }

      let log = try common.metricsLog()
      let progress = Progress(total: x.rowCount * epochs * (generations + 1), label: "train", quiet: common.quiet)
      var generator = SeededGenerator(seed: common.seed)
      let networks: [Network]
      do {
        networks = try BornAgain.train(
          options, data: set, generations: generations, variant: variant, validation: validation,
          generator: &generator, onBatch: { progress.advance(by: $0) },
          onEpoch: { report in
            var fields: [String: Any] = [
              "generation": report.generation, "epoch": report.epoch, "loss": report.loss,
              "seconds": report.seconds,
            ]
            if let v = report.validation {
              fields["val_loss"] = v.nll
              fields["val_accuracy"] = v.accuracy
            }
            log.record(fields)
          })
      } catch let e as RetortError {
        progress.finish()
        throw RetortError(e.kind, "\(e.message): \(file.label)")
      }
      progress.finish()
      let writer = try output.makeWriter()
      try ClassifierModelFile.write(networks, to: writer, temperature: temperature)
      try writer.finish(tool: "distill", inputs: [file])
    }
  }
}
