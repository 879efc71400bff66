import Glibc
import Retort
import RetortArguments
import RetortCLI

extension Distill {
  struct Attack: RetortTool {
    static let datasetRoles = ["x", "labels"]

    static let configuration = CommandConfiguration.subcommand(
      abstract: "Attack a model (FGSM, JSMA, PGD, Carlini-Wagner L2) and report how it fared.",
      discussion: """
        Rows the model classifies correctly are attacked, at the model's -T. FGSM \
        (untargeted) moves x by eps*sign(grad_x CE). JSMA (Papernot et al. 2016) changes \
        pairs of features chosen by the saliency map of the softmax outputs F (--on probs, \
        the paper's form) or of the logits (--on logits) until the model predicts the \
        target or a fraction --gamma of the features has changed. A network distilled at \
        a high temperature and deployed at T = 1 saturates its softmax: dF/dx underflows \
        to 0 in float32, no pair qualifies and JSMA on probs fails, which is the defence \
        Papernot et al. report; JSMA on logits, PGD with --loss margin and C&W work on the \
        logits and are not stopped by it (Carlini and Wagner 2016). PGD (Madry et al. \
        2018) takes --steps steps of size --step in the L-inf or L2 ball of radius --eps \
        around x, ascending the cross-entropy or the logit margin. C&W L2 (Carlini and \
        Wagner 2017) minimises |d|^2 + c*max(margin, -kappa) over x' = tanh-box(w) with \
        Adam, a binary search over c, and keeps the smallest successful perturbation. \
        --target: none (untargeted: success is any wrong class; FGSM, PGD and C&W by \
        default), random (a class other than the label per row, seeded; JSMA's default), \
        all (every other class, one attempt each: the success rate is over all (row, \
        target) pairs, as the paper counts it) or a class K (rows of label K are skipped). \
        The report: method, success_rate, mean_l0 (features changed), mean_l2, mean_linf \
        (over successful attempts; per eps as arrays when several are given), for JSMA \
        mean_l0_capped (over all attacked attempts, a failure counted at the budget of \
        floor(gamma * features): a lower bound on what an adversary must change), attacked, \
        examples (attempts), gradient_amplitude (mean over rows of \
        (1/C)*sum_j |dF_j/dx|_1 with F = softmax(z/T)) and gradient_amplitude_median. \
        -o writes the adversarial examples as 'x' (one eps) or 'x_eps<eps>' (several), \
        'labels', 'target' and 'row' (the input row of each attempt) for targeted attacks, \
        and the per-attempt outcomes ('attacked', 'succeeded', 'l0', 'l2', 'linf', \
        'amplitude', suffixed per eps) from which --summarize recomputes the report, \
        e.g. after 'tensor merge' of --shard parts.
        """,
      examples: [
        "distill attack -m model.h5 --method fgsm --eps 0.1,0.3 test.h5",
        "distill attack -m model.h5 --method jsma --on probs --target all --limit 20 test.h5",
        "distill attack -m model.h5 --method jsma --on logits --gamma 0.145 --limit 100 test.h5 "
          + "-o adv.h5",
        "distill attack -m model.h5 --method pgd --loss margin --eps 0.1,0.3 --steps 20 test.h5",
        "distill attack -m model.h5 --method pgd --norm 2 --eps 2 --step 0.25 --steps 20 "
          + "--random-start --target 3 test.h5",
        "distill attack -m model.h5 --method cw --binary-steps 5 --max-iter 200 --limit 50 "
          + "test.h5",
        "distill attack -m model.h5 --method cw --confidence 1 --initial-const 0.01 --lr 0.005 "
          + "--target random --limit 20 test.h5 -o cw.h5",
        "distill attack -m model.h5 --method fgsm --eps 0.1,0.3 --shard 0/2 test.h5 -o part-0.h5",
      ])

    enum Method: String, ExpressibleByArgument, CaseIterable { case fgsm, jsma, pgd, cw }

