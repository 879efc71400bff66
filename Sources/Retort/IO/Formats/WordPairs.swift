import Glibc

/// A bilingual dictionary as text: one `source_word target_word` pair per line
/// (MUSE's format), turned into row indices of two embedding files.
public enum WordPairs {
  /// The pairs of a dictionary text; blank lines are skipped, any other line
  /// must hold exactly two words.
  public static func parse(_ text: String, label: String) throws -> [(String, String)] {
    var pairs = [(String, String)]()
    for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
      if fields.isEmpty { continue }
      guard fields.count == 2 else {
        throw RetortError.data("has \(fields.count) words, expected 2", line: i + 1, file: label)
      }
      pairs.append((String(fields[0]), String(fields[1])))
    }
    return pairs
  }

  /// The pairs whose two words are both in the vocabularies, as int64
  /// [M, 2] (source row, target row), in dictionary order, without repeats;
  /// `dropped` counts the pairs with a word missing.
  public static func indices(
    of pairs: [(String, String)], source: [String], target: [String]
  ) -> (pairs: IndexTensor, dropped: Int) {
    let s = firstRows(source), t = firstRows(target)
    var out = [Int64]()
    var seen = Set<[Int64]>()
    var dropped = 0
    for (a, b) in pairs {
      guard let i = s[a], let j = t[b] else {
        dropped += 1
        continue
      }
      if seen.insert([Int64(i), Int64(j)]).inserted { out += [Int64(i), Int64(j)] }
    }
    return (Tensor(shape: [out.count / 2, 2], scalars: out), dropped)
  }

  /// Each word's first row.
  static func firstRows(_ words: [String]) -> [String: Int] {
    var rows = [String: Int](minimumCapacity: words.count)
    for (i, w) in words.enumerated() where rows[w] == nil { rows[w] = i }
    return rows
  }
}
