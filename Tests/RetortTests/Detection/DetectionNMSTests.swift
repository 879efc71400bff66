import RetortTestSupport
import Testing

@testable import Retort

/// Greedy and Soft-NMS against the numpy references, exact for `keep`.
struct DetectionNMSTests {
  static let thresholds: [Float] = [0, 0.1, 0.3, 0.5, 0.7, 0.9, 1]

  /// numpy's `keep` for each threshold (greedy) with the given options.
  func reference(_ c: BoxCase, _ o: NMSOptions, thresholds: [Float]) throws -> [[Int]] {
    let header = [
      "\(o.maxKeep ?? c.scores.count)", o.scoreMin.map { "\($0)" } ?? "none",
      "none", "0", "0",
    ]
    let input = referenceInput(
      c, header: header, format: o.format, offset: o.legacyPlusOne ? 1 : 0,
      thresholds: thresholds)
    return intLines(try runPython(numpyNMS, input: input))
  }

  /// Checks the plain path, the grid path and two threads against numpy.
  func expectMatches(_ c: BoxCase, _ options: NMSOptions, thresholds: [Float] = thresholds)
    throws
  {
    let expected = try reference(c, options, thresholds: thresholds)
    #expect(expected.count == thresholds.count)
    for (t, want) in zip(thresholds, expected) {
      var o = options
      o.iou = t
      for (gridMinimum, threads) in [(Int.max, 1), (0, 1), (Int.max, 2), (0, 2)] {
        o.gridMinimum = gridMinimum
        o.threads = threads
        let got = try nonMaximumSuppression(
          boxes: c.boxes, scores: c.scores, image: c.image, classes: c.classes, options: o)
        #expect(got.keep == want, "iou \(t), grid from \(gridMinimum), \(threads) threads")
        #expect(got.scores == got.keep.map { c.scores[$0] })
      }
    }
  }

  @Test(arguments: BoxFormat.allCases, [false, true])
  func clusteredGroupsMatchNumpy(format: BoxFormat, legacyPlusOne: Bool) throws {
    for seed in UInt64(1)...3 {
      var r = BoxRecipe(format: format, seed: seed)
      r.count = 400
      r.images = [7, -3, 0]
      r.classes = [5, 2]
      r.integer = legacyPlusOne
      r.tiedScores = seed == 2
      r.duplicates = seed == 3 ? 0.1 : 0
      r.zeroArea = seed == 3 ? 0.05 : 0
      try expectMatches(r.make(), NMSOptions(format: format, legacyPlusOne: legacyPlusOne))
    }
  }

  @Test func scoreMinAndMaxKeepMatchNumpy() throws {
    var r = BoxRecipe(seed: 11)
    r.images = [1, 0]
    r.classes = [0, 1, 2]
    r.tiedScores = true
    let c = r.make()
    try expectMatches(c, NMSOptions(scoreMin: 0.4, maxKeep: 3), thresholds: [0.3, 0.6])
    try expectMatches(c, NMSOptions(scoreMin: 0.6), thresholds: [0.5])
    try expectMatches(c, NMSOptions(maxKeep: 1), thresholds: [0.5])
  }

  /// Groups of 2,500 boxes: past the default grid threshold, with many kept
  /// boxes, some giant ones spanning many cells, and many equal scores.
  @Test(arguments: [(BoxFormat.xyxy, false), (.cxcywh, true)])
  func largeGroupsTakeTheGridPath(format: BoxFormat, legacyPlusOne: Bool) throws {
    var r = BoxRecipe(count: 2500, centres: 400, format: format, seed: 5)
    r.spread = 1500
    r.giants = 0.01
    r.integer = legacyPlusOne
    r.tiedScores = legacyPlusOne
    let c = r.make()
    let o = NMSOptions(format: format, legacyPlusOne: legacyPlusOne)
    #expect(c.scores.count >= o.gridMinimum)
    try expectMatches(c, o, thresholds: [0, 0.3, 0.7])
  }

  /// A lattice of 10-pixel boxes 0.1 to 0.9 apart: they overlap only under the
  /// +1 convention, where some gaps straddle grid cell boundaries.
  @Test(arguments: [false, true])
  func nearlyTouchingBoxesAcrossCells(legacyPlusOne: Bool) throws {
    var rng = SeededGenerator(seed: 9)
    var scalars = [Float]()
    var scores = [Float]()
    var y: Float = -200
    for _ in 0..<40 {
      var x: Float = -100
      for _ in 0..<40 {
        scalars += [x, y, x + 10, y + 10]
        scores.append(Float(rng.uniform()))
        x += 10 + Float(1 + rng.index(below: 9)) / 10
      }
      y += 10 + Float(1 + rng.index(below: 9)) / 10
    }
    let c = BoxCase(
      boxes: FloatTensor(shape: [1600, 4], scalars: scalars), scores: scores)
    try expectMatches(c, NMSOptions(legacyPlusOne: legacyPlusOne), thresholds: [0, 0.002])
  }

  @Test func equalScoresKeepTheLowerRowFirst() throws {
    let boxes = FloatTensor(
      shape: [4, 4], scalars: [20, 0, 30, 10, 0, 0, 10, 10, 1, 0, 11, 10, 40, 0, 50, 10])
    let r = try nonMaximumSuppression(boxes: boxes, scores: [0.5, 0.5, 0.5, 0.9])
    #expect(r.keep == [3, 0, 1])
  }

