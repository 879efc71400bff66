import Foundation
import RetortTestSupport
import Testing

/// The outcome of running a built tool.
typealias ToolRun = ProcessResult

/// The repository's root (for the scripts, man pages, header and binding).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The tools' names, each a link to the one binary `retort-tools`.
let toolNames = [
  "tensor", "softlabel", "distill", "nms", "ohem-select", "protonet", "align-adv", "procrustes",
  "csls",
]

/// Where the tools are: `RETORT_BIN` (Scripts/test sets it to the release
/// build), else the folder of this test bundle (the debug build), where the
/// tools' links to `retort-tools` are made when missing (Scripts/setup makes
/// them for the release build).
let toolDirectory: URL = {
  if let bin = ProcessInfo.processInfo.environment["RETORT_BIN"] {
    return URL(fileURLWithPath: bin)
  }
  var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
  while url.path != "/"
    && !FileManager.default.fileExists(atPath: url.appendingPathComponent("retort-tools").path)
  {
    url.deleteLastPathComponent()
  }
  for name in toolNames {
    try? FileManager.default.createSymbolicLink(
      atPath: url.appendingPathComponent(name).path, withDestinationPath: "retort-tools")
  }
  return url
}()

/// The variables a shard's job marks come from: the tools run by the tests
/// see only those a test sets, not those of a Slurm job running the tests.
let shardJobVariables: Set<String> = [
  "RETORT_SHARD_JOB", "SLURM_ARRAY_JOB_ID", "SLURM_JOB_ID", "SLURM_RESTART_COUNT",
]

/// Runs `tool` with `arguments` in `directory`, feeding `stdin`, with one BLAS
/// thread unless the environment says otherwise, and no job variables but
/// those in `environment`.
func run(
  _ tool: String, _ arguments: [String], stdin: Data = Data(), in directory: URL? = nil,
  environment: [String: String] = [:]
) throws -> ToolRun {
  var env = environment
  if env["OPENBLAS_NUM_THREADS"] == nil {
    env["OPENBLAS_NUM_THREADS"] = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "1"
  }
  return try runProcess(
    toolDirectory.appendingPathComponent(tool), arguments, stdin: stdin, in: directory,
    environment: env, unsetting: shardJobVariables)
}

/// A fresh temporary directory, removed when the test process ends.
func temporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("retort-cli-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// The files in `directory`, sorted.
func files(in directory: URL) throws -> [String] {
  try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
}

/// Runs a python3 script (numpy, scipy, h5py available) in `directory` and
/// returns its standard output; a failing script throws.
func python(_ script: String, in directory: URL) throws -> String {
  try runPython(script, in: directory)
}

/// Runs a python3 script in `directory` and returns what it passed to
/// `report(name=value, ...)`.
func pythonReport(
  _ script: String, in directory: URL,
  sourceLocation: SourceLocation = #_sourceLocation
) throws -> PythonReport {
  try runPythonReport(script, in: directory, sourceLocation: sourceLocation)
}
