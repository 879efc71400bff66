import Foundation
import Testing

/// Runs `script` with python3 (numpy and scipy available), feeding `input` on
/// standard input, and returns its standard output. Used for independent
/// reference computations; a failing script fails the calling test.
func runPython(_ script: String, input: String = "") throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["python3", "-c", script]
  let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
  process.standardInput = stdin
  process.standardOutput = stdout
  process.standardError = stderr
  try process.run()
  // A script that exits before reading its input must not kill the tests.
  signal(SIGPIPE, SIG_IGN)
  let writer = Thread {
    stdin.fileHandleForWriting.write(input.data(using: .utf8)!)
    try? stdin.fileHandleForWriting.close()
  }
  writer.start()
  let out = stdout.fileHandleForReading.readDataToEndOfFile()
  let err = stderr.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else {
    throw PythonFailure(message: String(decoding: err, as: UTF8.self))
  }
  return String(decoding: out, as: UTF8.self)
}

struct PythonFailure: Error, CustomStringConvertible {
  let message: String
  var description: String { "python3 failed: \(message)" }
}

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
