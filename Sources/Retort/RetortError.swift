/// An error that a Retort tool reports as one line and an exit status.
///
/// It carries its kind (the exit status, after sysexits(3): usage 64, bad
/// input data 65, missing input 66, internal 70, cannot create output 73,
/// I/O error 74; see docs/design.md, "Errors") and its context as fields: the
/// file, the dataset, the row, and the quantity (a setting or input in the
/// core's own words, such as `learningRate`, which a command-line tool maps
/// to its option). `problem` says what is wrong without saying where.
public struct RetortError: Error, CustomStringConvertible, Equatable {
  public enum Kind: Int32, Sendable {
    case usage = 64
    case data = 65
    case noInput = 66
    case software = 70
    case cannotCreate = 73
    case io = 74
  }

  public let kind: Kind
  /// What is wrong, e.g. `holds NaN or infinity` or `must be positive, got 0`.
  public var problem: String
  /// The file (or `standard input`) the error is about.
  public var file: String?
  /// The dataset the error is about.
  public var dataset: String?
  /// The row (0-based) the error is about.
  public var row: Int?
  /// The line (1-based) of a text file the error is about.
  public var line: Int?
  /// The setting or input the error is about, in the core's words.
  public var quantity: String?

  public init(
    _ kind: Kind, _ problem: String, dataset: String? = nil, row: Int? = nil,
    quantity: String? = nil,
    line: Int? = nil, file: String? = nil
  ) {
    self.kind = kind
    self.problem = problem
    self.line = line
    self.file = file
    self.dataset = dataset
    self.row = row
    self.quantity = quantity
  }

  /// The one line users see: the line of a text file, the quantity, the
  /// row and dataset, then the problem, then the file — `row 3 of dataset
  /// 'x' holds NaN or infinity: in.h5`.
  public var message: String {
    var subject = line.map { ["line \($0):"] } ?? []
    if let quantity { subject.append(quantity) }
    switch (row, dataset) {
    case let (r?, d?): subject.append("row \(r) of dataset '\(d)'")
    case let (r?, nil): subject.append("row \(r)")
    case let (nil, d?): subject.append("dataset '\(d)'")
    case (nil, nil): break
    }
    let text = (subject + [problem]).joined(separator: " ")
    return file.map { "\(text): \($0)" } ?? text
  }

  public var description: String { message }

  /// The exit status of the error's kind (sysexits).
  public var exitStatus: Int32 { kind.rawValue }

  /// The exit status for any error: its kind's for a Retort error, else
  /// internal (70).
  public static func exitStatus(for error: Error) -> Int32 {
    (error as? RetortError)?.exitStatus ?? Kind.software.rawValue
  }

  /// The same error about `file`, unless it names a file already.
  public func naming(_ file: String) -> RetortError {
    var e = self
    if e.file == nil { e.file = file }
    return e
  }

  /// The same error with its quantity spelled as `names` says (a tool's
  /// option for each of the core's quantities); unknown ones stay.
  public func renamingQuantity(_ names: [String: String]) -> RetortError {
    var e = self
    if let q = quantity, let name = names[q] { e.quantity = name }
    return e
  }

  public static func usage(
    _ problem: String, dataset: String? = nil, row: Int? = nil, quantity: String? = nil,
    file: String? = nil
  ) -> RetortError {
    RetortError(.usage, problem, dataset: dataset, row: row, quantity: quantity, file: file)
  }

  public static func data(
    _ problem: String, dataset: String? = nil, row: Int? = nil, quantity: String? = nil,
    line: Int? = nil, file: String? = nil
  ) -> RetortError {
    RetortError(
      .data, problem, dataset: dataset, row: row, quantity: quantity, line: line, file: file)
  }

  public static func noInput(_ problem: String, dataset: String? = nil, file: String? = nil)
    -> RetortError
  {
    RetortError(.noInput, problem, dataset: dataset, file: file)
  }

  public static func io(_ problem: String, file: String? = nil) -> RetortError {
    RetortError(.io, problem, file: file)
  }

  public static func cannotCreate(_ problem: String, file: String? = nil) -> RetortError {
    RetortError(.cannotCreate, problem, file: file)
  }

  public static func software(_ problem: String) -> RetortError { RetortError(.software, problem) }
}
