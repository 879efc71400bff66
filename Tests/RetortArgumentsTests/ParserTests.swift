import Testing

@testable import RetortArguments

/// A shared group with its own validation, as the tools' CommonOptions.
struct Common: ParsableArguments {
  @Option(name: .long, help: "Threads.") var threads: Int?
  @Flag(name: [.short, .long], help: "Quiet.") var quiet = false
  @Flag(name: [.short, .long], help: "Verbose.") var verbose = false

  func validate() throws {
    if quiet && verbose { throw ValidationError("--quiet and --verbose exclude each other") }
  }
}

enum Shape: String, ExpressibleByArgument, CaseIterable { case round, square }

struct Sample: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sample", abstract: "A sample.", version: "1.2.3")

  @Argument(help: ArgumentHelp("Input.", valueName: "input")) var input: String = "-"
  @Option(name: [.customShort("T"), .long], help: "Temperature.") var temperature: Float = 1
  @Option(name: .long, help: "Shape.") var shape: Shape?
  @Option(name: .long, parsing: .unconditional, help: "Column.") var column: Int?
  @Option(name: .shortAndLong, help: ArgumentHelp("Outputs.", valueName: "file"))
  var output: [String] = []
  @Flag(name: .long, inversion: .prefixedNo, help: "Header.") var header: Bool?
  @Flag(name: .long, inversion: .prefixedNo, help: "Identity.") var identity = true
  @OptionGroup(title: "Shared") var common: Common

  func validate() throws {
    if temperature <= 0 { throw ValidationError("-T must be positive") }
  }
}

struct Merge: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Merge files.")
  @Argument(help: ArgumentHelp("Files.", valueName: "file")) var files: [String]
  @Option(name: .long, help: "Required.") var arch: String
}

struct Group: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "group", abstract: "Groups.", version: "9", subcommands: [Merge.self])
}

/// The parsed `Sample`, or the failure's message.
func sample(_ words: [String]) throws -> Sample {
  try #require(try Sample.parseAsRoot(words) as? Sample)
}

func message(_ body: () throws -> Any) -> String {
  do {
    _ = try body()
    return "no error"
  } catch let error as ValidationError {
    return error.message
  } catch {
    return "other error: \(error)"
  }
}

@Suite struct ParserTests {
  @Test func defaultsWhenNothingIsGiven() throws {
    let s = try sample([])
    #expect(s.input == "-" && s.temperature == 1 && s.shape == nil && s.column == nil)
    #expect(s.output.isEmpty && s.header == nil && s.identity && !s.common.quiet)
    #expect(s.common.threads == nil)
  }

  @Test func everyWayOfGivingAValue() throws {
    let s = try sample([
      "in.h5", "-T", "2.5", "--shape=square", "--column", "-1", "-o", "a", "--output=b",
      "--no-header", "--no-identity", "--threads", "3", "-q",
    ])
    #expect(s.input == "in.h5" && s.temperature == 2.5 && s.shape == .square)
    #expect(s.column == -1 && s.output == ["a", "b"] && s.header == false && !s.identity)
    #expect(s.common.threads == 3 && s.common.quiet && !s.common.verbose)
    #expect(try sample(["-T0.5"]).temperature == 0.5)
    #expect(try sample(["--header"]).header == true)
  }

  @Test func theLastValueWinsAndArraysReplaceTheirDefault() throws {
    let s = try sample(["-T", "2", "--temperature", "3", "--header", "--no-header", "--header"])
    #expect(s.temperature == 3 && s.header == true)
  }

  @Test func wordsAfterTheTerminatorArePositional() throws {
    #expect(try sample(["--", "-odd"]).input == "-odd")
    #expect(try sample(["-"]).input == "-")
  }

  @Test func combinedShortFlagsAndTheGroupsValidation() throws {
    #expect(message { try sample(["-qv"]) } == "--quiet and --verbose exclude each other")
    #expect(message { try sample(["-T", "0"]) } == "-T must be positive")
  }

