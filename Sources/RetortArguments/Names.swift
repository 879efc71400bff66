/// The names an option or a flag answers to, derived from its property's name
/// (`scoreMin`: `--score-min`, `-s`) or given.
public struct NameSpecification: ExpressibleByArrayLiteral, Sendable {
  /// One way of naming.
  public enum Element: Sendable {
    case long, short
    case customLong(String)
    case customShort(Character)
  }

  let elements: [Element]

  public init(arrayLiteral elements: Element...) { self.elements = elements }

  public static let long: NameSpecification = [.long]
  public static let short: NameSpecification = [.short]
  public static let shortAndLong: NameSpecification = [.long, .short]
  public static func customLong(_ name: String) -> NameSpecification { [.customLong(name)] }
  public static func customShort(_ name: Character) -> NameSpecification { [.customShort(name)] }

  /// The names for the property `key`, in the order given.
  func names(for key: String) -> [Name] {
    elements.map { element -> Name in
      switch element {
      case .long: .long(kebabCase(key))
      case .short: .short(key.first ?? "?")
      case .customLong(let name): .long(name)
      case .customShort(let name): .short(name)
      }
    }
  }
}

/// An option's name as typed: `--score-min` or `-s`.
enum Name: Hashable, Sendable {
  case long(String)
  case short(Character)

  var isShort: Bool { if case .short = self { true } else { false } }

  var text: String {
    switch self {
    case .long(let name): "--" + name
    case .short(let name): "-" + String(name)
    }
  }
}

/// `camelCase` as `camel-case`; a run of capitals stays one word
/// (`useHTTPProxy`: `use-http-proxy`).
func kebabCase(_ name: String) -> String {
  let characters = Array(name)
  var out = ""
  for (i, c) in characters.enumerated() {
    if c.isUppercase, i > 0 {
      let previous = characters[i - 1]
      let nextIsLower = i + 1 < characters.count && characters[i + 1].isLowercase
      if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLower) {
        out.append("-")
      }
    }
    out += c.lowercased()
  }
  return out
}
