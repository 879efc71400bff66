/// A JSON value, written by `json`.
indirect enum JSON {
  case string(String)
  case bool(Bool)
  case number(Int)
  case array([JSON])
  /// Keys in the order given.
  case object([(String, JSON)])

  /// The compact text of this value.
  var text: String {
    switch self {
    case .string(let s): return jsonQuoted(s)
    case .bool(let b): return b ? "true" : "false"
    case .number(let n): return String(n)
    case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
    case .object(let fields):
      return "{" + fields.map { jsonQuoted($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
    }
  }
}

/// `s` as a JSON string (the metrics log writes its strings with it too).
package func jsonQuoted(_ s: String) -> String {
  var out = "\""
  for scalar in s.unicodeScalars {
    switch scalar {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\t": out += "\\t"
    case "\r": out += "\\r"
    case _ where scalar.value < 0x20:
      let hex = String(scalar.value, radix: 16)
      out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    default: out.unicodeScalars.append(scalar)
    }
  }
  return out + "\""
}

/// `--experimental-dump-help`: the command tree in ArgumentParser's tool
/// description format (version 0), which its `generate-manual` turns into
/// man pages (Scripts/man).
func toolInfo(_ root: any ParsableCommand.Type) -> String {
  let version = !root.configuration.version.isEmpty
  let command = commandInfo([root], version: version)
  return JSON.object([("serializationVersion", .number(0)), ("command", command)]).text + "\n"
}

/// One command of the tree, its subcommands nested; a root also lists the
/// `help` subcommand that `TOOL help SUBCOMMAND` answers.
private func commandInfo(_ path: [any ParsableCommand.Type], version: Bool) -> JSON {
  let command = path.last!
  let configuration = command.configuration
  var fields: [(String, JSON)] = []
  if path.count > 1 {
    fields.append(("superCommands", .array(path.dropLast().map { .string($0.commandName) })))
  }
  fields.append(("shouldDisplay", .bool(true)))
  fields.append(("commandName", .string(command.commandName)))
  if !configuration.abstract.isEmpty {
    fields.append(("abstract", .string(configuration.abstract)))
  }
  if !configuration.discussion.isEmpty {
    fields.append(("discussion", .string(configuration.discussion)))
  }
  var subcommands = configuration.subcommands.map { commandInfo(path + [$0], version: version) }
  if path.count == 1 {
    subcommands.append(helpCommandInfo(root: command.commandName, version: version))
  }
  if !subcommands.isEmpty { fields.append(("subcommands", .array(subcommands))) }
  let arguments = argumentDefinitions(of: command) + builtInDefinitions(version: version)
  fields.append(("arguments", .array(arguments.flatMap(argumentInfo))))
  return .object(fields)
}

/// The `help` subcommand's description.
private func helpCommandInfo(root: String, version: Bool) -> JSON {
  let subcommands = JSON.object([
    ("kind", .string("positional")), ("shouldDisplay", .bool(true)), ("isOptional", .bool(true)),
    ("isRepeating", .bool(true)), ("parsingStrategy", .string("default")),
    ("valueName", .string("subcommands")),
  ])
  let help = JSON.object([
    ("kind", .string("flag")), ("shouldDisplay", .bool(false)), ("isOptional", .bool(true)),
    ("isRepeating", .bool(false)), ("parsingStrategy", .string("default")),
    (
      "names",
      .array([
        nameInfo(.short("h")), nameInfo(.long("help")),
        .object([
          ("kind", .string("longWithSingleDash")), ("name", .string("help")),
        ]),
      ])
    ),
    ("preferredName", nameInfo(.long("help"))), ("valueName", .string("help")),
  ])
  let versionFlag = builtInDefinitions(version: true).filter { $0.key == "version" }
  return .object([
    ("superCommands", .array([.string(root)])), ("shouldDisplay", .bool(true)),
    ("commandName", .string("help")), ("abstract", .string("Show subcommand help information.")),
    (
      "arguments", .array([subcommands, help] + (version ? versionFlag.flatMap(argumentInfo) : []))
    ),
  ])
}

private func nameInfo(_ name: Name) -> JSON {
  switch name {
  case .long(let n): .object([("kind", .string("long")), ("name", .string(n))])
  case .short(let c): .object([("kind", .string("short")), ("name", .string(String(c)))])
  }
}

/// An argument's description; a flag with an inversion is two (`--whiten`, `--no-whiten`).
private func argumentInfo(_ d: ArgumentDefinition) -> [JSON] {
  func info(_ names: [Name], _ defaultValue: String?) -> JSON {
    var fields: [(String, JSON)] = [
      ("kind", .string(d.kind.rawValue)), ("shouldDisplay", .bool(true)),
    ]
    if let title = d.sectionTitle { fields.append(("sectionTitle", .string(title))) }
    fields += [
      ("isOptional", .bool(d.isOptional)), ("isRepeating", .bool(d.isRepeating)),
      ("parsingStrategy", .string(d.unconditional ? "unconditional" : "default")),
    ]
    if !names.isEmpty {
      fields.append(("names", .array(names.map(nameInfo))))
      let preferred = names.first { !$0.isShort } ?? names[0]
      fields.append(("preferredName", nameInfo(preferred)))
    }
    let valueName: String
    if d.kind == .flag, let name = names.first(where: { !$0.isShort }), case .long(let long) = name
    {
      valueName = long
    } else {
      valueName = d.valueName
    }
    fields.append(("valueName", .string(valueName)))
    if let defaultValue { fields.append(("defaultValue", .string(defaultValue))) }
    if !d.allValues.isEmpty {
      fields.append(("allValues", .array(d.allValues.map(JSON.string))))
      fields.append(
        (
          "completionKind",
          .object([("list", .object([("values", .array(d.allValues.map(JSON.string)))]))])
        ))
    }
    if !d.help.abstract.isEmpty { fields.append(("abstract", .string(d.help.abstract))) }
    return .object(fields)
  }
  if d.inverseNames.isEmpty { return [info(d.names, d.defaultDescription)] }
  return [info(d.names, d.defaultDescription), info(d.inverseNames, nil)]
}
