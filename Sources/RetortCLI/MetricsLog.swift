import Glibc
import Retort
import RetortArguments

/// JSON lines of metrics (`--log FILE`, or stderr with `--log -`).
public final class MetricsLog {
  /// The descriptor records go to; nil discards them.
  private let descriptor: Int32?
  private let ownsDescriptor: Bool

  /// Opens `path` for appending (stderr for `-`); nil discards every record.
  public init(path: String?) throws {
    switch path {
    case nil: (descriptor, ownsDescriptor) = (nil, false)
    case "-": (descriptor, ownsDescriptor) = (2, false)
    case let p?:
      let fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
      guard fd >= 0 else {
        throw RetortError.cannotCreate(
          "cannot open log file (\(String(cString: strerror(errno))))", file: p)
      }
      (descriptor, ownsDescriptor) = (fd, true)
    }
  }

  deinit { if ownsDescriptor, let descriptor { close(descriptor) } }

  public var isEnabled: Bool { descriptor != nil }

  /// Writes one record as a JSON object on its own line, keys sorted.
  public func record(_ fields: [String: Any]) {
    guard let descriptor else { return }
    writeText(JSON.object(fields) + "\n", to: descriptor)
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
    return cFormat("%.6g", d)
  }

  /// Whether `a` comes before `b` when runs of digits compare as numbers.
  public static func naturalOrder(_ a: String, _ b: String) -> Bool {
    let (x, y) = (naturalParts(a), naturalParts(b))
    for (p, q) in zip(x, y) {
      if let m = p.number, let n = q.number {
        if m != n { return m.count != n.count ? m.count < n.count : m < n }
      } else if p.text != q.text {
        return p.text < q.text
      }
    }
    return x.count < y.count
  }

  /// `s` cut into runs of digits (with their value's digits, leading zeros
  /// dropped) and runs of other characters.
  private static func naturalParts(_ s: String) -> [(text: String, number: String?)] {
    var parts = [(text: String, number: String?)]()
    var run = ""
    let isDigit = { (c: Character) in c.isASCII && c.isNumber }
    for ch in s {
      if let last = run.last, isDigit(last) != isDigit(ch) {
        parts.append(naturalPart(run))
        run = ""
      }
      run.append(ch)
    }
    if !run.isEmpty { parts.append(naturalPart(run)) }
    return parts
  }

  private static func naturalPart(_ run: String) -> (text: String, number: String?) {
    guard run.first.map({ $0.isASCII && $0.isNumber }) == true else { return (run, nil) }
    let digits = String(run.drop { $0 == "0" })
    return (run, digits)
  }

  public static func string(_ s: String) -> String { jsonQuoted(s) }
}