    static let optionNames = RetortCLI.optionNames(
      [
        "target", "confidence", "binarySteps", "initialConst", "steps", "step", "epsilon",
        "maxIterations", "learningRate", "temperature", "clip",
      ],
      except: [
        "epsilon": "--eps", "maxIterations": "--max-iter", "learningRate": "--lr",
        "temperature": "-T", "clip": "--clip",
      ])

    @OptionGroup var model: ModelOptions

    @Argument(
      help: ArgumentHelp("Data with 'x' and 'labels' ('-': standard input).", valueName: "data[:x]")
    )
    var data: InputSpec = InputSpec(path: "-")

    @Option(name: .long, help: "Attack: fgsm, jsma, pgd or cw.")
    var method: Method = .fgsm

    @Option(
      name: .long,
      help: ArgumentHelp(
        "Radii for FGSM and PGD, comma-separated (default 0.1 for FGSM, 0.3 for PGD).",
        valueName: "list"))
    var eps: NumberList?

    @Option(
      name: .long,
      help: ArgumentHelp(
        "none, random, all or a class K (default: random for JSMA, none otherwise).",
        valueName: "target"))
    var target: TargetArgument?

    @OptionGroup(title: "JSMA") var jsma: JSMACommandOptions
    @OptionGroup(title: "PGD") var pgd: PGDCommandOptions
    @OptionGroup(title: "Carlini-Wagner L2") var cw: CWCommandOptions

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
      for e in eps?.values ?? [] {
        if method == .pgd {
          try requireOption(e > 0, "--eps", shortDecimal(e), "positive")
        } else {
          try requireOption(e >= 0, "--eps", shortDecimal(e), "≥ 0")
        }
      }
      let range = clip.values.map(shortDecimal).joined(separator: ",")
      try requireOption(
        clip.values.count == 2 && clip.values[0] < clip.values[1], "--clip", range,
        "'lo,hi' with lo < hi")
      if let limit { try requireOption(limit >= 1, "--limit", limit, "at least 1") }
      let foreign: [(Method, [String])] = [(.jsma, jsma.given), (.pgd, pgd.given), (.cw, cw.given)]
      for (owner, names) in foreign where owner != method && !names.isEmpty {
        throw ValidationError("\(names[0]) is an option of --method \(owner.rawValue)")
      }
      if eps != nil && ![.fgsm, .pgd].contains(method) {
        throw ValidationError("--eps is an option of --method fgsm and pgd")
      }
      if method == .fgsm, let target, target != .none {
        throw ValidationError("--method fgsm is untargeted: --target must be none")
      }
      if method == .jsma, target == TargetArgument.none {
        throw ValidationError("--method jsma is targeted: --target none is not possible")
      }
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
      if method == .jsma, jsma.on ?? .probs == .probs, network.outputWidth < 2 {
        throw RetortError.usage(
          "--on probs needs a softmax over 2 or more classes; the model has "
            + "\(network.outputWidth) output")
      }
      let input = try context.featureRows(
        data, .rows(for: network, labels: true, limit: limit), shard: sharding.shard)
      let result = try context.naming(input.file) {
        try attack(network, input, seed: context.seed, log: context.log)
      }
      if let writer = try output.makeWriter() {
        try AttackResultFile.write(result, to: writer)
        try context.finish(writer, part: input.part, carrying: input.file, carry: false)
      }
      context.report(result.report.fields.merging(settings) { a, _ in a })
    }

    /// The target choice: as given, or the method's default.
    var resolvedTarget: TargetArgument { target ?? (method == .jsma ? .choice(.random) : .none) }

    /// The radii: as given, or the method's default.
    var epsilons: [Float] {
      switch method {
      case .fgsm: return eps?.values ?? [0.1]
      case .pgd: return eps?.values ?? [0.3]
      case .jsma, .cw: return []
      }
    }

