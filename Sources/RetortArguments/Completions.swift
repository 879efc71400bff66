/// `--generate-completion-script SHELL`: completions for bash, zsh or fish of
/// the subcommands, the options and flags, and the values an option lists;
/// file names elsewhere.
func completionScript(_ root: any ParsableCommand.Type, shell: String) throws -> String {
  let builtIns = builtInDefinitions(version: !root.configuration.version.isEmpty)
  func entry(_ type: any ParsableCommand.Type, _ name: String?) -> CompletionCommand {
    CompletionCommand(
      name: name, abstract: type.configuration.abstract,
      options: (argumentDefinitions(of: type) + builtIns).filter { $0.kind != .positional })
  }
  let commands =
    [entry(root, nil)] + root.configuration.subcommands.map { entry($0, $0.commandName) }
  switch shell {
  case "bash": return bashCompletion(root.commandName, commands)
  case "zsh": return zshCompletion(root.commandName, commands)
  case "fish": return fishCompletion(root.commandName, commands)
  default:
    throw ValidationError("cannot generate completions for '\(shell)': give bash, zsh or fish")
  }
}

/// What completion needs of one command: its subcommand name (nil for the
/// root), its abstract, and its options and flags (built-ins included).
private struct CompletionCommand {
  let name: String?
  let abstract: String
  let options: [ArgumentDefinition]
}

/// A name for shell functions: `ohem-select` is `ohem_select`.
private func identifier(_ name: String) -> String {
  String(name.map { $0.isLetter || $0.isNumber ? $0 : "_" })
}

/// `text` inside single quotes for any of the shells.
private func singleQuoted(_ text: String) -> String {
  "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''")
    + "'"
}

private func bashCompletion(_ tool: String, _ commands: [CompletionCommand]) -> String {
  let subcommands = commands.compactMap(\.name)
  var out = """
    # bash completion for \(tool) (\(tool) --generate-completion-script bash)
    _\(identifier(tool))() {
      local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} command="" word
      for word in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
        case $word in \(subcommands.isEmpty ? "''" : subcommands.joined(separator: "|"))) command=$word; break ;; esac
      done
      local names values=""
      case $command in

    """
  for command in commands {
    let names = command.options.flatMap { ($0.names + $0.inverseNames).map(\.text) }
    out +=
      "    \(command.name.map(singleQuoted) ?? "''")) names=\(singleQuoted(names.joined(separator: " ")))\n"
    out += "      case $prev in\n"
    for d in command.options where d.kind == .option {
      let pattern = d.names.map(\.text).joined(separator: "|")
      out +=
        "        \(pattern)) values=\(d.allValues.isEmpty ? "FILES" : singleQuoted(d.allValues.joined(separator: " "))) ;;\n"
    }
    out += "      esac ;;\n"
  }
  out += """
      esac
      if [[ $values == FILES ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))
      elif [[ -n $values ]]; then
        COMPREPLY=($(compgen -W "$values" -- "$cur"))
      elif [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$names" -- "$cur"))
      elif [[ -z $command ]]; then
        COMPREPLY=($(compgen -W \(singleQuoted(subcommands.joined(separator: " "))) -- "$cur") $(compgen -f -- "$cur"))
      else
        COMPREPLY=($(compgen -f -- "$cur"))
      fi
    }
    complete -o filenames -F _\(identifier(tool)) \(tool)

    """
  return out
}

/// A zsh `_arguments` description: brackets and colons escaped.
private func zshEscaped(_ text: String) -> String {
  var out = ""
  for c in text {
    if c == "[" || c == "]" || c == ":" || c == "\\" { out.append("\\") }
    out.append(c)
  }
  return out
}

private func zshCompletion(_ tool: String, _ commands: [CompletionCommand]) -> String {
  let function = "_" + identifier(tool)
  var out = "#compdef \(tool)\n"
  for command in commands {
    out += "\(function)\(command.name.map { "_" + identifier($0) } ?? "")() {\n  _arguments -s"
    for d in command.options {
      for name in d.names + d.inverseNames {
        var spec = name.text + "[" + zshEscaped(d.help.abstract) + "]"
        if d.kind == .option {
          let values =
            d.allValues.isEmpty ? "_files" : "(" + d.allValues.joined(separator: " ") + ")"
          spec += ":" + zshEscaped(d.valueName) + ":" + values
        }
        out += " \\\n    " + singleQuoted(spec)
      }
    }
    out += " \\\n    '*:file:_files'\n}\n"
  }
  let subcommands = commands.compactMap(\.name)
  if subcommands.isEmpty { return out + "\(function) \"$@\"\n" }
  out += "\(function)_dispatch() {\n  if (( CURRENT == 2 )); then\n    local -a subcommands=(\n"
  for command in commands {
    guard let name = command.name else { continue }
    out += "      " + singleQuoted(name + ":" + command.abstract) + "\n"
  }
  out += "    )\n    _describe subcommand subcommands\n    \(function)\n    return\n  fi\n"
  out += "  local command=${words[2]}\n  shift words\n  (( CURRENT-- ))\n  case $command in\n"
  for name in subcommands {
    out += "    \(name)) \(function)_\(identifier(name)) ;;\n"
  }
  out += "  esac\n}\n\(function)_dispatch \"$@\"\n"
  return out
}

private func fishCompletion(_ tool: String, _ commands: [CompletionCommand]) -> String {
  let subcommands = commands.compactMap(\.name)
  var out = "# fish completion for \(tool) (\(tool) --generate-completion-script fish)\n"
  for command in commands {
    var condition = ""
    if let name = command.name {
      condition = " -n " + singleQuoted("__fish_seen_subcommand_from \(name)")
      out +=
        "complete -c \(tool) -f -n "
        + singleQuoted("not __fish_seen_subcommand_from \(subcommands.joined(separator: " "))")
        + " -a \(name) -d \(singleQuoted(command.abstract))\n"
    } else if !subcommands.isEmpty {
      condition = " -n " + singleQuoted("__fish_use_subcommand")
    }
    for d in command.options {
      let help = " -d " + singleQuoted(d.help.abstract)
      for (names, _) in [(d.names, true), (d.inverseNames, false)] where !names.isEmpty {
        let flags = names.map { name -> String in
          switch name {
          case .long(let long): "-l " + long
          case .short(let short): "-s " + String(short)
          }
        }.joined(separator: " ")
        var line = "complete -c \(tool)\(condition) \(flags)\(help)"
        if d.kind == .option {
          line += " -r"
          if !d.allValues.isEmpty {
            line += " -f -a " + singleQuoted(d.allValues.joined(separator: " "))
          }
        }
        out += line + "\n"
      }
    }
  }
  return out
}
