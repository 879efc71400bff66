/// An error that a Retort tool reports as one line and an exit status.
///
/// The kinds follow sysexits(3), as `../DESIGN.md` §3 asks:
/// usage 64, bad input data 65, missing input 66, internal 70,
/// cannot create output 73, I/O error 74.
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
  /// What is wrong and where, e.g. `dataset 'x' has rank 1, expected 2: in.h5`.
  public let message: String

  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  public var description: String { message }

  public static func usage(_ m: String) -> RetortError { RetortError(.usage, m) }
  public static func data(_ m: String) -> RetortError { RetortError(.data, m) }
  public static func noInput(_ m: String) -> RetortError { RetortError(.noInput, m) }
  public static func io(_ m: String) -> RetortError { RetortError(.io, m) }
  public static func cannotCreate(_ m: String) -> RetortError { RetortError(.cannotCreate, m) }
  public static func software(_ m: String) -> RetortError { RetortError(.software, m) }
}
