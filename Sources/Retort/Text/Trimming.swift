extension StringProtocol {
  /// The text without leading and trailing spaces and tabs.
  public func trimmingSpaces() -> String { trimming { $0 == " " || $0 == "\t" } }

  /// The text without leading and trailing whitespace, newlines included.
  public func trimmingWhitespace() -> String { trimming { $0.isWhitespace } }

  /// The text without the leading and trailing characters in `set`.
  public func trimming(_ set: Set<Character>) -> String { trimming { set.contains($0) } }

  private func trimming(where drop: (Character) -> Bool) -> String {
    guard let first = firstIndex(where: { !drop($0) }) else { return "" }
    let last = lastIndex(where: { !drop($0) })!
    return String(self[first...last])
  }
}
