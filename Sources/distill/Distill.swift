import ArgumentParser
import Retort
import RetortCLI

@main
struct Distill: RetortCommand {
  static var configuration: CommandConfiguration {
    CommandConfiguration(
      commandName: "distill",
      abstract: "Train, run, evaluate and attack classifiers: distillation and born-again networks.",
      discussion: """
        A model runs at T = 1 in predict, eval and attack unless -T is given: a \
        distilled network is deployed at T = 1, whatever temperature it was trained at.

        EXAMPLES:
          distill train --arch 784-1200-1200-10 -T 20 train.h5 -o teacher.h5
          distill predict -m teacher.h5 train.h5 | softlabel -T 20 | distill train --targets soft -T 20 --arch 784-1200-1200-10 - -o student.h5
          distill eval -m student.h5 test.h5
          distill attack -m student.h5 --method fgsm --eps 0.1,0.3 test.h5

        EXIT STATUS: 0 success, 64 usage, 65 bad input data, 66 missing input, \
        70 internal error, 73 cannot create output, 74 I/O error.
        """,
      version: versionText,
      subcommands: [Train.self, Predict.self, Eval.self, Attack.self])
  }
}

/// `-m MODEL` with the choice of generation or ensemble, shared by predict, eval and attack.
struct ModelOptions: ParsableArguments {
  @Option(name: [.short, .customLong("model")], help: ArgumentHelp("Model file from 'distill train' (required).", valueName: "file"))
  var model: String?

  @Option(name: .long, help: ArgumentHelp("Run born-again generation K instead of the final network.", valueName: "k"))
  var generation: Int?

  @Flag(name: .long, help: "Run the ensemble of the born-again generations.")
  var ensemble = false

  @Option(name: [.customShort("T"), .long], help: "Temperature to run the model at (default 1).")
  var temperature: Float = 1

  func validate() throws {
    if generation != nil && ensemble { throw ValidationError("--generation and --ensemble exclude each other") }
    guard temperature > 0, temperature.isFinite else { throw ValidationError("-T must be positive, got \(temperature)") }
  }

  /// The selected network(s).
  func load() throws -> [Network] {
    guard let model else { throw RetortError.usage("a model is required: -m FILE") }
    let file = try TensorFile(path: model)
    let selection: ClassifierModelFile.Selection =
      ensemble ? .ensemble : generation.map { .generation($0) } ?? .final
    return try ClassifierModelFile.read(file, selection: selection)
  }
}

/// Reads `x` (finite, rows matching the network's input; only `rows` when
/// given) and the labels when present or required.
func readInputs(
  _ spec: InputSpec, for network: Network, labelsRequired: Bool, rows: Range<Int>? = nil
) throws -> (file: TensorFile, x: FloatTensor, labels: [Int64]?) {
  let file = try spec.open()
  let name = spec.dataset(or: "x")
  let x = try file.readFiniteFloat(name, rows: rows)
  guard x.rank >= 2, x.rowCount > 0 else {
    throw RetortError.data("dataset '\(name)' must hold rows of features, it is \(x.shape): \(file.label)")
  }
  guard x.rowWidth == network.inputWidth else {
    throw RetortError.data(
      "dataset '\(name)' has rows of shape \(Array(x.shape.dropFirst())), the model takes \(network.inputShape): \(file.label)")
  }
  var labels: [Int64]? = nil
  if labelsRequired || file.contains("labels") {
    labels = try file.readInt("labels", rows: rows).scalars
    guard labels!.count == x.rowCount else {
      throw RetortError.data("'labels' has \(labels!.count) rows, '\(name)' has \(x.rowCount): \(file.label)")
    }
    do { try checkLabels(labels!, classes: network.outputWidth) } catch let e as RetortError {
      throw RetortError.data("\(e.message): \(file.label)")
    }
  }
  return (file, x, labels)
}

extension ClassifierTrainingOptions.Targets: ExpressibleByArgument {}
extension ClassifierTrainingOptions.OptimizerKind: ExpressibleByArgument {}
extension BornAgain.Variant: ExpressibleByArgument {}
