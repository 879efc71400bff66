import Glibc

/// What an attack did to each row: whether it was attacked (the model
/// classified it correctly before) and whether the attack succeeded.
public struct AttackOutcome: Sendable {
  public var adversarial: FloatTensor
  public var attacked: [Bool]
  public var succeeded: [Bool]
}

/// The size of each row's perturbation x' − x: features changed (L0), L2 and L∞ norms.
public struct PerturbationNorms: Sendable {
  public var l0: [Double]
  public var l2: [Double]
  public var linf: [Double]

  public init(l0: [Double], l2: [Double], linf: [Double]) {
    self.l0 = l0
    self.l2 = l2
    self.linf = linf
  }

  /// The norms of adversarial − original, row by row.
  public init(original: FloatTensor, adversarial: FloatTensor) {
    var l0 = [Double](), l2 = [Double](), linf = [Double]()
    for r in 0..<original.rowCount {
      var a = 0.0, b = 0.0, c = 0.0
      for (x, y) in zip(original.row(r), adversarial.row(r)) {
        let d = Double(abs(y - x))
        if d > 0 { a += 1 }
        b += d * d
        c = max(c, d)
      }
      l0.append(a)
      l2.append(b.squareRoot())
      linf.append(c)
    }
    self.init(l0: l0, l2: l2, linf: linf)
  }
}

/// How an attack fared: the success rate among the attacked rows and the
/// mean perturbation of the successful ones.
public struct AttackStatistics: Equatable, Sendable {
  public var attacked = 0
  public var succeeded = 0
  public var meanL0 = 0.0
  public var meanL2 = 0.0
  public var meanLinf = 0.0
  /// With a feature budget B (JSMA's γ × features): the mean L0 over all
  /// attacked rows, a failed attempt counted as B — a lower bound on the
  /// mean number of features an adversary must change.
  public var meanL0Capped: Double?

  public var successRate: Double { attacked > 0 ? Double(succeeded) / Double(attacked) : 0 }

  /// The statistics of per-row outcomes (from one run, or merged shards).
  public init(
    attacked: [Bool], succeeded: [Bool], norms: PerturbationNorms, l0Budget: Double? = nil
  ) {
    self.attacked = attacked.filter { $0 }.count
    let rows = succeeded.indices.filter { succeeded[$0] }
    self.succeeded = rows.count
    if let l0Budget {
      let tried = attacked.indices.filter { attacked[$0] }
      let total = tried.reduce(0) { $0 + (succeeded[$1] ? norms.l0[$1] : l0Budget) }
      meanL0Capped = tried.isEmpty ? 0 : total / Double(tried.count)
    }
    guard !rows.isEmpty else { return }
    let k = Double(rows.count)
    meanL0 = rows.reduce(0) { $0 + norms.l0[$1] } / k
    meanL2 = rows.reduce(0) { $0 + norms.l2[$1] } / k
    meanLinf = rows.reduce(0) { $0 + norms.linf[$1] } / k
  }

  /// The statistics of an attack on `original`.
  public init(original: FloatTensor, outcome: AttackOutcome) {
    self.init(
      attacked: outcome.attacked, succeeded: outcome.succeeded,
      norms: PerturbationNorms(original: original, adversarial: outcome.adversarial))
  }
}
