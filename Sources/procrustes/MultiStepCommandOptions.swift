import Retort
import RetortArguments
import RetortCLI

/// The multi-step framework's options (Artetxe et al., AAAI 2018); each left
/// out takes the value of --recipe, else plain orthogonal mapping.
struct MultiStepCommandOptions: ParsableArguments {
  @Flag(
    name: .long, inversion: .prefixedNo,
    help: "Whiten both sides over the dictionary before the orthogonal step.")
  var whiten: Bool?

  @Option(name: .long, help: "Re-weight the source's shared dimensions by sigma^A.")
  var srcReweight: Double?

  @Option(name: .long, help: "Re-weight the target's shared dimensions by sigma^A.")
  var trgReweight: Double?

  @Option(name: .long, help: "De-whiten the source with the src or trg covariance.")
  var srcDewhiten: WhiteningSide?

  @Option(name: .long, help: "De-whiten the target with the src or trg covariance.")
  var trgDewhiten: WhiteningSide?

  @Option(name: .long, help: "Keep the first N shared dimensions (0: all).")
  var dimReduction: Int?

  func validate() throws {
    for (value, name) in [(srcReweight, "--src-reweight"), (trgReweight, "--trg-reweight")] {
      if let value { try requireOption(value.isFinite, name, value, "finite") }
    }
    if let dimReduction {
      try requireOption(dimReduction >= 0, "--dim-reduction", dimReduction, "≥ 0")
    }
  }

  /// These options over `base` (a recipe's, or plain orthogonal mapping).
  func options(over base: MultiStepOptions) -> MultiStepOptions {
    var o = base
    if let whiten { o.whiten = whiten }
    if let srcReweight { o.sourceReweight = srcReweight }
    if let trgReweight { o.targetReweight = trgReweight }
    if let srcDewhiten { o.sourceDewhiten = srcDewhiten }
    if let trgDewhiten { o.targetDewhiten = trgDewhiten }
    if let dimReduction { o.dimensions = dimReduction }
    return o
  }
}

extension WhiteningSide: ExpressibleByArgument {}
