import Testing

extension BinaryFloatingPoint {
  /// Whether `self` and `other` are equal to within the tolerances, as
  /// swift-numerics' `isApproximatelyEqual(to:absoluteTolerance:relativeTolerance:)`:
  ///
  ///     |a − b| ≤ max(absoluteTolerance, relativeTolerance · max(|a|, |b|))
  ///
  /// Equal values (infinities included) are always close; NaN is close to nothing.
  public func isApproximatelyEqual(
    to other: Self, absoluteTolerance: Self = 0, relativeTolerance: Self = 0
  ) -> Bool {
    if self == other { return true }
    guard isFinite && other.isFinite else { return false }
    let scale = Swift.max(magnitude, other.magnitude)
    return (self - other).magnitude <= Swift.max(absoluteTolerance, relativeTolerance * scale)
  }
}

/// Where `actual` and `expected` first differ beyond the tolerances of
/// `isApproximatelyEqual` (compared as Doubles), said in words; nil when they
/// have the same count and agree everywhere.
public func firstDifference<A: Collection, B: Collection>(
  _ actual: A, _ expected: B, absoluteTolerance: Double = 0, relativeTolerance: Double = 0
) -> String? where A.Element: BinaryFloatingPoint, B.Element: BinaryFloatingPoint {
  if actual.count != expected.count {
    return "\(actual.count) values, expected \(expected.count)"
  }
  for (i, (a, b)) in zip(actual, expected).enumerated() {
    let x = Double(a), y = Double(b)
    if !x.isApproximatelyEqual(
      to: y, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance)
    {
      return "index \(i) of \(actual.count): \(x), expected \(y) (differs by \(abs(x - y)))"
    }
  }
  return nil
}

/// Expects `actual` to equal `expected` element by element to within the
/// tolerances of `isApproximatelyEqual`; a failure names the first differing
/// index and both values.
public func expectApproximatelyEqual<A: Collection, B: Collection>(
  _ actual: A, _ expected: B, absoluteTolerance: Double = 0, relativeTolerance: Double = 0,
  _ comment: @autoclosure () -> String = "", sourceLocation: SourceLocation = #_sourceLocation
) where A.Element: BinaryFloatingPoint, B.Element: BinaryFloatingPoint {
  if let difference = firstDifference(
    actual, expected, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance)
  {
    let note = comment()
    Issue.record(
      "not approximately equal at \(difference)\(note.isEmpty ? "" : ": \(note)")",
      sourceLocation: sourceLocation)
  }
}

/// Expects one value to equal another to within the tolerances of
/// `isApproximatelyEqual`; a failure gives both values and their difference.
public func expectApproximatelyEqual<T: BinaryFloatingPoint, U: BinaryFloatingPoint>(
  _ actual: T, _ expected: U, absoluteTolerance: Double = 0, relativeTolerance: Double = 0,
  _ comment: @autoclosure () -> String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
  let x = Double(actual), y = Double(expected)
  if !x.isApproximatelyEqual(
    to: y, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance)
  {
    let note = comment()
    Issue.record(
      "\(x), expected \(y) (differs by \(abs(x - y)))\(note.isEmpty ? "" : ": \(note)")",
      sourceLocation: sourceLocation)
  }
}
