import ArgumentParser
import Foundation
import Retort
import RetortCLI

@main
struct Protonet: RetortCommand {
  static var configuration: CommandConfiguration {
    CommandConfiguration(
      commandName: "protonet",
      abstract: "Prototypical networks for few-shot classification (Snell et al. 2017).",
      discussion: """
        An embedding is learned episodically so that a query's class is the nearest class \
        mean (prototype) of a few support examples. Without -m every subcommand uses the \
        identity encoder, so features computed elsewhere can be used directly. Inputs: \
        'x' [N,...] (or 'embeddings' [N,D] when there is no 'x') and 'labels' [N]; images \
        [N,H,W] are read as one channel. The paper's encoder is four blocks \
        conv3x3:64,bn,relu,maxpool2 followed by flatten, trained 60-way 5-shot 15-query.

        EXAMPLES:
          protonet train --arch conv3x3:64,bn,relu,maxpool2,conv3x3:64,bn,relu,maxpool2,flatten --way 5 --shot 1 --query 5 --episodes 20 train.h5 -o proto.h5
          protonet eval -m proto.h5 --way 5 --shot 1 test.h5
          protonet prototypes -m proto.h5 support.h5 -o protos.h5
          protonet classify -m proto.h5 --prototypes protos.h5 queries.h5 -o predicted.h5

        EXIT STATUS: 0 success, 64 usage, 65 bad input data, 66 missing input, \
        70 internal error, 73 cannot create output, 74 I/O error.
        """,
      version: versionText,
      subcommands: [Train.self, Embed.self, MakePrototypes.self, Classify.self, Eval.self])
  }
}

extension FewShotDistance: ExpressibleByArgument {}

/// `-m MODEL` (optional: identity encoder without it).
struct EncoderOptions: ParsableArguments {
  @Option(name: [.short, .customLong("model")], help: ArgumentHelp("Model from 'protonet train' (default: identity).", valueName: "file"))
  var model: String?

  /// The encoder and the distance it was trained with.
  func load() throws -> (network: Network?, distance: FewShotDistance?) {
    guard let model else { return (nil, nil) }
    let file = try TensorFile(path: model)
    let network = try Network.read(from: file, group: "model")
    var distance: FewShotDistance? = nil
    if case .text(let d)? = try file.attributes(of: "model")["distance"] { distance = FewShotDistance(rawValue: d) }
    return (network, distance)
  }
}

/// The dataset that holds the rows: the named one, else `x`, else `embeddings`.
func rowsDataset(_ spec: InputSpec, in file: TensorFile) -> String {
  spec.dataset ?? (file.contains("x") || !file.contains("embeddings") ? "x" : "embeddings")
}

/// Rows of `x` (or `embeddings`; only `rows` when given) with labels when
/// present, shaped for `network`.
func readRows(
  _ spec: InputSpec, network: Network?, labelsRequired: Bool, shard: ShardSpec? = nil
) throws -> (file: TensorFile, x: FloatTensor, labels: [Int64]?, rows: Range<Int>, total: Int) {
  let file = try spec.open()
  let name = rowsDataset(spec, in: file)
  let total = try file.info(name).shape.first ?? 0
  let rows = shard?.rows(of: total) ?? 0..<total
  var x = try file.readFiniteFloat(name, rows: rows)
  guard x.rank >= 2, x.rowCount > 0 else {
    throw RetortError.data("dataset '\(name)' must hold rows of features, it is \(x.shape): \(file.label)")
  }
  if x.rank == 3 { x = x.reshaped([x.shape[0], 1, x.shape[1], x.shape[2]]) }
  if let network, x.rowWidth != network.inputWidth {
    throw RetortError.data("dataset '\(name)' has rows of shape \(Array(x.shape.dropFirst())), the model takes \(network.inputShape): \(file.label)")
  }
  var labels: [Int64]? = nil
  if labelsRequired || file.contains("labels") {
    labels = try file.readInt("labels", rows: rows).scalars
    guard labels!.count == x.rowCount else {
      throw RetortError.data("'labels' has \(labels!.count) rows, '\(name)' has \(x.rowCount): \(file.label)")
    }
  }
  return (file, x, labels, rows, total)
}

/// Embeddings [N, D] of `x`: the network's outputs, or `x` itself flattened.
func embed(_ x: FloatTensor, with network: Network?) -> FloatTensor {
  guard let network else { return x.reshaped([x.rowCount, x.rowWidth]) }
  return network.predict(x, blockRows: 256)
}

/// Carries the input's datasets unless `noCarry` (only `rows` of them in a
/// shard) and marks a shard's output.
func carryAndMark(
  from file: TensorFile, into writer: TensorFileWriter, rows: Range<Int>, total: Int,
  except: Set<String>, noCarry: Bool, shard: ShardSpec?
) throws {
  if let shard {
    if !noCarry { try writer.carryRows(from: file, rows: rows, total: total, except: except) }
    try writer.markShard(shard, rows: rows, total: total, tool: "protonet")
  } else if !noCarry {
    try writer.carry(from: file, except: except)
  }
}
