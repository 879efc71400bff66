/// One step of embedding normalisation, applied to every row of a matrix.
public enum NormalizationStep: String, CaseIterable, Sendable {
  /// Subtract the mean row: x_i ← x_i − (1/N) Σ_j x_j.
  case center
  /// Scale rows to unit length: x_i ← x_i / ‖x_i‖₂. Zero rows are left as they
  /// are (as VecMap does), so they stay zero instead of becoming NaN.
  case unit

  /// The step a name stands for; `renorm` (MUSE's name) is `unit`.
  public init(name: String) throws {
    switch name {
    case "center": self = .center
    case "unit", "renorm": self = .unit
    default:
      throw RetortError.usage(
        "has an unknown step '\(name)', expected center, renorm or unit", quantity: "normalization")
    }
  }
}

/// A chain of normalisation steps such as MUSE's `center,renorm` or VecMap's
/// `unit,center,unit`.
public struct Normalization: Equatable, Sendable {
  public var steps: [NormalizationStep]

  public init(_ steps: [NormalizationStep]) { self.steps = steps }

  /// The chain that a comma-separated list names; `""` and `none` are no steps.
  public init(parsing text: String) throws {
    if text.isEmpty || text == "none" {
      self.init([])
      return
    }
    self.init(
      try text.split(separator: ",", omittingEmptySubsequences: false).map {
        try NormalizationStep(name: String($0))
      })
  }

  /// Applies the steps in order to the rows of a rank-2 tensor.
  public func apply(to x: inout FloatTensor) {
    precondition(x.rank == 2, "normalisation needs a matrix")
    for step in steps {
      switch step {
      case .center: centerRows(&x)
      case .unit: unitRows(&x)
      }
    }
  }

  /// The normalised copy of `x`.
  public func applied(to x: FloatTensor) -> FloatTensor {
    var y = x
    apply(to: &y)
    return y
  }
}

/// Subtracts the mean row (accumulated in double precision) from every row.
func centerRows(_ x: inout FloatTensor) {
  let (n, d) = (x.shape[0], x.shape[1])
  guard n > 0 else { return }
  var mean = [Double](repeating: 0, count: d)
  x.scalars.withUnsafeMutableBufferPointer { p in
    for i in 0..<n {
      for j in 0..<d { mean[j] += Double(p[i * d + j]) }
    }
    let m = mean.map { Float($0 / Double(n)) }
    for i in 0..<n {
      for j in 0..<d { p[i * d + j] -= m[j] }
    }
  }
}
