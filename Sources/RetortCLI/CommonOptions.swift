import Glibc
import Retort
import RetortArguments

/// Options every Retort tool takes: threads, seed, verbosity and the metrics log.
public struct CommonOptions: ParsableArguments {
  @Option(
    name: .long,
    help: "Threads for BLAS and Retort's own loops (default: every core it may run on).")
  public var threads: Int?

  @Option(
    name: .long,
    help: "Seed for every random choice; the same seed and threads give the same bytes.")
  public var seed: UInt64 = 0

  @Flag(name: [.short, .long], help: "Print nothing but errors on stderr.")
  public var quiet = false

  @Flag(name: [.short, .long], help: "Print more about the work on stderr.")
  public var verbose = false

  @Option(
    name: .long,
    help: ArgumentHelp("Write metrics as JSON lines to FILE ('-' for stderr).", valueName: "file"))
  public var log: String?

  public init() {}

  public func validate() throws {
    if let threads { try requireOption(threads >= 1, "--threads", threads, "at least 1") }
    if quiet && verbose { throw ValidationError("--quiet and --verbose exclude each other") }
  }

  /// Threads to use: `--threads`, or every core.
  public var threadCount: Int { threads ?? availableCores }

  /// Prints `message` on stderr with `-v`.
  func note(_ tool: String, _ message: String) {
    if verbose { writeToStandardError("\(tool): \(message)\n") }
  }

  /// Prints a warning on stderr unless `-q`.
  func warn(_ tool: String, _ message: String) {
    if !quiet { writeToStandardError("\(tool): warning: \(message)\n") }
  }

  /// The metrics log of `--log`, or one that discards everything.
  func metricsLog() throws -> MetricsLog { try MetricsLog(path: log) }
}
