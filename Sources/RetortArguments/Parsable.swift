/// A set of arguments: a command's, or an option group's that commands share.
/// Its stored properties are `@Option`, `@Flag`, `@Argument` and `@OptionGroup`.
public protocol ParsableArguments: Decodable, SendableMetatype {
  init()
  /// Checks the parsed values together; runs after every option group's own.
  mutating func validate() throws
}

extension ParsableArguments {
  public mutating func validate() throws {}
}

/// A command: arguments, a configuration, and the work.
public protocol ParsableCommand: ParsableArguments {
  static var configuration: CommandConfiguration { get }
  mutating func run() throws
}

extension ParsableCommand {
  public static var configuration: CommandConfiguration { CommandConfiguration() }

  /// A command that only groups subcommands prints its help.
  public mutating func run() throws { throw CleanExit(text: helpText([Self.self])) }

  /// The name on the command line: the configuration's, else the type's in
  /// kebab case (`TrainCommand`: `train-command`).
  public static var commandName: String {
    configuration.commandName ?? kebabCase(String(describing: Self.self))
  }

  /// Parses `arguments` (after the program's name) for this command and its
  /// subcommands, and returns the command to run, its arguments validated.
  /// Throws `ValidationError` for a mistake on the command line, and
  /// `CleanExit` with the text for `--help`, `help SUBCOMMAND`, `--version`,
  /// `--experimental-dump-help` and `--generate-completion-script SHELL`.
  public static func parseAsRoot(_ arguments: [String]) throws -> any ParsableCommand {
    try CommandLineParser(root: self).parse(arguments)
  }
}

/// A mistake on the command line, in one line (exit status 64).
public struct ValidationError: Error, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// Text the command line asked for instead of the work: print it on standard
/// output and exit with status 0.
public struct CleanExit: Error {
  public let text: String
}
