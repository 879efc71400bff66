import Foundation

/// What a finished process left behind.
public struct ProcessResult: Sendable {
  /// The exit status; -1 when the process was stopped at its time limit.
  public let status: Int32
  public let stdout: Data
  /// Standard error as text; it also holds standard output when the two were merged.
  public let stderr: String
  /// Whether the process was stopped because it ran past its time limit.
  public let timedOut: Bool

  /// Standard output as UTF-8 text.
  public var text: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs `executable` with `arguments` in `directory` and waits for it: the one
/// process runner of the test suites (tools, python3, cc, scripts).
///
/// `environment` is laid over this process's environment, less the variables
/// named in `unsetting`. `stdin` is fed through a pipe (nil: /dev/null).
/// Standard output and error go to temporary files, so no pipe fills while the
/// process runs; with `mergingStderr` both go to one file, returned as
/// `stderr`. A process still running after `timeout` seconds gets SIGTERM and
/// the result has status -1 and `timedOut` set.
public func runProcess(
  _ executable: URL, _ arguments: [String], stdin: Data? = Data(), in directory: URL? = nil,
  environment: [String: String] = [:], unsetting: Set<String> = [], mergingStderr: Bool = false,
  timeout: TimeInterval? = nil
) throws -> ProcessResult {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  if let directory { process.currentDirectoryURL = directory }
  process.environment = ProcessInfo.processInfo.environment
    .filter { !unsetting.contains($0.key) }.merging(environment) { $1 }

  let scratch = FileManager.default.temporaryDirectory
    .appendingPathComponent("retort-process-\(UUID().uuidString)")
  let outURL = scratch.appendingPathExtension("out")
  let errURL = scratch.appendingPathExtension("err")
  for url in [outURL, errURL] {
    _ = FileManager.default.createFile(atPath: url.path, contents: nil)
  }
  defer { for url in [outURL, errURL] { try? FileManager.default.removeItem(at: url) } }
  let out = try FileHandle(forWritingTo: outURL)
  let err = mergingStderr ? out : try FileHandle(forWritingTo: errURL)
  process.standardOutput = out
  process.standardError = err

  let input = stdin.map { _ in Pipe() }
  process.standardInput = input ?? FileHandle.nullDevice
  let done = DispatchSemaphore(value: 0)
  process.terminationHandler = { _ in done.signal() }
  try process.run()
  // A process may exit before reading all of its input: ignore SIGPIPE's EPIPE.
  signal(SIGPIPE, SIG_IGN)
  if let input, let stdin {
    try? input.fileHandleForWriting.write(contentsOf: stdin)
    try? input.fileHandleForWriting.close()
  }
  var timedOut = false
  if let timeout {
    timedOut = done.wait(timeout: .now() + timeout) == .timedOut
  } else {
    done.wait()
  }
  if timedOut {
    process.terminate()
    if done.wait(timeout: .now() + 10) == .timedOut {
      kill(process.processIdentifier, SIGKILL)
      done.wait()
    }
  }
  try out.close()
  if !mergingStderr { try err.close() }
  let errText = String(
    decoding: try Data(contentsOf: mergingStderr ? outURL : errURL), as: UTF8.self)
  return ProcessResult(
    status: timedOut ? -1 : process.terminationStatus,
    stdout: mergingStderr ? Data() : try Data(contentsOf: outURL), stderr: errText,
    timedOut: timedOut)
}
