import Glibc
import Retort
import RetortArguments
import RetortCLI

extension TensorTool {
  struct Merge: RetortTool, BLASFree {
    static let configuration = CommandConfiguration.subcommand(
      abstract: "Concatenate the same datasets of several files along the first axis.",
      discussion: """
        Every file must have the same datasets with the same trailing dimensions and kinds; \
        rows follow the order of the arguments. Attributes come from the first file; the \
        history keeps the first file's lines. Partial results of a --shard job are \
        recognised: every shard 0..N-1 must be there once, from the same inputs and options \
        and from the same job run (the shard_job mark: $RETORT_SHARD_JOB, else \
        $SLURM_ARRAY_JOB_ID, else $SLURM_JOB_ID of the run that wrote the shard; none by \
        hand or under GNU parallel, so to redo one shard of a Slurm job by hand, set \
        RETORT_SHARD_JOB to the other shards' shard_job). A task that Slurm requeued writes \
        its shard again (shard_attempt: $SLURM_RESTART_COUNT) and must replace its earlier \
        file: two files of one shard are refused, whatever their attempts. The shards are \
        combined in shard order (whatever the order of the arguments) into what one \
        unsharded run writes, and the history records every shard's command.
        """,
      examples: [
        "tensor merge part-0.h5 part-1.h5 part-2.h5 -o all.h5",
        "tensor merge shard-*.h5 -o all.h5",
      ])

    @Argument(help: ArgumentHelp("HDF5 files, in order.", valueName: "file"))
    var files: [String]

    @OptionGroup var output: OutputOptions
    @OptionGroup var common: CommonOptions

    func run(in context: ToolContext) throws {
      guard !files.isEmpty else { throw RetortError.usage("merge needs at least one file") }
      let given = try files.map { try context.open(path: $0) }
      let shards = try ShardMarks.order(given)
      let inputs = shards ?? given
      let labels = inputs.map(\.label)
      let names = try inputs[0].datasetNames()
      for file in inputs.dropFirst() {
        let other = try file.datasetNames()
        guard other == names else {
          throw RetortError.data(
            "datasets differ: \(labels[0]) has \(names.joined(separator: ", ")); "
              + "\(file.label) has \(other.joined(separator: ", "))"
          )
        }
      }
      let writer = try context.writer(output)
      for name in names {
        var attributes = try inputs[0].attributes(of: name)
        let rule = try context.naming(labels[0]) { try MergeRule(attributes: attributes) }
        attributes["merge"] = nil
        let parts = try inputs.map { try $0.read(name) }
        let merged: TensorValue
        do { merged = try rule.combine(parts, labels: labels) } catch var e as RetortError {
          e.dataset = name
          throw e
        }
        try writer.write(name, merged, attributes: attributes)
      }
      let own = ShardMarks.attributeNames.union(["history", "retort_version"])
      for (key, value) in try inputs[0].attributes() where !own.contains(key) {
        try writer.setAttribute(key, value)
      }
      // A merge of shards keeps the history before the shards and every shard's own line.
      var history = inputs[0].history()
      if shards != nil, !history.isEmpty {
        history.removeLast()
        history += inputs.compactMap { $0.history().last }
      }
      try context.finish(writer, history: history)
    }
  }
}
