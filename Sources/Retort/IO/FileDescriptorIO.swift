import Glibc

/// A failed read(2) or write(2): its errno, for the caller's message.
struct SystemError: Error {
  let code: Int32
  /// strerror of the code.
  var reason: String { String(cString: strerror(code)) }
}

/// Writes every byte of `bytes` to `fd`: write(2) again after a short count,
/// and after EINTR.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(SystemError) {
  var offset = 0
  while offset < bytes.count {
    let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
    if n < 0 {
      if errno == EINTR { continue }
      throw SystemError(code: errno)
    }
    offset += n
  }
}

/// Every byte `fd` has until its end: read(2) in chunks of 1 MiB, again after
/// EINTR. `capacity` reserves room beforehand (a regular file's size).
func readToEnd(_ fd: Int32, capacity: Int = 0) throws(SystemError) -> [UInt8] {
  var bytes = [UInt8]()
  bytes.reserveCapacity(capacity)
  var chunk = [UInt8](repeating: 0, count: 1 << 20)
  while true {
    let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    if n < 0 {
      if errno == EINTR { continue }
      throw SystemError(code: errno)
    }
    if n == 0 { return bytes }
    bytes.append(contentsOf: chunk[0..<n])
  }
}
