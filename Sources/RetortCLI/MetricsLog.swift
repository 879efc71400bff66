import Foundation
import Retort

/// JSON lines of metrics (`--log FILE`, or stderr with `--log -`).
public final class MetricsLog {
  private let handle: FileHandle?

  /// Opens `path` for appending (stderr for `-`); nil discards every record.
  public init(path: String?) throws {
    switch path {
    case nil: handle = nil
    case "-": handle = FileHandle.standardError
    case let p?:
      if !FileManager.default.fileExists(atPath: p) {
        guard FileManager.default.createFile(atPath: p, contents: nil) else {
          throw RetortError.cannotCreate("cannot create log file", file: p)
        }
      }
      guard let h = FileHandle(forWritingAtPath: p) else {
        throw RetortError.cannotCreate("cannot open log file", file: p)
      }
      h.seekToEndOfFile()
      handle = h
    }
  }

  public var isEnabled: Bool { handle != nil }

  /// Writes one record as a JSON object on its own line, keys sorted.
  public func record(_ fields: [String: Any]) {
    guard let handle else { return }
    handle.write(Data((JSON.object(fields) + "\n").utf8))
  }
}

/// A minimal JSON writer for reports: keys in natural order (`p@1`, `p@5`,
/// `p@10`), floating-point numbers to 6 significant digits, finite numbers
/// only (NaN and infinities become null).
public enum JSON {
  public static func object(_ fields: [String: Any]) -> String {
    "{"
      + fields.keys.sorted(by: naturalOrder).map { "\(string($0)): \(value(fields[$0]!))" }
      .joined(separator: ", ") + "}"
  }

  public static func value(_ v: Any) -> String {
    switch v {
    case let d as Double: return number(d)
    case let f as Float: return number(Double(f))
    case let i as Int: return "\(i)"
    case let i as Int64: return "\(i)"
    case let b as Bool: return b ? "true" : "false"
    case let s as String: return string(s)
    case let a as [Any]: return "[" + a.map(value).joined(separator: ", ") + "]"
    case let o as [String: Any]: return object(o)
    default: return "null"
    }
  }

  /// `d` to 6 significant digits (0.778, not 0.7779999999999994), or null.
  static func number(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    return String(format: "%.6g", d)
  }

  /// Whether `a` comes before `b` when runs of digits compare as numbers.
  public static func naturalOrder(_ a: String, _ b: String) -> Bool {
    a.compare(b, options: .numeric) == .orderedAscending
  }

  public static func string(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if u.value < 0x20 {
          out += String(format: "\\u%04x", u.value)
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }
}
