import CHDF5
import CRetortGuard
import Glibc

/// Serialises every call into the HDF5 library and keeps its error printing off.
enum HDF5 {
  private static let lock = RecursiveLock()
  private static let opened: Bool = { H5open() >= 0 }()

  /// Runs `body` holding the HDF5 lock, with HDF5's own error printing off.
  static func locked<T>(_ body: () throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    _ = opened
    retort_h5_silence()
    return try body()
  }

  /// Runs `body` holding the HDF5 lock, marked as a read of the input
  /// `label`: a fatal signal inside, or a call still running after its time
  /// (60 s plus 1 s per 10 MB of `size`), is reported as a corrupt input (65).
  static func reading<T>(_ label: String, size: Int = 0, _ body: () throws -> T) rethrows -> T {
    try locked {
      retort_guard_enter_read(label, UInt32(clamping: 60 + size / 10_000_000))
      defer { retort_guard_leave_read() }
      return try body()
    }
  }

  /// Closes `id` with `close` when it is valid.
  static func close(_ id: hid_t, _ close: (hid_t) -> herr_t) {
    if id >= 0 { _ = close(id) }
  }

  /// A name as HDF5 wants it: absolute, without a trailing slash.
  static func absolute(_ name: String) -> String {
    let trimmed = name.hasSuffix("/") && name.count > 1 ? String(name.dropLast()) : name
    return trimmed.hasPrefix("/") ? trimmed : "/" + trimmed
  }

  /// A name as Retort shows it: root-level datasets without the leading slash.
  static func display(_ name: String) -> String {
    name.hasPrefix("/") ? String(name.dropFirst()) : name
  }
}

/// How a dataset is stored, as `tensor info` reports it.
public struct DatasetInfo: Equatable, Sendable {
  public enum Kind: Equatable, Sendable { case float, integer, string, other }
  public let name: String
  public let shape: [Int]
  public let kind: Kind
  /// The stored type: `float32`, `float64`, `float16`, `int64`, `uint8`, `string`, ...
  public let typeName: String
}

extension HDF5 {
  /// The kind and name of an HDF5 datatype.
  static func describe(type tid: hid_t) -> (DatasetInfo.Kind, String) {
    let size = H5Tget_size(tid)
    switch H5Tget_class(tid) {
    case H5T_FLOAT: return (.float, "float\(size * 8)")
    case H5T_INTEGER:
      let signed = H5Tget_sign(tid) == H5T_SGN_2
      return (.integer, (signed ? "int" : "uint") + "\(size * 8)")
    case H5T_STRING: return (.string, "string")
    case H5T_ENUM: return (.integer, "enum")
    default: return (.other, "other")
    }
  }

  /// The dimensions of a dataspace (empty for a scalar); a dimension beyond
  /// `Int.max` (a damaged header) is clamped to it.
  static func dimensions(space sid: hid_t) -> [Int] {
    let rank = Int(H5Sget_simple_extent_ndims(sid))
    guard rank > 0, rank <= maxRank else { return [] }
    var dims = [hsize_t](repeating: 0, count: rank)
    H5Sget_simple_extent_dims(sid, &dims, nil)
    return dims.map { Int(clamping: $0) }
  }

  /// The largest rank HDF5 allows (`H5S_MAX_RANK`).
  static let maxRank = 32

  /// The product of `dims`, or nil when it overflows.
  static func count(_ dims: [Int]) -> Int? {
    var n = 1
    for d in dims {
      let (p, overflow) = n.multipliedReportingOverflow(by: d)
      if overflow { return nil }
      n = p
    }
    return n
  }

  /// A datatype for variable-length UTF-8 strings in memory; the caller closes it.
  static func variableStringType() -> hid_t {
    let t = H5Tcopy(retort_h5t_c_s1())
    H5Tset_size(t, retort_h5t_variable())
    H5Tset_cset(t, H5T_CSET_UTF8)
    return t
  }
}