  @Test func suppressionNeedsAnIoUStrictlyAboveTheThreshold() throws {
    // IoU of the two boxes is exactly 0.5 (1 / 2).
    let boxes = FloatTensor(shape: [2, 4], scalars: [0, 0, 2, 1, 0, 0, 1, 1])
    let at = try nonMaximumSuppression(boxes: boxes, scores: [1, 1], options: .init(iou: 0.5))
    let below = try nonMaximumSuppression(
      boxes: boxes, scores: [1, 1], options: .init(iou: 0.4999))
    #expect(at.keep == [0, 1])
    #expect(below.keep == [0])
  }

  @Test(arguments: [Float(0), 0.5, 0.99, 1])
  func identicalBoxesKeepOneBelowIoUOne(threshold: Float) throws {
    let boxes = FloatTensor(
      shape: [5, 4], scalars: Array(repeating: [3, 4, 8, 9], count: 5).flatMap { $0 })
    let r = try nonMaximumSuppression(
      boxes: boxes, scores: [0.1, 0.7, 0.7, 0.2, 0.7], options: .init(iou: threshold))
    #expect(r.keep == (threshold < 1 ? [1] : [1, 2, 4, 3, 0]))
  }

  @Test func zeroAreaBoxesNeverSuppress() throws {
    let boxes = FloatTensor(
      shape: [3, 4], scalars: [5, 5, 5, 5, 5, 5, 5, 5, 0, 0, 10, 10])
    let r = try nonMaximumSuppression(
      boxes: boxes, scores: [0.9, 0.8, 0.7], options: .init(iou: 0))
    #expect(r.keep == [0, 1, 2])
    let legacy = try nonMaximumSuppression(
      boxes: boxes, scores: [0.9, 0.8, 0.7], options: .init(iou: 0, legacyPlusOne: true))
    #expect(legacy.keep == [0])
  }

  @Test func singleBoxAndEmptyInput() throws {
    let one = try nonMaximumSuppression(
      boxes: FloatTensor(shape: [1, 4], scalars: [0, 0, 1, 1]), scores: [0.3])
    #expect(one == NMSResult(keep: [0], scores: [0.3]))
    let none = try nonMaximumSuppression(
      boxes: FloatTensor(shape: [0, 4], scalars: []), scores: [], image: [], classes: [],
      options: .init(soft: SoftNMS(decay: .linear)))
    #expect(none == NMSResult(keep: [], scores: []))
    let allBelow = try nonMaximumSuppression(
      boxes: FloatTensor(shape: [1, 4], scalars: [0, 0, 1, 1]), scores: [0.3],
      options: .init(scoreMin: 0.5))
    #expect(allBelow.keep.isEmpty)
  }

  @Test(arguments: SoftNMS.Decay.allCases, [Float(0.001), 0.05])
  func softNMSMatchesNumpy(decay: SoftNMS.Decay, minScore: Float) throws {
    var r = BoxRecipe(count: 250, format: .xywh, seed: 21)
    r.images = [2, 1]
    r.classes = [0, 3]
    let c = r.make()
    let soft = SoftNMS(decay: decay, sigma: 0.5, minScore: minScore)
    for (t, legacy) in [(Float(0.3), false), (0.5, true)] {
      let o = NMSOptions(iou: t, format: .xywh, legacyPlusOne: legacy, maxKeep: 40, soft: soft)
      let header = ["40", "none", decay.rawValue, "\(soft.sigma)", "\(minScore)"]
      let input = referenceInput(
        c, header: header, format: .xywh, offset: legacy ? 1 : 0, thresholds: [t])
      let lines = try runPython(numpyNMS, input: input).split(
        separator: "\n", omittingEmptySubsequences: false)
      let wantKeep = lines[0].split(separator: " ").map { Int($0)! }
      let wantScores = numbers(String(lines[1]))
      for threads in [1, 2] {
        var ot = o
        ot.threads = threads
        let got = try nonMaximumSuppression(
          boxes: c.boxes, scores: c.scores, image: c.image, classes: c.classes, options: ot)
        #expect(got.keep == wantKeep, "iou \(t)")
        expectApproximatelyEqual(
          got.scores, wantScores, absoluteTolerance: 1e-5, relativeTolerance: 1e-5, "iou \(t)")
      }
    }
  }

  @Test func softNMSDecaysOverlapsAndKeepsDistantScores() throws {
    // Box 1 overlaps box 0 with IoU 0.5; box 2 is far away.
    let boxes = FloatTensor(shape: [3, 4], scalars: [0, 0, 2, 1, 0, 0, 1, 1, 9, 9, 10, 10])
    let linear = try nonMaximumSuppression(
      boxes: boxes, scores: [0.9, 0.8, 0.3],
      options: .init(iou: 0.3, soft: SoftNMS(decay: .linear)))
    #expect(linear.keep == [0, 1, 2])
    #expect(linear.scores == [0.9, 0.8 * 0.5, 0.3])
    let gaussian = try nonMaximumSuppression(
      boxes: boxes, scores: [0.9, 0.8, 0.3],
      options: .init(soft: SoftNMS(decay: .gaussian, sigma: 0.5, minScore: 0.5)))
    #expect(gaussian.keep == [0])
  }
}
