/// A wrapper's state: its definition until the command line is parsed, then
/// the value.
enum WrapperState<Value> {
  case declared((_ key: String, _ sectionTitle: String?) -> [ArgumentDefinition])
  case parsed(Value)

  var value: Value {
    get {
      guard case .parsed(let value) = self else {
        fatalError("an argument of type \(Value.self) was read before the command line was parsed")
      }
      return value
    }
    set { self = .parsed(newValue) }
  }

  func definitions(key: String, sectionTitle: String?) -> [ArgumentDefinition] {
    guard case .declared(let make) = self else { return [] }
    return make(key, sectionTitle)
  }

  /// The parsed value of the field `decoder` stands for.
  static func decoded(from decoder: any Decoder) throws -> Self {
    guard let field = decoder as? FieldDecoder, let value = field.values.values[field.key] as? Value
    else {
      throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not parsed"))
    }
    return .parsed(value)
  }
}

/// A value given by a name: `--iou 0.7`, `-o out.h5`, `--eps=0.1,0.3`.
@propertyWrapper
public struct Option<Value>: Decodable, ArgumentDeclaration {
  var state: WrapperState<Value>

  public var wrappedValue: Value {
    get { state.value }
    set { state.value = newValue }
  }

  public init(from decoder: any Decoder) throws { state = try .decoded(from: decoder) }

  init(state: WrapperState<Value>) { self.state = state }
}

/// How an option reads its value.
public struct SingleValueParsingStrategy: Sendable {
  let unconditional: Bool
  /// The next word, unless it looks like an option.
  public static let next = SingleValueParsingStrategy(unconditional: false)
  /// The next word, whatever it looks like (`--label-column -1`).
  public static let unconditional = SingleValueParsingStrategy(unconditional: true)
}

extension Option where Value: ExpressibleByArgument {
  /// An option with a default.
  public init(
    wrappedValue: Value, name: NameSpecification = .long,
    parsing: SingleValueParsingStrategy = .next, help: ArgumentHelp? = nil
  ) {
    self.init { key, section in
      ArgumentDefinition(
        kind: .option, key: key, names: name.names(for: leaf(key)), help: help ?? "",
        sectionTitle: section, initial: wrappedValue, isOptional: true,
        unconditional: parsing.unconditional,
        defaultDescription: wrappedValue.defaultValueDescription,
        allValues: Value.allValueStrings, parse: { Value(argument: $0) })
    }
  }

  /// An option that must be given.
  public init(
    name: NameSpecification = .long, parsing: SingleValueParsingStrategy = .next,
    help: ArgumentHelp? = nil
  ) {
    self.init { key, section in
      ArgumentDefinition(
        kind: .option, key: key, names: name.names(for: leaf(key)), help: help ?? "",
        sectionTitle: section, initial: nil, isOptional: false,
        unconditional: parsing.unconditional, allValues: Value.allValueStrings,
        parse: { Value(argument: $0) })
    }
  }
}

extension Option {
  /// An option that may be left out: nil then.
  public init<T: ExpressibleByArgument>(
    name: NameSpecification = .long, parsing: SingleValueParsingStrategy = .next,
    help: ArgumentHelp? = nil
  ) where Value == T? {
    self.init { key, section in
      ArgumentDefinition(
        kind: .option, key: key, names: name.names(for: leaf(key)), help: help ?? "",
        sectionTitle: section, initial: T?.none as Any, isOptional: true,
        unconditional: parsing.unconditional, allValues: T.allValueStrings,
        parse: { T(argument: $0).map { T?.some($0) as Any } })
    }
  }

  /// An option that may be given more than once (`-o a.h5 -o b.h5`): every value, in order.
  public init<T: ExpressibleByArgument>(
    wrappedValue: [T], name: NameSpecification = .long, help: ArgumentHelp? = nil
  ) where Value == [T] {
    self.init { key, section in
      ArgumentDefinition(
        kind: .option, key: key, names: name.names(for: leaf(key)), help: help ?? "",
        sectionTitle: section, initial: wrappedValue, isOptional: true, isRepeating: true,
        defaultDescription: wrappedValue.isEmpty
          ? nil : wrappedValue.map(\.defaultValueDescription).joined(separator: ", "),
        allValues: T.allValueStrings, parse: { T(argument: $0) },
        append: { old, element in ((old as? [T]) ?? []) + [element as! T] })
    }
  }
}

/// A switch: `--emit`; with an inversion also `--no-emit`.
@propertyWrapper
public struct Flag<Value>: Decodable, ArgumentDeclaration {
  var state: WrapperState<Value>

  public var wrappedValue: Value {
    get { state.value }
    set { state.value = newValue }
  }

  public init(from decoder: any Decoder) throws { state = try .decoded(from: decoder) }

  init(state: WrapperState<Value>) { self.state = state }
}

/// A flag's second name that turns it off.
public struct FlagInversion: Sendable {
  /// `--no-` before each long name.
  public static let prefixedNo = FlagInversion()
}

/// The `--no-NAME` names of `names`.
private func inverted(_ names: [Name]) -> [Name] {
  names.compactMap { if case .long(let name) = $0 { .long("no-" + name) } else { nil } }
}

