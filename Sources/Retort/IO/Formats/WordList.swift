/// A word list as text: one word per line, blank lines skipped (a query
/// list for `csls`, a vocabulary for `tensor import`).
public enum WordList {
  /// The words of `bytes` (UTF-8) in order; a line of more than one word is
  /// a data error naming the line.
  public static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes, label: String) throws
    -> [String]
  {
    let text = String(decoding: bytes, as: UTF8.self)
    var words = [String]()
    for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
      if fields.isEmpty { continue }
      guard fields.count == 1 else {
        throw RetortError.data(
          "has \(fields.count) words, expected one word per line", line: i + 1, file: label)
      }
      words.append(String(fields[0]))
    }
    guard !words.isEmpty else { throw RetortError.data("holds no words", file: label) }
    return words
  }
}
