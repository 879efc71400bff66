import ArgumentParser
import Foundation
import Retort
import RetortCLI

extension Distill {
  struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Report accuracy, NLL and expected calibration error as one JSON object.",
      discussion: """
        Prints {"accuracy", "ece", "examples", "nll"}: the fraction classified right, the \
        mean negative log-likelihood of the labels under softmax(z/T), and the expected \
        calibration error over 15 equal-width confidence bins.

        EXAMPLES:
          distill eval -m model.h5 test.h5
          distill eval -m ban.h5 --ensemble test.h5
        """)

    @OptionGroup var model: ModelOptions

    @Argument(help: ArgumentHelp("Data with 'x' and 'labels' ('-': standard input).", valueName: "data[:x]"))
    var data: InputSpec = InputSpec(path: "-")

    @OptionGroup var common: CommonOptions

    func run() throws {
      common.applyThreads()
      let networks = try model.load()
      let (_, x, labels) = try readInputs(data, for: networks[0], labelsRequired: true)
      let report = ClassificationReport(
        logits: ClassifierModelFile.logits(networks, x: x), labels: labels!, temperature: model.temperature)
      print(JSON.object(["accuracy": report.accuracy, "nll": report.nll, "ece": report.ece, "examples": report.count]))
    }
  }
}
