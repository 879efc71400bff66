import Retort
import RetortArguments

/// A usage error naming `option` and its `value` unless `ok`:
/// `--epochs must be at least 1, got 0`.
public func requireOption(_ ok: Bool, _ option: String, _ value: Any, _ requirement: String) throws
{
  if !ok { throw ValidationError("\(option) must be \(requirement), got \(value)") }
}

/// A usage error unless `value` is finite and above 0.
public func requirePositiveOption(_ value: Float, _ option: String) throws {
  try requireOption(value > 0 && value.isFinite, option, value, "positive")
}

extension RetortError {
  /// The error as the parser's usage error, its quantity spelled as `options` says.
  public func asValidationError(_ options: [String: String]) -> ValidationError {
    ValidationError(renamingQuantity(options).message)
  }
}

/// Whether the command line gives `option` (`--sigma 1` or `--sigma=1`),
/// for options whose default hides whether the user set them.
public func optionGiven(_ option: String) -> Bool {
  CommandLine.arguments.dropFirst().prefix { $0 != "--" }.contains {
    $0 == option || $0.hasPrefix(option + "=")
  }
}

extension ToolContext {
  /// Warns about each of `options` that the command line gives although
  /// `reason` makes it inapplicable.
  public func warnUnused(_ options: [String], _ reason: String) {
    for option in options where optionGiven(option) { warn("\(option) is ignored: \(reason)") }
  }
}
