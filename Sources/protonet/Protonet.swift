import Glibc
import Retort
import RetortArguments
import RetortCLI

/// Runs `protonet` as a program: parses the command line, does the work, exits
/// (the entry point of the `protonet` name of the multi-call binary).
public func runProtonet() { Protonet.main() }

struct Protonet: RetortCommand {
  static let configuration = CommandConfiguration.tool(
    "protonet",
    abstract: "Prototypical networks for few-shot classification (Snell et al. 2017).",
    discussion: """
      An embedding is learned episodically so that a query's class is the nearest class \
      mean (prototype) of a few support examples. Without -m every subcommand uses the \
      identity encoder, so features computed elsewhere can be used directly. Inputs: \
      'x' [N,...] (or 'embeddings' [N,D] when there is no 'x') and 'labels' [N]; images \
      [N,H,W] are read as one channel. The paper's encoder is four blocks \
      conv3x3:64,bn,relu,maxpool2 followed by flatten, trained 60-way 5-shot 15-query.
      """,
    examples: [
      "protonet train --arch conv3x3:64,bn,relu,maxpool2,conv3x3:64,bn,relu,maxpool2,flatten "
        + "--way 5 --shot 1 --query 5 --episodes 20 train.h5 -o proto.h5",
      "protonet eval -m proto.h5 --way 5 --shot 1 test.h5",
      "protonet prototypes -m proto.h5 support.h5 -o protos.h5",
      "protonet classify -m proto.h5 --prototypes protos.h5 queries.h5 -o predicted.h5",
    ],
    subcommands: [Train.self, Embed.self, MakePrototypes.self, Classify.self, Eval.self])
}

extension FewShotDistance: ExpressibleByArgument {}

/// `-m MODEL` (optional: identity encoder without it).
struct EncoderOptions: ParsableArguments {
  @Option(
    name: [.short, .customLong("model")],
    help: ArgumentHelp("Model from 'protonet train' (default: identity).", valueName: "file"))
  var model: String?

  /// The encoder and the distance it was trained with; neither without -m.
  func load(in context: ToolContext) throws -> Encoder {
    guard let model else { return Encoder(network: nil, distance: nil) }
    let file = try context.open(path: model)
    let (network, distance) = try EncoderModelFile.read(file)
    let parts = try file.datasetNames().map { "\($0) " + Fingerprint.of(try file.readFloat($0)) }
    return Encoder(network: network, distance: distance, fingerprint: Fingerprint.of(words: parts))
  }
}

/// An encoder: a trained network, or the identity.
struct Encoder {
  let network: Network?
  /// The distance it was trained with, if known.
  let distance: FewShotDistance?
  /// What prototypes record of the encoder that made them: the fingerprint of
  /// the model file's parameters, or `identity`.
  var fingerprint = "identity"

  /// What the rows read for it must be: `x` (or `embeddings` when there is
  /// no `x`), images as one channel, of the network's input shape.
  func rows(labels: Bool) -> FeatureRows.Requirements {
    FeatureRows.Requirements(
      names: ["x", "embeddings"], inputShape: network?.inputShape, labels: labels,
      imagesAsChannels: true)
  }

  /// D, the width of the embeddings of rows of `rowShape`.
  func width(rowShape: [Int]) -> Int { network?.outputWidth ?? rowShape.reduce(1, *) }

  /// Embeddings [N, D] of `x`: the network's outputs, or `x` itself flattened.
  func embed(_ x: FloatTensor) -> FloatTensor {
    guard let network else { return x.reshaped([x.rowCount, x.rowWidth]) }
    return network.predict(x, blockRows: 256)
  }
}

/// A usage error unless `rotations` is 1 or 4.
func requireRotations(_ rotations: Int) throws {
  try requireOption(
    RotationClasses.allowed.contains(rotations), "--rotations", rotations, "1 or 4")
}

/// Usage errors for episode options out of range, naming the option and value.
func checkEpisodes(way: Int, shot: Int, query: Int, episodes: Int) throws {
  try requireOption(way >= 2, "--way", way, "at least 2")
  try requireOption(shot >= 1, "--shot", shot, "at least 1")
  try requireOption(query >= 1, "--query", query, "at least 1")
  try requireOption(episodes >= 1, "--episodes", episodes, "at least 1")
}
