import Glibc
import Retort
import RetortArguments
import RetortCLI

/// Runs `softlabel` as a program: parses the command line, does the work, exits
/// (the entry point of the `softlabel` name of the multi-call binary).
public func runSoftLabel() { SoftLabel.main() }

struct SoftLabel: RetortCommand, RetortTool, BLASFree {
  static let datasetRoles = ["logits", "probs"]

  static let configuration = CommandConfiguration.tool(
    "softlabel",
    abstract: "Turn teacher logits into soft targets at temperature T.",
    discussion: """
      Reads 'logits' [N,C] (or 'probs' with --from-probs) and writes probs = \
      softmax(logits/T), computed stably, with the attribute 'temperature' (and the \
      teachers' 'rows_fingerprint', which must agree, unless a shard). Several \
      inputs are an ensemble of teachers, averaged in probability space. Other \
      datasets of the first input (x, labels, ...) are carried into the output unless \
      --no-carry. Rows are processed in blocks: memory holds one block per teacher, \
      and the output is written block by block (carried datasets in blocks too). \
      HDF5 on standard input or output is held whole in memory.
      """,
    examples: [
      "softlabel -T 20 teacher-logits.h5 -o soft.h5",
      "softlabel -T 4 a.h5 b.h5 c.h5 --confidence-weights -o ensemble.h5",
      "distill predict -m teacher.h5 train.h5 | softlabel -T 20 --permute-dark --seed 1 -o dkpp.h5",
    ])

  @Argument(
    help: ArgumentHelp(
      "Teacher outputs ('-' or none: standard input).", valueName: "input[:dataset]"))
  var inputs: [InputSpec] = []

  @Option(name: [.customShort("T"), .long], help: "Softmax temperature (> 0).")
  var temperature: Float = 1

  @Flag(name: .long, help: "Inputs hold probabilities ('probs'), not logits; -T is not applied.")
  var fromProbs = false

  @Flag(name: .long, help: "Write one-hot targets at each row's argmax.")
  var hard = false

  @Flag(name: .long, help: "DKPP: permute each row's non-argmax probabilities (seeded).")
  var permuteDark = false

  @Flag(
    name: .long, help: "CWTM: also write 'weight' = teacher max probability, normalised to mean 1.")
  var confidenceWeights = false

  @Option(name: .long, help: ArgumentHelp("Rows per block.", valueName: "rows"))
  var block = 65_536

  @OptionGroup var filter: FilterOutputOptions
  @OptionGroup var common: CommonOptions

  func validate() throws {
    try requirePositiveOption(temperature, "-T")
    try requireOption(block > 0, "--block", block, "positive")
    if hard && permuteDark { throw ValidationError("--hard and --permute-dark exclude each other") }
  }

  func run(in context: ToolContext) throws {
    let teachers = try TeacherInputs(
      inputs.isEmpty ? [InputSpec(path: "-")] : inputs, defaultName: fromProbs ? "probs" : "logits",
      in: context)
    let part = try RunPart(following: teachers.files[0], total: teachers.rows, shard: filter.shard)
    var softmaxMilliseconds = 0.0
    let probabilities: (inout FloatTensor, Int, TensorFile) throws -> Void = { p, row, file in
      if fromProbs {
        try context.naming(file) { try SoftTargets.checkDistributions(p, firstRow: row) }
      } else {
        let softmaxClock = Stopwatch()
        SoftTargets.softmaxInPlace(&p, temperature: temperature, threads: context.threads)
        softmaxMilliseconds += softmaxClock.milliseconds
      }
    }
    let clock = Stopwatch()
    let writer = try context.writer(filter.output)
    var attributes: [String: AttributeValue] = [
      "temperature": .real(fromProbs ? 1 : Double(temperature))
    ]
    if !part.isPartial, let rows = teachers.rowsFingerprint {
      attributes["rows_fingerprint"] = .text(rows)
    }
    let out = try writer.rowBlocks(
      "probs", shape: [part.rows.count, teachers.classes], attributes: attributes)
    var maxima = [Float]()
    try teachers.forEachBlockMean(of: part.rows, block: block, probabilities: probabilities) {
      mean, start in
      var probs = mean
      if confidenceWeights { maxima += SoftTargets.maxProbabilities(probs) }
      if hard { probs = SoftTargets.oneHot(probs) }
      if permuteDark {
        SoftTargets.permuteDark(
          &probs, seed: context.seed, firstRow: part.firstRow + start - part.rows.lowerBound)
      }
      try out.append(probs)
    }
    try out.finish()
    context.note(
      "\(teachers.files.count) teacher(s): \(part.rows.count) rows × \(teachers.classes) classes "
        + "at T \(shortDecimal(fromProbs ? 1 : temperature)) in \(cFormat("%.0f", clock.milliseconds)) ms "
        + "(softmax \(cFormat("%.0f", softmaxMilliseconds)) ms; the rest reads and writes)")
    if confidenceWeights {
      // A shard writes each row's top probability; the merge normalises to mean 1.
      let weights = part.isPartial ? maxima : SoftTargets.normalizedToMeanOne(maxima)
      try writer.write(
        "weight", FloatTensor(shape: [weights.count], scalars: weights),
        attributes: part.isPartial ? ["merge": .text(MergeRule.mean1.rawValue)] : [:])
    }
    try context.finish(
      writer, part: part, carrying: teachers.files[0], carry: !filter.carry.noCarry,
      except: ["logits", "probs", "weight", teachers.names[0]])
  }
}
