import Glibc
import Retort
import RetortArguments
import RetortCLI

extension TensorTool {
  struct Pick: RetortTool, BLASFree {
    static let configuration = CommandConfiguration.subcommand(
      abstract: "Pick, rename and join datasets of several files into one.",
      discussion: """
        Each argument is FILE (every root dataset), FILE:DATASET (that dataset, its \
        name kept) or FILE:NEW=DATASET,... (each DATASET written as NEW: the role \
        syntax of the other tools, the new name first). Datasets keep their stored \
        types and attributes. Every picked dataset of rank 1 or more must have the \
        same number of rows, so that the output's rows line up; a name written twice \
        is an error.
        """,
      examples: [
        "tensor pick mnist.h5:x=x_train,labels=labels_train -o train.h5",
        "tensor pick features.h5:x labels.h5:labels -o data.h5",
      ])

    @Argument(help: ArgumentHelp("What to pick, in order.", valueName: "file[:[new=]dataset,...]"))
    var sources: [String]

    @OptionGroup var output: OutputOptions
    @OptionGroup var common: CommonOptions

    func run(in context: ToolContext) throws {
      guard !sources.isEmpty else { throw RetortError.usage("pick needs at least one file") }
      var picks = [(file: TensorFile, source: String, target: String)]()
      for argument in sources {
        guard let spec = InputSpec(argument: argument) else {
          throw RetortError.usage("cannot read '\(argument)' as FILE[:[NEW=]DATASET,...]")
        }
        let file = try context.open(path: spec.path)
        var chosen = spec.roles.sorted { $0.key < $1.key }.map {
          (source: $0.value, target: $0.key)
        }
        if let dataset = spec.dataset { chosen.insert((dataset, dataset), at: 0) }
        if chosen.isEmpty {
          chosen = try file.datasetNames().filter { !$0.contains("/") }.map { ($0, $0) }
        }
        picks += chosen.map { (file, $0.source, $0.target) }
      }
      var rows: (count: Int, from: String)? = nil
      var written = Set<String>()
      for pick in picks {
        let info = try pick.file.info(pick.source)
        guard written.insert(pick.target).inserted else {
          throw RetortError.usage("'\(pick.target)' is picked twice")
        }
        guard let n = info.shape.first else { continue }
        let here = "'\(pick.source)' of \(pick.file.label)"
        if let rows, rows.count != n {
          throw RetortError.data("\(here) has \(n) rows, \(rows.from) has \(rows.count)")
        }
        rows = rows ?? (n, here)
      }
      let writer = try context.writer(output)
      for pick in picks { try writer.copy(pick.source, from: pick.file, as: pick.target) }
      try context.finish(writer)
    }
  }
}
