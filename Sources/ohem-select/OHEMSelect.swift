import ArgumentParser
import Foundation
import Retort
import RetortCLI

@main
struct OHEMSelectTool: RetortCommand {
  static var configuration: CommandConfiguration {
    CommandConfiguration(
      commandName: "ohem-select",
      abstract: "Online hard example mining: pick the hardest RoIs of each image.",
      discussion: """
        Reads per-RoI 'loss' [N] (or 'logits' [N,C] and 'labels' [N], whose softmax \
        cross-entropy is the loss, plus 'bbox_loss' [N] when present), and when present \
        'boxes' [N,4] and 'image' [N]. Per image (Shrivastava et al. 2016): RoIs by \
        descending loss, NMS with the loss as score at --iou (--no-nms skips it; \
        --per-class only among RoIs of the same label), then the --per-image \
        highest-loss survivors. Without boxes: the hardest rows of each image. Writes \
        'keep' [K] (image by image, descending loss) and 'weight' [N] (1 selected, 0 \
        not) for a masked backward pass, and carries the input's datasets.

        EXAMPLES:
          ohem-select --per-image 64 rois.h5 -o hard.h5
          ohem-select --per-image 128 --iou 0.7 --per-class rois.h5 -o hard.h5
          ohem-select --no-nms losses.h5 | tensor export :weight --format csv -o -

        EXIT STATUS: 0 success, 64 usage, 65 bad input data, 66 missing input, \
        70 internal error, 73 cannot create output, 74 I/O error.
        """,
      version: versionText)
  }

  @Argument(help: ArgumentHelp("RoIs ('-' or none: standard input).", valueName: "input[:loss]"))
  var input: InputSpec = InputSpec(path: "-")

  @Option(name: .long, help: "RoIs kept per image (B/N).")
  var perImage = 64

  @Option(name: .long, help: "IoU above which a lower-loss RoI is a duplicate.")
  var iou: Float = 0.7

  @Flag(name: .long, help: "Skip the NMS de-duplication.")
  var noNms = false

  @Flag(name: .long, help: "NMS only among RoIs of the same label (needs 'labels').")
  var perClass = false

  @Option(name: .long, help: "Box format: xyxy, xywh or cxcywh.")
  var format: BoxFormat = .xyxy

  @Flag(name: .long, help: "Widths and heights +1 (the original Fast R-CNN pixel convention).")
  var legacyPlusOne = false

  @Flag(name: .long, help: "Do not copy the input's other datasets into the output.")
  var noCarry = false

  @OptionGroup var sharding: ShardOptions
  @OptionGroup var output: OutputOptions
  @OptionGroup var common: CommonOptions

  func run() throws {
    let file = try input.open()
    let total = try lossRows(file)
    let allImages = try file.optionalColumn("image", rows: total)
    let rows = try shardRows(sharding.shard, image: allImages, rows: total, file: file)
    let loss: [Float]
    do {
      loss = try readLoss(file, rows: rows)
    } catch let e as RetortError where !e.message.hasSuffix(file.label) { throw e.naming(file) }
    let n = loss.count
    if file.contains("boxes"), try file.info("boxes").shape.first != total {
      throw RetortError.data("'boxes' has \(try file.info("boxes").shape) rows, the loss has \(total): \(file.label)")
    }
    let boxes = file.contains("boxes") ? try file.readBoxes("boxes", rows: rows) : nil
    let image = allImages.map { Array($0[rows]) }
    let labels = try file.optionalColumn("labels", rows: total).map { Array($0[rows]) }
    let options = OHEMOptions(
      perImage: perImage, iou: iou, nms: !noNms, perClass: perClass, format: format,
      legacyPlusOne: legacyPlusOne, threads: common.threadCount)
    let selection: OHEMSelection
    let started = DispatchTime.now()
    do {
      selection = try ohemSelect(loss: loss, boxes: boxes, image: image, labels: labels, options: options)
    } catch let e as RetortError { throw e.naming(file) }
    let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6
    common.note("ohem-select", "selected \(selection.keep.count) of \(n) RoIs in \(milliseconds) ms")
    let writer = try output.makeWriter()
    try writer.write("keep", IndexTensor(shape: [selection.keep.count], scalars: selection.keep.map { Int64($0 + rows.lowerBound) }))
    try writer.write("weight", FloatTensor(shape: [n], scalars: selection.weight))
    if let shard = sharding.shard {
      if !noCarry { try writer.carryRows(from: file, rows: rows, total: total, except: ["keep", "weight"]) }
      try writer.markShard(shard, rows: rows, total: total, tool: "ohem-select")
    } else if !noCarry {
      try writer.carry(from: file, except: ["keep", "weight"])
    }
    try writer.finish(tool: "ohem-select", inputs: [file])
  }

  /// The number of RoIs: rows of the loss, or of the logits it comes from.
  func lossRows(_ file: TensorFile) throws -> Int {
    if input.dataset != nil || file.contains("loss") {
      return try file.info(input.dataset(or: "loss")).shape.first ?? 0
    }
    guard file.contains("logits") && file.contains("labels") else {
      throw RetortError.noInput(
        "no 'loss', nor 'logits' and 'labels', in \(file.label) (it has: \((try? file.datasetNames())?.joined(separator: ", ") ?? ""))")
    }
    return try file.info("logits").shape.first ?? 0
  }

  /// The per-RoI loss of `rows`: the named or 'loss' dataset, else
  /// cross-entropy of 'logits' and 'labels' (+ 'bbox_loss').
  func readLoss(_ file: TensorFile, rows: Range<Int>) throws -> [Float] {
    if input.dataset != nil || file.contains("loss") {
      let name = input.dataset(or: "loss")
      let t = try file.readFloat(name, rows: rows)
      guard t.rank == 1 else { throw RetortError.data("dataset '\(name)' must be [N], it is \(t.shape)") }
      return t.scalars
    }
    let logits = try file.readFloat("logits", rows: rows)
    guard logits.rank == 2 else { throw RetortError.data("dataset 'logits' must be [N, C], it is \(logits.shape)") }
    let labels = try file.readInt("labels", rows: rows).scalars
    let bbox = file.contains("bbox_loss") ? try file.readFloat("bbox_loss", rows: rows).scalars : nil
    return try ohemLoss(logits: logits, labels: labels, bboxLoss: bbox)
  }
}

extension BoxFormat: ExpressibleByArgument {}
