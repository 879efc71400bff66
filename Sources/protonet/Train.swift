import Glibc
import Retort
import RetortArguments
import RetortCLI

extension Protonet {
  struct Train: RetortTool {
    static let datasetRoles = ["x", "labels"]

    static let configuration = CommandConfiguration.subcommand(
      abstract: "Train an encoder on episodes drawn from the training classes.",
      discussion: """
        Each episode draws --way classes without replacement, --shot support and --query \
        query examples of each; the loss is the mean negative log-probability of the \
        queries' classes under softmax of minus the distances to the prototypes. Adam \
        (with L2 --weight-decay), learning rate halved every --halve-every episodes. \
        Training way and shot may differ from those of evaluation (the paper trains with \
        more ways). --rotations 4 adds each image rotated by 90, 180 and 270 degrees as \
        three new classes (Omniglot's protocol; square images only). With --val, the \
        encoder is validated every --val-every episodes (and after the last) on \
        --val-episodes fixed episodes of the validation classes, which must not be \
        training classes; the model written is the best by --select, and training stops \
        after --patience validations without improvement. Every validation point goes to \
        the --log; the model records its training and validation classes \
        ('train_classes', 'val_classes').
        """,
      examples: [
        "protonet train --arch 784-256-64 --way 20 --shot 5 --query 5 --episodes 200 "
          + "train.h5 -o proto.h5",
        "protonet train --arch 784-256-64 --way 20 --episodes 400 --val val.h5 --val-every 100 "
          + "--val-way 5 --patience 2 train.h5 -o best.h5",
      ])

    static let optionNames = RetortCLI.optionNames(
      [
        "architecture", "way", "shot", "query", "halveEvery", "rotations", "patience",
        "validateEvery",
      ],
      except: ["architecture": "--arch", "validateEvery": "--val-every"])

    @Argument(help: ArgumentHelp("Training data with 'x' and 'labels'.", valueName: "data[:x]"))
    var data: InputSpec = InputSpec(path: "-")

    @Option(
      name: .long, help: "Encoder, e.g. 784-256-64 or conv3x3:64,bn,relu,maxpool2,...,flatten.")
    var arch: String

    @Option(name: .long, help: "Classes per episode.")
    var way = 20

    @Option(name: .long, help: "Support examples per class.")
    var shot = 5

    @Option(name: .long, help: "Query examples per class.")
    var query = 5

    @Option(name: .long, help: "Training episodes.")
    var episodes = 5000

    @Option(name: .long, help: "Distance: sqeuclidean or cosine.")
    var distance = PrototypicalDefaults.distance

    @Option(name: .long, help: "Adam learning rate.")
    var lr = PrototypicalDefaults.learningRate

    @Option(name: .long, help: "Halve the learning rate every this many episodes.")
    var halveEvery = PrototypicalDefaults.halveEvery

    @Option(name: .long, help: "L2 weight decay added to the gradients.")
    var weightDecay: Float = 0

    @Option(name: .long, help: "1, or 4: each quarter turn of a class is a class (square images).")
    var rotations = 1

    @OptionGroup var validation: ValidationOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
      try checkEpisodes(way: way, shot: shot, query: query, episodes: episodes)
      try requireOption(halveEvery >= 1, "--halve-every", halveEvery, "at least 1")
      try requirePositiveOption(lr, "--lr")
      try requireOption(
        weightDecay >= 0 && weightDecay.isFinite, "--weight-decay", weightDecay, "at least 0")
      try requireRotations(rotations)
      try validation.check()
    }

    func run(in context: ToolContext) throws {
      let input = try context.featureRows(
        data, Encoder(network: nil, distance: nil).rows(labels: true))
      let held = try validation.rows(disjointFrom: input, in: context)
      let (x, labels) = try context.naming(input.file) {
        try RotationClasses.expand(input.x, labels: input.labels!, count: rotations)
      }
      var generator = context.generator()
      var network = try context.naming(input.file) {
        try Network(
          Architecture(parsing: arch), inputShape: Array(x.shape.dropFirst()),
          generator: &generator)
      }
      let schedule = try held.map { held in
        try context.naming(held.file) {
          let (vx, vlabels) = try RotationClasses.expand(
            held.x, labels: held.labels!, count: rotations)
          return try validation.schedule(
            x: vx, labels: vlabels, way: way, shot: shot, query: query, distance: distance,
            seed: context.seed)
        }
      }
      let progress = context.progress(total: episodes, label: "episodes")
      let summary = try context.naming(input.file) {
        try trainPrototypical(
          network: &network, x: x, labels: labels, way: way, shot: shot, query: query,
          episodes: episodes, distance: distance, learningRate: lr, halveEvery: halveEvery,
          weightDecay: weightDecay, validation: schedule, generator: &generator,
          onEpisode: { report in
            progress.advance()
            context.metrics([
              "episode": report.episode, "loss": report.loss, "accuracy": report.accuracy,
              "lr": report.learningRate,
            ])
          },
          onValidation: { point in
            context.metrics([
              "episodes": point.episodes, "val_loss": point.loss, "val_accuracy": point.accuracy,
              "best": point.isBest,
            ])
          })
      }
      if let best = summary.best {
        context.note(
          "kept the encoder after \(best.episodes) episodes (best \(validation.select.rawValue) "
            + "\(cFormat("%.4f", best.value)))"
            + (summary.stoppedEarly ? "; stopped after \(summary.episodes) episodes" : ""))
      }
      let writer = try context.writer(output)
      let training = EncoderModelFile.Training(
        distance: distance, way: way, shot: shot, query: query, episodes: summary.episodes,
        rotations: rotations, weightDecay: weightDecay, bestEpisode: summary.best?.episodes)
      try EncoderModelFile.write(network, training: training, to: writer)
      try writer.write("train_classes", classIDs(input.labels!))
      if let held { try writer.write("val_classes", classIDs(held.labels!)) }
      try context.finish(writer, continuing: input.file)
    }
  }
}

/// The distinct class ids of `labels`, ascending, as a dataset.
private func classIDs(_ labels: [Int64]) -> IndexTensor {
  let ids = Set(labels).sorted()
  return IndexTensor(shape: [ids.count], scalars: ids)
}
