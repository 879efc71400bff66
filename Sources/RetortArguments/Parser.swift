/// Turns a command line into a command: walks down the subcommands, then
/// reads the leaf command's words against its definitions.
struct CommandLineParser {
  let root: any ParsableCommand.Type

  func parse(_ arguments: [String]) throws -> any ParsableCommand {
    if arguments.first == "--experimental-dump-help" { throw CleanExit(text: toolInfo(root)) }
    if arguments.first == "--generate-completion-script" {
      throw CleanExit(
        text: try completionScript(root, shell: arguments.dropFirst().first ?? "bash"))
    }
    let version = root.configuration.version
    var path: [any ParsableCommand.Type] = [root]
    var rest = arguments[...]
    while let command = path.last, !command.configuration.subcommands.isEmpty {
      guard let word = rest.first, word != "-h", word != "--help" else {
        throw CleanExit(text: helpText(path))
      }
      if word == "--version", !version.isEmpty { throw CleanExit(text: version + "\n") }
      if word == "help" { throw CleanExit(text: helpText(subcommandPath(path, rest.dropFirst()))) }
      guard let sub = command.configuration.subcommands.first(where: { $0.commandName == word })
      else {
        throw ValidationError(
          word.hasPrefix("-") ? "Unknown option '\(word)'" : "Unexpected argument '\(word)'")
      }
      path.append(sub)
      rest = rest.dropFirst()
    }
    let words = Array(rest)
    let beforeTerminator = words.prefix { $0 != "--" }
    if beforeTerminator.contains("-h") || beforeTerminator.contains("--help") {
      throw CleanExit(text: helpText(path))
    }
    if !version.isEmpty, beforeTerminator.contains("--version") {
      throw CleanExit(text: version + "\n")
    }
    let command = path.last!
    let values = try readArguments(words, argumentDefinitions(of: command))
    var parsed = try command.init(from: ArgumentsDecoder(values: values, prefix: ""))
    try parsed.validate()
    return parsed
  }

  /// `path` followed down the subcommands that `names` spell, as far as they do.
  func subcommandPath(_ path: [any ParsableCommand.Type], _ names: ArraySlice<String>)
    -> [any ParsableCommand.Type]
  {
    var path = path
    for name in names {
      guard let sub = path.last!.configuration.subcommands.first(where: { $0.commandName == name })
      else { break }
      path.append(sub)
    }
    return path
  }
}

/// Reads `words` against `definitions`: options and flags by name (`--name`,
/// `--name=value`, `-n value`, `-nVALUE`, `-qv` for short flags), the rest in
/// order into the positional arguments, everything after `--` positional.
/// A single-value option given twice takes the last value. Fills in the
/// defaults and refuses a missing required argument.
func readArguments(_ words: [String], _ definitions: [ArgumentDefinition]) throws -> ParsedValues {
  var byName = [Name: (index: Int, on: Bool)]()
  for (i, d) in definitions.enumerated() {
    for name in d.names { byName[name] = (i, true) }
    for name in d.inverseNames { byName[name] = (i, false) }
  }
  let positionals = definitions.indices.filter { definitions[$0].kind == .positional }
  var nextPositional = 0
  let values = ParsedValues()
  var given = Set<Int>()

  func store(_ index: Int, _ word: String, for label: String) throws {
    let d = definitions[index]
    guard let element = d.parse(word) else { throw invalidValue(word, for: label, d.allValues) }
    values.values[d.key] =
      d.isRepeating
      ? d.append(given.contains(index) ? values.values[d.key] : nil, element) : element
    given.insert(index)
  }

  var i = 0
  var terminated = false
  while i < words.count {
    let word = words[i]
    i += 1
    if terminated || !looksLikeOption(word) {
      guard nextPositional < positionals.count else {
        throw ValidationError("Unexpected argument '\(word)'")
      }
      let index = positionals[nextPositional]
      try store(index, word, for: definitions[index].synopsis)
      if !definitions[index].isRepeating { nextPositional += 1 }
      continue
    }
    if word == "--" {
      terminated = true
      continue
    }
    let (names, attached) = try optionNames(in: word, byName, definitions)
    for name in names {
      guard let (index, on) = byName[name] else {
        throw unknownOption(word, names: byName.keys.map(\.text))
      }
      let d = definitions[index]
      if d.kind == .flag {
        if let attached {
          throw ValidationError(
            "The option '\(name.text)' does not take any value, but '\(attached)' was specified.")
        }
        values.values[d.key] = d.flagValue(on)
        continue
      }
      let label = "\(name.text) <\(d.valueName)>"
      var value = attached
      if value == nil, i < words.count, d.unconditional || !looksLikeOption(words[i]) {
        value = words[i]
        i += 1
      }
      guard let value else { throw ValidationError("Missing value for '\(label)'") }
      try store(index, value, for: label)
    }
  }
  for d in definitions where values.values[d.key] == nil {
    guard let initial = d.initial else {
      throw ValidationError("Missing expected argument '\(d.synopsis)'")
    }
    values.values[d.key] = initial
  }
  return values
}

