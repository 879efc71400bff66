import Foundation
import Testing

/// End-to-end cases kept as data, as Miller keeps them: each folder
/// `Tests/cases/<tool>/<NNNN>/` has a bash script `cmd` and the expectations
/// of `Expectation` (stdout, status, files left); a failing case also has
/// `experr-names`, the names its one-line error must mention.
/// `RETORT_RECORD=1` rewrites the expectations from the current run.
@Suite("cases") struct CaseTests {
  static let root = repositoryRoot.appendingPathComponent("Tests/cases")

  /// Every case, as `<tool>/<NNNN>`.
  static let allCases: [String] = {
    let manager = FileManager.default
    let tools = (try? manager.contentsOfDirectory(atPath: root.path)) ?? []
    return tools.sorted().flatMap { tool -> [String] in
      let numbers =
        (try? manager.contentsOfDirectory(atPath: root.appendingPathComponent(tool).path)) ?? []
      return numbers.filter { !$0.isEmpty && $0.allSatisfy(\.isNumber) }.sorted().map {
        "\(tool)/\($0)"
      }
    }
  }()

  @Test(arguments: allCases) func runCase(name: String) throws {
    let folder = Self.root.appendingPathComponent(name)
    let tool = String(name.split(separator: "/")[0])
    let work = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: work) }
    let r = try runBash(
      script: folder.appendingPathComponent("cmd").path, in: work,
      environment: [
        "CASE": folder.path, "CASES": Self.root.path,
        "INPUTS": Self.root.appendingPathComponent("inputs").path,
        "FIXTURES": repositoryRoot.appendingPathComponent("fixtures").path,
      ])
    let files = regularFiles(under: work)
    let expectation = Expectation(folder: folder)
    let names = folder.appendingPathComponent("experr-names")
    if recording {
      try expectation.record(status: r.status, stdout: r.stdout, files: files, in: work)
      if r.status != 0 && !FileManager.default.fileExists(atPath: names.path) {
        Issue.record("\(name) fails (\(r.status)) without experr-names: \(r.stderr)")
      }
      return
    }
    #expect(r.status == expectation.status, "\(name): stderr: \(r.stderr)")
    for difference in try expectation.differences(stdout: r.stdout, files: files, in: work) {
      Issue.record("\(name): \(difference)")
    }
    if expectation.status != 0 { try checkError(r.stderr, tool: tool, names: names, case: name) }
  }

  /// A failure's stderr: one line, `<tool>: ` first, naming every line of `experr-names`.
  func checkError(_ stderr: String, tool: String, names: URL, case name: String) throws {
    let lines = stderr.split(separator: "\n")
    #expect(lines.count == 1 && stderr.hasSuffix("\n"), "\(name): not one line: \(stderr)")
    #expect(stderr.hasPrefix("\(tool): "), "\(name): \(stderr)")
    let wanted = try String(contentsOf: names, encoding: .utf8).split(separator: "\n")
    #expect(!wanted.isEmpty, "\(name): experr-names is empty")
    for word in wanted { #expect(stderr.contains(word), "\(name): '\(word)' not in: \(stderr)") }
  }
}
