import Foundation
import Testing

@testable import RetortArguments

/// What `shell` prints for `command` with the completion script of `root` loaded.
func runShell(_ shell: String, _ script: String, _ command: String) throws -> String {
  let file = FileManager.default.temporaryDirectory
    .appendingPathComponent("retort-completion-\(getpid())-\(shell)")
  try script.write(to: file, atomically: true, encoding: .utf8)
  defer { try? FileManager.default.removeItem(at: file) }
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = [shell, "-c", "source \(file.path); \(command)"]
  let out = Pipe()
  process.standardOutput = out
  process.standardError = out
  try process.run()
  let data = out.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return String(decoding: data, as: UTF8.self)
}

@Suite struct CompletionTests {
  @Test func bashCompletesNamesValuesAndSubcommands() throws {
    let sample = try completionScript(Sample.self, shell: "bash")
    func complete(_ words: String, _ script: String = sample, _ function: String = "_sample") throws
      -> [String]
    {
      let command =
        "COMP_WORDS=(\(words)); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); \(function); "
        + "printf '%s\\n' \"${COMPREPLY[@]}\""
      return try runShell("bash", script, command).split(separator: "\n").map(String.init)
    }
    #expect(try complete("sample --sha") == ["--shape"])
    #expect(try complete("sample --shape ''") == ["round", "square"])
    #expect(try complete("sample --no-i") == ["--no-identity"])
    #expect(try complete("sample --thr") == ["--threads"])
    let group = try completionScript(Group.self, shell: "bash")
    #expect(try complete("group me", group, "_group") == ["merge"])
    #expect(try complete("group merge --ar", group, "_group") == ["--arch"])
  }

  @Test func fishCompletesNamesValuesAndSubcommands() throws {
    let sample = try completionScript(Sample.self, shell: "fish")
    func complete(_ line: String, _ script: String = sample) throws -> [String] {
      try runShell("fish", script, "complete -C '\(line)'").split(separator: "\n").map {
        String($0.split(separator: "\t").first ?? "")
      }
    }
    #expect(try complete("sample --sha") == ["--shape"])
    #expect(try complete("sample --shape ").sorted() == ["round", "square"])
    let group = try completionScript(Group.self, shell: "fish")
    #expect(try complete("group me", group) == ["merge"])
    #expect(try complete("group merge --ar", group) == ["--arch"])
  }

  @Test func zshHandsTheSpecsToArguments() throws {
    // _arguments and _describe print what they are given.
    let stubs = """
      _arguments() { print -rl -- "$@"; }
      _describe() { print -rl -- "${(@P)2}"; }

      """
    let sample = try runShell("zsh", stubs + completionScript(Sample.self, shell: "zsh"), "")
      .split(separator: "\n")
    #expect(sample.contains("--shape[Shape.]:shape:(round square)"))
    #expect(sample.contains("-T[Temperature.]:temperature:_files"))
    #expect(sample.contains("--no-identity[Identity.]"))
    let group =
      try stubs + "CURRENT=2; words=(group me)\n" + completionScript(Group.self, shell: "zsh")
    #expect(try runShell("zsh", group, "").split(separator: "\n").contains("merge:Merge files."))
    let merge =
      try stubs + "CURRENT=3; words=(group merge --ar)\n"
      + completionScript(Group.self, shell: "zsh")
    #expect(
      try runShell("zsh", merge, "").split(separator: "\n").contains(
        "--arch[Required.]:arch:_files"))
  }

  @Test func anUnknownShellIsRefused() {
    #expect(throws: ValidationError.self) { try completionScript(Sample.self, shell: "tcsh") }
  }
}
