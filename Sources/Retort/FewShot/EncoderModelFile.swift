/// Encoder model files as `protonet train` writes them: the network as group
/// `/model`, whose attributes add the distance it was trained with, the
/// episode shape (`way`, `shot`, `query`, `episodes` trained), `rotations`,
/// `weight_decay` and, with validation, `best_episode` (the episodes trained
/// when the kept encoder was validated).
public enum EncoderModelFile {
  /// How the encoder was trained.
  public struct Training: Equatable, Sendable {
    public var distance: FewShotDistance
    public var way: Int
    public var shot: Int
    public var query: Int
    public var episodes: Int
    public var rotations: Int
    public var weightDecay: Float
    public var bestEpisode: Int?

    public init(
      distance: FewShotDistance, way: Int, shot: Int, query: Int, episodes: Int,
      rotations: Int = 1, weightDecay: Float = 0, bestEpisode: Int? = nil
    ) {
      self.distance = distance
      self.way = way
      self.shot = shot
      self.query = query
      self.episodes = episodes
      self.rotations = rotations
      self.weightDecay = weightDecay
      self.bestEpisode = bestEpisode
    }
  }

  /// Writes `network` with how it was trained.
  public static func write(_ network: Network, training t: Training, to writer: TensorFileWriter)
    throws
  {
    var attributes: [String: AttributeValue] = [
      "distance": .text(t.distance.rawValue), "way": .integer(Int64(t.way)),
      "shot": .integer(Int64(t.shot)), "query": .integer(Int64(t.query)),
      "episodes": .integer(Int64(t.episodes)), "rotations": .integer(Int64(t.rotations)),
      "weight_decay": .real(Double(t.weightDecay)),
    ]
    if let best = t.bestEpisode { attributes["best_episode"] = .integer(Int64(best)) }
    try network.write(to: writer, group: "model", attributes: attributes)
  }

  /// The encoder of `file` and the distance it was trained with (nil when
  /// the file does not say).
  public static func read(_ file: TensorFile) throws -> (
    network: Network, distance: FewShotDistance?
  ) {
    let network = try Network.read(from: file, group: "model")
    guard case .text(let d)? = try file.attributes(of: "model")["distance"] else {
      return (network, nil)
    }
    return (network, FewShotDistance(rawValue: d))
  }
}
