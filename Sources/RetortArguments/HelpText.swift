/// The lines of help text: at most 80 columns; option names in a column of 26.
let helpWidth = 80
let helpIndent = 26

/// The built-in flags every command lists after its own: `--version` (when
/// the root has one) and `-h, --help`.
func builtInDefinitions(version: Bool) -> [ArgumentDefinition] {
  let versionFlag = ArgumentDefinition(
    kind: .flag, key: "version", names: [.long("version")], help: "Show the version.",
    initial: false, isOptional: true)
  let helpFlag = ArgumentDefinition(
    kind: .flag, key: "help", names: [.short("h"), .long("help")],
    help: "Show help information.", initial: false, isOptional: true)
  return (version ? [versionFlag] : []) + [helpFlag]
}

/// The help of the last command of `path` (the root first): overview,
/// discussion, usage, then its arguments by section, then its subcommands.
func helpText(_ path: [any ParsableCommand.Type]) -> String {
  let command = path.last!
  let configuration = command.configuration
  let own = argumentDefinitions(of: command)
  let all = own + builtInDefinitions(version: !path[0].configuration.version.isEmpty)
  var out = [String]()
  if !configuration.abstract.isEmpty { out.append(wrap("OVERVIEW: " + configuration.abstract)) }
  if !configuration.discussion.isEmpty { out.append(wrapParagraphs(configuration.discussion)) }
  out.append(wrap("USAGE: " + usage(path, own), hangingIndent: 2))

  let positionals = all.filter { $0.kind == .positional }
  if !positionals.isEmpty { out.append(section("ARGUMENTS", positionals)) }
  var titles = [String]()
  for d in all where d.kind != .positional {
    if let title = d.sectionTitle, !titles.contains(title) { titles.append(title) }
  }
  for title in titles {
    out.append(
      section(title.uppercased(), all.filter { $0.kind != .positional && $0.sectionTitle == title })
    )
  }
  out.append(section("OPTIONS", all.filter { $0.kind != .positional && $0.sectionTitle == nil }))
  let subcommands = configuration.subcommands
  if !subcommands.isEmpty {
    let entries = subcommands.map { entry($0.commandName, $0.configuration.abstract) }
    let root = path.map { $0.commandName }.joined(separator: " ")
    out.append(
      "SUBCOMMANDS:\n" + entries.joined(separator: "\n")
        + "\n\n  See '\(root) help <subcommand>' for detailed help.")
  }
  return out.joined(separator: "\n\n") + "\n"
}

/// `distill train [<options>] [<data[:x]>] --arch <arch>`: the command's
/// names, positional arguments in order, then the options that must be given.
func usage(_ path: [any ParsableCommand.Type], _ definitions: [ArgumentDefinition]) -> String {
  let names = path.map { $0.commandName }.joined(separator: " ")
  if !path.last!.configuration.subcommands.isEmpty { return names + " <subcommand>" }
  var parts = [names]
  if definitions.contains(where: { $0.kind != .positional && $0.isOptional }) {
    parts.append("[<options>]")
  }
  for d in definitions where d.kind == .positional {
    parts.append(d.isOptional ? "[\(d.synopsis)]" : d.synopsis)
  }
  for d in definitions where d.kind != .positional && !d.isOptional { parts.append(d.synopsis) }
  return parts.joined(separator: " ")
}

/// A titled list of arguments, one entry each.
func section(_ title: String, _ definitions: [ArgumentDefinition]) -> String {
  "\(title):\n" + definitions.map { entry(label($0), description($0)) }.joined(separator: "\n")
}

/// How an argument is listed: `-o, --output <file>`, `--whiten/--no-whiten`, `<input>`.
func label(_ d: ArgumentDefinition) -> String {
  switch d.kind {
  case .positional: return d.synopsis
  case .flag where !d.inverseNames.isEmpty:
    return (d.names + d.inverseNames).map(\.text).joined(separator: "/")
  case .flag: return shortFirst(d.names).map(\.text).joined(separator: ", ")
  case .option:
    return shortFirst(d.names).map(\.text).joined(separator: ", ") + " <\(d.valueName)>"
      + (d.isRepeating ? " ..." : "")
  }
}

/// `names` with the short ones first, as the help lists them.
func shortFirst(_ names: [Name]) -> [Name] {
  names.filter(\.isShort) + names.filter { !$0.isShort }
}

/// The abstract, then the values there are and the default.
func description(_ d: ArgumentDefinition) -> String {
  var notes = [String]()
  if !d.allValues.isEmpty { notes.append("values: " + d.allValues.joined(separator: ", ")) }
  if let value = d.defaultDescription {
    notes.append("default: " + value)
  }
  let abstract = d.help.abstract
  if notes.isEmpty { return abstract }
  return (abstract.isEmpty ? "" : abstract + " ") + "(" + notes.joined(separator: "; ") + ")"
}

/// `  label    text`, the text wrapped in its column; a label too long for
/// the column has a line of its own.
func entry(_ label: String, _ text: String) -> String {
  let lines = wrapWords(text, width: helpWidth - helpIndent)
  let pad = String(repeating: " ", count: helpIndent)
  var first = "  " + label
  var rest = lines[...]
  if first.count + 1 < helpIndent, let line = rest.first {
    first += String(repeating: " ", count: helpIndent - first.count) + line
    rest = rest.dropFirst()
  }
  return ([first] + rest.map { pad + $0 }).joined(separator: "\n")
}

/// Paragraphs wrapped at the help's width; an indented line (an example) is
/// kept whole.
func wrapParagraphs(_ text: String) -> String {
  text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
    line.hasPrefix(" ") ? String(line) : wrap(String(line))
  }.joined(separator: "\n")
}

/// `text` wrapped at the help's width, later lines indented by `hangingIndent`.
func wrap(_ text: String, hangingIndent: Int = 0) -> String {
  let pad = String(repeating: " ", count: hangingIndent)
  let lines = wrapWords(text, width: helpWidth)
  guard let first = lines.first else { return "" }
  let rest = wrapWords(lines.dropFirst().joined(separator: " "), width: helpWidth - hangingIndent)
  return ([first] + rest.map { pad + $0 }).joined(separator: "\n")
}

/// The words of `text` in lines of at most `width` columns (a longer word
/// has a line of its own).
func wrapWords(_ text: String, width: Int) -> [String] {
  var lines = [String]()
  var line = ""
  for word in text.split(separator: " ") {
    if line.isEmpty {
      line = String(word)
    } else if line.count + 1 + word.count <= width {
      line += " " + word
    } else {
      lines.append(line)
      line = String(word)
    }
  }
  if !line.isEmpty { lines.append(line) }
  return lines
}
