import Glibc
import Retort
import RetortArguments
import RetortCLI

extension Distill {
  struct Predict: RetortTool {
    static let datasetRoles = ["x"]

    static let configuration = CommandConfiguration.subcommand(
      abstract: "Write a model's logits for 'x'.",
      discussion: """
        Writes 'logits' = z/T [N,C] with the attributes 'temperature' (T = 1 unless -T) and \
        'rows_fingerprint' (of the rows of 'x'; softlabel passes it on and distill train \
        checks it; a shard writes none), and carries the input's other datasets (labels, \
        ...) unless --no-carry, so that softlabel and distill train can follow in a \
        pipeline. With --ensemble the logits are the log of the generations' mean \
        probabilities.
        """,
      examples: [
        "distill predict -m teacher.h5 train.h5 -o teacher-logits.h5",
        "distill predict -m teacher.h5 train.h5 | softlabel -T 20 -o soft.h5",
      ])

    @OptionGroup var model: ModelOptions

    @Argument(help: ArgumentHelp("Data with 'x' ('-': standard input).", valueName: "data[:x]"))
    var data: InputSpec = InputSpec(path: "-")

    @OptionGroup var filter: FilterOutputOptions
    @OptionGroup var common: CommonOptions

    func run(in context: ToolContext) throws {
      let networks = try model.load(in: context)
      let input = try context.featureBlocks(
        data, .rows(for: networks[0], labels: false), shard: filter.shard)
      let writer = try context.writer(filter.output)
      let rows = input.part.rows
      let logits = try writer.rowBlocks(
        "logits", shape: [rows.count, networks[0].outputWidth],
        attributes: ["temperature": .real(Double(model.temperature))])
      var fingerprint = input.fingerprint()
      for block in input.blocks {
        let x = try input.read(block)
        fingerprint.add(x.scalars)
        try logits.append(
          try context.naming(input.file) {
            try ClassifierModelFile.logits(
              networks, x: x, temperature: model.temperature, dataset: input.name,
              firstRow: block.lowerBound)
          })
      }
      try logits.finish()
      // A shard's rows are not the whole input: only a whole run records them.
      if !input.part.isPartial {
        try writer.setAttribute("rows_fingerprint", .text(fingerprint.hex), on: "logits")
      }
      try context.finish(
        writer, part: input.part, carrying: input.file, carry: !filter.carry.noCarry,
        except: ["logits", "probs", "weight"])
    }
  }
}
