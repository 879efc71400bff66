/// One N-way K-shot episode: the classes drawn and the rows of their support
/// and query examples.
public struct Episode: Equatable, Sendable {
  /// The `way` class ids, in the order drawn; class position t is `classes[t]`.
  public let classes: [Int64]
  /// Row indices of the support examples: `shot` rows of class position 0, then of 1, ….
  public let support: [Int]
  /// Row indices of the query examples, grouped by class position like `support`.
  public let query: [Int]

  /// The class position (0..<way) of each support row.
  public var supportTargets: [Int] { targets(support.count) }
  /// The class position (0..<way) of each query row.
  public var queryTargets: [Int] { targets(query.count) }

  private func targets(_ count: Int) -> [Int] {
    let perClass = classes.isEmpty ? 0 : count / classes.count
    return (0..<count).map { $0 / perClass }
  }
}

/// Draws seeded episodes from labelled rows, as prototypical networks train and test.
///
/// An episode takes `way` classes without replacement from the classes present
/// in the labels, then, within each class, `shot + query` rows without
/// replacement: the first `shot` drawn are the support, the rest the queries.
public struct EpisodeSampler: Sendable {
  public let way: Int
  public let shot: Int
  public let query: Int
  /// The classes present in the labels, ascending.
  public let classes: [Int64]
  /// The row indices of each class in `classes`, ascending.
  private let rows: [[Int]]

  /// A sampler over `labels` (one per row); a `way`, `shot` or `query` below 1
  /// is a usage error, fewer classes than `way` or a class with fewer than
  /// `shot + query` rows a data error naming the class.
  public init(labels: [Int64], way: Int, shot: Int, query: Int) throws {
    for (name, value) in [("way", way), ("shot", shot), ("query", query)] where value < 1 {
      throw RetortError.usage("must be at least 1, got \(value)", quantity: name)
    }
    var byClass = [Int64: [Int]]()
    for (i, label) in labels.enumerated() { byClass[label, default: []].append(i) }
    classes = byClass.keys.sorted()
    guard classes.count >= way else {
      throw RetortError.data(
        "is \(way), more than the \(classes.count) classes of the labels", quantity: "way")
    }
    rows = classes.map { byClass[$0]! }
    for (c, members) in zip(classes, rows) where members.count < shot + query {
      throw RetortError.data(
        "has \(members.count) examples of class \(c), fewer than shot + query = \(shot + query)",
        dataset: "labels")
    }
    self.way = way
    self.shot = shot
    self.query = query
  }

  /// The next episode drawn from `generator`: the classes first, then each
  /// class's rows in the order the classes were drawn.
  public func sample(using generator: inout SeededGenerator) -> Episode {
    let drawn = generator.sample(way, from: classes.count)
    var support = [Int]()
    var queries = [Int]()
    support.reserveCapacity(way * shot)
    queries.reserveCapacity(way * query)
    for c in drawn {
      let members = rows[c]
      let picked = generator.sample(shot + query, from: members.count).map { members[$0] }
      support += picked[..<shot]
      queries += picked[shot...]
    }
    return Episode(classes: drawn.map { classes[$0] }, support: support, query: queries)
  }
}
