import CRetortGuard
import Glibc
import Retort
import RetortArguments

/// A Retort tool's root command. Its `main()` parses the arguments, readies
/// OpenBLAS unless the command is `BLASFree`, runs the command, and turns every error into one line on stderr,
/// `<tool>: <message>`, and the exit status of docs/design.md ("Errors").
public protocol RetortCommand: ParsableCommand {}

/// A command that never multiplies matrices: it runs without loading
/// OpenBLAS, so it starts 1.5–2.5 ms sooner and needs no address space for
/// OpenBLAS's buffers. (Were it to call BLAS, OpenBLAS would load then.)
public protocol BLASFree {}

/// A command that does a tool's work: its `run(in:)` gets a `ToolContext`.
public protocol RetortTool: ParsableCommand {
  /// The options every tool takes.
  var common: CommonOptions { get }
  /// The command's option for each quantity the core names in its errors
  /// (`learningRate` is `--lr`).
  static var optionNames: [String: String] { get }
  /// The datasets the command reads by role (`labels`, `image`): the roles
  /// an input argument may rename (`FILE:labels=labels_train`).
  static var datasetRoles: [String] { get }
  /// Does the work.
  func run(in context: ToolContext) throws
}

extension RetortTool {
  public static var optionNames: [String: String] { [:] }
  public static var datasetRoles: [String] { [] }

  public mutating func run() throws {
    try checkPlannedOutputs()
    let context = try ToolContext(tool: toolName, common: common, roles: Self.datasetRoles)
    defer { context.close() }
    do {
      try run(in: context)
      context.flushWarnings()
    } catch let e as RetortError {
      throw e.renamingQuantity(Self.optionNames)
    }
  }
}

/// `--name` for each camel-case quantity: `maxKeep` is `--max-keep`.
public func optionNames(_ quantities: [String], except: [String: String] = [:]) -> [String: String]
{
  var out = [String: String]()
  for q in quantities {
    out[q] =
      except[q] ?? "--" + q.map { $0.isUppercase ? "-" + $0.lowercased() : String($0) }.joined()
  }
  return out
}

/// The running tool's name, set by `RetortCommand.main()`.
nonisolated(unsafe) var toolName = "retort"

extension RetortCommand {
  public static func main() {
    toolName = configuration.commandName ?? "retort"
    // After the Swift runtime's own handlers: ours replace its backtracer.
    retort_guard_install(toolName)
    do {
      let arguments = joiningNegativeValues(Array(CommandLine.arguments.dropFirst()))
      try checkSubcommand(arguments)
      var command = try parseAsRoot(arguments)
      if !(command is any BLASFree) { try prepareBLAS() }
      try command.run()
      try closeStandardOutput()
    } catch let error as RetortError {
      fail(tool: toolName, message: error.message, status: error.exitStatus)
    } catch let error as CleanExit {
      // Help, the version, the tool description, a completion script.
      writeText(error.text, to: 1)
      exit(0)
    } catch let error as ValidationError {
      fail(tool: toolName, message: error.message, status: RetortError.Kind.usage.rawValue)
    } catch {
      fail(tool: toolName, message: "\(error)", status: RetortError.exitStatus(for: error))
    }
  }
}

extension RetortCommand {
  /// Refuses an unknown subcommand with the closest one and the list
  /// (`unknown subcommand 'evl' (did you mean 'eval'?)`), where the parser
  /// would report an unexpected argument.
  static func checkSubcommand(_ arguments: [String]) throws {
    let names = configuration.subcommands.map { $0.commandName } + ["help"]
    guard names.count > 1, let first = arguments.first, !first.hasPrefix("-"),
      !names.contains(first)
    else { return }
    let closest = names.min { editDistance(first, $0) < editDistance(first, $1) }!
    let hint = editDistance(first, closest) <= 2 ? " (did you mean '\(closest)'?)" : ""
    throw RetortError.usage(
      "unknown subcommand '\(first)'\(hint); subcommands: "
        + names.joined(separator: ", "))
  }
}

