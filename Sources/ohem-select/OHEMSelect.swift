import Glibc
import Retort
import RetortArguments
import RetortCLI

/// Runs `ohem-select` as a program: parses the command line, does the work, exits
/// (the entry point of the `ohem-select` name of the multi-call binary).
public func runOHEMSelect() { OHEMSelectTool.main() }

struct OHEMSelectTool: RetortCommand, RetortTool, BLASFree {
  static let configuration = CommandConfiguration.tool(
    "ohem-select",
    abstract: "Online hard example mining: pick the hardest RoIs of each image.",
    discussion: """
      Reads per-RoI 'loss' [N] (or 'logits' [N,C] and 'labels' [N], whose softmax \
      cross-entropy is the loss, plus 'bbox_loss' [N] when present), and when present \
      'boxes' [N,4] and 'image' [N]. Per image (Shrivastava et al. 2016): RoIs by \
      descending loss, NMS with the loss as score at --iou (--no-nms skips it; \
      --per-class only among RoIs of the same class: 'classes' as nms reads it, else \
      'labels'), then the --per-image \
      highest-loss survivors. Without boxes: the hardest rows of each image. Writes \
      'keep' [K] (image by image, descending loss) and 'weight' [N] (1 selected, 0 \
      not) for a masked backward pass, and carries the input's datasets. \
      INPUT:ROLE=NAME reads another dataset in a role (rois.h5:image=image_index).
      """,
    examples: [
      "ohem-select --per-image 64 rois.h5 -o hard.h5",
      "ohem-select --per-image 128 --iou 0.7 --per-class rois.h5 -o hard.h5",
      "ohem-select --no-nms losses.h5 | tensor export :weight --format csv -o -",
    ])

  static let optionNames = RetortCLI.optionNames(["perImage", "iou", "perClass", "threads"])
  static let datasetRoles = ["loss", "logits", "labels", "bbox_loss", "boxes", "image", "classes"]

  @Argument(
    help: ArgumentHelp(
      "RoIs ('-' or none: standard input).", valueName: "input[:loss][,role=name...]"))
  var input: InputSpec = InputSpec(path: "-")

  @Option(name: .long, help: "RoIs kept per image (B/N).")
  var perImage = OHEMOptions().perImage

  @Option(name: .long, help: "IoU above which a lower-loss RoI is a duplicate.")
  var iou = OHEMOptions().iou

  @Flag(name: .long, help: "Skip the NMS de-duplication.")
  var noNms = false

  @Flag(name: .long, help: "NMS only among RoIs of the same class ('classes', else 'labels').")
  var perClass = false

  @OptionGroup var box: BoxOptions

  @OptionGroup var filter: FilterOutputOptions
  @OptionGroup var common: CommonOptions

  func run(in context: ToolContext) throws {
    let file = try context.open(input)
    let total = try lossRows(file)
    let allImages = try context.groupColumn(
      role: "image", in: file, spec: input, rows: total, absence: "all rows are one image")
    let part = try context.naming(file) {
      try RunPart(total: total, shard: filter.shard, images: allImages)
    }
    let rows = part.rows
    let loss = try context.naming(file) { try readLoss(file, rows: rows) }
    let n = loss.count
    let boxesName = file.dataset(for: "boxes")
    let hasBoxes = try file.has(role: "boxes")
    if hasBoxes, try file.info(boxesName).shape.first != total {
      throw RetortError.data(
        "has \(try file.info(boxesName).shape) rows, the loss has \(total)", dataset: boxesName,
        file: file.label)
    }
    let boxes = hasBoxes ? try file.readBoxes(boxesName, rows: rows) : nil
    let image = allImages.map { Array($0[rows]) }
    let classRole = try file.has(role: "classes") ? "classes" : "labels"
    let labels =
      perClass
      ? try context.groupColumn(
        role: classRole, in: file, spec: input, rows: total, absence: "all rows are one class"
      ).map { Array($0[rows]) } : nil
    if perClass && labels == nil && !noNms {
      throw RetortError.usage(
        "--per-class needs class ids: 'classes' or 'labels' in \(file.label) "
          + "(or name another dataset as INPUT:classes=NAME)")
    }
    let options = OHEMOptions(
      perImage: perImage, iou: iou, nms: !noNms, perClass: perClass, format: box.format,
      legacyPlusOne: box.legacyPlusOne, threads: context.threads)
    let clock = Stopwatch()
    let selection = try context.naming(file) {
      try ohemSelect(loss: loss, boxes: boxes, image: image, labels: labels, options: options)
    }
    context.note(
      "selected \(selection.keep.count) of \(n) RoIs in \(cFormat("%.2f", clock.milliseconds)) ms")
    let writer = try context.writer(filter.output)
    let keep = selection.keep.map { Int64($0 + rows.lowerBound) }
    try writer.write("keep", IndexTensor(shape: [keep.count], scalars: keep))
    try writer.write("weight", FloatTensor(shape: [n], scalars: selection.weight))
    try context.finish(
      writer, part: part, carrying: file, carry: !filter.carry.noCarry, except: ["keep", "weight"])
  }

  /// The number of RoIs: rows of the loss, or of the logits it comes from.
  func lossRows(_ file: TensorFile) throws -> Int {
    if input.names("loss") || file.contains("loss") {
      return try file.info(input.dataset(or: "loss")).shape.first ?? 0
    }
    guard try file.has(role: "logits") && file.has(role: "labels") else {
      let names = (try? file.datasetNames())?.joined(separator: ", ") ?? ""
      throw RetortError.noInput(
        "no 'loss', nor 'logits' and 'labels', in \(file.label) (it has: \(names))")
    }
    return try file.info(file.dataset(for: "logits")).shape.first ?? 0
  }

  /// The per-RoI loss of `rows`: the named or 'loss' dataset, else
  /// cross-entropy of 'logits' and 'labels' (+ 'bbox_loss').
  func readLoss(_ file: TensorFile, rows: Range<Int>) throws -> [Float] {
    if input.names("loss") || file.contains("loss") {
      let name = input.dataset(or: "loss")
      let t = try file.readFloat(name, rows: rows)
      guard t.rank == 1 else {
        throw RetortError.data("must be [N], it is \(t.shape)", dataset: name)
      }
      return t.scalars
    }
    let logitsName = file.dataset(for: "logits")
    let logits = try file.readFloat(logitsName, rows: rows)
    guard logits.rank == 2 else {
      throw RetortError.data("must be [N, C], it is \(logits.shape)", dataset: logitsName)
    }
    let labels = try file.readInt(file.dataset(for: "labels"), rows: rows).scalars
    let bbox =
      try file.has(role: "bbox_loss")
      ? try file.readFloat(file.dataset(for: "bbox_loss"), rows: rows).scalars : nil
    return try ohemLoss(logits: logits, labels: labels, bboxLoss: bbox)
  }
}
