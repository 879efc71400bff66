import Testing

@testable import Retort

struct FewShotSamplerTests {
  /// 20 classes (ids 100, 103, …, 157) with 6 to 11 rows each, shuffled.
  static func labels() -> [Int64] {
    var g = SeededGenerator(seed: 1)
    var labels = (0..<20).flatMap { c in Array(repeating: Int64(100 + 3 * c), count: 6 + c % 6) }
    g.shuffle(&labels)
    return labels
  }

  func episodes(_ sampler: EpisodeSampler, seed: UInt64, count: Int) -> [Episode] {
    var g = SeededGenerator(seed: seed)
    return (0..<count).map { _ in sampler.sample(using: &g) }
  }

  @Test func reproducibleForASeed() throws {
    let sampler = try EpisodeSampler(labels: Self.labels(), way: 5, shot: 2, query: 3)
    let a = episodes(sampler, seed: 7, count: 10)
    #expect(a == episodes(sampler, seed: 7, count: 10))
    #expect(a != episodes(sampler, seed: 8, count: 10))
    #expect(Set(a.map(\.classes)).count > 1)
  }

  @Test func episodesAreWellFormed() throws {
    let labels = Self.labels()
    let sampler = try EpisodeSampler(labels: labels, way: 4, shot: 2, query: 4)
    for e in episodes(sampler, seed: 3, count: 50) {
      #expect(Set(e.classes).count == 4)
      #expect(e.support.count == 8 && e.query.count == 16)
      #expect(Set(e.support + e.query).count == 24)  // no row twice
      #expect(zip(e.support, e.supportTargets).allSatisfy { labels[$0] == e.classes[$1] })
      #expect(zip(e.query, e.queryTargets).allSatisfy { labels[$0] == e.classes[$1] })
      #expect(e.supportTargets == [0, 0, 1, 1, 2, 2, 3, 3])
    }
  }

  /// Train and test samplers over a split of the classes never cross it.
  @Test func classSplitStaysDisjoint() throws {
    let labels = Self.labels()
    let testClasses = Set(labels.filter { ($0 - 100) / 3 % 4 == 0 })  // 5 of the 20 classes
    let trainRows = labels.indices.filter { !testClasses.contains(labels[$0]) }
    let testRows = labels.indices.filter { testClasses.contains(labels[$0]) }
    let train = try EpisodeSampler(labels: trainRows.map { labels[$0] }, way: 5, shot: 1, query: 5)
    let test = try EpisodeSampler(labels: testRows.map { labels[$0] }, way: 5, shot: 1, query: 5)
    #expect(train.classes.count == 15 && Set(test.classes) == testClasses)
    let seenTrain = Set(episodes(train, seed: 1, count: 200).flatMap(\.classes))
    let seenTest = Set(episodes(test, seed: 2, count: 50).flatMap(\.classes))
    #expect(seenTrain.isDisjoint(with: testClasses) && seenTrain.count == 15)
    #expect(seenTest == testClasses)
    let trainRowLabels = episodes(train, seed: 3, count: 50)
      .flatMap { ($0.support + $0.query).map { labels[trainRows[$0]] } }
    #expect(trainRowLabels.allSatisfy { !testClasses.contains($0) })
  }

  @Test func errors() {
    let labels = Self.labels()
    expectError(.data, quantity: "way") {
      _ = try EpisodeSampler(labels: labels, way: 21, shot: 1, query: 1)
    }
    // Class 100 has 6 rows; 103 has 7.
    expectError(.data, dataset: "labels") {
      _ = try EpisodeSampler(labels: labels, way: 5, shot: 2, query: 5)
    }
    expectError(.usage, quantity: "shot") {
      _ = try EpisodeSampler(labels: labels, way: 5, shot: 0, query: 5)
    }
    expectError(.data, quantity: "way") {
      _ = try EpisodeSampler(labels: [], way: 1, shot: 1, query: 1)
    }
  }
}
