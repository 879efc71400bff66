import ArgumentParser
import Foundation
import Retort

/// `-o FILE` and the rules for standard output: HDF5 goes to standard output
/// when `-o` is omitted (or `-`) and standard output is not a terminal.
public struct OutputOptions: ParsableArguments {
  @Option(name: .shortAndLong, help: ArgumentHelp("Output file ('-' or omitted: standard output).", valueName: "file"))
  public var output: String?

  @Option(name: .long, help: ArgumentHelp("Deflate level 0-9 for large datasets in an output file (0: none).", valueName: "level"))
  public var deflate: Int = 1

  public init() {}

  public func validate() throws {
    guard (0...9).contains(deflate) else { throw ValidationError("--deflate must be 0-9, got \(deflate)") }
  }

  /// Where the output goes; refuses a terminal.
  public func destination() throws -> TensorFileWriter.Destination {
    if let output, output != "-" { return .path(output) }
    if isatty(1) != 0 {
      throw RetortError.usage("refusing to write HDF5 to a terminal: give -o FILE or redirect standard output")
    }
    return .standardOutput
  }

  /// A writer for the output, with provenance from `inputs` stamped on commit
  /// by `finish(_:tool:inputs:)`.
  public func makeWriter() throws -> TensorFileWriter {
    let writer = try TensorFileWriter(destination())
    if writer.destination != .standardOutput { writer.deflateLevel = deflate }
    return writer
  }
}

extension TensorFileWriter {
  /// Stamps `history` (continuing the first input's) and `retort_version`,
  /// then commits the file.
  public func finish(tool: String, inputs: [TensorFile] = []) throws {
    let arguments = Array(CommandLine.arguments.dropFirst())
    try stamp(tool: tool, arguments: arguments, inheriting: inputs.first?.history() ?? [])
    try commit()
  }
}
