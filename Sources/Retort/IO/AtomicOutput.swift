import Glibc

/// A byte stream to a file that appears only when complete (written to a
/// temporary file beside it, renamed on `commit()`), or to standard output.
///
/// A path that names a device, FIFO or socket (after symbolic links) is not
/// replaced: the bytes are held in memory and written to it on `commit()`,
/// so a failed run writes nothing there.
public final class AtomicOutput {
  public let path: String?
  private let fd: Int32
  private let file: AtomicFile?
  /// The device, FIFO or socket written on `commit()`, when `path` names one.
  private let direct: String?
  private var buffer = [UInt8]()
  private var finished = false

  /// Opens `path` for writing, or standard output when `path` is nil or `-`.
  public init(path: String?) throws {
    self.path = path == "-" ? nil : path
    guard let path, path != "-" else {
      fd = 1
      file = nil
      direct = nil
      buffer.reserveCapacity(1 << 20)
      return
    }
    switch try OutputTarget.resolve(path) {
    case .direct(let target):
      fd = -1
      file = nil
      direct = target
    case .replace(let target):
      let file = AtomicFile(path: target, label: path)
      let fd = open(file.temporaryPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
      guard fd >= 0 else {
        let reason = String(cString: strerror(errno))
        file.discard()
        throw RetortError.cannotCreate("cannot create output (\(reason))", file: path)
      }
      self.fd = fd
      self.file = file
      direct = nil
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
    if direct == nil, buffer.count >= 1 << 20 { try flush(to: fd) }
  }

  /// Appends a string as UTF-8.
  public func write(_ text: String) throws { try write(text.utf8) }

  private func flush(to fd: Int32) throws {
    do {
      try writeAll(fd, buffer)
    } catch {
      throw RetortError.io("cannot write \(label): \(error.reason)")
    }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Writes what is buffered and puts the file in place.
  public func commit() throws {
    if let direct {
      finished = true
      let out = try OutputTarget.openDirect(direct, label: label)
      defer { close(out) }
      try flush(to: out)
      return
    }
    do {
      try flush(to: fd)
    } catch {
      finished = true
      if let file {
        close(fd)
        file.discard()
      }
      throw error
    }
    finished = true
    guard let file else { return }
    try file.finish(closed: close(fd) == 0)
  }
}
