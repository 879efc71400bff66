/// Soft-NMS (Bodla et al. 2017): decay overlapping scores instead of removing rows.
public struct SoftNMS: Equatable, Sendable {
  /// How a score decays with the IoU o of its box with a selected box.
  public enum Decay: String, CaseIterable, Sendable {
    /// score · (1 − o) when o > the IoU threshold, unchanged otherwise.
    case linear
    /// score · exp(−o²/σ), whatever the threshold.
    case gaussian
  }

  public var decay: Decay
  /// σ of the gaussian decay (> 0).
  public var sigma: Float
  /// Rows whose (decayed) score is below this are dropped (the paper's code: 0.001).
  public var minScore: Float

  public init(decay: Decay, sigma: Float = 0.5, minScore: Float = 0.001) {
    self.decay = decay
    self.sigma = sigma
    self.minScore = minScore
  }
}

/// The parameters of `nonMaximumSuppression`.
public struct NMSOptions: Sendable {
  /// A row is suppressed when its IoU with a kept row is strictly greater (0...1).
  public var iou: Float
  public var format: BoxFormat
  /// Widths and heights x2 − x1 + 1 (the original Fast R-CNN convention).
  public var legacyPlusOne: Bool
  /// Rows scoring strictly below this are dropped before NMS (a score equal to
  /// it stays).
  public var scoreMin: Float?
  /// At most this many rows are kept per group.
  public var maxKeep: Int?
  /// Soft-NMS instead of greedy suppression.
  public var soft: SoftNMS?
  /// Groups are processed in parallel on this many threads.
  public var threads: Int
  /// Groups of at least this many rows use the grid path (tests lower it).
  var gridMinimum = GroupMethod.gridMinimum

  public init(
    iou: Float = 0.5, format: BoxFormat = .xyxy, legacyPlusOne: Bool = false,
    scoreMin: Float? = nil, maxKeep: Int? = nil, soft: SoftNMS? = nil, threads: Int = 1
  ) {
    self.iou = iou
    self.format = format
    self.legacyPlusOne = legacyPlusOne
    self.scoreMin = scoreMin
    self.maxKeep = maxKeep
    self.soft = soft
    self.threads = threads
  }
}

/// The rows that NMS keeps.
public struct NMSResult: Equatable, Sendable {
  /// Row indices, group by group in ascending (image, class); within a group
  /// in the order selected: descending score, ties by ascending row (for
  /// Soft-NMS: descending decayed score at the time of selection, ties by row).
  public var keep: [Int]
  /// The score of each kept row: its input score, or its decayed score for Soft-NMS.
  public var scores: [Float]
}

/// Non-maximum suppression of `boxes` [N, 4] with `scores` [N], per group of
/// equal (`image`, `classes`) (a missing key puts all rows in one group).
///
/// Greedy: visit the rows of a group by descending score, ties by ascending
/// row; keep a row unless its IoU with an already kept row is > `options.iou`.
/// Rows with a score below `scoreMin` take no part; at most `maxKeep` rows are
/// kept per group. Groups are never merged by offsetting coordinates. Large
/// groups take a grid path with the same result. Empty input keeps nothing.
///
/// Throws `RetortError.data` naming the first bad row (non-finite coordinate
/// or score, x2 < x1 or y2 < y1 after conversion) or a length mismatch, and
/// `RetortError.usage` for parameters out of range.
public func nonMaximumSuppression(
  boxes: FloatTensor, scores: [Float], image: [Int64]? = nil, classes: [Int64]? = nil,
  options: NMSOptions = NMSOptions()
) throws -> NMSResult {
  try checkBoxShape(boxes)
  let n = boxes.rowCount
  try checkCount(scores, name: "scores", rows: n, of: "boxes")
  try checkCount(image, name: "image", rows: n, of: "boxes")
  try checkCount(classes, name: "classes", rows: n, of: "boxes")
  try checkParameters(options)
  let corners = try BoxCorners(
    validating: boxes, format: options.format, legacyPlusOne: options.legacyPlusOne,
    values: scores)
  var candidates = Array(0..<n)
  if let s = options.scoreMin { candidates.removeAll { scores[$0] < s } }
  let method: GroupMethod =
    if let soft = options.soft {
      .soft(corners, soft, threshold: options.iou)
    } else {
      .greedy(corners, threshold: options.iou, gridMinimum: options.gridMinimum)
    }
  let selection = selectByGroup(
    candidates, scores: scores, image: image, classes: classes, method: method,
    maxKeep: options.maxKeep ?? n, threads: options.threads)
  return NMSResult(keep: selection.rows, scores: selection.scores)
}

private func checkParameters(_ o: NMSOptions) throws {
  guard o.iou >= 0 && o.iou <= 1 else {
    throw RetortError.usage("must be in [0, 1], got \(o.iou)", quantity: "iou")
  }
  if let s = o.scoreMin, s.isNaN { throw RetortError.usage("is nan", quantity: "scoreMin") }
  if let k = o.maxKeep, k < 1 {
    throw RetortError.usage("must be at least 1, got \(k)", quantity: "maxKeep")
  }
  guard o.threads >= 1 else { throw RetortError.usage("must be at least 1", quantity: "threads") }
  if let soft = o.soft {
    guard soft.sigma > 0 && soft.sigma.isFinite else {
      throw RetortError.usage("must be positive, got \(soft.sigma)", quantity: "sigma")
    }
    guard soft.minScore.isFinite else {
      throw RetortError.usage("must be finite, got \(soft.minScore)", quantity: "softMinScore")
    }
  }
}
