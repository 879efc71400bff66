extension StringProtocol {
  /// Where `text` first occurs in this text, compared character by
  /// character (as the standard library compares characters); nil when it
  /// does not occur. An empty `text` occurs at the start.
  package func firstRange(ofText text: some StringProtocol) -> Range<Index>? {
    var start = startIndex
    while true {
      var i = start
      var j = text.startIndex
      while j != text.endIndex && i != endIndex && self[i] == text[j] {
        formIndex(after: &i)
        text.formIndex(after: &j)
      }
      if j == text.endIndex { return start..<i }
      if start == endIndex { return nil }
      formIndex(after: &start)
    }
  }

  /// Whether `text` occurs in this text (`firstRange(ofText:)`).
  package func contains(text: some StringProtocol) -> Bool { firstRange(ofText: text) != nil }
}
