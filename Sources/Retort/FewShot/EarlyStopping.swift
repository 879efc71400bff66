/// The best validation point so far and when to stop: training stops after
/// `patience` validations in a row that did not improve on the best.
public struct EarlyStopping: Sendable {
  /// What a validation point is judged by.
  public enum Measure: String, CaseIterable, Sendable {
    /// Lower mean episode loss is better.
    case loss
    /// Higher mean query accuracy is better.
    case accuracy
  }

  public let measure: Measure
  /// Validations without improvement that end training; nil never ends it.
  public let patience: Int?
  /// The best value of `measure` so far and the episode it was measured after.
  public private(set) var best: (value: Double, episode: Int)?
  /// Validations since the best one.
  public private(set) var sinceBest = 0

  /// A `patience` below 1 is a usage error.
  public init(measure: Measure, patience: Int?) throws {
    if let patience, patience < 1 {
      throw RetortError.usage("must be at least 1, got \(patience)", quantity: "patience")
    }
    self.measure = measure
    self.patience = patience
  }

  /// Records the validation after `episode`; true when it is the best so far
  /// (strictly lower loss, or strictly higher accuracy).
  public mutating func record(loss: Double, accuracy: Double, episode: Int) -> Bool {
    let value = measure == .loss ? loss : accuracy
    let improves = best.map { measure == .loss ? value < $0.value : value > $0.value } ?? true
    if improves {
      best = (value, episode)
      sinceBest = 0
    } else {
      sinceBest += 1
    }
    return improves
  }

  /// Whether `patience` validations have passed without improvement.
  public var shouldStop: Bool { patience.map { sinceBest >= $0 } ?? false }
}