/// `--opt -1` as `--opt=-1`: the parser would take a negative number after a
/// long option for an option of its own.
func joiningNegativeValues(_ arguments: [String]) -> [String] {
  var out = [String]()
  var i = 0
  while i < arguments.count {
    let a = arguments[i]
    if a == "--" { return out + arguments[i...] }
    if a.hasPrefix("--"), !a.contains("="), i + 1 < arguments.count,
      let next = arguments[i + 1].dropFirst().first, arguments[i + 1].hasPrefix("-"),
      next.isNumber || next == "."
    {
      out.append(a + "=" + arguments[i + 1])
      i += 2
      continue
    }
    out.append(a)
    i += 1
  }
  return out
}

/// Prints `<tool>: <message>` on stderr and exits with `status`.
func fail(tool: String, message: String, status: Int32) -> Never {
  let line = printable(message.split(separator: "\n").joined(separator: "; "))
  writeToStandardError("\(tool): \(line)\n")
  exit(status)
}

/// `text` with every control character and line or paragraph separator (which
/// a damaged file's bytes can put into a message) written as `\u{…}`, so that
/// an error stays one line.
func printable(_ text: String) -> String {
  var out = ""
  for scalar in text.unicodeScalars {
    switch scalar.properties.generalCategory {
    case .control, .lineSeparator, .paragraphSeparator, .format:
      out += "\\u{" + String(scalar.value, radix: 16) + "}"
    default: out.unicodeScalars.append(scalar)
    }
  }
  return out
}

/// Flushes and closes standard output, so that a full disk or a closed pipe is
/// an error rather than a silent loss (as samtools does).
func closeStandardOutput() throws {
  if fflush(nil) != 0 {
    throw RetortError.io("cannot write standard output: \(String(cString: strerror(errno)))")
  }
}

/// The address space a tool needs at least. Below it OpenBLAS's worker
/// threads retry a failed 128 MiB buffer allocation forever (seen with
/// Debian 12's OpenBLAS 0.3.21 under `ulimit -v` of 600 MB).
let minimumAddressSpace = 2 << 30

/// The soft RLIMIT_AS in bytes, or nil when there is none.
func addressSpaceLimit() -> Int? {
  var limit = rlimit()
  guard getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0,
    limit.rlim_cur != rlim_t.max
  else { return nil }
  return Int(clamping: limit.rlim_cur)
}

/// Readies OpenBLAS for a command that uses it, before the command reads
/// anything: refuses an address-space limit OpenBLAS would hang under, sets
/// its idle threads to sleep at once (`idleThreadTimeout`), loads the library
/// (a failure is one line, status 70) and moves to the best kernel
/// (`reexecOnBestBLASKernel`).
func prepareBLAS() throws {
  if let limit = addressSpaceLimit(), limit < minimumAddressSpace {
    throw RetortError.usage(
      "the virtual memory limit (ulimit -v) is \(limit >> 20) MiB: OpenBLAS needs at "
        + "least \(minimumAddressSpace >> 20) MiB of address space (it hangs when an allocation "
        + "fails); raise it, or limit memory with a cgroup (Slurm --mem) instead")
  }
  setenv("OPENBLAS_THREAD_TIMEOUT", idleThreadTimeout, 0)  // a value the user set stands
  try BLASKernel.load()
  reexecOnBestBLASKernel()
}

/// OpenBLAS's idle threads spin (sched_yield) for 2^28 cycles after each product
/// unless `OPENBLAS_THREAD_TIMEOUT` (read when the library loads) says 2^n; the
/// tools' own workers need those cores between products. At its least, 4, a
/// Fashion-MNIST convnet epoch, a dense epoch and an adversarial-alignment run
/// took 7–18% less time and no command measured more.
let idleThreadTimeout = "4"

/// Re-executes this process once with `OPENBLAS_CORETYPE` set when OpenBLAS
/// fell back to a slower kernel than the processor supports (see `BLASKernel`).
func reexecOnBestBLASKernel() {
  guard let core = BLASKernel.replacementCore(environment: environmentVariables())
  else { return }
  setenv("OPENBLAS_CORETYPE", core, 1)
  setenv("RETORT_BLAS_REEXEC", "1", 1)
  let argv = CommandLine.unsafeArgv
  execv("/proc/self/exe", argv)
  // execv returns only on failure: carry on with the kernel we have.
}
