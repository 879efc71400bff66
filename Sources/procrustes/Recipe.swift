import Retort
import RetortArguments

/// VecMap's recipes (Artetxe, Labaka and Agirre, ACL 2018): named sets of
/// defaults that single options override.
enum Recipe: String, ExpressibleByArgument, CaseIterable {
  /// No dictionary: the unsupervised initialisation, then self-learning.
  case unsupervised
  /// A dictionary (--dict), solved once.
  case supervised
  /// A dictionary (--dict) as the seed of self-learning.
  case semiSupervised = "semi-supervised"
  /// Identical strings as the seed of self-learning.
  case identical

  /// Every recipe normalises unit, center, unit.
  var normalization: Normalization { Normalization([.unit, .center, .unit]) }

  /// Every recipe whitens, re-weights both sides by σ^0.5 and de-whitens each
  /// side with its own covariance.
  var multiStep: MultiStepOptions {
    var o = MultiStepOptions()
    o.whiten = true
    o.sourceReweight = 0.5
    o.targetReweight = 0.5
    o.sourceDewhiten = .src
    o.targetDewhiten = .trg
    return o
  }

  /// The seed dictionary of the recipe; nil: --dict.
  var seed: ProcrustesTool.Seed? {
    switch self {
    case .unsupervised: .unsupervised
    case .identical: .identical
    case .supervised, .semiSupervised: nil
    }
  }

  var selfLearning: Bool { self != .supervised }
}
