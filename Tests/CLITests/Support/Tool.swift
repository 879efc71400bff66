import Foundation
import Testing

/// The outcome of running a built tool.
struct ToolRun {
  let status: Int32
  let stdout: Data
  let stderr: String
  var text: String { String(decoding: stdout, as: UTF8.self) }
}

/// Where the tools are: `RETORT_BIN` (Scripts/test sets it to the release
/// build), else the folder of this test bundle (the debug build).
let toolDirectory: URL = {
  if let bin = ProcessInfo.processInfo.environment["RETORT_BIN"] {
    return URL(fileURLWithPath: bin)
  }
  var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
  while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("tensor").path) {
    url.deleteLastPathComponent()
  }
  return url
}()

/// Runs `tool` with `arguments` in `directory`, feeding `stdin`.
func run(_ tool: String, _ arguments: [String], stdin: Data = Data(), in directory: URL? = nil,
         environment: [String: String] = [:]) throws -> ToolRun {
  let process = Process()
  process.executableURL = toolDirectory.appendingPathComponent(tool)
  process.arguments = arguments
  if let directory { process.currentDirectoryURL = directory }
  var env = ProcessInfo.processInfo.environment
  env["OPENBLAS_NUM_THREADS"] = env["OPENBLAS_NUM_THREADS"] ?? "1"
  for (k, v) in environment { env[k] = v }
  process.environment = env
  let input = Pipe()
  let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("retort-run-\(UUID().uuidString)")
  let outURL = scratch.appendingPathExtension("out"), errURL = scratch.appendingPathExtension("err")
  FileManager.default.createFile(atPath: outURL.path, contents: nil)
  FileManager.default.createFile(atPath: errURL.path, contents: nil)
  defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
  process.standardInput = input
  process.standardOutput = try FileHandle(forWritingTo: outURL)
  process.standardError = try FileHandle(forWritingTo: errURL)
  try process.run()
  // Tools may exit before reading all of their input: ignore SIGPIPE's EPIPE.
  signal(SIGPIPE, SIG_IGN)
  try? input.fileHandleForWriting.write(contentsOf: stdin)
  try? input.fileHandleForWriting.close()
  process.waitUntilExit()
  let out = try Data(contentsOf: outURL)
  let errData = try Data(contentsOf: errURL)
  return ToolRun(status: process.terminationStatus, stdout: out, stderr: String(decoding: errData, as: UTF8.self))
}

/// A fresh temporary directory, removed when the test process ends.
func temporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("retort-cli-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// The files in `directory`, sorted.
func files(in directory: URL) throws -> [String] {
  try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
}

/// Runs a python3 script (numpy, scipy, h5py available) in `directory`.
func python(_ script: String, in directory: URL) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["python3", "-c", script]
  process.currentDirectoryURL = directory
  let out = Pipe(), err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  let o = out.fileHandleForReading.readDataToEndOfFile()
  let e = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  if process.terminationStatus != 0 {
    Issue.record("python3 failed: \(String(decoding: e, as: UTF8.self))")
  }
  return String(decoding: o, as: UTF8.self)
}

/// Checks a failed run: the status, one line on stderr starting `tool: `
/// containing `fragment`, and nothing on stdout.
func expectFailure(_ r: ToolRun, tool: String, status: Int32, mentioning fragment: String,
                   sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(r.status == status, "stderr: \(r.stderr)", sourceLocation: sourceLocation)
  let lines = r.stderr.split(separator: "\n")
  #expect(lines.count == 1, "expected one line, got: \(r.stderr)", sourceLocation: sourceLocation)
  #expect(r.stderr.hasPrefix("\(tool): "), "got: \(r.stderr)", sourceLocation: sourceLocation)
  #expect(r.stderr.contains(fragment), "'\(fragment)' not in: \(r.stderr)", sourceLocation: sourceLocation)
  #expect(r.stdout.isEmpty, sourceLocation: sourceLocation)
}
