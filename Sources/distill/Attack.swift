import ArgumentParser
import Foundation
import Retort
import RetortCLI

extension Distill {
  struct Attack: RetortTool {
    static let configuration = CommandConfiguration.subcommand(
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
        'x_eps<eps>' (several), 'labels', JSMA's 'target', and the per-row outcomes \
        ('attacked', 'succeeded', 'l0', 'l2', 'linf', 'amplitude', suffixed per eps) \
        from which --summarize recomputes the report, e.g. after 'tensor merge' of \
        --shard parts.
        """,
      examples: [
        "distill attack -m model.h5 --method fgsm --eps 0.1,0.3 test.h5",
        "distill attack -m model.h5 --method jsma --gamma 0.145 --limit 500 test.h5 -o adv.h5",
        "distill attack -m model.h5 --method fgsm --eps 0.1,0.3 --shard 0/2 test.h5 -o part-0.h5",
      ])

    enum Method: String, ExpressibleByArgument, CaseIterable { case fgsm, jsma }

    @OptionGroup var model: ModelOptions

    @Argument(
      help: ArgumentHelp("Data with 'x' and 'labels' ('-': standard input).", valueName: "data[:x]")
    )
    var data: InputSpec = InputSpec(path: "-")

    @Option(name: .long, help: "Attack: fgsm or jsma.")
    var method: Method = .fgsm

    @Option(name: .long, help: ArgumentHelp("FGSM step sizes, comma-separated.", valueName: "list"))
    var eps = NumberList(values: [0.1])

    @Option(name: .long, help: "JSMA: change of each selected feature (+1 increases).")
    var theta = JSMA.defaultTheta

    @Option(name: .long, help: "JSMA: largest fraction of features changed.")
    var gamma = JSMA.defaultGamma

    @Option(
      name: .long, help: ArgumentHelp("Feature range to clip to, 'lo,hi'.", valueName: "lo,hi"))
    var clip = NumberList(values: [0, 1])

    @Option(name: .long, help: ArgumentHelp("Attack only the first N rows.", valueName: "n"))
    var limit: Int?

    @OptionGroup var output: ReportOutputOptions

    @Option(
      name: .long,
      help: ArgumentHelp(
        "Print the report of an attack result file (e.g. merged shards) and stop.",
        valueName: "file"))
    var summarize: String?

    @OptionGroup var sharding: ShardOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
      for e in eps.values { try requireOption(e >= 0, "--eps", shortDecimal(e), "≥ 0") }
      let range = clip.values.map(shortDecimal).joined(separator: ",")
      try requireOption(
        clip.values.count == 2 && clip.values[0] < clip.values[1], "--clip", range,
        "'lo,hi' with lo < hi")
      try requireOption(gamma > 0 && gamma <= 1, "--gamma", gamma, "in (0, 1]")
      try requireOption(theta != 0 && theta.isFinite, "--theta", theta, "finite and not 0")
      if let limit { try requireOption(limit >= 1, "--limit", limit, "at least 1") }
    }

    func run(in context: ToolContext) throws {
      if let summarize {
        context.report(try AttackResultFile.report(of: context.open(path: summarize)).fields)
        return
      }
      if sharding.shard != nil && output.output == nil {
        throw RetortError.usage("--shard needs -o FILE for the partial result")
      }
      let networks = try model.load(in: context)
      guard networks.count == 1 else {
        throw RetortError.usage("attacks run on one network, not an ensemble")
      }
      let network = networks[0]
      let input = try context.featureRows(
        data, .rows(for: network, labels: true, limit: limit), shard: sharding.shard)
      let result = try attack(network, input, seed: context.seed)
      if let writer = try output.makeWriter() {
        try AttackResultFile.write(result, to: writer)
        try context.finish(writer, part: input.part, carrying: input.file, carry: false)
      }
      var report = result.report.fields
      if method == .jsma {
        report["gamma"] = typedDecimal(gamma)
        report["theta"] = typedDecimal(theta)
      }
      context.report(report)
    }

    /// The attack's per-row results on `input`.
    func attack(_ network: Network, _ input: FeatureRows, seed: UInt64) throws
      -> AttackResultFile.Contents
    {
      var network = network
      let (x, labels) = (input.x, input.labels!)
      let amplitudes = network.outputGradientAmplitudes(x, temperature: model.temperature)
      let bounds = clip.values[0]...clip.values[1]
      let epsilons = method == .fgsm ? eps.values : []
      var targets: [Int64]? = nil
      let outcomes: [AttackOutcome]
      switch method {
      case .fgsm:
        outcomes = FGSM.attack(
          network, x: x, labels: labels, epsilons: epsilons, temperature: model.temperature,
          clip: bounds)
      case .jsma:
        let t = JSMA.randomTargets(
          labels: labels, classes: network.outputWidth, seed: seed,
          firstRow: input.part.rows.lowerBound)
        targets = t
        outcomes = [
          JSMA.attack(
            network, x: x, labels: labels, targets: t, theta: theta, gamma: gamma, clip: bounds)
        ]
      }
      return AttackResultFile.Contents(
        method: method.rawValue, epsilons: epsilons.map(typedDecimal), original: x,
        outcomes: outcomes,
        amplitudes: amplitudes, labels: labels,
        targets: targets)
    }
  }
}
