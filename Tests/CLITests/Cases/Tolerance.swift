import Foundation

/// How far a number may be from its expectation: |a − e| ≤ absolute + relative·|e|.
struct Tolerance: Sendable {
  var absolute = 1e-5
  var relative = 1e-5

  /// The tolerance in `folder/tolerance` (one number for both, or `ABS REL`),
  /// else the default 1e-5 + 1e-5·|e|.
  init(folder: URL) {
    let url = folder.appendingPathComponent("tolerance")
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return }
    let numbers = text.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
    if let first = numbers.first {
      absolute = first
      relative = numbers.count > 1 ? numbers[1] : first
    }
  }

  /// Whether `actual` is within tolerance of `expected` (NaN matches NaN,
  /// an infinity only itself).
  func accepts(_ actual: Double, _ expected: Double) -> Bool {
    if actual.isNaN || expected.isNaN { return actual.isNaN && expected.isNaN }
    if actual.isInfinite || expected.isInfinite { return actual == expected }
    return abs(actual - expected) <= absolute + relative * abs(expected)
  }
}
