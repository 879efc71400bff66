import ArgumentParser
import Foundation
import Retort
import RetortCLI

@main
struct SoftLabel: RetortCommand {
  static var configuration: CommandConfiguration {
    CommandConfiguration(
      commandName: "softlabel",
      abstract: "Turn teacher logits into soft targets at temperature T.",
      discussion: """
        Reads 'logits' [N,C] (or 'probs' with --from-probs) and writes probs = \
        softmax(logits/T), computed stably, with the attribute 'temperature'. Several \
        inputs are an ensemble of teachers, averaged in probability space. Other \
        datasets of the first input (x, labels, ...) are carried into the output unless \
        --no-carry. Rows are processed in blocks: memory holds the output and one block \
        per teacher. HDF5 on standard input or output is held whole in memory.

        EXAMPLES:
          softlabel -T 20 teacher-logits.h5 -o soft.h5
          softlabel -T 4 a.h5 b.h5 c.h5 --confidence-weights -o ensemble.h5
          distill predict -m teacher.h5 train.h5 | softlabel -T 20 --permute-dark --seed 1 -o dkpp.h5

        EXIT STATUS: 0 success, 64 usage, 65 bad input data, 66 missing input, \
        70 internal error, 73 cannot create output, 74 I/O error.
        """,
      version: versionText)
  }

  @Argument(help: ArgumentHelp("Teacher outputs ('-' or none: standard input).", valueName: "input[:dataset]"))
  var inputs: [InputSpec] = []

  @Option(name: [.customShort("T"), .long], help: "Softmax temperature (> 0).")
  var temperature: Float = 1

  @Flag(name: .long, help: "Inputs hold probabilities ('probs'), not logits; -T is not applied.")
  var fromProbs = false

  @Flag(name: .long, help: "Write one-hot targets at each row's argmax.")
  var hard = false

  @Flag(name: .long, help: "DKPP: permute each row's non-argmax probabilities (seeded).")
  var permuteDark = false

  @Flag(name: .long, help: "CWTM: also write 'weight' = teacher max probability, normalised to mean 1.")
  var confidenceWeights = false

  @Option(name: .long, help: ArgumentHelp("Rows per block.", valueName: "rows"))
  var block = 65_536

  @Flag(name: .long, help: "Do not copy the first input's other datasets into the output.")
  var noCarry = false

  @OptionGroup var sharding: ShardOptions

  @OptionGroup var output: OutputOptions
  @OptionGroup var common: CommonOptions

  func validate() throws {
    guard temperature > 0, temperature.isFinite else { throw ValidationError("-T must be positive, got \(temperature)") }
    guard block > 0 else { throw ValidationError("--block must be positive") }
    if hard && permuteDark { throw ValidationError("--hard and --permute-dark exclude each other") }
  }

  func run() throws {
    common.applyThreads()
    let specs = inputs.isEmpty ? [InputSpec(path: "-")] : inputs
    try checkSingleStandardInput(specs)
    let files = try specs.map { try $0.open() }
    let names = specs.map { $0.dataset(or: fromProbs ? "probs" : "logits") }
    var shape: [Int]? = nil
    for (file, name) in zip(files, names) {
      let info = try file.info(name)
      guard info.shape.count == 2, info.shape[1] > 0 else {
        throw RetortError.data("dataset '\(name)' must be [N, C], it is \(info.shape): \(file.label)")
      }
      guard info.shape[0] > 0 else { throw RetortError.data("dataset '\(name)' is empty: \(file.label)") }
      if let shape, shape != info.shape {
        throw RetortError.data("dataset '\(name)' is \(info.shape) in \(file.label), \(shape) in \(files[0].label)")
      }
      shape = info.shape
    }
    let (n, c) = (shape![0], shape![1])
    let mine = sharding.shard?.rows(of: n) ?? 0..<n
    var probs = FloatTensor(repeating: 0, shape: [mine.count, c])
    for start in stride(from: mine.lowerBound, to: mine.upperBound, by: block) {
      let rows = start..<min(mine.upperBound, start + block)
      for (file, name) in zip(files, names) {
        var part = try file.readFiniteFloat(name, rows: rows)
        if fromProbs {
          do { try SoftTargets.checkDistributions(part, firstRow: start) } catch let e as RetortError {
            throw RetortError.data("\(e.message) (dataset '\(name)'): \(file.label)")
          }
        } else {
          SoftTargets.softmaxInPlace(&part, temperature: temperature, threads: common.threadCount)
        }
        let share = 1 / Float(files.count)
        probs.scalars.withUnsafeMutableBufferPointer { out in
          part.scalars.withUnsafeBufferPointer { p in
            let dst = out.baseAddress! + (start - mine.lowerBound) * c
            for i in 0..<p.count { dst[i] += p[i] * share }
          }
        }
      }
    }
    // A shard writes each row's top probability; the merge normalises to mean 1.
    let weights = confidenceWeights
      ? (sharding.shard == nil ? SoftTargets.confidenceWeights(probs) : SoftTargets.maxProbabilities(probs)) : nil
    if hard { probs = SoftTargets.oneHot(probs) }
    if permuteDark { SoftTargets.permuteDark(&probs, seed: common.seed, firstRow: mine.lowerBound) }

    let writer = try output.makeWriter()
    try writer.write("probs", probs, attributes: ["temperature": .real(fromProbs ? 1 : Double(temperature))])
    if let weights {
      try writer.write(
        "weight", FloatTensor(shape: [weights.count], scalars: weights),
        attributes: sharding.shard == nil ? [:] : ["merge": .text("mean1")])
    }
    let consumed: Set<String> = ["logits", "probs", "weight", names[0]]
    if let shard = sharding.shard {
      if !noCarry { try writer.carryRows(from: files[0], rows: mine, total: n, except: consumed) }
      try writer.markShard(shard, rows: mine, total: n, tool: "softlabel")
    } else if !noCarry {
      try writer.carry(from: files[0], except: consumed)
    }
    try writer.finish(tool: "softlabel", inputs: files)
  }
}