/// A word that names an option or flags: `-x...` or `--...`, but not `-`.
func looksLikeOption(_ word: String) -> Bool { word.hasPrefix("-") && word != "-" }

/// The names `word` gives, and the value attached to it (`--iou=0.7`, `-T20`).
/// `-qv` gives the short flags `q` and `v`.
private func optionNames(
  in word: String, _ byName: [Name: (index: Int, on: Bool)], _ definitions: [ArgumentDefinition]
) throws -> ([Name], String?) {
  let equals = word.firstIndex(of: "=")
  let attached = equals.map { String(word[word.index(after: $0)...]) }
  let text = equals.map { String(word[..<$0]) } ?? word
  if text.hasPrefix("--") { return ([.long(String(text.dropFirst(2)))], attached) }
  let letters = Array(text.dropFirst())
  if letters.count == 1 { return ([.short(letters[0])], attached) }
  func kind(_ c: Character) -> ArgumentDefinition.Kind? {
    byName[.short(c)].map { definitions[$0.index].kind }
  }
  if attached == nil, letters.allSatisfy({ kind($0) == .flag }) {
    return (letters.map { .short($0) }, nil)
  }
  if attached == nil, let first = letters.first, kind(first) == .option {
    return ([.short(first)], String(letters.dropFirst()))
  }
  throw unknownOption(word, names: byName.keys.map(\.text))
}

/// `Unknown option '--bogus'`, with the closest name when one is close.
func unknownOption(_ word: String, names: [String]) -> ValidationError {
  let typed = String(word.prefix { $0 != "=" })
  let closest = names.min { editDistance(typed, $0) < editDistance(typed, $1) }
  let hint = closest.map { editDistance(typed, $0) <= 2 ? ". Did you mean '\($0)'?" : "" } ?? ""
  return ValidationError("Unknown option '\(typed)'\(hint)")
}

/// `The value 'x' is invalid for '--iou <iou>'`, with the values there are.
func invalidValue(_ word: String, for label: String, _ allValues: [String]) -> ValidationError {
  var message = "The value '\(word)' is invalid for '\(label)'"
  if !allValues.isEmpty {
    let quoted = allValues.map { "'\($0)'" }
    let list =
      quoted.count == 1
      ? quoted[0] : quoted.dropLast().joined(separator: ", ") + " or " + quoted.last!
    message += ". Please provide one of \(list)."
  }
  return ValidationError(message)
}

/// The Levenshtein distance between `a` and `b`.
package func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a)
  let b = Array(b)
  if a.isEmpty { return b.count }
  var row = Array(0...b.count)
  for i in 1...a.count {
    var previous = row[0]
    row[0] = i
    for j in stride(from: 1, through: b.count, by: 1) {
      let current = row[j]
      row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.count]
}
