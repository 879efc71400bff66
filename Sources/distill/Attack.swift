import ArgumentParser
import Foundation
import Retort
import RetortCLI

extension Distill {
  struct Attack: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Attack a model with FGSM or JSMA and report how it fared, as JSON.",
      discussion: """
        Rows the model classifies correctly are attacked. FGSM (untargeted) succeeds when \
        the model misclassifies x' = clip(x + eps*sign(grad_x CE)); JSMA (Papernot et al. \
        2016, pairwise saliency map on the logits, a random target class per row, \
        seeded) succeeds when the model predicts the target within a fraction --gamma of \
        changed features. The report: success_rate, mean_l0 (features changed), mean_l2, \
        mean_linf (over successful rows; per eps as arrays when several are given), \
        gradient_amplitude (mean over rows of (1/C)*sum_j |dF_j/dx|_1 with F = softmax(z/T)) \
        and its median gradient_amplitude_median, \
        attacked, examples. -o writes the adversarial examples as 'x' (one eps) or \
        'x_eps<eps>' (several), with 'labels' and JSMA's 'target'.

        EXAMPLES:
          distill attack -m model.h5 --method fgsm --eps 0.1,0.3 test.h5
          distill attack -m model.h5 --method jsma --gamma 0.145 --limit 500 test.h5 -o adv.h5
        """)

    enum Method: String, ExpressibleByArgument, CaseIterable { case fgsm, jsma }

    @OptionGroup var model: ModelOptions

    @Argument(help: ArgumentHelp("Data with 'x' and 'labels' ('-': standard input).", valueName: "data[:x]"))
    var data: InputSpec = InputSpec(path: "-")

    @Option(name: .long, help: "Attack: fgsm or jsma.")
    var method: Method

    @Option(name: .long, help: ArgumentHelp("FGSM step sizes, comma-separated.", valueName: "list"))
    var eps = "0.1"

    @Option(name: .long, help: "JSMA: change of each selected feature (+1 increases).")
    var theta: Float = 1

    @Option(name: .long, help: "JSMA: largest fraction of features changed.")
    var gamma: Float = 0.145

    @Option(name: .long, help: ArgumentHelp("Feature range to clip to, 'lo,hi'.", valueName: "lo,hi"))
    var clip = "0,1"

    @Option(name: .long, help: ArgumentHelp("Attack only the first N rows.", valueName: "n"))
    var limit: Int?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the adversarial examples to FILE.", valueName: "file"))
    var output: String?

    @OptionGroup var common: CommonOptions

    func numbers(_ text: String, option: String) throws -> [Float] {
      let values = text.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
      guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0!.isFinite }) else {
        throw ValidationError("\(option) must be comma-separated numbers, got '\(text)'")
      }
      return values.map { $0! }
    }

    func validate() throws {
      guard try numbers(eps, option: "--eps").allSatisfy({ $0 >= 0 }) else { throw ValidationError("--eps must be >= 0") }
      let c = try numbers(clip, option: "--clip")
      guard c.count == 2, c[0] < c[1] else { throw ValidationError("--clip must be 'lo,hi' with lo < hi") }
      guard gamma > 0, gamma <= 1 else { throw ValidationError("--gamma must be in (0, 1]") }
      guard theta != 0 else { throw ValidationError("--theta must not be 0") }
      if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
      common.applyThreads()
      let networks = try model.load()
      guard networks.count == 1 else { throw RetortError.usage("attacks run on one network, not an ensemble") }
      var network = networks[0]
      var (file, x, labels) = try readInputs(data, for: network, labelsRequired: true)
      if let limit, limit < x.rowCount {
        x = x.rows(0..<limit)
        labels = Array(labels![0..<limit])
      }
      let range = try numbers(clip, option: "--clip")
      let bounds = range[0]...range[1]
      let amplitudes = network.outputGradientAmplitudes(x, temperature: model.temperature).sorted()
      var report: [String: Any] = [
        "method": method.rawValue, "examples": x.rowCount,
        "gradient_amplitude": amplitudes.reduce(0, +) / Double(amplitudes.count),
        "gradient_amplitude_median": amplitudes[amplitudes.count / 2],
      ]
      var outputs: [(String, FloatTensor)] = []
      var extra: [(String, IndexTensor)] = []
      switch method {
      case .fgsm:
        let epsilons = try numbers(eps, option: "--eps")
        let results = FGSM.attack(network, x: x, labels: labels!, epsilons: epsilons, temperature: model.temperature, clip: bounds)
        let stats = results.map(\.statistics)
        report["attacked"] = stats[0].attacked
        if epsilons.count == 1 {
          report["eps"] = decimal(epsilons[0])
          add(stats[0], to: &report)
          outputs = [("x", results[0].adversarial)]
        } else {
          report["eps"] = epsilons.map(decimal)
          report["success_rate"] = stats.map(\.successRate)
          report["mean_l0"] = stats.map(\.meanL0)
          report["mean_l2"] = stats.map(\.meanL2)
          report["mean_linf"] = stats.map(\.meanLinf)
          outputs = zip(epsilons, results).map { ("x_eps\(shortNumber($0))", $1.adversarial) }
        }
      case .jsma:
        var generator = SeededGenerator(seed: common.seed)
        let targets = JSMA.randomTargets(labels: labels!, classes: network.outputWidth, generator: &generator)
        let (adv, stats) = JSMA.attack(network, x: x, labels: labels!, targets: targets, theta: theta, gamma: gamma, clip: bounds)
        report["attacked"] = stats.attacked
        report["gamma"] = decimal(gamma)
        report["theta"] = decimal(theta)
        add(stats, to: &report)
        outputs = [("x", adv)]
        extra = [("target", IndexTensor(shape: [targets.count], scalars: targets))]
      }
      if let output {
        let writer = try TensorFileWriter(.path(output))
        for (name, t) in outputs { try writer.write(name, t.reshaped(x.shape)) }
        try writer.write("labels", IndexTensor(shape: [labels!.count], scalars: labels!))
        for (name, t) in extra { try writer.write(name, t) }
        try writer.finish(tool: "distill", inputs: [file])
      }
      print(JSON.object(report))
    }

    func add(_ s: AttackStatistics, to report: inout [String: Any]) {
      report["success_rate"] = s.successRate
      report["mean_l0"] = s.meanL0
      report["mean_l2"] = s.meanL2
      report["mean_linf"] = s.meanLinf
    }

    /// A float option as the decimal the user typed (0.1, not 0.10000000149).
    func decimal(_ v: Float) -> Double { Double("\(v)") ?? Double(v) }

    func shortNumber(_ v: Float) -> String {
      let s = "\(v)"
      return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
    }
  }
}
