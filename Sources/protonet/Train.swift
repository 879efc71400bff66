import ArgumentParser
import Foundation
import Retort
import RetortCLI

extension Protonet {
  struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Train an encoder on episodes drawn from the training classes.",
      discussion: """
        Each episode draws --way classes without replacement, --shot support and --query \
        query examples of each; the loss is the mean negative log-probability of the \
        queries' classes under softmax of minus the distances to the prototypes. Adam, \
        learning rate halved every --halve-every episodes. Training way and shot may \
        differ from those of evaluation (the paper trains with more ways).

        EXAMPLES:
          protonet train --arch 784-256-64 --way 20 --shot 5 --query 5 --episodes 200 train.h5 -o proto.h5
        """)

    @Argument(help: ArgumentHelp("Training data with 'x' and 'labels'.", valueName: "data[:x]"))
    var data: InputSpec = InputSpec(path: "-")

    @Option(name: .long, help: "Encoder, e.g. 784-256-64 or conv3x3:64,bn,relu,maxpool2,...,flatten.")
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
    var distance: FewShotDistance = .sqeuclidean

    @Option(name: .long, help: "Adam learning rate.")
    var lr: Float = 0.001

    @Option(name: .long, help: "Halve the learning rate every this many episodes.")
    var halveEvery = 2000

    @OptionGroup var output: OutputOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
      guard way >= 2, shot >= 1, query >= 1, episodes >= 1, halveEvery >= 1 else {
        throw ValidationError("--way must be at least 2; --shot, --query, --episodes, --halve-every at least 1")
      }
      guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be positive") }
    }

    func run() throws {
      common.applyThreads()
      let (file, x, labels, _, _) = try readRows(data, network: nil, labelsRequired: true)
      var generator = SeededGenerator(seed: common.seed)
      var network = try Network(Architecture(parsing: arch), inputShape: Array(x.shape.dropFirst()), generator: &generator)
      let log = try common.metricsLog()
      let progress = Progress(total: episodes, label: "episodes", quiet: common.quiet)
      do {
        try trainPrototypical(
          network: &network, x: x, labels: labels!, way: way, shot: shot, query: query,
          episodes: episodes, distance: distance, learningRate: lr, halveEvery: halveEvery,
          generator: &generator
        ) { report in
          progress.advance()
          log.record([
            "episode": report.episode, "loss": report.loss, "accuracy": report.accuracy,
            "lr": report.learningRate,
          ])
        }
      } catch let e as RetortError {
        progress.finish()
        throw e.naming(file)
      }
      progress.finish()
      let writer = try output.makeWriter()
      try network.write(to: writer, group: "model", attributes: [
        "distance": .text(distance.rawValue), "way": .integer(Int64(way)), "shot": .integer(Int64(shot)),
        "query": .integer(Int64(query)), "episodes": .integer(Int64(episodes)),
      ])
      try writer.finish(tool: "protonet", inputs: [file])
    }
  }
}