    /// The method's settings, added to the report.
    var settings: [String: Any] {
      var out: [String: Any] = ["target": resolvedTarget.name]
      switch method {
      case .fgsm: break
      case .jsma:
        out["on"] = (jsma.on ?? .probs).rawValue
        out["gamma"] = typedDecimal(jsma.gamma ?? JSMA.defaultGamma)
        out["theta"] = typedDecimal(jsma.theta ?? JSMA.defaultTheta)
      case .pgd:
        let o = pgd.options(epsilon: 1, temperature: model.temperature, clip: bounds)
        out["norm"] = o.norm.rawValue
        out["loss"] = o.loss.rawValue
        out["steps"] = o.steps
        out["random_start"] = o.randomStart
      case .cw:
        let o = cw.options(clip: bounds)
        out["confidence"] = typedDecimal(o.confidence)
        out["binary_steps"] = o.binarySteps
        out["max_iter"] = o.maxIterations
      }
      return out
    }

    var bounds: ClosedRange<Float> { clip.values[0]...clip.values[1] }

    /// The attack's per-attempt results on `input`; the seconds of the attack
    /// alone and of the gradient amplitudes go to `log`.
    func attack(_ network: Network, _ input: FeatureRows, seed: UInt64, log: MetricsLog) throws
      -> AttackResultFile.Contents
    {
      let (x, labels) = (input.x, input.labels!)
      let firstRow = input.part.rows.lowerBound
      var attempts: TargetedAttempts? = nil
      if case .choice(let choice) = resolvedTarget {
        attempts = try TargetedAttempts(
          labels: labels, classes: network.outputWidth, choice: choice, seed: seed,
          firstRow: firstRow)
      }
      let rows = attempts?.rows ?? Array(0..<x.rowCount)
      let (ax, al) = attempts == nil ? (x, labels) : (x.gather(rows), rows.map { labels[$0] })
      let goal = attempts.map { AttackGoal.targeted($0.targets) } ?? .untargeted
      var clock = Stopwatch()
      let amplitudes = network.outputGradientAmplitudes(x, temperature: model.temperature)
      log.record(["amplitude_seconds": clock.milliseconds / 1000])
      clock = Stopwatch()
      let outcomes: [AttackOutcome]
      switch method {
      case .fgsm:
        outcomes = FGSM.attack(
          network, x: x, labels: labels, epsilons: epsilons, temperature: model.temperature,
          clip: bounds)
      case .jsma:
        outcomes = [
          JSMA.attack(
            network, x: ax, labels: al, targets: attempts!.targets, on: jsma.on ?? .probs,
            temperature: model.temperature, theta: jsma.theta ?? JSMA.defaultTheta,
            gamma: jsma.gamma ?? JSMA.defaultGamma, clip: bounds)
        ]
      case .pgd:
        let streams = rows.indices.map { i in
          (firstRow + rows[i]) * network.outputWidth + Int(attempts?.targets[i] ?? 0)
        }
        outcomes = try PGD.attack(
          network, x: ax, labels: al, goal: goal, epsilons: epsilons,
          options: pgd.options(epsilon: epsilons[0], temperature: model.temperature, clip: bounds),
          seed: seed, streams: streams)
      case .cw:
        outcomes = [
          try CarliniWagner.attack(
            network, x: ax, labels: al, goal: goal, options: cw.options(clip: bounds))
        ]
      }
      log.record(["attack_seconds": clock.milliseconds / 1000, "attempts": ax.rowCount])
      return AttackResultFile.Contents(
        method: method.rawValue, epsilons: epsilons.map(typedDecimal), original: ax,
        outcomes: outcomes, amplitudes: rows.map { amplitudes[$0] }, labels: al,
        targets: attempts?.targets, rows: attempts.map { $0.rows.map { Int64(firstRow + $0) } },
        l0Budget: method == .jsma
          ? Double(JSMA.featureBudget(gamma: jsma.gamma ?? JSMA.defaultGamma, features: x.rowWidth))
          : nil)
    }
  }
}
