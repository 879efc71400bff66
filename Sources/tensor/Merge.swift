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
        file; the history keeps the first file's lines. Partial results of a --shard \
        job are recognised: every shard 0..N-1 must be there once, from the same \
        inputs and options; they are combined in shard order (whatever the order of \
        the arguments) into what one unsharded run writes, and the history records \
        every shard's command.

        EXAMPLES:
          tensor merge part-0.h5 part-1.h5 part-2.h5 -o all.h5
          tensor merge shard-*.h5 -o all.h5
        """)

    @Argument(help: ArgumentHelp("HDF5 files, in order.", valueName: "file"))
    var files: [String]

    @OptionGroup var output: OutputOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
      guard !files.isEmpty else { throw RetortError.usage("merge needs at least one file") }
      try checkSingleStandardInput(files.map { InputSpec(path: $0) })
      var inputs = try files.map { try TensorFile(path: $0) }
      let shards = try shardOrder(inputs)
      if let shards { inputs = shards }
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
        var attributes = try inputs[0].attributes(of: name)
        let rule = attributes.removeValue(forKey: "merge")
        try writer.write(name, try combine(parts, name: name, files: inputs, rule: rule), attributes: attributes)
      }
      let own: Set<String> = ["history", "retort_version", "shard_index", "shard_count", "shard_rows", "shard_source"]
      for (key, value) in try inputs[0].attributes() where !own.contains(key) {
        try writer.setAttribute(key, value)
      }
      // A merge of shards keeps the history before the shards and every shard's own line.
      var history = inputs[0].history()
      if shards != nil, !history.isEmpty {
        history.removeLast()
        history += inputs.compactMap { $0.history().last }
      }
      try writer.stamp(tool: "tensor", arguments: Array(CommandLine.arguments.dropFirst()), inheriting: history)
      try writer.commit()
    }

    /// The inputs in shard order when they are the shards of one job: every
    /// shard 0..<N once, with the same source; nil when none is a shard.
    func shardOrder(_ inputs: [TensorFile]) throws -> [TensorFile]? {
      let attributes = try inputs.map { try $0.attributes() }
      let marked = attributes.map { $0["shard_count"] != nil }
      guard marked.contains(true) else { return nil }
      if let plain = marked.firstIndex(of: false) {
        throw RetortError.data("\(inputs[plain].label) is not a shard, the other inputs are")
      }
      guard case .integer(let count)? = attributes[0]["shard_count"],
        case .text(let source)? = attributes[0]["shard_source"]
      else { throw RetortError.data("damaged shard attributes: \(inputs[0].label)") }
      var slots = [TensorFile?](repeating: nil, count: Int(count))
      for (file, a) in zip(inputs, attributes) {
        guard case .integer(let n)? = a["shard_count"], n == count, case .integer(let i)? = a["shard_index"],
          (0..<count).contains(i)
        else { throw RetortError.data("\(file.label) is a shard of another job (not one of \(count))") }
        guard a["shard_source"] == .text(source) else {
          throw RetortError.data("\(file.label) comes from other inputs or options than \(inputs[0].label)")
        }
        if let other = slots[Int(i)] {
          throw RetortError.data("shard \(i)/\(count) is given twice: \(other.label) and \(file.label)")
        }
        slots[Int(i)] = file
      }
      if let missing = slots.firstIndex(where: { $0 == nil }) {
        throw RetortError.data("shard \(missing)/\(count) is missing (\(slots.compactMap { $0 }.count) of \(count) given)")
      }
      return slots.map { $0! }
    }

    /// The parts combined by the dataset's merge rule: rows concatenated
    /// (default), the largest values of each row ('topk'), or concatenated and
    /// scaled to mean 1 ('mean1').
    func combine(_ parts: [TensorValue], name: String, files: [TensorFile], rule: AttributeValue?) throws -> TensorValue {
      switch rule {
      case nil: return try concatenate(parts, name: name, files: files)
      case .text("topk")?: return .float(try largestPerRow(parts, name: name, files: files))
      case .text("mean1")?:
        guard case .float(let t) = try concatenate(parts, name: name, files: files) else { throw kindError(name, files[0]) }
        return .float(FloatTensor(shape: t.shape, scalars: SoftTargets.normalizedToMeanOne(t.scalars)))
      default: throw RetortError.data("dataset '\(name)' has an unknown merge rule \(rule!): \(files[0].label)")
      }
    }

    /// For [N, k] parts: each row's k largest values over all parts, largest first.
    func largestPerRow(_ parts: [TensorValue], name: String, files: [TensorFile]) throws -> FloatTensor {
      let tensors = try parts.enumerated().map { i, p -> FloatTensor in
        guard case .float(let t) = p, t.rank == 2, t.shape == parts[0].shape else {
          throw RetortError.data("dataset '\(name)' must be [N, k] alike in every shard: \(files[i].label)")
        }
        return t
      }
      var out = tensors[0]
      let k = out.rowWidth
      for r in 0..<out.rowCount {
        let best = tensors.flatMap { $0.row(r) }.sorted(by: >).prefix(k)
        out.scalars.replaceSubrange(r * k..<(r + 1) * k, with: best)
      }
      return out
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
