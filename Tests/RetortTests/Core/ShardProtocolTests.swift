import Foundation
import Testing

@testable import Retort

/// The shard protocol: marks written and read back, shard sets ordered and
/// checked, and every merge rule against hand-worked results.
@Suite("shard protocol") struct ShardProtocolTests {
  func shardFile(
    _ index: Int, of count: Int, source: String = "tool a.h5", job: String? = nil, attempt: Int = 0
  ) throws -> TensorFile {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("retort-shard-\(UUID().uuidString).h5").path
    let writer = try TensorFileWriter(.path(path))
    try writer.write("x", FloatTensor(shape: [1], scalars: [Float(index)]))
    let spec = ShardSpec(parsing: "\(index)/\(count)")!
    try ShardMarks(
      spec: spec, rows: index..<index + 1, total: count, source: source, job: job,
      attempt: attempt
    ).write(to: writer)
    try writer.commit()
    return try TensorFile(path: path)
  }

  @Test func specsSplitRowsAndImages() throws {
    #expect(ShardSpec(parsing: "1/3")?.rows(of: 10) == 3..<6)
    #expect(ShardSpec(parsing: "3/3") == nil)
    #expect(ShardSpec(parsing: "1/") == nil)
    // Rows 0-1 are image 0, 2-4 image 1, 5 image 2: the cut at 3 moves to 5.
    #expect(try ShardSpec(parsing: "1/2")!.rows(ofImages: [0, 0, 1, 1, 1, 2]) == 5..<6)
    #expect(throws: RetortError.self) { try ShardSpec(parsing: "0/2")!.rows(ofImages: [1, 0]) }
  }

  @Test func marksRoundTripAndOrder() throws {
    let files = try [2, 0, 1].map { try shardFile($0, of: 3) }
    let marks = try ShardMarks(files[0])
    #expect(
      marks?.spec.index == 2 && marks?.rows == 2..<3 && marks?.total == 3
        && marks?.source == "tool a.h5")
    let ordered = try #require(try ShardMarks.order(files))
    #expect(try ordered.map { try $0.readFloat("x").scalars[0] } == [0, 1, 2])
  }

  @Test func incompleteOrMixedSetsAreRefused() throws {
    let a = try shardFile(0, of: 2), b = try shardFile(1, of: 2),
      c = try shardFile(1, of: 2, source: "other")
    for set in [[a], [a, a, b], [a, c], [a, try shardFile(1, of: 3)]] {
      #expect(throws: RetortError.self) { try ShardMarks.order(set) }
    }
    #expect(try ShardMarks.order([a, b]) != nil)
    let three = try shardFile(1, of: 3)
    #expect(throws: RetortError.data("\(three.label) is one of 3 shards, the first input one of 2")) {
      try ShardMarks.order([a, three])
    }
  }

  @Test func shardsOfOtherJobRunsAreRefused() throws {
    let a = try shardFile(0, of: 2, job: "7"), b = try shardFile(1, of: 2, job: "7", attempt: 3)
    let marks = try ShardMarks(b)
    #expect(marks?.job == "7" && marks?.attempt == 3)
    #expect(try ShardMarks(try shardFile(0, of: 1))?.job == nil)
    let other = try shardFile(1, of: 2, job: "8"), none = try shardFile(1, of: 2),
      again = try shardFile(0, of: 2, job: "7", attempt: 1)
    for set in [[a, other], [a, none], [none, a], [a, again, b]] {
      expectError(.data) { _ = try ShardMarks.order(set) }
    }
    #expect(try ShardMarks.order([b, a])?.count == 2)
  }

  @Test func damagedMarksAreBadData() throws {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("retort-shard-\(UUID().uuidString).h5").path
    let writer = try TensorFileWriter(.path(path))
    try writer.write("x", FloatTensor(shape: [1], scalars: [0]))
    try writer.setAttribute("shard_count", .integer(2))
    try writer.setAttribute("shard_index", .integer(5))
    try writer.commit()
    let damaged = try TensorFile(path: path)
    expectError(.data) { _ = try ShardMarks(damaged) }
    var marks: [String: AttributeValue] = [
      "shard_index": .integer(0), "shard_count": .integer(1), "shard_rows": .integers([0, 1, 1]),
      "shard_source": .text("tool"),
    ]
    #expect(try ShardMarks(attributes: marks)?.attempt == 0)
    for (key, value) in [("shard_attempt", AttributeValue.integer(-1)), ("shard_job", .integer(7))]
    {
      marks[key] = value
      expectError(.data) { _ = try ShardMarks(attributes: marks) }
      marks[key] = nil
    }
    expectError(.data, file: path) { _ = try ShardMarks.order([try shardFile(0, of: 2), damaged]) }
  }

  @Test func mergeRules() throws {
    let labels = ["a", "b"]
    let top = try MergeRule.topk.combine(
      [
        .float(FloatTensor(shape: [2, 2], scalars: [5, 1, 0, -1])),
        .float(FloatTensor(shape: [2, 2], scalars: [3, 2, 4, -.infinity])),
      ], labels: labels)
    #expect(top == .float(FloatTensor(shape: [2, 2], scalars: [5, 3, 4, 0])))
    let mean = try MergeRule.mean1.combine(
      [
        .float(FloatTensor(shape: [1], scalars: [1])),
        .float(FloatTensor(shape: [2], scalars: [2, 3])),
      ],
      labels: ["a", "b", "c"])
    #expect(mean == .float(FloatTensor(shape: [3], scalars: [0.5, 1, 1.5])))
    let strings = try MergeRule.concatenate.combine(
      [.strings(["x"]), .strings(["y", "z"])], labels: labels)
    #expect(strings == .strings(["x", "y", "z"]))
    #expect(throws: RetortError.self) {
      try MergeRule.concatenate.combine(
        [.strings(["x"]), .int(IndexTensor(shape: [1], scalars: [1]))], labels: labels)
    }
    #expect(try MergeRule(attributes: [:]) == .concatenate)
    #expect(try MergeRule(attributes: ["merge": .text("topk")]) == .topk)
    #expect(throws: RetortError.self) { try MergeRule(attributes: ["merge": .text("sum")]) }
  }

  @Test func radiiFromMergedTopK() {
    let r = CSLSRadii(
      k: 2, sourceRadii: [0.5],
      targetTopK: FloatTensor(shape: [2, 2], scalars: [1, 0.5, 0.25, 0.25]))
    #expect(r.target == [0.75, 0.25] && r.source == [0.5])
  }
}
