import Glibc
import Retort
import RetortArguments
import RetortCLI

extension Distill {
  struct Train: RetortTool {
    static let datasetRoles = ["x", "labels", "probs", "weight"]

    static let configuration = CommandConfiguration.subcommand(
      abstract: "Train a classifier on hard labels, soft targets or both; born-again generations.",
      discussion: """
        DATA holds 'x' [N,...], 'labels' [N] and/or 'probs' [N,C] (from softlabel), and \
        optionally 'weight' [N]. Losses, with z the logits and T the temperature: hard \
        CE(softmax(z/T), y); soft CE(softmax(z/T), q) (no T^2 factor, as defensive \
        distillation trains); mixed alpha*T^2*CE(softmax(z/T), q) + (1-alpha)*CE(softmax(z), y). \
        With --val the epoch with the lowest validation NLL (at the training temperature) is kept. \
        --generations K trains K born-again students after the first network, each on \
        its predecessor's soft labels at T, and writes all of them and their ensemble. \
        'probs' that carry a 'rows_fingerprint' (distill predict, softlabel) must come from \
        these rows of 'x'. The model records the fingerprint of 'x' as 'trained_on', and \
        distill eval warns when it is given those rows.
        """,
      examples: [
        "distill train --arch 784-128-10 --epochs 30 --val val.h5 train.h5 -o model.h5",
        "distill train --arch 784-256-10 -T 20 --targets soft student-data.h5 -o student.h5",
        "distill train --arch 784-128-10 --generations 3 --variant cwtm train.h5 -o ban.h5",
      ])

    static let defaults = ClassifierTrainingOptions.defaults

    static let optionNames = RetortCLI.optionNames(
      [
        "targets", "learningRate", "batchSize", "epochs", "alpha", "momentum", "weightDecay",
        "temperature", "architecture",
      ],
      except: [
        "learningRate": "--lr", "batchSize": "--batch", "temperature": "-T",
        "architecture": "--arch",
      ])

    @Argument(help: ArgumentHelp("Training data ('-': standard input).", valueName: "data[:x]"))
    var data: InputSpec = InputSpec(path: "-")

    @Option(
      name: .long, help: "Network, e.g. 784-1200-1200-10 or dense:256,relu,dropout:0.5,dense:10.")
    var arch: String

    @Option(name: .long, help: "Targets: hard (labels), soft (probs) or mixed.")
    var targets = defaults.targets

    @Option(name: [.customShort("T"), .long], help: "Softmax temperature during training.")
    var temperature = defaults.temperature

    @Option(name: .long, help: "Weight of the soft term with --targets mixed.")
    var alpha = defaults.alpha

    @Option(name: .long, help: "Passes over the data.")
    var epochs = defaults.epochs

    @Option(name: .long, help: "Mini-batch size.")
    var batch = defaults.batchSize

    @Option(name: .long, help: "Learning rate.")
    var lr = defaults.learningRate

    @Option(name: .long, help: "Optimizer: adam or sgd (with --momentum, --nesterov).")
    var optimizer = defaults.optimizer

    @Option(name: .long, help: "SGD momentum.")
    var momentum = defaults.momentum

    @Flag(name: .long, help: "Nesterov momentum for SGD.")
    var nesterov = defaults.nesterov

    @Option(name: .long, help: "L2 weight decay added to the gradient.")
    var weightDecay = defaults.weightDecay

    @Option(
      name: .long,
      help: ArgumentHelp("Dropout after every hidden activation (0: none).", valueName: "p"))
    var dropout: Float = 0

    @Option(
      name: .long,
      help: ArgumentHelp(
        "Validation data with 'x' and 'labels'; keeps the best epoch.", valueName: "file"))
    var val: InputSpec?

    @Option(
      name: .long,
      help: ArgumentHelp("Born-again generations after the first network.", valueName: "k"))
    var generations = 0

    @Option(
      name: .long,
      help:
        "Born-again targets: plain, cwtm (confidence weights) or dkpp (permuted dark knowledge).")
    var variant: BornAgain.Variant = .plain

    @OptionGroup var output: OutputOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
      try requirePositiveOption(temperature, "-T")
      try requireOption(epochs >= 1, "--epochs", epochs, "at least 1")
      try requireOption(batch >= 1, "--batch", batch, "at least 1")
      try requirePositiveOption(lr, "--lr")
      try requireOption((0...1).contains(alpha), "--alpha", alpha, "in [0, 1]")
      try requireOption((0..<1).contains(dropout), "--dropout", dropout, "in [0, 1)")
      try requireOption(generations >= 0, "--generations", generations, "at least 0")
    }

    /// The units of the last dense layer of --arch: the classes it outputs.
    func lastDenseUnits() throws -> Int? {
      for layer in try Architecture(parsing: arch).layers.reversed() {
        if case .dense(let units) = layer { return units }
      }
      return nil
    }

    /// Warns when the soft targets were made at another temperature than -T
    /// (softlabel records it on 'probs').
    func warnOnTemperature(of file: TensorFile, in context: ToolContext) throws {
      let probs = file.dataset(for: "probs")
      guard case .real(let made)? = try file.attributes(of: probs)["temperature"],
        abs(made - typedDecimal(temperature)) > 1e-6 * made
      else { return }
      context.warn(
        "'\(probs)' was made at temperature \(shortDecimal(Float(made))), training runs at "
          + "-T \(shortDecimal(temperature))")
    }

    /// The core's settings from the options.
    func trainingOptions() throws -> ClassifierTrainingOptions {
      var options = ClassifierTrainingOptions(
        architecture: try Architecture(parsing: arch).insertingDropout(rate: dropout))
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
      return options
    }

    func run(in context: ToolContext) throws {
      let options = try trainingOptions()
      let (file, set, fingerprint) = try readTrainingSet(data, targets: targets, in: context)
      if targets != .hard { try warnOnTemperature(of: file, in: context) }
      if let labels = set.labels, labels.count == set.x.rowCount, labels.min() ?? 0 >= 0,
        let width = try lastDenseUnits(), let top = labels.max(), top < Int64(width / 2) - 1
      {
        context.warn(
          "the network has \(width) outputs but the labels use \(top + 1) classes (0..<\(top + 1))")
      }
      let validation = try val.map { try readValidationSet($0, width: set.x.rowWidth, in: context) }
      let progress = context.progress(
        total: set.x.rowCount * epochs * (generations + 1), label: "train")
      var generator = context.generator()
      let networks = try context.naming(file) {
        try BornAgain.train(
          options, data: set, generations: generations, variant: variant, validation: validation,
          generator: &generator, onBatch: { progress.advance(by: $0) },
          onEpoch: { context.metrics($0.fields) })
      }
      let writer = try context.writer(output)
      try ClassifierModelFile.write(
        networks, to: writer, temperature: temperature, trainedOn: fingerprint)
      try context.finish(writer, continuing: file)
    }
  }
}
