import Foundation

/// Runs `script` (a file) with `bash -o pipefail` in `directory`, with the
/// tools' folder first on `PATH`, one BLAS thread and `environment` added.
///
/// `run(_:_:)` in `Support/Tool.swift` starts only the built tools, so this
/// starts bash the same way: output to files, standard input empty.
func runBash(script: String, in directory: URL, environment: [String: String] = [:]) throws
  -> ToolRun
{
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/bin/bash")
  process.arguments = ["-o", "pipefail", script]
  process.currentDirectoryURL = directory
  var env = ProcessInfo.processInfo.environment
  env["PATH"] = toolDirectory.path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
  env["OPENBLAS_NUM_THREADS"] = "1"
  for (key, value) in environment { env[key] = value }
  process.environment = env
  let scratch = try temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: scratch) }
  let outURL = scratch.appendingPathComponent("out")
  let errURL = scratch.appendingPathComponent("err")
  FileManager.default.createFile(atPath: outURL.path, contents: nil)
  FileManager.default.createFile(atPath: errURL.path, contents: nil)
  process.standardInput = FileHandle.nullDevice
  process.standardOutput = try FileHandle(forWritingTo: outURL)
  process.standardError = try FileHandle(forWritingTo: errURL)
  try process.run()
  process.waitUntilExit()
  return ToolRun(
    status: process.terminationStatus, stdout: try Data(contentsOf: outURL),
    stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
}

/// The regular files under `directory`, as sorted relative paths.
func regularFiles(under directory: URL) -> [String] {
  let base = directory.resolvingSymlinksInPath().path + "/"
  guard let walk = FileManager.default.enumerator(atPath: base) else { return [] }
  var found = [String]()
  while let relative = walk.nextObject() as? String {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: base + relative, isDirectory: &isDirectory),
      !isDirectory.boolValue
    {
      found.append(relative)
    }
  }
  return found.sorted()
}
