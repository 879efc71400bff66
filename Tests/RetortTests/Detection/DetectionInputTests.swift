import Testing

@testable import Retort

/// Bad inputs: each is a `RetortError` whose message names the first bad row.
struct DetectionInputTests {
  struct Bad: CustomTestStringConvertible, Sendable {
    let label: String
    let boxes: [Float]
    let scores: [Float]
    var format = BoxFormat.xyxy
    var image: [Int64]? = nil
    let message: String
    var testDescription: String { label }
  }

  static let good: [Float] = [0, 0, 4, 4]

  static let cases: [Bad] = [
    Bad(
      label: "x2 < x1", boxes: good + good + [5, 0, 3, 4] + [9, 0, 1, 4],
      scores: [1, 1, 1, 1], message: "box 2 has x2 < x1 (3.0 < 5.0)"),
    Bad(
      label: "y2 < y1", boxes: good + [0, 6, 4, 2], scores: [1, 1],
      message: "box 1 has y2 < y1 (2.0 < 6.0)"),
    Bad(
      label: "negative width", boxes: good + [1, 1, -2, 3], scores: [1, 1], format: .xywh,
      message: "box 1 has x2 < x1 after conversion from xywh (-1.0 < 1.0)"),
    Bad(
      label: "NaN coordinate", boxes: good + good + good + [0, .nan, 1, 1],
      scores: [1, 1, 1, 1], message: "box 3 has a non-finite coordinate (nan)"),
    Bad(
      label: "infinite coordinate", boxes: good + [0, 0, .infinity, 1], scores: [1, 1],
      message: "box 1 has a non-finite coordinate (inf)"),
    Bad(
      label: "infinite score", boxes: good + good + good, scores: [1, .infinity, 1],
      message: "score 1 is not finite (inf)"),
    Bad(
      label: "first bad row wins", boxes: good + good + [5, 0, 3, 4],
      scores: [1, .nan, 1], message: "score 1 is not finite (nan)"),
    Bad(
      label: "area overflow", boxes: good + [-3e38, -3e38, 3e38, 3e38], scores: [1, 1],
      message: "box 1 has an area too large for float32 (inf)"),
    Bad(
      label: "scores too short", boxes: good + good, scores: [1],
      message: "scores has 1 values, boxes has 2 rows"),
    Bad(
      label: "image too long", boxes: good, scores: [1], image: [0, 1],
      message: "image has 2 values, boxes has 1 rows"),
  ]

  @Test(arguments: cases)
  func nmsRejects(_ bad: Bad) {
    let boxes = FloatTensor(shape: [bad.boxes.count / 4, 4], scalars: bad.boxes)
    do {
      _ = try nonMaximumSuppression(
        boxes: boxes, scores: bad.scores, image: bad.image, options: .init(format: bad.format))
      Issue.record("accepted \(bad.label)")
    } catch let e as RetortError {
      #expect(e.kind == .data)
      #expect(e.message.hasPrefix(bad.message), "\(e.message)")
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func nmsRejectsBoxesThatAreNotNByFour() {
    #expect(throws: RetortError.data("boxes has shape [2, 3], expected [N, 4]")) {
      try nonMaximumSuppression(
        boxes: FloatTensor(shape: [2, 3], scalars: [0, 0, 1, 1, 1, 2]),
        scores: [1, 1])
    }
  }

  @Test(arguments: [
    NMSOptions(iou: 1.5), NMSOptions(iou: -0.1), NMSOptions(maxKeep: 0),
    NMSOptions(soft: SoftNMS(decay: .gaussian, sigma: 0)), NMSOptions(threads: 0),
  ])
  func nmsRejectsParametersOutOfRange(_ options: NMSOptions) {
    let boxes = FloatTensor(shape: [1, 4], scalars: Self.good)
    #expect { try nonMaximumSuppression(boxes: boxes, scores: [1], options: options) } throws: {
      ($0 as? RetortError)?.kind == .usage
    }
  }

  @Test func ohemRejectsBadRows() {
    let boxes = FloatTensor(shape: [3, 4], scalars: Self.good + Self.good + [2, 2, 1, 3])
    #expect(throws: RetortError.data("loss 1 is not finite (nan)")) {
      try ohemSelect(loss: [1, .nan, 1], boxes: boxes)
    }
    #expect(throws: RetortError.data("box 2 has x2 < x1 (1.0 < 2.0)")) {
      try ohemSelect(loss: [1, 1, 1], boxes: boxes)
    }
    #expect(throws: RetortError.data("loss 2 is not finite (-inf)")) {
      try ohemSelect(loss: [1, 1, -.infinity], image: [0, 0, 1])
    }
    #expect(throws: RetortError.data("image has 2 values, loss has 3 rows")) {
      try ohemSelect(loss: [1, 1, 1], image: [0, 0])
    }
    #expect(throws: RetortError.data("boxes has 3 rows, loss has 2 values")) {
      try ohemSelect(loss: [1, 1], boxes: boxes)
    }
    #expect(throws: RetortError.usage("per-class NMS needs labels")) {
      try ohemSelect(loss: [1, 1, 1], boxes: boxes, options: .init(perClass: true))
    }
  }

  @Test func ohemLossRejectsBadRows() {
    let logits = FloatTensor(shape: [3, 2], scalars: [0, 1, 2, 3, 4, .nan])
    #expect(throws: RetortError.data("logits row 2 has a non-finite value (nan)")) {
      try ohemLoss(logits: logits, labels: [0, 1, 0])
    }
    let fine = FloatTensor(shape: [2, 2], scalars: [0, 1, 2, 3])
    #expect(throws: RetortError.data("label 1 is 2, outside 0..<2")) {
      try ohemLoss(logits: fine, labels: [0, 2])
    }
    #expect(throws: RetortError.data("bbox_loss has 1 values, logits has 2 rows")) {
      try ohemLoss(logits: fine, labels: [0, 1], bboxLoss: [1])
    }
  }
}
