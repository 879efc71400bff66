import FoundationEssentials
import Glibc

extension TensorFileWriter {
  /// Records provenance on the root: `history` (the inputs' lines, then
  /// `<ISO-8601 time> <tool> <arguments>`) and `retort_version`, as NCO does.
  public func stamp(tool: String, arguments: [String], inheriting previous: [String] = []) throws {
    let line = Self.historyLine(tool: tool, arguments: arguments, date: Date())
    try setAttribute("history", .text((previous + [line]).joined(separator: "\n")))
    try setAttribute("retort_version", .text(retortVersion))
  }

  /// One history line: time, tool, and its arguments quoted for a shell.
  static func historyLine(tool: String, arguments: [String], date: Date) -> String {
    return ([date.formatted(Date.ISO8601FormatStyle()), tool] + arguments.map(shellQuoted)).joined(
      separator: " ")
  }

  /// Copies every root-level dataset of `source` that is not in `except`
  /// and not yet written (the carry-through of a filter tool).
  public func carry(from source: TensorFile, except: Set<String> = []) throws {
    for name in try source.datasetNames() where !name.contains("/") {
      if except.contains(name) || contains(name) { continue }
      try copy(name, from: source)
    }
  }
}

/// `s` quoted so that a POSIX shell reads it back as one word.
func shellQuoted(_ s: String) -> String {
  let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,@+%")
  if !s.isEmpty && s.allSatisfy({ safe.contains($0) }) { return s }
  return "'" + s.replacing("'", with: "'\\''") + "'"
}
