import Retort
import RetortArguments

/// The exit statuses every tool uses (sysexits), as the root help says them.
let exitStatusParagraph = """
  EXIT STATUS: 0 success, 64 usage, 65 bad input data, 66 missing input, \
  70 internal error, 73 cannot create output, 74 I/O error, 128+N ended by signal N \
  (130 SIGINT, 141 closed pipe, 143 SIGTERM; no message).
  """

extension CommandConfiguration {
  /// A tool's root command: its help ends with the EXAMPLES and the EXIT
  /// STATUS paragraphs, and `--version` prints Retort's version and BLAS kernel.
  public static func tool(
    _ name: String, abstract: String, discussion: String = "", examples: [String],
    subcommands: [ParsableCommand.Type] = []
  ) -> CommandConfiguration {
    CommandConfiguration(
      commandName: name, abstract: abstract,
      discussion: helpText(discussion, examples: examples, closing: exitStatusParagraph),
      version: retortVersion, subcommands: subcommands)
  }

  /// A subcommand: its help ends with the EXAMPLES paragraph.
  public static func subcommand(
    _ name: String? = nil, abstract: String, discussion: String = "", examples: [String]
  ) -> CommandConfiguration {
    CommandConfiguration(
      commandName: name, abstract: abstract, discussion: helpText(discussion, examples: examples))
  }
}

/// `discussion`, then the examples (indented), then `closing`, as paragraphs.
func helpText(_ discussion: String, examples: [String], closing: String? = nil) -> String {
  let list = "EXAMPLES:\n" + examples.map { "  " + $0 }.joined(separator: "\n")
  return ([discussion, list] + [closing].compactMap { $0 }).filter { !$0.isEmpty }
    .joined(separator: "\n\n")
}
