import Foundation
import Testing

/// Checks a failed run against the error convention: the exit `status`, one
/// line on stderr starting `tool: `, nothing on stdout, and each of `names` in
/// the message: the files, datasets, options and values a user needs to find
/// what was wrong. The sentence around them is the tool's to word.
func expectFailure(
  _ r: ToolRun, tool: String, status: Int32, naming names: [String],
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(r.status == status, "stderr: \(r.stderr)", sourceLocation: sourceLocation)
  let lines = r.stderr.split(separator: "\n")
  #expect(lines.count == 1, "expected one line, got: \(r.stderr)", sourceLocation: sourceLocation)
  #expect(r.stderr.hasPrefix("\(tool): "), "got: \(r.stderr)", sourceLocation: sourceLocation)
  let message = r.stderr.dropFirst(tool.count + 2)
  for name in names {
    #expect(
      message.contains(name), "'\(name)' not named in: \(r.stderr)",
      sourceLocation: sourceLocation)
  }
  #expect(r.stdout.isEmpty, "stdout: \(r.text)", sourceLocation: sourceLocation)
}

/// `expectFailure` with the names listed in place.
func expectFailure(
  _ r: ToolRun, tool: String, status: Int32, naming names: String...,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  expectFailure(r, tool: tool, status: status, naming: names, sourceLocation: sourceLocation)
}
