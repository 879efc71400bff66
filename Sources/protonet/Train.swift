import ArgumentParser
import FoundationEssentials
import Glibc
import Retort
import RetortCLI

extension Protonet {
  struct Train: RetortTool {
    static let datasetRoles = ["x", "labels"]

    static let configuration = CommandConfiguration.subcommand(
      abstract: "Train an encoder on episodes drawn from the training classes.",
      discussion: """
        Each episode draws --way classes without replacement, --shot support and --query \
        query examples of each; the loss is the mean negative log-probability of the \
        queries' classes under softmax of minus the distances to the prototypes. Adam, \
        learning rate halved every --halve-every episodes. Training way and shot may \
        differ from those of evaluation (the paper trains with more ways).
        """,
      examples: [
        "protonet train --arch 784-256-64 --way 20 --shot 5 --query 5 --episodes 200 "
          + "train.h5 -o proto.h5"
      ])

    static let optionNames = RetortCLI.optionNames(
      ["architecture", "way", "shot", "query", "halveEvery"], except: ["architecture": "--arch"])

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

    @OptionGroup var output: OutputOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
      try checkEpisodes(way: way, shot: shot, query: query, episodes: episodes)
      try requireOption(halveEvery >= 1, "--halve-every", halveEvery, "at least 1")
      try requirePositiveOption(lr, "--lr")
    }

    func run(in context: ToolContext) throws {
      let input = try context.featureRows(
        data, Encoder(network: nil, distance: nil).rows(labels: true))
      var generator = context.generator()
      var network = try context.naming(input.file) {
        try Network(
          Architecture(parsing: arch), inputShape: Array(input.x.shape.dropFirst()),
          generator: &generator)
      }
      let progress = context.progress(total: episodes, label: "episodes")
      try context.naming(input.file) {
        try trainPrototypical(
          network: &network, x: input.x, labels: input.labels!, way: way, shot: shot, query: query,
          episodes: episodes, distance: distance, learningRate: lr, halveEvery: halveEvery,
          generator: &generator
        ) { report in
          progress.advance()
          context.metrics([
            "episode": report.episode, "loss": report.loss, "accuracy": report.accuracy,
            "lr": report.learningRate,
          ])
        }
      }
      let writer = try context.writer(output)
      let training = EncoderModelFile.Training(
        distance: distance, way: way, shot: shot, query: query, episodes: episodes)
      try EncoderModelFile.write(network, training: training, to: writer)
      try context.finish(writer, continuing: input.file)
    }
  }
}
