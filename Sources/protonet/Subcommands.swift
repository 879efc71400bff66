import Glibc
import Retort
import RetortArguments
import RetortCLI

extension Protonet {
  struct Embed: RetortTool {
    static let datasetRoles = ["x"]

    static let configuration = CommandConfiguration.subcommand(
      abstract: "Map 'x' to 'embeddings' [N,D] (the identity without -m).",
      discussion: "Carries the input's other datasets (labels, ...) unless --no-carry.",
      examples: ["protonet embed -m proto.h5 test.h5 -o test-embeddings.h5"])

    @OptionGroup var encoder: EncoderOptions
    @Argument(help: ArgumentHelp("Data with 'x' ('-': standard input).", valueName: "data[:x]"))
    var data: InputSpec = InputSpec(path: "-")
    @OptionGroup var filter: FilterOutputOptions
    @OptionGroup var common: CommonOptions

    func run(in context: ToolContext) throws {
      let model = try encoder.load(in: context)
      let input = try context.featureBlocks(data, model.rows(labels: false), shard: filter.shard)
      let writer = try context.writer(filter.output)
      let embeddings = try writer.rowBlocks(
        "embeddings",
        shape: [input.part.rows.count, model.width(rowShape: input.storedRowShape)])
      for block in input.blocks { try embeddings.append(model.embed(try input.read(block))) }
      try embeddings.finish()
      try context.finish(
        writer, part: input.part, carrying: input.file, carry: !filter.carry.noCarry,
        except: ["embeddings", "x"])
    }
  }

  struct MakePrototypes: RetortTool {
    static let datasetRoles = ["x", "labels"]

    static let configuration = CommandConfiguration.subcommand(
      "prototypes",
      abstract: "Class means of the support embeddings: 'prototypes' [K,D] and 'classes' [K].",
      examples: [
        "protonet prototypes -m proto.h5 support.h5 -o protos.h5",
        "protonet prototypes features.h5:embeddings -o feature-protos.h5",
      ])

    @OptionGroup var encoder: EncoderOptions
    @Argument(help: ArgumentHelp("Support set with 'x' and 'labels'.", valueName: "support[:x]"))
    var support: InputSpec = InputSpec(path: "-")
    @OptionGroup var output: OutputOptions
    @OptionGroup var common: CommonOptions

    func run(in context: ToolContext) throws {
      let model = try encoder.load(in: context)
      let input = try context.featureRows(support, model.rows(labels: true))
      let (prototypes, classes) = try Prototypes.compute(
        embeddings: model.embed(input.x), labels: input.labels!)
      let writer = try context.writer(output)
      var attributes: [String: AttributeValue] = ["encoder": .text(model.fingerprint)]
      if let distance = model.distance { attributes["distance"] = .text(distance.rawValue) }
      try writer.write("prototypes", prototypes, attributes: attributes)
      try writer.write("classes", IndexTensor(shape: [classes.count], scalars: classes))
      try context.finish(writer, continuing: input.file)
    }
  }

  struct Classify: RetortTool {
    static let datasetRoles = ["x"]

    static let configuration = CommandConfiguration.subcommand(
      abstract:
        "Classify queries against prototypes: 'log_probs' [N,K] and 'pred' [N] (class ids).",
      discussion: """
        log p(k|x) = log softmax over k of -d(f(x), c_k). Carries the input's datasets \
        unless --no-carry.
        """,
      examples: ["protonet classify -m proto.h5 --prototypes protos.h5 queries.h5 -o predicted.h5"])

    @OptionGroup var encoder: EncoderOptions
    @Option(
      name: .long, help: ArgumentHelp("File with 'prototypes' and 'classes'.", valueName: "file"))
    var prototypes: String
    @Option(name: .long, help: "Distance (default: the model's, else sqeuclidean).")
    var distance: FewShotDistance?
    @Argument(
      help: ArgumentHelp("Queries with 'x' ('-': standard input).", valueName: "queries[:x]"))
    var queries: InputSpec = InputSpec(path: "-")
    @OptionGroup var filter: FilterOutputOptions
    @OptionGroup var common: CommonOptions

