/// Attack result files as `distill attack -o` writes them, one row per
/// attempt: the adversarial examples `x` and the outcomes `succeeded`, `l0`,
/// `l2`, `linf` — each suffixed `_eps<ε>` when FGSM or PGD ran several radii —
/// plus `attacked`, `amplitude`, `labels`, for targeted attacks `target` and
/// `row` (the input row attacked), and the root attributes `method`, (FGSM,
/// PGD) `eps` and (JSMA) `l0_budget`. Attempts are independent, so the files of shards
/// concatenate into the file of one run, and `report(of:)` gives the same
/// report from either.
public enum AttackResultFile {
  /// One attack's per-row results.
  public struct Contents {
    public var method: String
    public var epsilons: [Double]
    public var original: FloatTensor
    public var outcomes: [AttackOutcome]
    public var norms: [PerturbationNorms]
    public var amplitudes: [Double]
    public var labels: [Int64]
    public var targets: [Int64]?
    /// The input row of each attempt (targeted attacks).
    public var rows: [Int64]?
    /// The most features the attack may change (JSMA).
    public var l0Budget: Double?

    public init(
      method: String, epsilons: [Double], original: FloatTensor, outcomes: [AttackOutcome],
      amplitudes: [Double], labels: [Int64], targets: [Int64]?, rows: [Int64]? = nil,
      l0Budget: Double? = nil
    ) {
      self.method = method
      self.epsilons = epsilons
      self.original = original
      self.outcomes = outcomes
      norms = outcomes.map { PerturbationNorms(original: original, adversarial: $0.adversarial) }
      self.amplitudes = amplitudes
      self.labels = labels
      self.targets = targets
      self.rows = rows
      self.l0Budget = l0Budget
    }

    /// The report of these results.
    public var report: AttackReport {
      AttackReport(
        method: method, epsilons: epsilons, attacked: outcomes[0].attacked,
        succeeded: outcomes.map(\.succeeded), norms: norms, amplitudes: amplitudes,
        l0Budget: l0Budget)
    }
  }

  /// The methods whose results these files hold.
  public static let methods = ["fgsm", "jsma", "pgd", "cw"]

  /// The dataset suffix of each radius: none for one, `_eps<ε>` for several.
  static func suffixes(method: String, epsilons: [Double]) -> [String] {
    guard epsilons.count > 1 else { return [""] }
    return epsilons.map { "_eps\(shortDecimal(Float($0)))" }
  }

  /// Writes `c` into `writer`'s file.
  public static func write(_ c: Contents, to writer: TensorFileWriter) throws {
    let n = c.original.rowCount
    func flags(_ b: [Bool]) -> IndexTensor {
      IndexTensor(shape: [n], scalars: b.map { $0 ? 1 : 0 })
    }
    func floats(_ v: [Double]) -> FloatTensor {
      FloatTensor(shape: [n], scalars: v.map(Float.init))
    }
    let names = suffixes(method: c.method, epsilons: c.epsilons)
    for ((suffix, outcome), norm) in zip(zip(names, c.outcomes), c.norms) {
      try writer.write("x" + suffix, outcome.adversarial.reshaped(c.original.shape))
      try writer.write("succeeded" + suffix, flags(outcome.succeeded))
      for (name, values) in [("l0", norm.l0), ("l2", norm.l2), ("linf", norm.linf)] {
        try writer.write(name + suffix, floats(values))
      }
    }
    try writer.write("attacked", flags(c.outcomes[0].attacked))
    try writer.write("amplitude", floats(c.amplitudes))
    try writer.write("labels", IndexTensor(shape: [c.labels.count], scalars: c.labels))
    if let t = c.targets { try writer.write("target", IndexTensor(shape: [t.count], scalars: t)) }
    if let r = c.rows { try writer.write("row", IndexTensor(shape: [r.count], scalars: r)) }
    try writer.setAttribute("method", .text(c.method))
    if !c.epsilons.isEmpty { try writer.setAttribute("eps", .reals(c.epsilons)) }
    if let b = c.l0Budget { try writer.setAttribute("l0_budget", .real(b)) }
  }

  /// The report of a file that `write` (or `tensor merge` of shards) made.
  public static func report(of file: TensorFile) throws -> AttackReport {
    let root = try file.attributes()
    guard case .text(let method)? = root["method"], methods.contains(method) else {
      throw RetortError.data("not an attack result (no 'method' attribute)", file: file.label)
    }
    var epsilons = [Double]()
    // One radius is read back as a scalar attribute, several as an array.
    switch root["eps"] {
    case .reals(let e)?: epsilons = e
    case .real(let e)?: epsilons = [e]
    default: break
    }
    func doubles(_ name: String) throws -> [Double] {
      try file.readFloat(name).scalars.map(Double.init)
    }
    let names = suffixes(method: method, epsilons: epsilons)
    let attacked = try file.readInt("attacked").scalars.map { $0 != 0 }
    // Every per-attempt dataset has one entry per attempt.
    func sameLength<T>(_ values: [T], _ name: String) throws -> [T] {
      guard values.count == attacked.count else {
        throw RetortError.data(
          "has \(values.count) entries, 'attacked' has \(attacked.count)", dataset: name,
          file: file.label)
      }
      return values
    }
    let succeeded = try names.map {
      try sameLength(file.readInt("succeeded" + $0).scalars.map { $0 != 0 }, "succeeded" + $0)
    }
    let norms = try names.map { s in
      PerturbationNorms(
        l0: try sameLength(doubles("l0" + s), "l0" + s),
        l2: try sameLength(doubles("l2" + s), "l2" + s),
        linf: try sameLength(doubles("linf" + s), "linf" + s))
    }
    var l0Budget: Double?
    switch root["l0_budget"] {
    case nil: break
    case .real(let b)? where b.isFinite && b >= 0: l0Budget = b
    default:
      throw RetortError.data(
        "attribute 'l0_budget' must be one number of features, at least 0", file: file.label)
    }
    return AttackReport(
      method: method, epsilons: epsilons, attacked: attacked, succeeded: succeeded, norms: norms,
      amplitudes: try sameLength(doubles("amplitude"), "amplitude"), l0Budget: l0Budget)
  }
}
