import ArgumentParser
import Foundation
import Retort
import RetortCLI

extension TensorTool {
  struct Info: RetortTool {
    static let configuration = CommandConfiguration.subcommand(
      abstract: "List a file's datasets (shape, type, attributes) and its history.",
      discussion: """
        --check also reads the values of every dataset of a readable type (float, \
        integer, strings) as the tools read them, so that a file damaged past its \
        headers fails here, with the dataset named, rather than later in a pipeline.
        """,
      examples: [
        "tensor info model.h5",
        "tensor import words.vec | tensor info --json -",
        "tensor info --check model.h5",
      ])

    @Argument(help: ArgumentHelp("HDF5 file ('-': standard input).", valueName: "file"))
    var file: String = "-"

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    @Flag(name: .long, help: "Also read every dataset's values.")
    var check = false

    @OptionGroup var common: CommonOptions

    func run(in context: ToolContext) throws {
      let input = try context.open(path: file)
      var datasets = [[String: Any]]()
      for name in try input.datasetNames() {
        let info = try input.info(name)
        let attributes = try input.attributes(of: name)
        if check && info.kind != .other { _ = try input.read(name) }
        datasets.append([
          "name": name, "shape": info.shape, "type": info.typeName,
          "attributes": attributes.mapValues(jsonValue),
        ])
      }
      let root = try input.attributes().filter { $0.key != "history" }
      if json {
        context.report([
          "file": input.label, "datasets": datasets, "attributes": root.mapValues(jsonValue),
          "history": input.history(),
        ])
        return
      }
      print("file: \(input.label)")
      if common.verbose {
        print("blas: OpenBLAS core \(BLASKernel.coreName), \(BLASKernel.threads) threads")
      }
      print("datasets:")
      for d in datasets {
        let shape = "[" + (d["shape"] as! [Int]).map(String.init).joined(separator: ", ") + "]"
        print("  \(d["name"]!)  \(d["type"]!)  \(shape)")
        for (k, v) in (try input.attributes(of: d["name"] as! String)).sorted(by: {
          $0.key < $1.key
        }) {
          print("    \(k) = \(v)")
        }
      }
      if !root.isEmpty {
        print("attributes:")
        for (k, v) in root.sorted(by: { $0.key < $1.key }) { print("  \(k) = \(v)") }
      }
      let history = input.history()
      if !history.isEmpty {
        print("history:")
        for line in history { print("  \(line)") }
      }
    }
  }
}

/// An attribute as a JSON value.
func jsonValue(_ v: AttributeValue) -> Any {
  switch v {
  case .integer(let i): i
  case .real(let d): d
  case .text(let s): s
  case .integers(let a): a
  case .reals(let a): a
  }
}
