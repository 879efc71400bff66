import Glibc
import Retort

/// One run of a tool: it knows the tool's name, has applied `--threads`,
/// opens the inputs (standard input at most once), makes the writer whose
/// `finish` stamps the history of the first input, and owns the metrics log
/// and the progress bars, which are cleared on every path out of the run.
public final class ToolContext {
  /// The tool's name as errors, history lines and shard sources spell it.
  public let tool: String
  /// The options every tool takes.
  public let common: CommonOptions
  /// The JSON-lines log of `--log` (discards everything without it).
  public let log: MetricsLog
  /// The datasets the command reads by role (see `RetortTool.datasetRoles`).
  let roles: [String]
  private var inputs = [TensorFile]()
  private var standardInputTaken = false
  private var bars = [Progress]()
  /// Warnings not yet printed: a run that then fails prints only its error.
  private var pendingWarnings = [String]()

  init(tool: String, common: CommonOptions, roles: [String] = []) throws {
    self.tool = tool
    self.common = common
    self.roles = roles
    // OpenBLAS is loaded before a command that uses it runs (`prepareBLAS`).
    let blas = BLASKernel.isLoaded
    if blas, common.threads != nil { BLASKernel.threads = common.threadCount }
    log = try common.metricsLog()
    note("threads \(threads)" + (blas ? ", OpenBLAS threads \(BLASKernel.threads)" : ""))
  }

  /// The seed of `--seed`.
  public var seed: UInt64 { common.seed }

  /// Threads for Retort's own loops: `--threads`, or every core.
  public var threads: Int { common.threadCount }

  /// A generator seeded with `--seed`.
  public func generator() -> SeededGenerator { SeededGenerator(seed: common.seed) }

  /// Opens `spec`'s file, with the dataset roles it names, and registers it
  /// as an input (for the history). Standard input can be read only once
  /// per run. A role the command does not read is a usage error.
  public func open(_ spec: InputSpec) throws -> TensorFile {
    for role in spec.roles.keys.sorted() where !roles.contains(role) {
      let known =
        roles.isEmpty
        ? "it names no datasets by role" : "its roles: " + roles.joined(separator: ", ")
      throw RetortError.usage(
        "'\(role)=' in '\(spec.path)': \(tool) reads no dataset by that role (\(known))")
    }
    let file = try open(path: spec.path)
    file.roles = spec.roles
    return file
  }

  /// Opens the file at `path` (`-`: standard input) and registers it.
  public func open(path: String) throws -> TensorFile {
    if path == "-" {
      if standardInputTaken {
        throw RetortError.usage("standard input ('-') can be read only once")
      }
      standardInputTaken = true
    }
    let file = try TensorFile(path: path)
    inputs.append(file)
    return file
  }

  /// Runs `body`, naming `file` in the Retort errors it throws.
  public func naming<T>(_ file: TensorFile, _ body: () throws -> T) throws -> T {
    try naming(file.label, body)
  }

  /// Runs `body`, naming the file `label` in any Retort error it throws
  /// that names no file yet (not in usage errors: they are about options).
  public func naming<T>(_ label: String, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as RetortError {
      throw e.kind == .usage ? e : e.naming(label)
    }
  }

  /// A progress bar over `total` items; cleared when the run ends.
  public func progress(total: Int, label: String) -> Progress {
    flushWarnings()
    let bar = Progress(total: total, label: label, tool: tool, quiet: common.quiet)
    bars.append(bar)
    return bar
  }

  /// Records `fields` in the metrics log and, with `-v`, prints them on
  /// stderr as `key value` pairs in the log's key order.
  public func metrics(_ fields: [String: Any]) {
    flushWarnings()
    log.record(fields)
    guard common.verbose else { return }
    note(
      fields.keys.sorted(by: JSON.naturalOrder).map { "\($0) \(JSON.value(fields[$0]!))" }
        .joined(separator: ", "))
  }

  /// Prints `<tool>: message` on stderr with `-v` (and the warnings held
  /// before it; without `-v` they stay held).
  public func note(_ message: String) {
    guard common.verbose else { return }
    flushWarnings()
    common.note(tool, message)
  }

  /// Prints `<tool>: warning: message` on stderr unless `-q`.
  /// The warning is held until the work shows progress or output, or the
  /// run ends well, so that a run that fails prints one line.
  public func warn(_ message: String) { pendingWarnings.append(message) }

  /// Prints the warnings held so far.
  public func flushWarnings() {
    for message in pendingWarnings { common.warn(tool, message) }
    pendingWarnings = []
  }

  /// Prints a report for people and scripts: one JSON object on stdout.
  public func report(_ fields: [String: Any]) {
    flushWarnings()
    print(JSON.object(fields))
  }

  /// A writer for `output`'s destination.
  public func writer(_ output: OutputOptions) throws -> TensorFileWriter { try output.makeWriter() }

  /// Stamps `history` and `retort_version`, closes the inputs, then commits
  /// the file. The history continues `history`, else that of `continuing`,
  /// else that of the first input opened.
  public func finish(
    _ writer: TensorFileWriter, continuing main: TensorFile? = nil, history: [String]? = nil
  ) throws {
    try finish(all: [writer], continuing: main, history: history)
  }

  /// `finish` for several outputs of one run, put in place together: when one
  /// cannot be, none is left (`TensorFileWriter.commit(all:)`).
  public func finish(
    all writers: [TensorFileWriter], continuing main: TensorFile? = nil,
    history: [String]? = nil
  ) throws {
    flushWarnings()
    let arguments = Array(CommandLine.arguments.dropFirst())
    let previous = history ?? (main ?? inputs.first)?.history() ?? []
    for writer in writers {
      try writer.stamp(tool: tool, arguments: arguments, inheriting: previous)
    }
    for input in inputs { input.close() }
    if let main { main.close() }
    try TensorFileWriter.commit(all: writers)
  }

  /// Clears the progress bars.
  func close() { for bar in bars { bar.finish() } }
}
