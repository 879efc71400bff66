import ArgumentParser
import Foundation
import Retort

/// A Retort tool's root command. Its `main()` puts OpenBLAS on the right
/// kernel, runs the command, and turns every error into one line on stderr,
/// `<tool>: <message>`, and the exit status of DESIGN.md §3.
public protocol RetortCommand: ParsableCommand {}

extension RetortCommand {
  public static func main() {
    reexecOnBestBLASKernel()
    let tool = configuration.commandName ?? "retort"
    do {
      var command = try parseAsRoot()
      try command.run()
      try closeStandardOutput()
    } catch let error as RetortError {
      fail(tool: tool, message: error.message, status: error.kind.rawValue)
    } catch {
      // Help, version and usage mistakes: the parser's own text and status 64.
      let code = exitCode(for: error)
      if code == .success || code == .validationFailure { exit(withError: error) }
      if let exit = error as? ExitCode { Foundation.exit(exit.rawValue) }
      fail(tool: tool, message: fullMessage(for: error), status: RetortError.Kind.software.rawValue)
    }
  }
}

/// Prints `<tool>: <message>` on stderr and exits with `status`.
func fail(tool: String, message: String, status: Int32) -> Never {
  let line = message.split(separator: "\n").joined(separator: "; ")
  FileHandle.standardError.write(Data("\(tool): \(line)\n".utf8))
  exit(status)
}

/// Flushes and closes standard output, so that a full disk or a closed pipe is
/// an error rather than a silent loss (as samtools does).
func closeStandardOutput() throws {
  if fflush(nil) != 0 {
    throw RetortError.io("cannot write standard output: \(String(cString: strerror(errno)))")
  }
}

/// Re-executes this process once with `OPENBLAS_CORETYPE` set when OpenBLAS
/// fell back to a slower kernel than the processor supports (see `BLASKernel`).
func reexecOnBestBLASKernel() {
  guard let core = BLASKernel.replacementCore(environment: ProcessInfo.processInfo.environment)
  else { return }
  setenv("OPENBLAS_CORETYPE", core, 1)
  setenv("RETORT_BLAS_REEXEC", "1", 1)
  let argv = CommandLine.unsafeArgv
  execv("/proc/self/exe", argv)
  // execv returns only on failure: carry on with the kernel we have.
}
