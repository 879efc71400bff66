import Foundation

/// A file that appears at `path` only when complete.
///
/// It is written under a temporary name beside the target,
/// `DIR/.NAME.tmp-PID-RANDOM` (one file system, so the rename is atomic),
/// renamed to `path` by `finish`, and removed by `discard` or when `finish`
/// fails: after a failure no output file exists.
struct AtomicFile {
  let path: String
  let temporaryPath: String

  init(path: String) {
    let url = URL(fileURLWithPath: path)
    self.path = path
    temporaryPath =
      url.deletingLastPathComponent().path + "/." + url.lastPathComponent
      + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
  }

  /// Puts the temporary file in place once the writer `closed` it; removes it
  /// and throws when the close or the rename failed.
  func finish(closed: Bool) throws {
    guard closed else {
      discard()
      throw RetortError.io("cannot finish writing \(path)")
    }
    guard rename(temporaryPath, path) == 0 else {
      let reason = String(cString: strerror(errno))
      discard()
      throw RetortError.cannotCreate("cannot create output (\(reason))", file: path)
    }
  }

  /// Removes the temporary file.
  func discard() { unlink(temporaryPath) }
}
