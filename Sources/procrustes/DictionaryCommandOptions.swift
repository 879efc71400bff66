import Retort
import RetortArguments
import RetortCLI

/// MUSE's options for the dictionaries of its refinement: how candidates are
/// scored and which pairs are kept.
struct DictionaryCommandOptions: ParsableArguments {
  enum Method: String, ExpressibleByArgument, CaseIterable { case nn, csls, invsm }

  @Option(name: .long, help: "Induction score: nn (cosine), csls or invsm (inverted softmax).")
  var dicoMethod: Method?

  @Option(name: .long, help: "Inverse temperature of --dico-method invsm (default 30).")
  var dicoBeta: Float?

  @Option(
    name: .long,
    help: "Keep pairs whose margin between best and second-best score exceeds this.")
  var dicoThreshold: Float?

  @Option(name: .long, help: "Keep the N most confident pairs whatever --dico-threshold says.")
  var dicoMinSize: Int?

  @Option(name: .long, help: "Keep at most the N most confident pairs of each direction.")
  var dicoMaxSize: Int?

  var given: [String] {
    [
      (dicoMethod != nil, "--dico-method"), (dicoBeta != nil, "--dico-beta"),
      (dicoThreshold != nil, "--dico-threshold"), (dicoMinSize != nil, "--dico-min-size"),
      (dicoMaxSize != nil, "--dico-max-size"),
    ].filter(\.0).map(\.1)
  }

  func validate() throws {
    if let dicoBeta { try requirePositiveOption(dicoBeta, "--dico-beta") }
    if let dicoThreshold {
      try requireOption(
        dicoThreshold >= 0 && dicoThreshold.isFinite, "--dico-threshold", dicoThreshold, "≥ 0")
    }
    if let dicoMinSize {
      try requireOption(dicoMinSize >= 0, "--dico-min-size", dicoMinSize, "≥ 0")
    }
    if let dicoMaxSize {
      try requireOption(dicoMaxSize >= 0, "--dico-max-size", dicoMaxSize, "≥ 0")
    }
    if dicoBeta != nil && dicoMethod != .invsm {
      throw ValidationError("--dico-beta needs --dico-method invsm")
    }
  }

  /// The score of --dico-method (CSLS by default, as MUSE).
  var score: InductionScore {
    switch dicoMethod ?? .csls {
    case .nn: return .nn
    case .csls: return .csls
    case .invsm: return .invertedSoftmax(beta: dicoBeta ?? 30)
    }
  }

  var filter: CandidateFilter {
    CandidateFilter(
      maxSize: dicoMaxSize ?? 0, minSize: dicoMinSize ?? 0, threshold: dicoThreshold ?? 0)
  }
}
