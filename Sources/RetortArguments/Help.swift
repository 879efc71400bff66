/// The help text of an argument: a one-line abstract, and the name of its
/// value in the usage (`<file>`).
public struct ArgumentHelp: ExpressibleByStringInterpolation, Sendable {
  public var abstract: String
  public var valueName: String?

  public init(_ abstract: String = "", valueName: String? = nil) {
    self.abstract = abstract
    self.valueName = valueName
  }

  public init(stringLiteral value: String) { self.init(value) }

  public init(stringInterpolation: DefaultStringInterpolation) {
    self.init(String(stringInterpolation: stringInterpolation))
  }
}

/// What a command is called and says about itself.
public struct CommandConfiguration: Sendable {
  /// The name on the command line; nil: the type's name in kebab case.
  public var commandName: String?
  public var abstract: String
  public var discussion: String
  /// Printed by `--version`; empty: no `--version`.
  public var version: String
  public var subcommands: [any ParsableCommand.Type]

  public init(
    commandName: String? = nil, abstract: String = "", discussion: String = "",
    version: String = "", subcommands: [any ParsableCommand.Type] = []
  ) {
    self.commandName = commandName
    self.abstract = abstract
    self.discussion = discussion
    self.version = version
    self.subcommands = subcommands
  }
}
