import Glibc
import Retort
import RetortArguments
import RetortCLI

/// Runs `nms` as a program: parses the command line, does the work, exits
/// (the entry point of the `nms` name of the multi-call binary).
public func runNMS() { NMSTool.main() }

struct NMSTool: RetortCommand, RetortTool, BLASFree {
  static let configuration = CommandConfiguration.tool(
    "nms",
    abstract: "Non-maximum suppression: hard or soft, per image and per class.",
    discussion: """
      Reads 'boxes' [N,4] and 'scores' [N], and when present 'image' [N] (per-image \
      NMS) and 'classes' [N] (per-class NMS); INPUT:ROLE=NAME reads another dataset \
      in a role (dets.h5:image=image_index). Rows are visited by descending score, \
      equal scores by ascending row; a row is suppressed when its IoU with a kept row \
      of its group is greater than --iou. Writes 'keep' [K] (int64 row indices, group \
      by group in ascending (image, class), descending score within a group) and \
      carries the input's datasets. --emit instead writes the kept rows of every \
      dataset with N rows (boxes as given, scores decayed for Soft-NMS). Soft-NMS \
      (Bodla et al. 2017) decays scores by 1 - IoU (linear, above --iou) or \
      exp(-IoU^2/sigma) (gaussian) and drops rows below --soft-min-score.
      """,
    examples: [
      "nms --iou 0.5 detections.h5 -o kept.h5",
      "nms --soft gaussian --sigma 0.5 --emit --max-keep 100 detections.h5 -o final.h5",
      "nms --format xywh --legacy-plus-one --score-min 0.05 dets.h5 "
        + "| tensor export :keep --format csv -o -",
    ])

  static let optionNames = RetortCLI.optionNames([
    "iou", "scoreMin", "maxKeep", "threads", "sigma", "softMinScore",
  ])
  static let datasetRoles = ["boxes", "scores", "image", "classes"]

  @Argument(
    help: ArgumentHelp(
      "Detections ('-' or none: standard input).", valueName: "input[:boxes][,role=name...]"))
  var input: InputSpec = InputSpec(path: "-")

  @Option(name: .long, help: "IoU above which a lower-scored box is suppressed.")
  var iou = NMSOptions().iou

  @Option(name: .long, help: ArgumentHelp("Drop rows scoring below S before NMS.", valueName: "s"))
  var scoreMin: Float?

  @Option(name: .long, help: ArgumentHelp("Keep at most K rows per group.", valueName: "k"))
  var maxKeep: Int?

  @OptionGroup var box: BoxOptions

  @Option(name: .long, help: "Soft-NMS: linear or gaussian score decay instead of removal.")
  var soft: SoftNMS.Decay?

  @Option(name: .long, help: "Soft-NMS gaussian sigma.")
  var sigma = SoftNMS(decay: .gaussian).sigma

  @Option(name: .long, help: "Soft-NMS: drop rows whose decayed score falls below this.")
  var softMinScore = SoftNMS(decay: .gaussian).minScore

  @Flag(name: .long, help: "Ignore 'classes': one group per image.")
  var classAgnostic = false

  @Flag(name: .long, help: "Write the kept rows of every dataset with N rows.")
  var emit = false

  @OptionGroup var filter: FilterOutputOptions
  @OptionGroup var common: CommonOptions

  func run(in context: ToolContext) throws {
    if soft == nil {
      context.warnUnused(["--sigma", "--soft-min-score"], "it applies to --soft only")
    }
    if soft == .linear { context.warnUnused(["--sigma"], "it applies to --soft gaussian only") }
    let file = try context.open(input)
    let boxesName = input.dataset(or: "boxes")
    let n = try file.info(boxesName).shape.first ?? 0
    let allImages = try context.groupColumn(
      role: "image", in: file, spec: input, rows: n, absence: "all rows are one image")
    let part = try context.naming(file) {
      try RunPart(total: n, shard: filter.shard, images: allImages)
    }
    let rows = part.rows
    let boxes = try file.readBoxes(boxesName, rows: rows)
    let scores = try file.column(file.dataset(for: "scores"), rows: n, range: rows)
    let image = allImages.map { Array($0[rows]) }
    let classes =
      classAgnostic
      ? nil
      : try context.groupColumn(
        role: "classes", in: file, spec: input, rows: n, absence: "all rows are one class"
      ).map { Array($0[rows]) }
    let options = NMSOptions(
      iou: iou, format: box.format, legacyPlusOne: box.legacyPlusOne, scoreMin: scoreMin,
      maxKeep: maxKeep,
      soft: soft.map { SoftNMS(decay: $0, sigma: sigma, minScore: softMinScore) },
      threads: context.threads)
    let clock = Stopwatch()
    let result = try context.naming(file) {
      try nonMaximumSuppression(
        boxes: boxes, scores: scores, image: image, classes: classes, options: options)
    }
    context.note(
      "kept \(result.keep.count) of \(n) rows in \(cFormat("%.2f", clock.milliseconds)) ms")

    let writer = try context.writer(filter.output)
    let keep = result.keep.map { Int64($0 + rows.lowerBound) }
    try writer.write("keep", IndexTensor(shape: [keep.count], scalars: keep))
    if emit {
      let decayed = FloatTensor(shape: [result.keep.count], scalars: result.scores)
      try writer.emitRows(
        result.keep, of: file, rows: rows, total: n, replacing: ["scores": .float(decayed)])
    }
    try context.finish(
      writer, part: part, carrying: file, carry: !emit && !filter.carry.noCarry, except: ["keep"])
  }
}

extension SoftNMS.Decay: ExpressibleByArgument {}
