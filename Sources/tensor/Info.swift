import Glibc
import Retort
import RetortArguments
import RetortCLI

extension TensorTool {
  struct Info: RetortTool, BLASFree {
    static let configuration = CommandConfiguration.subcommand(
      abstract: "List a file's datasets (shape, type, attributes), groups and history.",
      discussion: """
        FILE:NAME lists only dataset NAME, or the datasets and groups under group NAME. \
        --stats adds each numeric dataset's count, NaN count, min, max and mean (over \
        the values that are not NaN), read in row blocks; naming one dataset implies \
        it. --check also reads the values of every dataset of a readable type (float, \
        integer, strings) as the tools read them, so that a file damaged past its \
        headers fails here, with the dataset named, rather than later in a pipeline.
        """,
      examples: [
        "tensor info model.h5",
        "tensor info train.h5:labels",
        "tensor import words.vec | tensor info --json -",
        "tensor info --check --stats model.h5",
      ])

    @Argument(
      help: ArgumentHelp(
        "HDF5 file ('-': standard input), or one dataset or group of it.",
        valueName: "file[:name]"))
    var file: InputSpec = InputSpec(path: "-")

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    @Flag(name: .long, help: "Also read every dataset's values.")
    var check = false

    @Flag(name: .long, help: "Add each numeric dataset's count, NaN count, min, max and mean.")
    var stats = false

    @OptionGroup var common: CommonOptions

    func run(in context: ToolContext) throws {
      let input = try context.open(file)
      let (allDatasets, allGroups) = try input.objectNames()
      let (names, groupNames) = try selection(allDatasets, allGroups, in: input)
      var datasets = [[String: Any]]()
      for name in names {
        let info = try input.info(name)
        if check && info.kind != .other { _ = try input.read(name) }
        var entry: [String: Any] = [
          "name": name, "shape": info.shape, "type": info.typeName,
          "attributes": try input.attributes(of: name).mapValues(jsonValue),
        ]
        if stats || file.dataset != nil, info.kind == .float || info.kind == .integer {
          entry["statistics"] = try input.statistics(of: name).fields
        }
        datasets.append(entry)
      }
      let groups: [[String: Any]] = try groupNames.map {
        ["name": $0, "attributes": try input.attributes(of: $0).mapValues(jsonValue)]
      }
      let root = try input.attributes().filter { $0.key != "history" }
      if json {
        context.report([
          "file": input.label, "datasets": datasets, "groups": groups,
          "attributes": root.mapValues(jsonValue), "history": input.history(),
        ])
        return
      }
      print("file: \(input.label)")
      if common.verbose {
        print("blas: OpenBLAS core \(BLASKernel.coreName), \(BLASKernel.threads) threads")
      }
      print("datasets:")
      for d in datasets {
        let shape = "[" + (d["shape"] as! [Int]).map(String.init).joined(separator: ", ") + "]"
        print("  \(d["name"]!)  \(d["type"]!)  \(shape)")
        if let s = d["statistics"] as? [String: Any] {
          print(
            "    "
              + ["count", "nan", "min", "max", "mean"].map { "\($0) \(JSON.value(s[$0] ?? "-"))" }
              .joined(separator: "  "))
        }
        try printAttributes(of: d["name"] as! String, in: input, indent: "    ")
      }
      let described = try groupNames.filter { !(try input.attributes(of: $0)).isEmpty }
      if !described.isEmpty {
        print("groups:")
        for g in described {
          print("  \(g)")
          try printAttributes(of: g, in: input, indent: "    ")
        }
      }
      if !root.isEmpty && file.dataset == nil {
        print("attributes:")
        for (k, v) in root.sorted(by: { $0.key < $1.key }) { print("  \(k) = \(shown(v))") }
      }
      let history = input.history()
      if !history.isEmpty && file.dataset == nil {
        print("history:")
        for line in history { print("  \(line)") }
      }
    }

    /// The datasets and groups to list: all, or the one named and what is under it.
    func selection(_ datasets: [String], _ groups: [String], in input: TensorFile) throws
      -> ([String], [String])
    {
      guard let named = file.dataset else { return (datasets, groups) }
      let name = named.hasPrefix("/") ? String(named.dropFirst()) : named
      if datasets.contains(name) { return ([name], []) }
      guard groups.contains(name) else {
        throw RetortError.noInput(
          "is not a dataset or group of the file", dataset: name, file: input.label)
      }
      let under = { (n: String) in n.hasPrefix(name + "/") }
      return (datasets.filter(under), [name] + groups.filter(under))
    }

    func printAttributes(of name: String, in input: TensorFile, indent: String) throws {
      for (k, v) in try input.attributes(of: name).sorted(by: { $0.key < $1.key }) {
        print("\(indent)\(k) = \(shown(v))")
      }
    }

    /// An attribute for people: lists of more than 8 values show their first
    /// 8 and their length (--json gives them whole).
    func shown(_ v: AttributeValue) -> String {
      func list(_ values: [String]) -> String {
        values.count <= 8
          ? "[" + values.joined(separator: ", ") + "]"
          : "[" + values.prefix(8).joined(separator: ", ") + ", … \(values.count) values]"
      }
      switch v {
      case .integers(let a): return list(a.map { "\($0)" })
      case .reals(let a): return list(a.map { "\($0)" })
      default: return "\(v)"
      }
    }
  }
}

extension DatasetStatistics {
  /// The statistics as report fields (`nan`: the NaN count).
  var fields: [String: Any] {
    var out: [String: Any] = ["count": count, "nan": nanCount]
    if let min, let max, let mean {
      out["min"] = min
      out["max"] = max
      out["mean"] = mean
    }
    return out
  }
}

/// An attribute as a JSON value.
func jsonValue(_ v: AttributeValue) -> Any {
  switch v {
  case .integer(let i): i
  case .real(let d): d
  case .text(let s): s
  case .integers(let a): a
  case .reals(let a): a
  }
}
