import Testing

@testable import Retort

/// Bad inputs: each is a `RetortError` whose fields name the dataset and first bad row.
struct DetectionInputTests {
  struct Bad: CustomTestStringConvertible, Sendable {
    let label: String
    let boxes: [Float]
    let scores: [Float]
    var format = BoxFormat.xyxy
    var image: [Int64]? = nil
    let dataset: String
    var row: Int? = nil
    var testDescription: String { label }
  }

  static let good: [Float] = [0, 0, 4, 4]

  static let cases: [Bad] = [
    Bad(
      label: "x2 < x1", boxes: good + good + [5, 0, 3, 4] + [9, 0, 1, 4],
      scores: [1, 1, 1, 1], dataset: "boxes", row: 2),
    Bad(
      label: "y2 < y1", boxes: good + [0, 6, 4, 2], scores: [1, 1],
      dataset: "boxes", row: 1),
    Bad(
      label: "negative width", boxes: good + [1, 1, -2, 3], scores: [1, 1], format: .xywh,
      dataset: "boxes", row: 1),
    Bad(
      label: "NaN coordinate", boxes: good + good + good + [0, .nan, 1, 1],
      scores: [1, 1, 1, 1], dataset: "boxes", row: 3),
    Bad(
      label: "infinite coordinate", boxes: good + [0, 0, .infinity, 1], scores: [1, 1],
      dataset: "boxes", row: 1),
    Bad(
      label: "infinite score", boxes: good + good + good, scores: [1, .infinity, 1],
      dataset: "scores", row: 1),
    Bad(
      label: "first bad row wins", boxes: good + good + [5, 0, 3, 4],
      scores: [1, .nan, 1], dataset: "scores", row: 1),
    Bad(
      label: "area overflow", boxes: good + [-3e38, -3e38, 3e38, 3e38], scores: [1, 1],
      dataset: "boxes", row: 1),
    Bad(
      label: "scores too short", boxes: good + good, scores: [1],
      dataset: "scores"),
    Bad(
      label: "image too long", boxes: good, scores: [1], image: [0, 1],
      dataset: "image"),
  ]

  @Test(arguments: cases)
  func nmsRejects(_ bad: Bad) {
    let boxes = FloatTensor(shape: [bad.boxes.count / 4, 4], scalars: bad.boxes)
    expectError(.data, dataset: bad.dataset, row: bad.row) {
      _ = try nonMaximumSuppression(
        boxes: boxes, scores: bad.scores, image: bad.image, options: .init(format: bad.format))
    }
  }

  @Test func nmsRejectsBoxesThatAreNotNByFour() {
    expectError(.data, dataset: "boxes") {
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
    expectError(.data, dataset: "loss", row: 1) {
      try ohemSelect(loss: [1, .nan, 1], boxes: boxes)
    }
    expectError(.data, dataset: "boxes", row: 2) {
      try ohemSelect(loss: [1, 1, 1], boxes: boxes)
    }
    expectError(.data, dataset: "loss", row: 2) {
      try ohemSelect(loss: [1, 1, -.infinity], image: [0, 0, 1])
    }
    expectError(.data, dataset: "image") {
      try ohemSelect(loss: [1, 1, 1], image: [0, 0])
    }
    expectError(.data, dataset: "boxes") {
      try ohemSelect(loss: [1, 1], boxes: boxes)
    }
    expectError(.usage, quantity: "perClass") {
      try ohemSelect(loss: [1, 1, 1], boxes: boxes, options: .init(perClass: true))
    }
  }

  @Test func ohemLossRejectsBadRows() {
    let logits = FloatTensor(shape: [3, 2], scalars: [0, 1, 2, 3, 4, .nan])
    expectError(.data, dataset: "logits", row: 2) {
      try ohemLoss(logits: logits, labels: [0, 1, 0])
    }
    let fine = FloatTensor(shape: [2, 2], scalars: [0, 1, 2, 3])
    expectError(.data, dataset: "labels", row: 1) {
      try ohemLoss(logits: fine, labels: [0, 2])
    }
    expectError(.data, dataset: "bbox_loss") {
      try ohemLoss(logits: fine, labels: [0, 1], bboxLoss: [1])
    }
  }
}