    func run(in context: ToolContext) throws {
      let model = try encoder.load(in: context)
      let input = try context.featureBlocks(
        queries, model.rows(labels: false), shard: filter.shard)
      let protoFile = try context.open(path: prototypes)
      if case .text(let made)? = try protoFile.attributes(of: "prototypes")["encoder"],
        made != model.fingerprint
      {
        throw RetortError.data(
          "'prototypes' were made with another encoder (\(made)) than this run's "
            + "(\(model.fingerprint)): give the -m they were made with", file: protoFile.label)
      }
      let p = try protoFile.readFiniteFloat("prototypes")
      let classes = try protoFile.readInt("classes").scalars
      let width = model.width(rowShape: input.storedRowShape)
      guard p.rank == 2, p.shape[1] == width, classes.count == p.rowCount else {
        throw RetortError.data(
          "prototypes \(p.shape) with \(classes.count) classes "
            + "do not fit queries of dimension \(width)",
          file: protoFile.label)
      }
      let rule = distance ?? model.distance ?? .sqeuclidean
      let writer = try context.writer(filter.output)
      let rows = input.part.rows.count
      let logProbs = try writer.rowBlocks("log_probs", shape: [rows, p.rowCount])
      let predicted = try writer.indexRowBlocks("pred", count: rows)
      for block in input.blocks {
        let (blockLogProbs, blockPredicted) = Prototypes.classify(
          queries: model.embed(try input.read(block)), prototypes: p, classes: classes,
          distance: rule)
        try logProbs.append(blockLogProbs)
        try predicted.append(blockPredicted)
      }
      try logProbs.finish()
      try predicted.finish()
      try context.finish(
        writer, part: input.part, carrying: input.file, carry: !filter.carry.noCarry,
        except: ["log_probs", "pred"])
    }
  }

  struct Eval: RetortTool {
    static let datasetRoles = ["x", "labels"]

    static let configuration = CommandConfiguration.subcommand(
      abstract: "N-way K-shot accuracy over test episodes, with a 95% confidence interval.",
      discussion: """
        Prints {"accuracy", "ci95", "episodes", "query", "shot", "way"}: the mean \
        accuracy over --episodes seeded episodes drawn from the classes of DATA and \
        1.96*sd/sqrtepisodes, as the paper reports them. -o writes the per-episode \
        accuracies as 'accuracies'. --rotations 4 evaluates on the rotation classes \
        (each quarter turn of a class a class), as the paper does on Omniglot.
        """,
      examples: [
        "protonet eval -m proto.h5 --way 5 --shot 1 --episodes 1000 test.h5",
        "protonet eval --way 5 --shot 5 features.h5:embeddings",
      ])

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
    @Option(name: .long, help: "1, or 4: each quarter turn of a class is a class (square images).")
    var rotations = 1
    @Argument(help: ArgumentHelp("Data with 'x' and 'labels'.", valueName: "data[:x]"))
    var data: InputSpec = InputSpec(path: "-")
    @OptionGroup var output: ReportOutputOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
      try checkEpisodes(way: way, shot: shot, query: query, episodes: episodes)
      try requireRotations(rotations)
    }

    func run(in context: ToolContext) throws {
      let model = try encoder.load(in: context)
      let input = try context.featureRows(data, model.rows(labels: true))
      var generator = context.generator()
      let result = try context.naming(input.file) {
        let (x, labels) = try RotationClasses.expand(
          input.x, labels: input.labels!, count: rotations)
        return try evaluateFewShot(
          embed: { $0 }, x: model.embed(x), labels: labels, way: way, shot: shot,
          query: query, episodes: episodes, distance: distance ?? model.distance ?? .sqeuclidean,
          generator: &generator)
      }
      if let writer = try output.makeWriter() {
        try writer.write(
          "accuracies", FloatTensor(shape: [episodes], scalars: result.accuracies.map(Float.init)))
        try context.finish(writer, continuing: input.file)
      }
      context.report([
        "accuracy": result.accuracy, "ci95": result.ci95, "episodes": episodes, "way": way,
        "shot": shot, "query": query,
      ])
    }
  }
}
