import CRetortGuard
import Glibc

extension HDF5 {
  /// Runs `read` in a child process and returns the strings it read.
  ///
  /// For reads of variable-length data: libhdf5 1.10.8 copies a global-heap
  /// object by the size the (possibly damaged) heap claims into a buffer
  /// sized by the element's descriptor, a heap overflow that the HDF5 API
  /// gives no way to check beforehand. In a child the damage stays in the
  /// child: it is reported as a corrupt input (`label`, status 65) when the
  /// child dies of it, and at worst gives wrong strings from a damaged file.
  /// `read` runs under the caller's HDF5 lock and must not take it again
  /// (the child's copy of the lock has no owner it knows). An error `read`
  /// throws is thrown here. The child has the time of `HDF5.reading` for a
  /// file of `size` bytes.
  static func isolated(_ label: String, size: Int, _ read: () throws -> [String?]) throws
    -> [String?]
  {
    var fd: Int32 = -1
    let pid = retort_guard_fork_reader(&fd, UInt32(clamping: 60 + size / 10_000_000))
    if pid == 0 {
      let reply: [UInt8]
      do { reply = IsolatedReply.strings(try read()) } catch let e as RetortError {
        reply = IsolatedReply.error(e)
      } catch {
        reply = IsolatedReply.error(RetortError(.software, "\(error)"))
      }
      let written = (try? writeAll(fd, reply)) != nil
      retort_guard_exit_reader(written ? 0 : 1)
    }
    guard pid > 0 else {
      throw RetortError(
        .io, "cannot start a process to read variable-length strings (\(SystemError(code: errno).reason))",
        file: label)
    }
    let bytes = try? readToEnd(fd)
    Glibc.close(fd)
    let status = retort_guard_wait_reader(pid)
    guard status == 0, let bytes, let reply = IsolatedReply.decode(bytes) else {
      throw RetortError(.data, "corrupt HDF5 input (the HDF5 library failed reading it)", file: label)
    }
    return try reply.get()
  }
}

/// The bytes a reading child sends its parent: a tag (0 strings, 1 error),
/// then length-prefixed fields (UInt64 little-endian lengths; `UInt64.max`
/// for an absent string).
enum IsolatedReply {
  static func strings(_ values: [String?]) -> [UInt8] {
    var out: [UInt8] = [0]
    put(UInt64(values.count), into: &out)
    for v in values { put(v, into: &out) }
    return out
  }

  static func error(_ e: RetortError) -> [UInt8] {
    var out: [UInt8] = [1]
    put(UInt64(UInt32(bitPattern: e.kind.rawValue)), into: &out)
    for field in [e.problem, e.file, e.dataset] { put(field, into: &out) }
    return out
  }

  /// The strings, or the error, `bytes` hold; nil when they are not a whole reply.
  static func decode(_ bytes: [UInt8]) -> Result<[String?], RetortError>? {
    var reader = Reader(bytes: bytes)
    guard let tag = reader.byte() else { return nil }
    switch tag {
    case 0:
      guard let n = reader.number(), n <= UInt64(bytes.count) else { return nil }
      var values = [String?]()
      for _ in 0..<n {
        guard let v = reader.string() else { return nil }
        values.append(v)
      }
      return reader.atEnd ? .success(values) : nil
    case 1:
      guard let k = reader.number(), let kind = RetortError.Kind(rawValue: Int32(truncatingIfNeeded: k)),
        let problem = reader.string(), let file = reader.string(), let dataset = reader.string(),
        reader.atEnd
      else { return nil }
      return .failure(RetortError(kind, problem ?? "", dataset: dataset, file: file))
    default:
      return nil
    }
  }

  private static func put(_ n: UInt64, into out: inout [UInt8]) {
    for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: n >> (8 * UInt64(i)))) }
  }

  private static func put(_ s: String?, into out: inout [UInt8]) {
    guard let s else { return put(UInt64.max, into: &out) }
    let utf8 = Array(s.utf8)
    put(UInt64(utf8.count), into: &out)
    out.append(contentsOf: utf8)
  }

  private struct Reader {
    let bytes: [UInt8]
    var offset = 0
    var atEnd: Bool { offset == bytes.count }

    mutating func byte() -> UInt8? {
      guard offset < bytes.count else { return nil }
      offset += 1
      return bytes[offset - 1]
    }

    mutating func number() -> UInt64? {
      guard bytes.count - offset >= 8 else { return nil }
      var n: UInt64 = 0
      for i in 0..<8 { n |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
      offset += 8
      return n
    }

    /// A string, `.some(nil)` for an absent one, nil when the bytes end.
    mutating func string() -> String?? {
      guard let n = number() else { return nil }
      if n == UInt64.max { return .some(nil) }
      guard n <= UInt64(bytes.count - offset) else { return nil }
      let s = String(decoding: bytes[offset..<offset + Int(n)], as: UTF8.self)
      offset += Int(n)
      return .some(s)
    }
  }
}