extension Flag where Value == Bool {
  /// A flag that is off unless given (or on, with `wrappedValue: true`).
  public init(wrappedValue: Bool, name: NameSpecification = .long, help: ArgumentHelp? = nil) {
    self.init { key, section in
      ArgumentDefinition(
        kind: .flag, key: key, names: name.names(for: leaf(key)), help: help ?? "",
        sectionTitle: section, initial: wrappedValue, isOptional: true)
    }
  }

  /// A flag with `--NAME` and `--no-NAME`; the last given wins.
  public init(
    wrappedValue: Bool, name: NameSpecification = .long, inversion: FlagInversion,
    help: ArgumentHelp? = nil
  ) {
    self.init { key, section in
      let names = name.names(for: leaf(key))
      return ArgumentDefinition(
        kind: .flag, key: key, names: names, inverseNames: inverted(names), help: help ?? "",
        sectionTitle: section, initial: wrappedValue, isOptional: true,
        defaultDescription: (wrappedValue ? names : inverted(names)).last?.text)
    }
  }
}

extension Flag where Value == Bool? {
  /// A flag with `--NAME` and `--no-NAME` that is nil unless given.
  public init(name: NameSpecification = .long, inversion: FlagInversion, help: ArgumentHelp? = nil)
  {
    self.init { key, section in
      let names = name.names(for: leaf(key))
      return ArgumentDefinition(
        kind: .flag, key: key, names: names, inverseNames: inverted(names), help: help ?? "",
        sectionTitle: section, initial: Bool?.none as Any, isOptional: true,
        flagValue: { Bool?.some($0) as Any })
    }
  }
}

/// A value given by its place on the command line.
@propertyWrapper
public struct Argument<Value>: Decodable, ArgumentDeclaration {
  var state: WrapperState<Value>

  public var wrappedValue: Value {
    get { state.value }
    set { state.value = newValue }
  }

  public init(from decoder: any Decoder) throws { state = try .decoded(from: decoder) }

  init(state: WrapperState<Value>) { self.state = state }
}

extension Argument where Value: ExpressibleByArgument {
  /// An argument with a default.
  public init(wrappedValue: Value, help: ArgumentHelp? = nil) {
    self.init { key, section in
      ArgumentDefinition(
        kind: .positional, key: key, names: [], help: help ?? "", sectionTitle: section,
        initial: wrappedValue, isOptional: true,
        defaultDescription: wrappedValue.defaultValueDescription,
        allValues: Value.allValueStrings, parse: { Value(argument: $0) })
    }
  }

  /// An argument that must be given.
  public init(help: ArgumentHelp? = nil) {
    self.init { key, section in
      ArgumentDefinition(
        kind: .positional, key: key, names: [], help: help ?? "", sectionTitle: section,
        initial: nil, isOptional: false, allValues: Value.allValueStrings,
        parse: { Value(argument: $0) })
    }
  }
}

extension Argument {
  /// An argument that may be left out: nil then.
  public init<T: ExpressibleByArgument>(help: ArgumentHelp? = nil) where Value == T? {
    self.init { key, section in
      ArgumentDefinition(
        kind: .positional, key: key, names: [], help: help ?? "", sectionTitle: section,
        initial: T?.none as Any, isOptional: true, allValues: T.allValueStrings,
        parse: { T(argument: $0).map { T?.some($0) as Any } })
    }
  }

  /// Every remaining argument, in order; `wrappedValue` when there is none.
  public init<T: ExpressibleByArgument>(wrappedValue: [T], help: ArgumentHelp? = nil)
  where Value == [T] {
    self.init { key, section in
      ArgumentDefinition(
        kind: .positional, key: key, names: [], help: help ?? "", sectionTitle: section,
        initial: wrappedValue, isOptional: true, isRepeating: true,
        allValues: T.allValueStrings, parse: { T(argument: $0) },
        append: { old, element in ((old as? [T]) ?? []) + [element as! T] })
    }
  }

  /// Every remaining argument, in order; at least one.
  public init<T: ExpressibleByArgument>(help: ArgumentHelp? = nil) where Value == [T] {
    self.init { key, section in
      ArgumentDefinition(
        kind: .positional, key: key, names: [], help: help ?? "", sectionTitle: section,
        initial: nil, isOptional: false, isRepeating: true, allValues: T.allValueStrings,
        parse: { T(argument: $0) },
        append: { old, element in ((old as? [T]) ?? []) + [element as! T] })
    }
  }
}

/// The arguments of another `ParsableArguments` type, shared by commands;
/// with a title, they have a help section of their own.
@propertyWrapper
public struct OptionGroup<Value: ParsableArguments>: Decodable, ArgumentDeclaration {
  var state: WrapperState<Value>

  public var wrappedValue: Value {
    get { state.value }
    set { state.value = newValue }
  }

  public init(title: String = "") {
    state = .declared { key, section in
      argumentDefinitions(
        of: Value.self, prefix: key + ".", sectionTitle: title.isEmpty ? section : title)
    }
  }

  /// Reads the group's own arguments and validates them.
  public init(from decoder: any Decoder) throws {
    guard let field = decoder as? FieldDecoder else {
      throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not parsed"))
    }
    var value = try Value(from: ArgumentsDecoder(values: field.values, prefix: field.key + "."))
    try value.validate()
    state = .parsed(value)
  }

  init(state: WrapperState<Value>) { self.state = state }
}

/// The property's own name in a key (`common.threads`: `threads`).
func leaf(_ key: String) -> String { String(key.split(separator: ".").last ?? "") }
