import Glibc

/// Numeric tables as CSV or TSV text: one row per line, an optional header row.
public enum DelimitedText {
  /// A parsed table: column names when there was a header row, and the values.
  public struct Table {
    public var header: [String]?
    public var values: FloatTensor
    /// The same values as int64 when every field is an integer literal.
    public var integers: IndexTensor?
  }

  /// Parses a numeric table. `header` nil detects a header row (a first row
  /// with a field that is not a number). Blank lines and lines starting with
  /// `#` are skipped; every error names the line and column.
  public static func parse(_ text: String, delimiter: Character, header: Bool?, label: String)
    throws -> Table
  {
    var names: [String]? = nil
    var values = [Float]()
    var integers: [Int64]? = []
    var columns: Int? = nil
    var rows = 0
    var lineNumber = 0
    for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
      lineNumber += 1
      let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
      if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.hasPrefix("#") { continue }
      let fields = line.split(separator: delimiter, omittingEmptySubsequences: false).map(unquote)
      if names == nil && rows == 0 && columns == nil {
        let isHeader = header ?? fields.contains { Float($0) == nil }
        if isHeader {
          names = fields
          columns = fields.count
          continue
        }
      }
      if let columns, fields.count != columns {
        throw RetortError.data(
          "has \(fields.count) fields, expected \(columns)", line: lineNumber, file: label)
      }
      columns = fields.count
      for (c, field) in fields.enumerated() {
        guard let v = Float(field), v.isFinite else {
          let what = field.isEmpty ? "is empty" : "'\(field)' is not a finite number"
          throw RetortError.data("column \(c + 1) \(what)", line: lineNumber, file: label)
        }
        values.append(v)
        if integers != nil {
          if let i = Int64(field) { integers!.append(i) } else { integers = nil }
        }
      }
      rows += 1
    }
    guard rows > 0, let columns else { throw RetortError.data("no data rows", file: label) }
    return Table(
      header: names, values: Tensor(shape: [rows, columns], scalars: values),
      integers: integers.map { Tensor(shape: [rows, columns], scalars: $0) })
  }

  private static func unquote(_ s: Substring) -> String {
    var t = s.trimmingSpaces()
    if t.count >= 2, t.first == "\"", t.last == "\"" { t = String(t.dropFirst().dropLast()) }
    return t
  }

  /// Writes a rank-1 or rank-2 dataset as delimited text, with `header` first if given.
  public static func write(
    _ value: TensorValue, delimiter: Character, header: [String]?, to out: AtomicOutput
  ) throws {
    let d = String(delimiter)
    if let header { try out.write(header.joined(separator: d) + "\n") }
    guard value.shape.count <= 2 else {
      throw RetortError.usage(
        "only rank-1 and rank-2 datasets can be written as text, this one has shape \(value.shape)")
    }
    let width = value.shape.count == 2 ? value.shape[1] : 1
    switch value {
    case .float(let t):
      for r in 0..<(value.shape.first ?? 1) {
        let row = t.scalars[r * width..<(r + 1) * width]
        try out.write(row.map(shortDecimal).joined(separator: d) + "\n")
      }
    case .int(let t):
      for r in 0..<(value.shape.first ?? 1) {
        try out.write(
          t.scalars[r * width..<(r + 1) * width].map(String.init).joined(separator: d) + "\n")
      }
    case .strings(let s):
      for w in s { try out.write(w + "\n") }
    }
  }
}
