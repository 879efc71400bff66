import Glibc
import Retort
import RetortArguments

/// `-o FILE` and the rules for standard output: HDF5 goes to standard output
/// when `-o` is omitted (or `-`) and standard output is not a terminal.
public struct OutputOptions: ParsableArguments {
  @Option(
    name: .shortAndLong,
    help: ArgumentHelp("Output file ('-' or omitted: standard output).", valueName: "file"))
  public var output: String?

  @OptionGroup public var compression: CompressionOptions

  public init() {}

  /// Registers `-o FILE` for the check before the work (`checkPlannedOutputs`).
  public func validate() throws {
    if let output, output != "-" { plannedOutputs.append(output) }
  }

  /// Where the output goes; refuses a terminal.
  public func destination() throws -> TensorFileWriter.Destination {
    if let output, output != "-" { return .path(output) }
    if isatty(1) != 0 {
      throw RetortError.usage(
        "refusing to write HDF5 to a terminal: give -o FILE or redirect standard output")
    }
    return .standardOutput
  }

  /// A writer for the output.
  public func makeWriter() throws -> TensorFileWriter {
    try compression.writer(try destination())
  }
}

/// `-o FILE` of a command whose standard output carries a JSON report: the
/// HDF5 result is written only when asked for, and never to standard output.
public struct ReportOutputOptions: ParsableArguments {
  @Option(
    name: .shortAndLong,
    help: ArgumentHelp(
      "Also write the results as HDF5 to FILE (standard output carries the report).",
      valueName: "file"))
  public var output: String?

  @OptionGroup public var compression: CompressionOptions

  public init() {}

  public func validate() throws {
    if output == "-" { throw ValidationError("standard output carries the report: give -o FILE") }
    if let output { plannedOutputs.append(output) }
  }

  /// A writer for `-o FILE`; nil without `-o`.
  public func makeWriter() throws -> TensorFileWriter? {
    try output.map { try compression.writer(.path($0)) }
  }
}

/// `--deflate`: compression of large datasets in an output file.
public struct CompressionOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "Deflate level 1-9 for datasets over 1 MiB in an output file (0: none; compressing "
        + "costs more time than writing the bytes on a local disk).", valueName: "level"))
  public var deflate: Int = 0

  public init() {}

  public func validate() throws {
    try requireOption((0...9).contains(deflate), "--deflate", deflate, "0-9")
  }

  /// A writer for `destination`; nothing written to a pipe is compressed.
  func writer(_ destination: TensorFileWriter.Destination) throws -> TensorFileWriter {
    let writer = try TensorFileWriter(destination)
    if destination != .standardOutput { writer.deflateLevel = deflate }
    return writer
  }
}

/// The output files the parsed command will write, noted while its options
/// are validated.
nonisolated(unsafe) var plannedOutputs = [String]()

/// Refuses, before any work, an output file that cannot be created (73),
/// with the error the writer would give at the end.
func checkPlannedOutputs() throws {
  for path in plannedOutputs { try checkOutputCanBeCreated(path) }
}
