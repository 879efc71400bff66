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
        'x_eps<eps>' (several), 'labels', JSMA's 'target', and the per-row outcomes \
        ('attacked', 'succeeded', 'l0', 'l2', 'linf', 'amplitude', suffixed per eps) \
        from which --summarize recomputes the report, e.g. after 'tensor merge' of \
        --shard parts.

        EXAMPLES:
          distill attack -m model.h5 --method fgsm --eps 0.1,0.3 test.h5
          distill attack -m model.h5 --method jsma --gamma 0.145 --limit 500 test.h5 -o adv.h5
          distill attack -m model.h5 --method fgsm --eps 0.1,0.3 --shard 0/2 test.h5 -o part-0.h5
        """)

    enum Method: String, ExpressibleByArgument, CaseIterable { case fgsm, jsma }

    @OptionGroup var model: ModelOptions

    @Argument(help: ArgumentHelp("Data with 'x' and 'labels' ('-': standard input).", valueName: "data[:x]"))
    var data: InputSpec = InputSpec(path: "-")

    @Option(name: .long, help: "Attack: fgsm or jsma.")
    var method: Method = .fgsm

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

    @Option(name: .long, help: ArgumentHelp("Print the report of an attack result file (e.g. merged shards) and stop.", valueName: "file"))
    var summarize: String?

    @OptionGroup var sharding: ShardOptions
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
      if let summarize {
        print(JSON.object(try summary(of: TensorFile(path: summarize))))
        return
      }
      if sharding.shard != nil && output == nil { throw RetortError.usage("--shard needs -o FILE for the partial result") }
      let networks = try model.load()
      guard networks.count == 1 else { throw RetortError.usage("attacks run on one network, not an ensemble") }
      var network = networks[0]
      let file = try data.open()
      let total = min(limit ?? Int.max, try file.info(data.dataset(or: "x")).shape.first ?? 0)
      let rows = sharding.shard?.rows(of: total) ?? 0..<total
      let (_, x, labelsRead) = try readInputs(data, for: network, labelsRequired: true, rows: rows)
      let labels = labelsRead!
      let range = try numbers(clip, option: "--clip")
      let bounds = range[0]...range[1]
      let amplitudes = network.outputGradientAmplitudes(x, temperature: model.temperature)
      var outcomes: [(suffix: String, outcome: AttackOutcome)]
      var targets: [Int64]? = nil
      switch method {
      case .fgsm:
        let epsilons = try numbers(eps, option: "--eps")
        let results = FGSM.attack(network, x: x, labels: labels, epsilons: epsilons, temperature: model.temperature, clip: bounds)
        outcomes = zip(epsilons, results).map { (epsilons.count == 1 ? "" : "_eps\(shortNumber($0))", $1) }
      case .jsma:
        targets = JSMA.randomTargets(labels: labels, classes: network.outputWidth, seed: common.seed, firstRow: rows.lowerBound)
        outcomes = [("", JSMA.attack(network, x: x, labels: labels, targets: targets!, theta: theta, gamma: gamma, clip: bounds))]
      }
      let norms = outcomes.map { PerturbationNorms(original: x, adversarial: $0.outcome.adversarial) }
      if let output {
        let writer = try TensorFileWriter(.path(output))
        for ((suffix, outcome), norm) in zip(outcomes, norms) {
          try writer.write("x" + suffix, outcome.adversarial.reshaped(x.shape))
          try writer.write("succeeded" + suffix, IndexTensor(shape: [x.rowCount], scalars: outcome.succeeded.map { $0 ? 1 : 0 }))
          for (name, values) in [("l0", norm.l0), ("l2", norm.l2), ("linf", norm.linf)] {
            try writer.write(name + suffix, FloatTensor(shape: [x.rowCount], scalars: values.map(Float.init)))
          }
        }
        try writer.write("attacked", IndexTensor(shape: [x.rowCount], scalars: outcomes[0].outcome.attacked.map { $0 ? 1 : 0 }))
        try writer.write("amplitude", FloatTensor(shape: [x.rowCount], scalars: amplitudes.map(Float.init)))
        try writer.write("labels", IndexTensor(shape: [labels.count], scalars: labels))
        if let targets { try writer.write("target", IndexTensor(shape: [targets.count], scalars: targets)) }
        try writer.setAttribute("method", .text(method.rawValue))
        if method == .fgsm { try writer.setAttribute("eps", .reals(try numbers(eps, option: "--eps").map(decimal))) }
        if let shard = sharding.shard { try writer.markShard(shard, rows: rows, total: total, tool: "distill") }
        try writer.finish(tool: "distill", inputs: [file])
      }
      var report = Self.report(
        method: method, epsilons: method == .fgsm ? try numbers(eps, option: "--eps").map(decimal) : [],
        attacked: outcomes[0].outcome.attacked, succeeded: outcomes.map(\.outcome.succeeded), norms: norms,
        amplitudes: amplitudes)
      if method == .jsma {
        report["gamma"] = decimal(gamma)
        report["theta"] = decimal(theta)
      }
      print(JSON.object(report))
    }

    /// The JSON report of per-row outcomes (one entry per eps for FGSM).
    static func report(
      method: Method, epsilons: [Double], attacked: [Bool], succeeded: [[Bool]], norms: [PerturbationNorms],
      amplitudes: [Double]
    ) -> [String: Any] {
      let stats = zip(succeeded, norms).map { AttackStatistics(attacked: attacked, succeeded: $0, norms: $1) }
      let sorted = amplitudes.sorted()
      var report: [String: Any] = [
        "method": method.rawValue, "examples": attacked.count, "attacked": stats[0].attacked,
        "gradient_amplitude": sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count),
        "gradient_amplitude_median": sorted.isEmpty ? 0 : sorted[sorted.count / 2],
      ]
      func put(_ key: String, _ value: (AttackStatistics) -> Double) {
        report[key] = stats.count == 1 ? value(stats[0]) as Any : stats.map(value) as Any
      }
      put("success_rate") { $0.successRate }
      put("mean_l0") { $0.meanL0 }
      put("mean_l2") { $0.meanL2 }
      put("mean_linf") { $0.meanLinf }
      if method == .fgsm { report["eps"] = epsilons.count == 1 ? epsilons[0] as Any : epsilons as Any }
      return report
    }

    /// The report of a file that `attack -o` (or `tensor merge` of its shards) wrote.
    func summary(of file: TensorFile) throws -> [String: Any] {
      guard case .text(let name)? = try file.attributes()["method"], let method = Method(rawValue: name) else {
        throw RetortError.data("not an attack result (no 'method' attribute): \(file.label)")
      }
      var epsilons = [Double]()
      if case .reals(let e)? = try file.attributes()["eps"] { epsilons = e }
      let suffixes = method == .fgsm && epsilons.count > 1 ? epsilons.map { "_eps\(shortNumber(Float($0)))" } : [""]
      let attacked = try file.readInt("attacked").scalars.map { $0 != 0 }
      let succeeded = try suffixes.map { try file.readInt("succeeded" + $0).scalars.map { $0 != 0 } }
      let norms = try suffixes.map { s in
        PerturbationNorms(
          l0: try file.readFloat("l0" + s).scalars.map(Double.init), l2: try file.readFloat("l2" + s).scalars.map(Double.init),
          linf: try file.readFloat("linf" + s).scalars.map(Double.init))
      }
      return Self.report(
        method: method, epsilons: epsilons, attacked: attacked, succeeded: succeeded, norms: norms,
        amplitudes: try file.readFloat("amplitude").scalars.map(Double.init))
    }

    /// A float option as the decimal the user typed (0.1, not 0.10000000149).
    func decimal(_ v: Float) -> Double { Double("\(v)") ?? Double(v) }

    func shortNumber(_ v: Float) -> String {
      let s = "\(v)"
      return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
    }
  }
}
