import Foundation
import Testing

/// Every example in every man page runs, as jq runs its manual: each page's
/// examples in order, in a fresh directory with the files they name.
@Suite("man page examples") struct ManExamplesTests {
  static let pages = ["tensor", "softlabel", "distill", "nms", "ohem-select", "procrustes", "csls", "protonet", "align-adv"]

  /// The example command lines of a man page: indented lines that start with a tool name.
  static func examples(of tool: String) throws -> [String] {
    let page = try String(
      contentsOf: repositoryRoot.appendingPathComponent("man/man1/\(tool).1"), encoding: .utf8)
    let tools = Set(pages)
    return page.split(separator: "\n").compactMap { line in
      guard line.hasPrefix("  ") else { return nil }
      let command = line.trimmingCharacters(in: .whitespaces)
      guard let first = command.split(separator: " ").first, tools.contains(String(first)) else { return nil }
      return command
    }
  }

  @Test(arguments: pages) func examplesRun(tool: String) throws {
    let examples = try Self.examples(of: tool)
    #expect(examples.count >= 2, "\(tool).1 has too few examples")
    let dir = try temporaryDirectory()
    let setup = repositoryRoot.appendingPathComponent("Tests/CLITests/Fixtures/man_sandbox.py").path
    _ = try python("import runpy, sys; sys.argv = ['', '\(tool)', '.']; runpy.run_path('\(setup)', run_name='__main__')", in: dir)
    for example in examples {
      let shell = Process()
      shell.executableURL = URL(fileURLWithPath: "/bin/bash")
      shell.arguments = ["-o", "pipefail", "-c", example]
      shell.currentDirectoryURL = dir
      var env = ProcessInfo.processInfo.environment
      env["PATH"] = toolDirectory.path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
      shell.environment = env
      let err = Pipe()
      shell.standardOutput = FileHandle.nullDevice
      shell.standardError = err
      try shell.run()
      let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      shell.waitUntilExit()
      #expect(shell.terminationStatus == 0, "\(tool): `\(example)` failed: \(message)")
    }
  }
}