  @Test func mistakesAreOneLineNamingTheWord() throws {
    #expect(message { try sample(["--bogus"]) } == "Unknown option '--bogus'")
    #expect(
      message { try sample(["--shap", "round"]) }
        == "Unknown option '--shap'. Did you mean '--shape'?")
    #expect(
      message { try sample(["-T", "x"]) } == "The value 'x' is invalid for '-T <temperature>'")
    #expect(
      message { try sample(["--shape", "oval"]) }
        == "The value 'oval' is invalid for '--shape <shape>'. Please provide one of 'round' or 'square'."
    )
    #expect(
      message { try sample(["--temperature"]) } == "Missing value for '--temperature <temperature>'"
    )
    #expect(message { try sample(["-T", "-q"]) } == "Missing value for '-T <temperature>'")
    #expect(message { try sample(["a", "b"]) } == "Unexpected argument 'b'")
    #expect(
      message { try sample(["--identity=1"]) }
        == "The option '--identity' does not take any value, but '1' was specified.")
  }

  @Test func requiredArgumentsAndSubcommands() throws {
    let merge = try #require(try Group.parseAsRoot(["merge", "--arch", "x", "a", "b"]) as? Merge)
    #expect(merge.files == ["a", "b"] && merge.arch == "x")
    #expect(
      message { try Group.parseAsRoot(["merge", "--arch", "x"]) }
        == "Missing expected argument '<file> ...'")
    #expect(
      message { try Group.parseAsRoot(["merge", "a"]) }
        == "Missing expected argument '--arch <arch>'")
    #expect(message { try Group.parseAsRoot(["split"]) } == "Unexpected argument 'split'")
  }

  @Test func helpVersionAndTheHelpSubcommandPrintText() throws {
    func text(_ words: [String], _ root: any ParsableCommand.Type = Sample.self) -> String {
      do {
        _ = try root.parseAsRoot(words)
        return ""
      } catch let exit as CleanExit {
        return exit.text
      } catch {
        return "\(error)"
      }
    }
    #expect(text(["--version"]) == "1.2.3\n")
    #expect(text(["merge", "--version"], Group.self) == "9\n")
    let help = text(["x", "--help"])
    #expect(help.hasPrefix("OVERVIEW: A sample.\n\nUSAGE: sample [<options>] [<input>]\n"))
    #expect(
      help.contains(
        "\n  -T, --temperature <temperature>\n                          Temperature. (default: 1.0)\n"
      ))
    #expect(help.contains("\n  --shape <shape>         Shape. (values: round, square)\n"))
    #expect(
      help.contains(
        "\n  --identity/--no-identity\n                          Identity. (default: --identity)\n")
    )
    #expect(help.contains("\nSHARED:\n  --threads <threads>     Threads.\n"))
    #expect(
      help.hasSuffix(
        "  --version               Show the version.\n  -h, --help              Show help information.\n"
      ))
    #expect(
      text(["help", "merge"], Group.self).contains("USAGE: group merge <file> ... --arch <arch>\n"))
    #expect(text([], Group.self).contains("SUBCOMMANDS:\n  merge                   Merge files.\n"))
    #expect(text(["--", "--help"]) == "")
  }

  @Test func longTextIsWrappedAtEightyColumns() {
    let words = Array(repeating: "word", count: 40).joined(separator: " ")
    let lines = wrap(words).split(separator: "\n")
    #expect(lines.count == 3 && lines.allSatisfy { $0.count <= 80 })
    #expect(lines.joined(separator: " ") == words)
    #expect(wrapParagraphs("  an example " + words) == "  an example " + words)
  }

  @Test func jsonStringsEscapeQuotesBackslashesAndControls() {
    #expect(jsonQuoted("a\"b\\c\nd\te\rf\u{1}é") == #""a\"b\\c\nd\te\rf\u0001é""#)
  }

  @Test func kebabCaseOfPropertyNames() {
    #expect(kebabCase("scoreMin") == "score-min")
    #expect(kebabCase("useHTTPProxy") == "use-http-proxy")
    #expect(kebabCase("dim2Reduction") == "dim2-reduction")
    #expect(kebabCase("TrainCommand") == "train-command")
  }

  @Test func editDistanceOfHandWorkedPairs() {
    #expect(editDistance("kitten", "sitting") == 3)
    #expect(editDistance("", "abc") == 3 && editDistance("abc", "") == 3)
    #expect(editDistance("evl", "eval") == 1)
  }
}
