import Foundation

/// Differences between an output and its expectation: as JSON with numbers
/// within `tolerance` when both are JSON (one document, or one per line),
/// else as exact text.
func textDifferences(_ actual: String, _ expected: String, tolerance: Tolerance) -> [String] {
  if let a = parseJSON(actual), let e = parseJSON(expected) {
    return jsonDifferences(a, e, at: "$", tolerance: tolerance)
  }
  let aLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
  let eLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
  let aJSON = aLines.map { $0.isEmpty ? NSNull() : parseJSON(String($0)) }
  let eJSON = eLines.map { $0.isEmpty ? NSNull() : parseJSON(String($0)) }
  if aLines.count == eLines.count, !aLines.allSatisfy(\.isEmpty),
    !aJSON.contains(where: { $0 == nil }), !eJSON.contains(where: { $0 == nil })
  {
    return zip(aJSON, eJSON).enumerated().flatMap { line, pair in
      jsonDifferences(pair.0!, pair.1!, at: "line \(line + 1)", tolerance: tolerance)
    }
  }
  if actual == expected { return [] }
  let line =
    zip(aLines, eLines).enumerated().first { $1.0 != $1.1 }?.offset
    ?? min(aLines.count, eLines.count)
  let got = line < aLines.count ? String(aLines[line]) : "(end)"
  let want = line < eLines.count ? String(eLines[line]) : "(end)"
  return ["line \(line + 1): got '\(got)', expected '\(want)'"]
}

/// `text` as a JSON value, or nil when it is not JSON.
private func parseJSON(_ text: String) -> Any? {
  let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
  guard let first = trimmed.first, "{[".contains(first) else { return nil }
  return try? JSONSerialization.jsonObject(with: Data(trimmed.utf8), options: [.fragmentsAllowed])
}

/// Where two JSON values differ: keys, lengths, strings, numbers beyond tolerance.
private func jsonDifferences(_ a: Any, _ e: Any, at path: String, tolerance: Tolerance) -> [String]
{
  switch (a, e) {
  case (let a as [String: Any], let e as [String: Any]):
    guard Set(a.keys) == Set(e.keys) else {
      return ["\(path): keys \(a.keys.sorted()), expected \(e.keys.sorted())"]
    }
    return e.keys.sorted().flatMap {
      jsonDifferences(a[$0]!, e[$0]!, at: "\(path).\($0)", tolerance: tolerance)
    }
  case (let a as [Any], let e as [Any]):
    guard a.count == e.count else { return ["\(path): \(a.count) items, expected \(e.count)"] }
    return zip(a, e).enumerated().flatMap {
      jsonDifferences($1.0, $1.1, at: "\(path)[\($0)]", tolerance: tolerance)
    }
  case (let a as String, let e as String):
    return a == e ? [] : ["\(path): '\(a)', expected '\(e)'"]
  case (let a as NSNumber, let e as NSNumber):
    return tolerance.accepts(a.doubleValue, e.doubleValue) ? [] : ["\(path): \(a), expected \(e)"]
  case (is NSNull, is NSNull):
    return []
  default:
    return ["\(path): \(a), expected \(e)"]
  }
}
