import Glibc

extension TensorFileWriter {
  /// Records provenance on the root: `history` (the inputs' lines, then
  /// `<ISO-8601 time> <tool> <arguments>`) and `retort_version`, as NCO does.
  public func stamp(tool: String, arguments: [String], inheriting previous: [String] = []) throws {
    let line = Self.historyLine(tool: tool, arguments: arguments, time: time(nil))
    try setAttribute("history", .text((previous + [line]).joined(separator: "\n")))
    try setAttribute("retort_version", .text(retortVersion))
  }

  /// One history line: the time (seconds since 1970) in UTC, tool, and its
  /// arguments quoted for a shell.
  static func historyLine(tool: String, arguments: [String], time: time_t) -> String {
    return ([utcTimestamp(time), tool] + arguments.map(shellQuoted)).joined(separator: " ")
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
  return "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''")
    + "'"
}

/// `time` (seconds since 1970) in UTC as ISO 8601 to the second, as
/// `Date.ISO8601FormatStyle()` wrote it: `2024-05-01T09:30:00Z`.
func utcTimestamp(_ time: time_t) -> String {
  var time = time
  var t = tm()
  gmtime_r(&time, &t)
  return cFormat(
    "%04d-%02d-%02dT%02d:%02d:%02dZ", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour,
    t.tm_min, t.tm_sec)
}
