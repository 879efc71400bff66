import Foundation

/// A byte stream to a file that appears only when complete (written to a
/// temporary file beside it, renamed on `commit()`), or to standard output.
public final class AtomicOutput {
  public let path: String?
  private let fd: Int32
  private let temporaryPath: String?
  private var buffer = [UInt8]()
  private var finished = false

  /// Opens `path` for writing, or standard output when `path` is nil or `-`.
  public init(path: String?) throws {
    if let path, path != "-" {
      let url = URL(fileURLWithPath: path)
      let tmp = url.deletingLastPathComponent().path + "/." + url.lastPathComponent
        + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
      let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
      guard fd >= 0 else {
        throw RetortError.cannotCreate("cannot create output (\(String(cString: strerror(errno))))", file: path)
      }
      self.path = path
      self.fd = fd
      self.temporaryPath = tmp
    } else {
      self.path = nil
      self.fd = 1
      self.temporaryPath = nil
    }
    buffer.reserveCapacity(1 << 20)
  }

  deinit {
    if !finished, let temporaryPath {
      close(fd)
      unlink(temporaryPath)
    }
  }

  public var label: String { path ?? "standard output" }

  /// Appends bytes.
  public func write(_ bytes: some Sequence<UInt8>) throws {
    buffer.append(contentsOf: bytes)
    if buffer.count >= 1 << 20 { try flush() }
  }

  /// Appends a string as UTF-8.
  public func write(_ text: String) throws { try write(text.utf8) }

  private func flush() throws {
    var offset = 0
    while offset < buffer.count {
      let n = buffer.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, buffer.count - offset) }
      if n < 0 {
        if errno == EINTR { continue }
        throw RetortError.io("cannot write \(label): \(String(cString: strerror(errno)))")
      }
      offset += n
    }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Writes what is buffered and puts the file in place.
  public func commit() throws {
    try flush()
    finished = true
    guard let temporaryPath, let path else { return }
    guard close(fd) == 0 else {
      unlink(temporaryPath)
      throw RetortError.io("cannot finish writing \(path)")
    }
    guard rename(temporaryPath, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporaryPath)
      throw RetortError.cannotCreate("cannot create output (\(reason))", file: path)
    }
  }
}

/// The whole content of a file (or standard input for `-`), with a NUL byte
/// appended so that C parsers stop at the end.
public func readWholeFile(_ path: String) throws -> [UInt8] {
  var bytes: [UInt8]
  if path == "-" {
    bytes = try readAllOfStandardInput()
  } else {
    guard FileManager.default.fileExists(atPath: path) else { throw RetortError.noInput("no such file", file: path) }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw RetortError.noInput("cannot read file", file: path)
    }
    bytes = [UInt8](data)
  }
  bytes.append(0)
  return bytes
}
