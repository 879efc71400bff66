import Foundation

/// A byte stream to a file that appears only when complete (written to a
/// temporary file beside it, renamed on `commit()`), or to standard output.
public final class AtomicOutput {
  public let path: String?
  private let fd: Int32
  private let file: AtomicFile?
  private var buffer = [UInt8]()
  private var finished = false

  /// Opens `path` for writing, or standard output when `path` is nil or `-`.
  public init(path: String?) throws {
    if let path, path != "-" {
      let file = AtomicFile(path: path)
      let fd = open(file.temporaryPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
      guard fd >= 0 else {
        throw RetortError.cannotCreate(
          "cannot create output (\(String(cString: strerror(errno))))", file: path)
      }
      self.path = path
      self.fd = fd
      self.file = file
    } else {
      self.path = nil
      self.fd = 1
      self.file = nil
    }
    buffer.reserveCapacity(1 << 20)
  }

  deinit {
    if !finished, let file {
      close(fd)
      file.discard()
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
    do {
      try writeAll(fd, buffer)
    } catch {
      throw RetortError.io("cannot write \(label): \(error.reason)")
    }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Writes what is buffered and puts the file in place.
  public func commit() throws {
    try flush()
    finished = true
    guard let file else { return }
    try file.finish(closed: close(fd) == 0)
  }
}
