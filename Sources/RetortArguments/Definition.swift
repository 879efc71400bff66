/// One positional argument, option or flag of a command, as the parser, the
/// help, the completions and the tool description see it.
struct ArgumentDefinition {
  enum Kind: String { case positional, option, flag }

  var kind: Kind
  /// Where its value is stored: the property's name, after the names of the
  /// option groups that hold it (`common.threads`).
  var key: String
  /// As declared; none for a positional argument.
  var names: [Name]
  /// A flag's names that set it false (`--no-whiten`).
  var inverseNames: [Name] = []
  var help: ArgumentHelp
  /// The help section of its option group, if the group has a title.
  var sectionTitle: String?
  /// The value when it is not given; nil when it must be given.
  var initial: Any?
  /// It may be left out.
  var isOptional: Bool
  /// It takes every value given (an array).
  var isRepeating: Bool = false
  /// An option's value is the next word whatever it looks like (`--label-column -1`).
  var unconditional: Bool = false
  /// The help's `default:` text.
  var defaultDescription: String?
  var allValues: [String] = []
  /// One word as a value (an element of an array); nil when it spells none.
  var parse: (String) -> Any? = { _ in nil }
  /// An array's value with `element` appended (nil: the first given).
  var append: (Any?, Any) -> Any = { _, element in element }
  /// A flag's stored value when set on (true) or off.
  var flagValue: (Bool) -> Any = { $0 }

  /// The name the help and the messages use: the first long name, else the first.
  var preferredName: Name? { names.first { !$0.isShort } ?? names.first }

  /// `<file>` for a positional argument, `--iou <iou>` for an option.
  var synopsis: String {
    switch kind {
    case .positional: "<\(valueName)>" + (isRepeating ? " ..." : "")
    case .option: (preferredName?.text ?? "") + " <\(valueName)>"
    case .flag: preferredName?.text ?? ""
    }
  }

  /// The value's name in the help: the given one, else the long name, else
  /// the property's name.
  var valueName: String {
    if let name = help.valueName { return name }
    if case .long(let long)? = preferredName { return long }
    return kebabCase(leaf(key))
  }
}

/// A property wrapper that declares arguments: its definitions once the
/// property's name is known.
protocol ArgumentDeclaration {
  associatedtype Value
  var state: WrapperState<Value> { get }
  init(state: WrapperState<Value>)
}

extension ArgumentDeclaration {
  func definitions(key: String, sectionTitle: String?) -> [ArgumentDefinition] {
    state.definitions(key: key, sectionTitle: sectionTitle)
  }

  /// A wrapper that declares one argument, made once its key is known.
  init(_ make: @escaping (String, String?) -> ArgumentDefinition) {
    self.init(state: .declared { [make($0, $1)] })
  }
}

/// The definitions of every argument `type` declares, in declaration order
/// (found by reflecting a default instance, as the wrappers carry them).
func argumentDefinitions(
  of type: any ParsableArguments.Type, prefix: String = "", sectionTitle: String? = nil
) -> [ArgumentDefinition] {
  Mirror(reflecting: type.init()).children.flatMap { child -> [ArgumentDefinition] in
    guard let label = child.label, label.hasPrefix("_"),
      let declaration = child.value as? any ArgumentDeclaration
    else { return [] }
    return declaration.definitions(key: prefix + label.dropFirst(), sectionTitle: sectionTitle)
  }
}
