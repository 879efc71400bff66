import Retort
import RetortArguments
import RetortCLI

/// The options of the robust self-learning loop (Artetxe et al., ACL 2018).
struct SelfLearningCommandOptions: ParsableArguments {
  static let defaults = SelfLearningOptions.defaults

  @Flag(
    name: .long, inversion: .prefixedNo,
    help: "Refine with the robust self-learning loop of Artetxe et al. (2018) instead of MUSE's.")
  var selfLearning: Bool?

  @Option(name: .long, help: "Self-learning: induce among this many most frequent words.")
  var vocabularyCutoff = defaults.vocabularyCutoff

  @Option(name: .long, help: "Self-learning: induction direction, forward, backward or union.")
  var direction = defaults.direction

  @Option(name: .long, help: "Self-learning: first keep probability of stochastic induction.")
  var stochasticInitial = defaults.stochasticInitial

  @Option(name: .long, help: "Self-learning: factor of the keep probability after a plateau.")
  var stochasticMultiplier = defaults.stochasticMultiplier

  @Option(name: .long, help: "Self-learning: iterations without improvement that make a plateau.")
  var stochasticInterval = defaults.stochasticInterval

  @Option(name: .long, help: "Self-learning: least gain of the objective that counts.")
  var threshold = defaults.threshold

  @Option(name: .long, help: "Self-learning: iterations at most.")
  var maxIterations = defaults.maxIterations

  /// The core options of these flags, with CSLS's k.
  func options(k: Int) -> SelfLearningOptions {
    var o = Self.defaults
    o.vocabularyCutoff = vocabularyCutoff
    o.k = k
    o.direction = direction
    o.stochasticInitial = stochasticInitial
    o.stochasticMultiplier = stochasticMultiplier
    o.stochasticInterval = stochasticInterval
    o.threshold = threshold
    o.maxIterations = maxIterations
    return o
  }

  /// The options given on the command line, for refusing them without --self-learning.
  var changed: [String] {
    let d = Self.defaults
    return [
      (vocabularyCutoff != d.vocabularyCutoff, "--vocabulary-cutoff"),
      (direction != d.direction, "--direction"),
      (stochasticInitial != d.stochasticInitial, "--stochastic-initial"),
      (stochasticMultiplier != d.stochasticMultiplier, "--stochastic-multiplier"),
      (stochasticInterval != d.stochasticInterval, "--stochastic-interval"),
      (threshold != d.threshold, "--threshold"),
      (maxIterations != d.maxIterations, "--max-iterations"),
    ].filter(\.0).map(\.1)
  }
}

extension InductionDirection: ExpressibleByArgument {}
