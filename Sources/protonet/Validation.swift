import Retort
import RetortArguments
import RetortCLI

/// The options of validation while training (`protonet train --val`).
struct ValidationOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "Validation classes with 'x' and 'labels' (none a training class).", valueName: "file[:x]"))
  var val: InputSpec?

  @Option(name: .long, help: "Validate every this many episodes (default 500).")
  var valEvery: Int?

  @Option(name: .long, help: "Validation episodes, the same ones each time (default 100).")
  var valEpisodes: Int?

  @Option(name: .long, help: "Classes per validation episode (default: --way).")
  var valWay: Int?

  @Option(name: .long, help: "Keep the encoder with the best validation loss or accuracy.")
  var select: EarlyStopping.Measure = .loss

  @Option(name: .long, help: "Stop after this many validations without improvement.")
  var patience: Int?

  /// Usage errors for values out of range and for validation options without --val.
  func check() throws {
    if val == nil {
      let given = [
        ("--val-every", valEvery != nil), ("--val-episodes", valEpisodes != nil),
        ("--val-way", valWay != nil), ("--patience", patience != nil),
      ]
      if let (option, _) = given.first(where: { $0.1 }) {
        throw ValidationError("\(option) needs --val (the validation classes)")
      }
    }
    if let valEvery { try requireOption(valEvery >= 1, "--val-every", valEvery, "at least 1") }
    if let valEpisodes {
      try requireOption(valEpisodes >= 1, "--val-episodes", valEpisodes, "at least 1")
    }
    if let valWay { try requireOption(valWay >= 2, "--val-way", valWay, "at least 2") }
    if let patience { try requireOption(patience >= 1, "--patience", patience, "at least 1") }
  }

  /// The validation rows, when --val is given: rows of the training rows'
  /// shape whose classes are none of the training classes (else a data error
  /// naming both files).
  func rows(disjointFrom training: FeatureRows, in context: ToolContext) throws -> FeatureRows? {
    guard let val else { return nil }
    let held = try context.featureRows(val, Encoder(network: nil, distance: nil).rows(labels: true))
    let shape = Array(training.x.shape.dropFirst())
    guard Array(held.x.shape.dropFirst()) == shape else {
      throw RetortError.data(
        "has rows of shape \(Array(held.x.shape.dropFirst())), the training rows \(shape)",
        dataset: held.name, file: held.file.label)
    }
    let shared = Set(training.labels!).intersection(held.labels!)
    if let example = shared.min() {
      throw RetortError.data(
        "shares \(shared.count) classes with the training data \(training.file.label) (class "
          + "\(example)): validation classes must be held out", dataset: "labels",
        file: held.file.label)
    }
    return held
  }

  /// The validation schedule over `x` and `labels` (rotations applied):
  /// fixed episodes of the training episode's shape (--val-way classes).
  func schedule(
    x: FloatTensor, labels: [Int64], way: Int, shot: Int, query: Int, distance: FewShotDistance,
    seed: UInt64
  ) throws -> PrototypicalValidation {
    let episodeWay = valWay ?? way
    let classes = Set(labels).count
    guard classes >= episodeWay else {
      throw RetortError.usage(
        "\(valWay == nil ? "--way" : "--val-way") is \(episodeWay), more than the \(classes) "
          + "validation classes: give a smaller --val-way")
    }
    // Their own seed: the validation episodes do not depend on training's draws.
    let episodes = try EpisodeValidation(
      x: x, labels: labels, way: episodeWay, shot: shot, query: query, count: valEpisodes ?? 100,
      seed: seed ^ 0x7661_6c69_6461_7465, distance: distance)
    return try PrototypicalValidation(
      episodes: episodes, every: valEvery ?? 500,
      stopping: EarlyStopping(measure: select, patience: patience))
  }
}

extension EarlyStopping.Measure: ExpressibleByArgument {}
