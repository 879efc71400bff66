import Retort
import RetortArguments
import RetortCLI

/// Runs `distill` as a program: parses the command line, does the work, exits
/// (the entry point of the `distill` name of the multi-call binary).
public func runDistill() { Distill.main() }

struct Distill: RetortCommand {
  static let configuration = CommandConfiguration.tool(
    "distill",
    abstract: "Train, run, evaluate and attack classifiers: distillation and born-again networks.",
    discussion: """
      A model runs at T = 1 in predict, eval and attack unless -T is given: a \
      distilled network is deployed at T = 1, whatever temperature it was trained at.
      """,
    examples: [
      "distill train --arch 784-1200-1200-10 -T 20 train.h5 -o teacher.h5",
      "distill predict -m teacher.h5 train.h5 | softlabel -T 20 "
        + "| distill train --targets soft -T 20 --arch 784-1200-1200-10 - -o student.h5",
      "distill eval -m student.h5 test.h5",
      "distill attack -m student.h5 --method fgsm --eps 0.1,0.3 test.h5",
    ],
    subcommands: [Train.self, Predict.self, Eval.self, Attack.self])
}

/// `-m MODEL` with the choice of generation or ensemble, shared by predict, eval and attack.
struct ModelOptions: ParsableArguments {
  @Option(
    name: [.short, .customLong("model")],
    help: ArgumentHelp("Model file from 'distill train' (required).", valueName: "file"))
  var model: String?

  @Option(
    name: .long,
    help: ArgumentHelp("Run born-again generation K instead of the final network.", valueName: "k"))
  var generation: Int?

  @Flag(name: .long, help: "Run the ensemble of the born-again generations.")
  var ensemble = false

  @Option(name: [.customShort("T"), .long], help: "Temperature to run the model at (default 1).")
  var temperature: Float = 1

  func validate() throws {
    if generation != nil && ensemble {
      throw ValidationError("--generation and --ensemble exclude each other")
    }
    try requirePositiveOption(temperature, "-T")
  }

  /// The selected network(s).
  func load(in context: ToolContext) throws -> [Network] { try open(in: context).networks }

  /// The selected network(s) and the fingerprint of their training rows, when recorded.
  func open(in context: ToolContext) throws -> (networks: [Network], trainedOn: String?) {
    guard let model else { throw RetortError.usage("a model is required: -m FILE") }
    let selection: ClassifierModelFile.Selection =
      ensemble ? .ensemble : generation.map { .generation($0) } ?? .final
    let file = try context.open(path: model)
    return (
      try ClassifierModelFile.read(file, selection: selection),
      try ClassifierModelFile.trainingRows(file)
    )
  }
}

extension FeatureRows.Requirements {
  /// Rows that `network` takes, with labels in its classes.
  static func rows(for network: Network, labels: Bool, limit: Int? = nil) -> Self {
    Self(inputShape: network.inputShape, labels: labels, classes: network.outputWidth, limit: limit)
  }
}

extension ClassifierTrainingOptions.Targets: ExpressibleByArgument {}
extension ClassifierTrainingOptions.OptimizerKind: ExpressibleByArgument {}
extension BornAgain.Variant: ExpressibleByArgument {}
