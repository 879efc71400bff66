import ArgumentParser
import Foundation
import Retort
import RetortCLI

extension Distill {
  struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a model's logits for 'x'.",
      discussion: """
        Writes 'logits' = z/T [N,C] with the attribute 'temperature' (T = 1 unless -T), \
        and carries the input's other datasets (labels, ...) unless --no-carry, so that \
        softlabel and distill train can follow in a pipeline. With --ensemble the logits \
        are the log of the generations' mean probabilities.

        EXAMPLES:
          distill predict -m teacher.h5 train.h5 -o teacher-logits.h5
          distill predict -m teacher.h5 train.h5 | softlabel -T 20 -o soft.h5
        """)

    @OptionGroup var model: ModelOptions

    @Argument(help: ArgumentHelp("Data with 'x' ('-': standard input).", valueName: "data[:x]"))
    var data: InputSpec = InputSpec(path: "-")

    @Flag(name: .long, help: "Do not copy the input's other datasets into the output.")
    var noCarry = false

    @OptionGroup var sharding: ShardOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
      common.applyThreads()
      let networks = try model.load()
      let input = try data.open()
      let total = try input.info(data.dataset(or: "x")).shape.first ?? 0
      let rows = sharding.shard?.rows(of: total)
      let (file, x, _) = try readInputs(data, for: networks[0], labelsRequired: false, rows: rows)
      var logits = ClassifierModelFile.logits(networks, x: x)
      if model.temperature != 1 {
        for i in logits.scalars.indices { logits.scalars[i] /= model.temperature }
      }
      let writer = try output.makeWriter()
      try writer.write("logits", logits, attributes: ["temperature": .real(Double(model.temperature))])
      if let shard = sharding.shard, let rows {
        if !noCarry { try writer.carryRows(from: file, rows: rows, total: total, except: ["logits", "probs", "weight"]) }
        try writer.markShard(shard, rows: rows, total: total, tool: "distill")
      } else if !noCarry {
        try writer.carry(from: file, except: ["logits", "probs", "weight"])
      }
      try writer.finish(tool: "distill", inputs: [file])
    }
  }
}
