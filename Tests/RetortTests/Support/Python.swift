import Foundation
import Testing

/// Whitespace-separated numbers of a text, as Doubles; a token that is not a
/// number fails the calling test (so a reference that prints nothing useful
/// cannot pass silently).
func numbers(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [Double] {
  let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
  if tokens.isEmpty { Issue.record("python printed no numbers", sourceLocation: sourceLocation) }
  return tokens.map { token in
    guard let v = Double(token) else {
      Issue.record("python printed '\(token)', not a number", sourceLocation: sourceLocation)
      return .nan
    }
    return v
  }
}

/// Numbers formatted for a Python reader, one row a line.
func rowsText<T>(_ values: [T], columns: Int) -> String {
  stride(from: 0, to: values.count, by: max(columns, 1)).map { start in
    values[start..<min(start + columns, values.count)].map { "\($0)" }.joined(separator: " ")
  }.joined(separator: "\n")
}
