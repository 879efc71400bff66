/// A type whose values can be read from one command-line word.
public protocol ExpressibleByArgument: SendableMetatype {
  /// The value `argument` spells, or nil when it spells none.
  init?(argument: String)
  /// How the help shows this value as a default.
  var defaultValueDescription: String { get }
  /// Every value the help and the completions list (empty: any).
  static var allValueStrings: [String] { get }
}

extension ExpressibleByArgument {
  public var defaultValueDescription: String { "\(self)" }
  public static var allValueStrings: [String] { [] }
}

extension ExpressibleByArgument where Self: RawRepresentable, RawValue: ExpressibleByArgument {
  public init?(argument: String) {
    guard let raw = RawValue(argument: argument) else { return nil }
    self.init(rawValue: raw)
  }
  public var defaultValueDescription: String { rawValue.defaultValueDescription }
}

extension ExpressibleByArgument
where Self: CaseIterable, Self: RawRepresentable, RawValue: ExpressibleByArgument {
  public static var allValueStrings: [String] {
    allCases.map { $0.rawValue.defaultValueDescription }
  }
}

extension String: ExpressibleByArgument {
  public init?(argument: String) { self = argument }
}

extension Int: ExpressibleByArgument {
  public init?(argument: String) { self.init(argument) }
}

extension Int32: ExpressibleByArgument {
  public init?(argument: String) { self.init(argument) }
}

extension Int64: ExpressibleByArgument {
  public init?(argument: String) { self.init(argument) }
}

extension UInt64: ExpressibleByArgument {
  public init?(argument: String) { self.init(argument) }
}

extension Float: ExpressibleByArgument {
  public init?(argument: String) { self.init(argument) }
}

extension Double: ExpressibleByArgument {
  public init?(argument: String) { self.init(argument) }
}
