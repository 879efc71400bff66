/// One step of embedding normalisation, applied to every row of a matrix.
public enum NormalizationStep: String, CaseIterable, Sendable {
  /// Subtract the mean row: x_i ← x_i − (1/N) Σ_j x_j.
  case center
  /// Scale rows to unit length: x_i ← x_i / ‖x_i‖₂. Zero rows are left as they
  /// are (as VecMap does), so they stay zero instead of becoming NaN.
  case unit
  /// Scale columns to unit length: x_ij ← x_ij / ‖x_·j‖₂ (VecMap's `unitdim`);
  /// zero columns are left as they are.
  case unitdim
  /// Subtract each row's own mean: x_ij ← x_ij − (1/D) Σ_k x_ik (VecMap's
  /// `centeremb`).
  case centeremb

  /// Whether the step depends on other rows (the mean row, the column
  /// lengths), so that it must see every row of a file.
  public var needsAllRows: Bool { self == .center || self == .unitdim }

  /// The step a name stands for; `renorm` (MUSE's name) is `unit`.
  public init(name: String) throws {
    switch name {
    case "center": self = .center
    case "unit", "renorm": self = .unit
    case "unitdim": self = .unitdim
    case "centeremb": self = .centeremb
    default:
      throw RetortError.usage(
        "has an unknown step '\(name)', expected center, unit (or renorm), unitdim or centeremb",
        quantity: "normalization")
    }
  }
}

/// A chain of normalisation steps such as MUSE's `center,renorm` or VecMap's
/// `unit,center,unit`.
public struct Normalization: Equatable, Sendable {
  public var steps: [NormalizationStep]

  /// The chain's name as `init(parsing:)` reads it: steps joined by commas,
  /// `none` for no steps.
  public var name: String { steps.isEmpty ? "none" : steps.map(\.rawValue).joined(separator: ",") }

  /// Whether a step needs every row of a file (see `NormalizationStep.needsAllRows`).
  public var needsAllRows: Bool { steps.contains(where: \.needsAllRows) }

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
      case .unitdim: unitColumns(&x)
      case .centeremb: centerEachRow(&x)
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

/// Scales every non-zero column to unit length (lengths in double precision).
func unitColumns(_ x: inout FloatTensor) {
  let (n, d) = (x.shape[0], x.shape[1])
  var squares = [Double](repeating: 0, count: d)
  x.scalars.withUnsafeMutableBufferPointer { p in
    for i in 0..<n {
      for j in 0..<d { squares[j] += Double(p[i * d + j]) * Double(p[i * d + j]) }
    }
    let scale = squares.map { $0 > 0 ? Float(1 / $0.squareRoot()) : 1 }
    for i in 0..<n {
      for j in 0..<d { p[i * d + j] *= scale[j] }
    }
  }
}

/// Subtracts from every row the mean of its own entries.
func centerEachRow(_ x: inout FloatTensor) {
  let (n, d) = (x.shape[0], x.shape[1])
  guard d > 0 else { return }
  x.scalars.withUnsafeMutableBufferPointer { p in
    for i in 0..<n {
      var sum = 0.0
      for j in 0..<d { sum += Double(p[i * d + j]) }
      let mean = Float(sum / Double(d))
      for j in 0..<d { p[i * d + j] -= mean }
    }
  }
}
