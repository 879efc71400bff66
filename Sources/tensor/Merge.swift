import ArgumentParser
import Foundation
import Retort
import RetortCLI

extension TensorTool {
  struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Concatenate the same datasets of several files along the first axis.",
      discussion: """
        Every file must have the same datasets with the same trailing dimensions and \
        kinds; rows follow the order of the arguments. Attributes come from the first \
        file; the history keeps the first file's lines.

        EXAMPLES:
          tensor merge part-0.h5 part-1.h5 part-2.h5 -o all.h5
        """)

    @Argument(help: ArgumentHelp("HDF5 files, in order.", valueName: "file"))
    var files: [String]

    @OptionGroup var output: OutputOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
      guard !files.isEmpty else { throw RetortError.usage("merge needs at least one file") }
      try checkSingleStandardInput(files.map { InputSpec(path: $0) })
      let inputs = try files.map { try TensorFile(path: $0) }
      let names = try inputs[0].datasetNames()
      for file in inputs.dropFirst() {
        let other = try file.datasetNames()
        guard other == names else {
          throw RetortError.data(
            "datasets differ: \(inputs[0].label) has \(names.joined(separator: ", ")); \(file.label) has \(other.joined(separator: ", "))")
        }
      }
      let writer = try output.makeWriter()
      for name in names {
        let parts = try inputs.map { try $0.read(name) }
        try writer.write(name, try concatenate(parts, name: name, files: inputs), attributes: try inputs[0].attributes(of: name))
      }
      for (key, value) in try inputs[0].attributes() where key != "history" && key != "retort_version" {
        try writer.setAttribute(key, value)
      }
      try writer.finish(tool: "tensor", inputs: inputs)
    }

    func concatenate(_ parts: [TensorValue], name: String, files: [TensorFile]) throws -> TensorValue {
      let tail = Array(parts[0].shape.dropFirst())
      for (part, file) in zip(parts, files) where Array(part.shape.dropFirst()) != tail || part.shape.isEmpty {
        throw RetortError.data("dataset '\(name)' has shape \(part.shape) in \(file.label), \(parts[0].shape) in \(files[0].label)")
      }
      switch parts[0] {
      case .float:
        return .float(.concatenatingRows(try parts.enumerated().map { i, p in
          guard case .float(let t) = p else { throw kindError(name, files[i]) }
          return t
        }))
      case .int:
        return .int(.concatenatingRows(try parts.enumerated().map { i, p in
          guard case .int(let t) = p else { throw kindError(name, files[i]) }
          return t
        }))
      case .strings:
        return .strings(Array(try parts.enumerated().map { i, p in
          guard case .strings(let s) = p else { throw kindError(name, files[i]) }
          return s
        }.joined()))
      }
    }

    func kindError(_ name: String, _ file: TensorFile) -> RetortError {
      RetortError.data("dataset '\(name)' holds a different kind of values in \(file.label)")
    }
  }
}
