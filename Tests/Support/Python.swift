import Foundation

/// A python3 script that exited with a non-zero status.
public struct PythonFailure: Error, CustomStringConvertible {
  public let status: Int32
  public let message: String
  public var description: String { "python3 failed (status \(status)): \(message)" }
}

/// Runs `script` with python3 (numpy, scipy and h5py available) in `directory`,
/// feeding `input` on standard input; returns its standard output. Used for
/// independent reference computations and for writing test data; a failing
/// script throws, so it fails the calling test.
public func runPython(_ script: String, input: String = "", in directory: URL? = nil) throws
  -> String
{
  let r = try runProcess(
    URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script], stdin: Data(input.utf8),
    in: directory)
  guard r.status == 0 else { throw PythonFailure(status: r.status, message: r.stderr) }
  return r.text
}
