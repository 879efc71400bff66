import Foundation
import Testing

/// Every example in every man page runs and its output is checked, as jq checks
/// its manual: each page's examples in order, in a fresh directory with the
/// files they name (`Fixtures/man_sandbox.py`). Example N of page TOOL has its
/// expectations in `Tests/man/TOOL/NN/` (see `Expectation`): stdout, and every
/// file it writes or rewrites, compared by value with the history masked.
/// `RETORT_RECORD=1` rewrites them.
///
/// Not reproducible as printed, so masked (`maskedTimes`): the history lines
/// that `tensor info` prints carry the time of the run (tensor.1: `tensor
/// import words.vec | tensor info --json -`). Every other example is run with
/// its page's seeds and one BLAS thread and is compared as it is.
@Suite("man page examples") struct ManExamplesTests {
  static let pages = [
    "tensor", "softlabel", "distill", "nms", "ohem-select", "procrustes", "csls", "protonet",
    "align-adv",
  ]
  static let expectations = repositoryRoot.appendingPathComponent("Tests/man")

  /// The example command lines of a man page: indented lines that start with a tool name.
  static func examples(of tool: String) throws -> [String] {
    let page = try String(
      contentsOf: repositoryRoot.appendingPathComponent("man/man1/\(tool).1"), encoding: .utf8)
    let tools = Set(pages)
    return page.split(separator: "\n").compactMap { line in
      guard line.hasPrefix("  ") else { return nil }
      let command = line.trimmingCharacters(in: .whitespaces)
      guard let first = command.split(separator: " ").first, tools.contains(String(first)) else {
        return nil
      }
      return command
    }
  }

  @Test(arguments: pages) func examplesRun(tool: String) throws {
    let examples = try Self.examples(of: tool)
    #expect(examples.count >= 2, "\(tool).1 has too few examples")
    let dir = try temporaryDirectory()
    let scripts = try temporaryDirectory()
    defer { for url in [dir, scripts] { try? FileManager.default.removeItem(at: url) } }
    let setup = repositoryRoot.appendingPathComponent("Tests/CLITests/Fixtures/man_sandbox.py").path
    _ = try python(
      "import runpy, sys; sys.argv = ['', '\(tool)', '.']; "
        + "runpy.run_path('\(setup)', run_name='__main__')",
      in: dir)
    if recording { try removeStaleExpectations(of: tool, keeping: examples.count) }
    for (index, example) in examples.enumerated() {
      let folder = Self.expectations.appendingPathComponent(tool)
        .appendingPathComponent(String(format: "%02d", index + 1))
      let script = scripts.appendingPathComponent("\(index + 1).sh")
      try (example + "\n").write(to: script, atomically: true, encoding: .utf8)
      let before = fileStates(in: dir)
      let r = try runBash(script: script.path, in: dir)
      let after = fileStates(in: dir)
      let written = after.keys.filter { before[$0] != after[$0] }.sorted()
      let stdout = maskedTimes(r.stdout)
      #expect(r.status == 0, "\(tool): `\(example)` failed: \(r.stderr)")
      let expectation = Expectation(folder: folder)
      let recorded = try? String(contentsOf: folder.appendingPathComponent("cmd"), encoding: .utf8)
      if recording {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if recorded != example + "\n" {
          try (example + "\n").write(
            to: folder.appendingPathComponent("cmd"), atomically: true, encoding: .utf8)
        }
        try expectation.record(status: r.status, stdout: stdout, files: written, in: dir)
        continue
      }
      guard recorded == example + "\n" else {
        Issue.record(
          "\(tool) example \(index + 1) is not the one recorded (RETORT_RECORD=1): \(example)")
        continue
      }
      for difference in try expectation.differences(stdout: stdout, files: written, in: dir) {
        Issue.record("\(tool) example \(index + 1) `\(example)`: \(difference)")
      }
    }
  }
}

/// Removes the expectations of examples past the `count` that page `tool` has.
private func removeStaleExpectations(of tool: String, keeping count: Int) throws {
  let folder = ManExamplesTests.expectations.appendingPathComponent(tool)
  let numbers = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
  for number in numbers where (Int(number) ?? 0) > count {
    try FileManager.default.removeItem(at: folder.appendingPathComponent(number))
  }
}

/// Each regular file under `directory` with what tells a rewrite: size,
/// modification time and inode.
private func fileStates(in directory: URL) -> [String: [Int]] {
  var states = [String: [Int]]()
  for file in regularFiles(under: directory) {
    let attributes =
      (try? FileManager.default.attributesOfItem(
        atPath: directory.appendingPathComponent(file).path)) ?? [:]
    let time = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
    states[file] = [
      (attributes[.size] as? Int) ?? -1, Int(time * 1e6),
      (attributes[.systemFileNumber] as? Int) ?? -1,
    ]
  }
  return states
}

/// Text output with the times of history lines (`2026-11-29T12:00:00Z`)
/// replaced by `TIME` and the value of `retort_version` by `VERSION`; HDF5
/// output unchanged.
private func maskedTimes(_ stdout: Data) -> Data {
  guard !isHDF5(stdout), let text = String(data: stdout, encoding: .utf8) else { return stdout }
  let time = try! Regex(#"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"#)
  let version = try! Regex(#"(retort_version"?( = |: ")?)[0-9][0-9A-Za-z.+-]*"#)
  return Data(
    text.replacing(time, with: "TIME").replacing(version) { $0.output[1].substring! + "VERSION" }
      .utf8)
}
