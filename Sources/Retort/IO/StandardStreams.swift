/// Reads standard input to its end.
func readAllOfStandardInput() throws -> [UInt8] {
  do {
    return try readToEnd(0)
  } catch {
    throw RetortError.io("cannot read standard input: \(error.reason)")
  }
}

/// Writes `bytes` to standard output, all of them, or throws.
func writeAllToStandardOutput(_ bytes: [UInt8]) throws {
  do {
    try writeAll(1, bytes)
  } catch {
    throw RetortError.io("cannot write standard output: \(error.reason)")
  }
}

/// Writes `text` to standard error (errors are ignored: there is nowhere
/// left to report them).
public func writeToStandardError(_ text: String) { writeText(text, to: 2) }

/// Writes all of `text` to descriptor `fd`, ignoring errors (for logs and
/// messages, whose loss must not end a run).
public func writeText(_ text: String, to fd: Int32) { try? writeAll(fd, Array(text.utf8)) }
