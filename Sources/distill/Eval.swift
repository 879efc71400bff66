import Glibc
import Retort
import RetortArguments
import RetortCLI

extension Distill {
  struct Eval: RetortTool {
    static let datasetRoles = ["x", "labels"]

    static let configuration = CommandConfiguration.subcommand(
      abstract: "Report accuracy, NLL and expected calibration error as one JSON object.",
      discussion: """
        Prints {"accuracy", "ece", "examples", "nll"}: the fraction classified right, the \
        mean negative log-likelihood of the labels under softmax(z/T), and the expected \
        calibration error over 15 equal-width confidence bins. Warns when the rows are \
        those the model was trained on (its 'trained_on' fingerprint).
        """,
      examples: [
        "distill eval -m model.h5 test.h5",
        "distill eval -m ban.h5 --ensemble test.h5",
      ])

    @OptionGroup var model: ModelOptions

    @Argument(
      help: ArgumentHelp("Data with 'x' and 'labels' ('-': standard input).", valueName: "data[:x]")
    )
    var data: InputSpec = InputSpec(path: "-")

    @OptionGroup var common: CommonOptions

    func run(in context: ToolContext) throws {
      let (networks, trainedOn) = try model.open(in: context)
      let input = try context.featureRows(data, .rows(for: networks[0], labels: true))
      var rows = Fingerprint.Rows(shape: try input.file.info(input.name).shape)
      rows.add(input.x.scalars)
      if let trainedOn, trainedOn == rows.hex {
        context.warn(
          "'\(input.name)' holds the rows the model was trained on: this is training accuracy")
      }
      let logits = try context.naming(input.file) {
        try ClassifierModelFile.logits(
          networks, x: input.x, temperature: model.temperature, dataset: input.name)
      }
      let report = ClassificationReport(logits: logits, labels: input.labels!)
      context.report([
        "accuracy": report.accuracy, "nll": report.nll, "ece": report.ece, "examples": report.count,
      ])
    }
  }
}
