import Foundation
import Testing

/// The fields a reference script reported with `report(name=value, ...)`,
/// read with the type they should have. A missing field, or one of another
/// type, records an issue at the caller and reads as NaN, false or empty, so
/// that an expectation on it fails too and says which field it was.
public struct PythonReport {
  public let fields: [String: Any]

  /// The last line of `output`, a JSON object.
  public init(_ output: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let line = output.split(separator: "\n").last.map(String.init) ?? ""
    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)),
      let fields = object as? [String: Any]
    else {
      Issue.record("python reported no JSON object: \(output)", sourceLocation: sourceLocation)
      self.fields = [:]
      return
    }
    self.fields = fields
  }

  func field<T>(_ name: String, as _: T.Type, _ location: SourceLocation) -> T? {
    guard let value = fields[name] else {
      Issue.record(
        "python reported no '\(name)' (it has \(fields.keys.sorted()))",
        sourceLocation: location)
      return nil
    }
    guard let typed = value as? T else {
      Issue.record("python's '\(name)' is \(value), not a \(T.self)", sourceLocation: location)
      return nil
    }
    return typed
  }

  /// A number: an integer, or a float sent as its shortest exact text (the
  /// JSON reader's own floats are not always correctly rounded).
  static func double(_ value: Any) -> Double? {
    if let text = value as? String { return Double(text) }
    return (value as? NSNumber)?.doubleValue
  }

  public func number(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> Double {
    guard let value = field(name, as: Any.self, sourceLocation) else { return .nan }
    guard let number = Self.double(value) else {
      Issue.record("python's '\(name)' is \(value), not a number", sourceLocation: sourceLocation)
      return .nan
    }
    return number
  }

  public func numbers(_ name: String, sourceLocation: SourceLocation = #_sourceLocation)
    -> [Double]
  {
    guard let values = field(name, as: [Any].self, sourceLocation) else { return [] }
    let numbers = values.compactMap(Self.double)
    guard numbers.count == values.count else {
      Issue.record("python's '\(name)' is \(values), not numbers", sourceLocation: sourceLocation)
      return []
    }
    return numbers
  }

  public func integers(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> [Int] {
    field(name, as: [Int].self, sourceLocation) ?? []
  }

  public func flag(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
    field(name, as: Bool.self, sourceLocation) ?? false
  }

  public func string(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    field(name, as: String.self, sourceLocation) ?? ""
  }

  public func strings(_ name: String, sourceLocation: SourceLocation = #_sourceLocation)
    -> [String]
  {
    field(name, as: [String].self, sourceLocation) ?? []
  }
}

/// Python source defining `report(**fields)`, which prints the fields as one
/// JSON line: numpy arrays and scalars as lists and numbers, floats as the
/// text of `repr` (exact; NaN and infinities included).
public let pythonReportPrelude = """
  import json as _json
  def report(**fields):
      import numpy as _np
      def plain(v):
          if isinstance(v, _np.ndarray): return plain(v.tolist())
          if isinstance(v, _np.generic): return plain(v.item())
          if isinstance(v, (list, tuple)): return [plain(x) for x in v]
          if isinstance(v, float): return repr(v)
          return v
      print(_json.dumps({k: plain(v) for k, v in fields.items()}))

  """

/// Runs `script` as `runPython` does, with `report` defined, and returns what
/// it reported.
public func runPythonReport(
  _ script: String, input: String = "", in directory: URL? = nil,
  sourceLocation: SourceLocation = #_sourceLocation
) throws -> PythonReport {
  try PythonReport(
    runPython(pythonReportPrelude + script, input: input, in: directory),
    sourceLocation: sourceLocation)
}
