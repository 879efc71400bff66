import Retort
import RetortArguments
import RetortCLI

/// `--target`: none (untargeted), random, all, or a class index.
enum TargetArgument: ExpressibleByArgument, Equatable {
  case none
  case choice(TargetChoice)

  init?(argument: String) {
    switch argument {
    case "none": self = .none
    case "random": self = .choice(.random)
    case "all": self = .choice(.all)
    default:
      guard let k = Int(argument) else { return nil }
      self = .choice(.fixed(k))
    }
  }

  var name: String {
    switch self {
    case .none: return "none"
    case .choice(.random): return "random"
    case .choice(.all): return "all"
    case .choice(.fixed(let k)): return "\(k)"
    }
  }
}

/// JSMA's options.
struct JSMACommandOptions: ParsableArguments {
  @Option(name: .long, help: "JSMA: saliency from the softmax outputs (probs) or the logits.")
  var on: JSMA.Saliency?

  @Option(name: .long, help: "JSMA: change of each selected feature (+1 increases).")
  var theta: Float?

  @Option(name: .long, help: "JSMA: largest fraction of features changed.")
  var gamma: Float?

  var given: [String] {
    [(on != nil, "--on"), (theta != nil, "--theta"), (gamma != nil, "--gamma")]
      .filter(\.0).map(\.1)
  }

  func validate() throws {
    if let gamma { try requireOption(gamma > 0 && gamma <= 1, "--gamma", gamma, "in (0, 1]") }
    if let theta {
      try requireOption(theta != 0 && theta.isFinite, "--theta", theta, "finite and not 0")
    }
  }
}

/// PGD's options (its radii are `--eps`).
struct PGDCommandOptions: ParsableArguments {
  @Option(name: .long, help: "PGD: the norm of the ball, inf or 2.")
  var norm: PGDOptions.Norm?

  @Option(
    name: .long, help: ArgumentHelp("PGD: step size (default 2.5*eps/steps).", valueName: "a"))
  var step: Float?

  @Option(name: .long, help: "PGD: steps (default \(PGDOptions.defaultSteps)).")
  var steps: Int?

  @Flag(name: .long, help: "PGD: start from a random point of the ball (seeded per row).")
  var randomStart = false

  @Option(
    name: .long,
    help: "PGD: loss to ascend, ce (cross-entropy at -T) or margin (on the logits).")
  var loss: PGDOptions.Loss?

  var given: [String] {
    [
      (norm != nil, "--norm"), (step != nil, "--step"), (steps != nil, "--steps"),
      (randomStart, "--random-start"), (loss != nil, "--loss"),
    ].filter(\.0).map(\.1)
  }

  func validate() throws {
    if let step { try requirePositiveOption(step, "--step") }
    if let steps { try requireOption(steps >= 1, "--steps", steps, "at least 1") }
  }

  /// The PGD options of these flags, the rest from the core's defaults.
  func options(epsilon: Float, temperature: Float, clip: ClosedRange<Float>) -> PGDOptions {
    var o = PGDOptions(epsilon: epsilon)
    if let norm { o.norm = norm }
    o.step = step
    if let steps { o.steps = steps }
    o.randomStart = randomStart
    if let loss { o.loss = loss }
    o.temperature = temperature
    o.clip = clip
    return o
  }
}

/// Carlini and Wagner's L2 options.
struct CWCommandOptions: ParsableArguments {
  static let defaults = CarliniWagnerOptions.defaults

  @Option(name: .long, help: "C&W: margin kappa by which the goal must be reached.")
  var confidence: Float?

  @Option(name: .long, help: "C&W: binary search steps over c (default \(defaults.binarySteps)).")
  var binarySteps: Int?

  @Option(name: .long, help: "C&W: first c (default \(shortDecimal(defaults.initialConst))).")
  var initialConst: Float?

  @Option(
    name: .long, help: "C&W: Adam iterations per c, at most (default \(defaults.maxIterations)).")
  var maxIter: Int?

  @Option(
    name: .long, help: "C&W: Adam learning rate (default \(shortDecimal(defaults.learningRate))).")
  var lr: Float?

  var given: [String] {
    [
      (confidence != nil, "--confidence"), (binarySteps != nil, "--binary-steps"),
      (initialConst != nil, "--initial-const"), (maxIter != nil, "--max-iter"), (lr != nil, "--lr"),
    ].filter(\.0).map(\.1)
  }

  func validate() throws {
    if let confidence {
      try requireOption(confidence >= 0 && confidence.isFinite, "--confidence", confidence, "≥ 0")
    }
    if let binarySteps {
      try requireOption(binarySteps >= 1, "--binary-steps", binarySteps, "at least 1")
    }
    if let initialConst { try requirePositiveOption(initialConst, "--initial-const") }
    if let maxIter { try requireOption(maxIter >= 1, "--max-iter", maxIter, "at least 1") }
    if let lr { try requirePositiveOption(lr, "--lr") }
  }

  /// The C&W options of these flags, the rest from the core's defaults.
  func options(clip: ClosedRange<Float>) -> CarliniWagnerOptions {
    var o = Self.defaults
    if let confidence { o.confidence = confidence }
    if let binarySteps { o.binarySteps = binarySteps }
    if let initialConst { o.initialConst = initialConst }
    if let maxIter { o.maxIterations = maxIter }
    if let lr { o.learningRate = lr }
    o.clip = clip
    return o
  }
}

extension JSMA.Saliency: ExpressibleByArgument {}
extension PGDOptions.Norm: ExpressibleByArgument {}
extension PGDOptions.Loss: ExpressibleByArgument {}
