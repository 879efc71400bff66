import ArgumentParser
import Foundation
import Retort
import RetortCLI

extension Protonet {
  struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Map 'x' to 'embeddings' [N,D] (the identity without -m).",
      discussion: """
        Carries the input's other datasets (labels, ...) unless --no-carry.

        EXAMPLES:
          protonet embed -m proto.h5 test.h5 -o test-embeddings.h5
        """)

    @OptionGroup var encoder: EncoderOptions
    @Argument(help: ArgumentHelp("Data with 'x' ('-': standard input).", valueName: "data[:x]"))
    var data: InputSpec = InputSpec(path: "-")
    @Flag(name: .long, help: "Do not copy the input's other datasets into the output.")
    var noCarry = false
    @OptionGroup var sharding: ShardOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var common: CommonOptions

    /// Carries the input's datasets (their `rows` in a shard), and marks a shard.
    func carry(from file: TensorFile, into writer: TensorFileWriter, rows: Range<Int>, total: Int, except: Set<String>) throws {
      try carryAndMark(from: file, into: writer, rows: rows, total: total, except: except, noCarry: noCarry, shard: sharding.shard)
    }

    func run() throws {
      common.applyThreads()
      let (network, _) = try encoder.load()
      let (file, x, _, rows, total) = try readRows(data, network: network, labelsRequired: false, shard: sharding.shard)
      let writer = try output.makeWriter()
      try writer.write("embeddings", embed(x, with: network))
      try carry(from: file, into: writer, rows: rows, total: total, except: ["embeddings", "x"])
      try writer.finish(tool: "protonet", inputs: [file])
    }
  }

  struct MakePrototypes: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "prototypes",
      abstract: "Class means of the support embeddings: 'prototypes' [K,D] and 'classes' [K].",
      discussion: """
        EXAMPLES:
          protonet prototypes -m proto.h5 support.h5 -o protos.h5
          protonet prototypes features.h5:embeddings -o feature-protos.h5
        """)

    @OptionGroup var encoder: EncoderOptions
    @Argument(help: ArgumentHelp("Support set with 'x' and 'labels'.", valueName: "support[:x]"))
    var support: InputSpec = InputSpec(path: "-")
    @OptionGroup var output: OutputOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
      common.applyThreads()
      let (network, distance) = try encoder.load()
      let (file, x, labels, _, _) = try readRows(support, network: network, labelsRequired: true)
      let (prototypes, classes) = try Prototypes.compute(embeddings: embed(x, with: network), labels: labels!)
      let writer = try output.makeWriter()
      try writer.write("prototypes", prototypes, attributes: distance.map { ["distance": .text($0.rawValue)] } ?? [:])
      try writer.write("classes", IndexTensor(shape: [classes.count], scalars: classes))
      try writer.finish(tool: "protonet", inputs: [file])
    }
  }

  struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Classify queries against prototypes: 'log_probs' [N,K] and 'pred' [N] (class ids).",
      discussion: """
        log p(k|x) = log softmax over k of -d(f(x), c_k). Carries the input's datasets \
        unless --no-carry.

        EXAMPLES:
          protonet classify -m proto.h5 --prototypes protos.h5 queries.h5 -o predicted.h5
        """)

    @OptionGroup var encoder: EncoderOptions
    @Option(name: .long, help: ArgumentHelp("File with 'prototypes' and 'classes'.", valueName: "file"))
    var prototypes: String
    @Option(name: .long, help: "Distance (default: the model's, else sqeuclidean).")
    var distance: FewShotDistance?
    @Argument(help: ArgumentHelp("Queries with 'x' ('-': standard input).", valueName: "queries[:x]"))
    var queries: InputSpec = InputSpec(path: "-")
    @Flag(name: .long, help: "Do not copy the input's other datasets into the output.")
    var noCarry = false
    @OptionGroup var sharding: ShardOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var common: CommonOptions

    func carry(from file: TensorFile, into writer: TensorFileWriter, rows: Range<Int>, total: Int, except: Set<String>) throws {
      try carryAndMark(from: file, into: writer, rows: rows, total: total, except: except, noCarry: noCarry, shard: sharding.shard)
    }

    func run() throws {
      common.applyThreads()
      let (network, trained) = try encoder.load()
      let (file, x, _, rows, total) = try readRows(queries, network: network, labelsRequired: false, shard: sharding.shard)
      let protoFile = try TensorFile(path: prototypes)
      let p = try protoFile.readFiniteFloat("prototypes")
      let classes = try protoFile.readInt("classes").scalars
      let q = embed(x, with: network)
      guard p.rank == 2, p.shape[1] == q.shape[1], classes.count == p.rowCount else {
        throw RetortError.data("prototypes \(p.shape) with \(classes.count) classes do not fit queries of dimension \(q.shape[1]): \(protoFile.label)")
      }
      let (logProbs, predicted) = Prototypes.classify(
        queries: q, prototypes: p, classes: classes, distance: distance ?? trained ?? .sqeuclidean)
      let writer = try output.makeWriter()
      try writer.write("log_probs", logProbs)
      try writer.write("pred", IndexTensor(shape: [predicted.count], scalars: predicted))
      try carry(from: file, into: writer, rows: rows, total: total, except: ["log_probs", "pred"])
      try writer.finish(tool: "protonet", inputs: [file])
    }
  }

  struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "N-way K-shot accuracy over test episodes, with a 95% confidence interval.",
      discussion: """
        Prints {"accuracy", "ci95", "episodes", "query", "shot", "way"}: the mean \
        accuracy over --episodes seeded episodes drawn from the classes of DATA and \
        1.96*sd/sqrtepisodes, as the paper reports them. -o writes the per-episode \
        accuracies as 'accuracies'.

        EXAMPLES:
          protonet eval -m proto.h5 --way 5 --shot 1 --episodes 1000 test.h5
          protonet eval --way 5 --shot 5 features.h5:embeddings
        """)

    @OptionGroup var encoder: EncoderOptions
    @Option(name: .long, help: "Classes per episode.")
    var way = 5
    @Option(name: .long, help: "Support examples per class.")
    var shot = 1
    @Option(name: .long, help: "Query examples per class.")
    var query = 15
    @Option(name: .long, help: "Test episodes.")
    var episodes = 1000
    @Option(name: .long, help: "Distance (default: the model's, else sqeuclidean).")
    var distance: FewShotDistance?
    @Argument(help: ArgumentHelp("Data with 'x' and 'labels'.", valueName: "data[:x]"))
    var data: InputSpec = InputSpec(path: "-")
    @Option(name: .shortAndLong, help: ArgumentHelp("Write per-episode accuracies to FILE.", valueName: "file"))
    var output: String?
    @OptionGroup var common: CommonOptions

    func validate() throws {
      guard way >= 2, shot >= 1, query >= 1, episodes >= 1 else {
        throw ValidationError("--way must be at least 2; --shot, --query, --episodes at least 1")
      }
    }

    func run() throws {
      common.applyThreads()
      let (network, trained) = try encoder.load()
      let (file, x, labels, _, _) = try readRows(data, network: network, labelsRequired: true)
      let embedded = embed(x, with: network)
      var generator = SeededGenerator(seed: common.seed)
      let result: FewShotEvaluation
      do {
        result = try evaluateFewShot(
          embed: { $0 }, x: embedded, labels: labels!, way: way, shot: shot, query: query,
          episodes: episodes, distance: distance ?? trained ?? .sqeuclidean, generator: &generator)
      } catch let e as RetortError { throw e.naming(file) }
      if let output {
        let writer = try TensorFileWriter(.path(output))
        try writer.write("accuracies", FloatTensor(shape: [episodes], scalars: result.accuracies.map(Float.init)))
        try writer.finish(tool: "protonet", inputs: [file])
      }
      print(JSON.object([
        "accuracy": result.accuracy, "ci95": result.ci95, "episodes": episodes, "way": way,
        "shot": shot, "query": query,
      ]))
    }
  }
}
