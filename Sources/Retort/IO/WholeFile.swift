import Glibc

/// The whole content of a file (or standard input for `-`), with a NUL byte
/// appended so that C parsers stop at the end.
package func readWholeFile(_ path: String) throws -> [UInt8] {
  var bytes: [UInt8]
  if path == "-" {
    bytes = try readAllOfStandardInput()
  } else {
    guard fileExists(path) else {
      throw RetortError.noInput("no such file", file: path)
    }
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw RetortError.noInput("cannot read file", file: path) }
    defer { close(fd) }
    var status = stat()
    let size = fstat(fd, &status) == 0 ? Int(status.st_size) : 0
    do {
      bytes = try readToEnd(fd, capacity: size + 1)
    } catch {
      throw RetortError.noInput("cannot read file", file: path)
    }
  }
  bytes.append(0)
  return bytes
}
