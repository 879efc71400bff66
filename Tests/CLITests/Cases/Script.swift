import Foundation
import RetortTestSupport

/// Runs `script` (a file) with `bash -o pipefail` in `directory`, with the
/// tools' folder first on `PATH`, one BLAS thread, standard input empty,
/// `environment` added and the shard job variables removed.
func runBash(script: String, in directory: URL, environment: [String: String] = [:]) throws
  -> ToolRun
{
  var env = environment
  env["PATH"] =
    toolDirectory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
  env["OPENBLAS_NUM_THREADS"] = "1"
  return try runProcess(
    URL(fileURLWithPath: "/bin/bash"), ["-o", "pipefail", script], stdin: nil, in: directory,
    environment: env, unsetting: shardJobVariables)
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
