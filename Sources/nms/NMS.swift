import ArgumentParser
import Foundation
import Retort
import RetortCLI

@main
struct NMSTool: RetortCommand {
  static var configuration: CommandConfiguration {
    CommandConfiguration(
      commandName: "nms",
      abstract: "Non-maximum suppression: hard or soft, per image and per class.",
      discussion: """
        Reads 'boxes' [N,4] and 'scores' [N], and when present 'image' [N] (per-image \
        NMS) and 'classes' [N] (per-class NMS). Rows are visited by descending score, \
        equal scores by ascending row; a row is suppressed when its IoU with a kept row \
        of its group is greater than --iou. Writes 'keep' [K] (int64 row indices, group \
        by group in ascending (image, class), descending score within a group) and \
        carries the input's datasets. --emit instead writes the kept rows of every \
        dataset with N rows (boxes as given, scores decayed for Soft-NMS). Soft-NMS \
        (Bodla et al. 2017) decays scores by 1 - IoU (linear, above --iou) or \
        exp(-IoU^2/sigma) (gaussian) and drops rows below --soft-min-score.

        EXAMPLES:
          nms --iou 0.5 detections.h5 -o kept.h5
          nms --soft gaussian --sigma 0.5 --emit --max-keep 100 detections.h5 -o final.h5
          nms --format xywh --legacy-plus-one --score-min 0.05 dets.h5 | tensor export :keep --format csv -o -

        EXIT STATUS: 0 success, 64 usage, 65 bad input data, 66 missing input, \
        70 internal error, 73 cannot create output, 74 I/O error.
        """,
      version: versionText)
  }

  @Argument(help: ArgumentHelp("Detections ('-' or none: standard input).", valueName: "input[:boxes]"))
  var input: InputSpec = InputSpec(path: "-")

  @Option(name: .long, help: "IoU above which a lower-scored box is suppressed.")
  var iou: Float = 0.5

  @Option(name: .long, help: ArgumentHelp("Drop rows scoring below S before NMS.", valueName: "s"))
  var scoreMin: Float?

  @Option(name: .long, help: ArgumentHelp("Keep at most K rows per group.", valueName: "k"))
  var maxKeep: Int?

  @Option(name: .long, help: "Box format: xyxy, xywh or cxcywh.")
  var format: BoxFormat = .xyxy

  @Flag(name: .long, help: "Widths and heights +1 (the original Fast R-CNN pixel convention).")
  var legacyPlusOne = false

  @Option(name: .long, help: "Soft-NMS: linear or gaussian score decay instead of removal.")
  var soft: SoftNMS.Decay?

  @Option(name: .long, help: "Soft-NMS gaussian sigma.")
  var sigma: Float = 0.5

  @Option(name: .long, help: "Soft-NMS: drop rows whose decayed score falls below this.")
  var softMinScore: Float = 0.001

  @Flag(name: .long, help: "Ignore 'classes': one group per image.")
  var classAgnostic = false

  @Flag(name: .long, help: "Write the kept rows of every dataset with N rows.")
  var emit = false

  @Flag(name: .long, help: "Do not copy the input's other datasets into the output.")
  var noCarry = false

  @OptionGroup var sharding: ShardOptions
  @OptionGroup var output: OutputOptions
  @OptionGroup var common: CommonOptions

  func run() throws {
    let file = try input.open()
    let boxesName = input.dataset(or: "boxes")
    let n = try file.info(boxesName).shape.first ?? 0
    let allImages = try file.optionalColumn("image", rows: n)
    let rows = try shardRows(sharding.shard, image: allImages, rows: n, file: file)
    let boxes = try file.readBoxes(boxesName, rows: rows)
    let scores = try file.column("scores", rows: n, range: rows)
    let image = allImages.map { Array($0[rows]) }
    let classes = classAgnostic ? nil : try file.optionalColumn("classes", rows: n).map { Array($0[rows]) }
    let options = NMSOptions(
      iou: iou, format: format, legacyPlusOne: legacyPlusOne, scoreMin: scoreMin, maxKeep: maxKeep,
      soft: soft.map { SoftNMS(decay: $0, sigma: sigma, minScore: softMinScore) },
      threads: common.threadCount)
    let result: NMSResult
    let started = DispatchTime.now()
    do {
      result = try nonMaximumSuppression(boxes: boxes, scores: scores, image: image, classes: classes, options: options)
    } catch let e as RetortError { throw e.naming(file) }
    let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6
    common.note("nms", "kept \(result.keep.count) of \(n) rows in \(milliseconds) ms")

    let writer = try output.makeWriter()
    let keep = result.keep.map { Int64($0 + rows.lowerBound) }
    try writer.write("keep", IndexTensor(shape: [keep.count], scalars: keep))
    if emit {
      for name in try file.datasetNames() where !name.contains("/") && name != "keep" {
        let info = try file.info(name)
        guard info.shape.first == n else { continue }
        if name == "scores" {
          try writer.write(name, FloatTensor(shape: [result.keep.count], scalars: result.scores))
        } else {
          try writer.write(name, try file.read(name, rows: rows).gather(result.keep), attributes: try file.attributes(of: name))
        }
      }
    } else if !noCarry {
      if sharding.shard != nil {
        try writer.carryRows(from: file, rows: rows, total: n, except: ["keep"])
      } else {
        try writer.carry(from: file, except: ["keep"])
      }
    }
    if let shard = sharding.shard { try writer.markShard(shard, rows: rows, total: n, tool: "nms") }
    try writer.finish(tool: "nms", inputs: [file])
  }
}

extension BoxFormat: ExpressibleByArgument {}
extension SoftNMS.Decay: ExpressibleByArgument {}
