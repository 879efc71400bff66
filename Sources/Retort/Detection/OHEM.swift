/// The parameters of `ohemSelect`.
public struct OHEMOptions: Sendable {
  /// RoIs selected per image, at most (B/N in the paper; > 0).
  public var perImage: Int
  /// NMS IoU threshold among an image's RoIs (0...1).
  public var iou: Float
  /// Whether to run NMS (only when boxes are given).
  public var nms: Bool
  /// NMS only among RoIs of the same label, as the authors' released code does.
  public var perClass: Bool
  public var format: BoxFormat
  /// Widths and heights x2 − x1 + 1 (the original Fast R-CNN convention).
  public var legacyPlusOne: Bool
  /// Images are processed in parallel on this many threads.
  public var threads: Int

  public init(
    perImage: Int = 64, iou: Float = 0.7, nms: Bool = true, perClass: Bool = false,
    format: BoxFormat = .xyxy, legacyPlusOne: Bool = false, threads: Int = 1
  ) {
    self.perImage = perImage
    self.iou = iou
    self.nms = nms
    self.perClass = perClass
    self.format = format
    self.legacyPlusOne = legacyPlusOne
    self.threads = threads
  }
}

/// The RoIs that OHEM selects.
public struct OHEMSelection: Equatable, Sendable {
  /// Row indices, image by image in ascending image id, descending loss
  /// within an image (ties by ascending row).
  public var keep: [Int]
  /// One per RoI: 1 for a selected row, 0 otherwise.
  public var weight: [Float]
}

/// Online hard example mining (Shrivastava et al. 2016): the hardest RoIs of
/// each image, without near-duplicates.
///
/// Per image (all rows form one image when `image` is nil): visit the RoIs by
/// descending `loss`, ties by ascending row; with `boxes` and `options.nms`,
/// drop a RoI whose IoU with an already kept RoI of the image (of the same
/// label with `perClass`) is > `options.iou`; keep the `perImage`
/// highest-loss survivors. Without boxes or NMS: the `perImage` highest-loss
/// rows. Boxes are only read, and validated, when NMS runs.
///
/// Throws `RetortError.data` naming the first bad row (non-finite loss or
/// coordinate, x2 < x1 or y2 < y1) or a length mismatch, and
/// `RetortError.usage` for parameters out of range or `perClass` without labels.
public func ohemSelect(
  loss: [Float], boxes: FloatTensor? = nil, image: [Int64]? = nil, labels: [Int64]? = nil,
  options: OHEMOptions = OHEMOptions()
) throws -> OHEMSelection {
  let n = loss.count
  try checkCount(image, name: "image", rows: n, of: "loss")
  try checkCount(labels, name: "labels", rows: n, of: "loss")
  guard options.perImage >= 1 else {
    throw RetortError.usage("must be at least 1, got \(options.perImage)", quantity: "perImage")
  }
  guard options.iou >= 0 && options.iou <= 1 else {
    throw RetortError.usage("must be in [0, 1], got \(options.iou)", quantity: "iou")
  }
  guard options.threads >= 1 else {
    throw RetortError.usage("must be at least 1", quantity: "threads")
  }
  let runNMS = boxes != nil && options.nms
  let perClass = runNMS && options.perClass
  if perClass && labels == nil {
    throw RetortError.usage("needs labels", quantity: "perClass")
  }
  var method = GroupMethod.top
  if runNMS, let boxes {
    try checkBoxShape(boxes)
    guard boxes.rowCount == n else {
      throw RetortError.data("has \(boxes.rowCount) rows, loss has \(n) values", dataset: "boxes")
    }
    let corners = try BoxCorners(
      validating: boxes, format: options.format, legacyPlusOne: options.legacyPlusOne,
      values: loss, valueName: "loss")
    method = .greedy(corners, threshold: options.iou)
  } else {
    try checkFinite(loss, name: "loss")
  }
  let selection = selectByGroup(
    Array(0..<n), scores: loss, image: image, classes: perClass ? labels : nil,
    method: method, maxKeep: options.perImage, threads: options.threads)
  let keep =
    perClass
    ? hardestPerImage(selection.rows, loss: loss, image: image, perImage: options.perImage)
    : selection.rows
  var weight = [Float](repeating: 0, count: n)
  for r in keep { weight[r] = 1 }
  return OHEMSelection(keep: keep, weight: weight)
}

/// From `rows` ordered by image, the `perImage` highest-loss rows of each
/// image (ties by row), image by image.
private func hardestPerImage(
  _ rows: [Int], loss: [Float], image: [Int64]?, perImage: Int
) -> [Int] {
  var out = [Int]()
  var start = 0
  while start < rows.count {
    var end = start + 1
    while end < rows.count && image?[rows[end]] == image?[rows[start]] { end += 1 }
    let hardest = rows[start..<end].sorted {
      loss[$0] > loss[$1] || (loss[$0] == loss[$1] && $0 < $1)
    }
    out += hardest.prefix(perImage)
    start = end
  }
  return out
}
