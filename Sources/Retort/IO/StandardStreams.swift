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
