import Glibc

/// What an output path names once symbolic links are followed, and so how
/// it is written.
///
/// A regular file (or nothing yet) is replaced atomically: a temporary file
/// beside the link's final target is renamed over that target, so a
/// symbolic link stays a link. Anything else that can be opened for writing
/// (a character or block device, a FIFO, a socket) is never replaced: the
/// complete output is written to it directly.
enum OutputTarget: Equatable {
  /// A regular file or a name not yet taken, at this path (links resolved).
  case replace(String)
  /// A device, FIFO or socket at this path, written in place.
  case direct(String)

  /// Follows `path`'s symbolic links (at most 40) and classifies what they
  /// lead to; a directory is refused.
  static func resolve(_ path: String) throws -> OutputTarget {
    var current = path
    for _ in 0..<40 {
      var st = stat()
      guard lstat(current, &st) == 0 else { return .replace(current) }
      switch st.st_mode & S_IFMT {
      case S_IFLNK:
        current = try linkTarget(current, given: path)
      case S_IFDIR:
        throw RetortError.cannotCreate("cannot create output, it is a directory", file: path)
      case S_IFREG:
        return .replace(current)
      default:
        return .direct(current)
      }
    }
    throw RetortError.cannotCreate(
      "cannot create output (too many levels of symbolic links)", file: path)
  }

  /// Where the symbolic link `link` points, relative targets made relative
  /// to the link's folder.
  private static func linkTarget(_ link: String, given: String) throws -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = readlink(link, &buffer, buffer.count - 1)
    guard n > 0 else {
      throw RetortError.cannotCreate(
        "cannot create output (cannot read the symbolic link)", file: given)
    }
    let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    if target.hasPrefix("/") { return target }
    return splitPath(link).folder + "/" + target
  }

  /// Opens a `.direct` target for writing (a socket by connecting to it);
  /// the caller closes the descriptor.
  static func openDirect(_ path: String, label: String) throws -> Int32 {
    var fd = open(path, O_WRONLY | O_NOCTTY)
    if fd < 0 && errno == ENXIO { fd = connectSocket(path) }
    guard fd >= 0 else {
      throw RetortError.cannotCreate(
        "cannot create output (\(String(cString: strerror(errno))))", file: label)
    }
    return fd
  }

  /// A stream connection to the Unix socket at `path`, or -1 with errno set.
  private static func connectSocket(_ path: String) -> Int32 {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    guard bytes.count < capacity else {
      errno = ENAMETOOLONG
      return -1
    }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: bytes)
      raw[bytes.count] = 0
    }
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return -1 }
    let status = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    if status != 0 {
      let saved = errno
      close(fd)
      errno = saved
      return -1
    }
    return fd
  }
}

/// Checks, before any work, that `path` can be written as an output: its
/// folder exists and is writable (a device, FIFO or socket: it is writable).
/// The same errors as the writer's, so that a run fails before it computes.
public func checkOutputCanBeCreated(_ path: String) throws {
  let target = try OutputTarget.resolve(path)
  let check: (path: String, folder: Bool)
  switch target {
  case .replace(let p): check = (splitPath(p).folder, true)
  case .direct(let p): check = (p, false)
  }
  var st = stat()
  guard stat(check.path, &st) == 0 else {
    throw RetortError.cannotCreate(
      "cannot create output (\(String(cString: strerror(errno))))", file: path)
  }
  if check.folder && st.st_mode & S_IFMT != S_IFDIR {
    throw RetortError.cannotCreate("cannot create output (not a directory)", file: path)
  }
  guard access(check.path, check.folder ? W_OK | X_OK : W_OK) == 0 else {
    throw RetortError.cannotCreate(
      "cannot create output (\(String(cString: strerror(errno))))", file: path)
  }
}
