import CRetortGuard
import Glibc

/// A file that appears at `path` only when complete.
///
/// It is written under a temporary name beside the target,
/// `DIR/.NAME.tmp-PID-RANDOM` (one file system, so the rename is atomic),
/// renamed to `path` by `finish`, and removed by `discard` or when `finish`
/// fails: after a failure no output file exists. The temporary path is
/// registered with the signal handlers (`retort_guard_add_temporary`), which
/// remove it when a signal ends the process.
struct AtomicFile {
  /// The file to replace (symbolic links already followed).
  let path: String
  /// How messages name the output: the path as the user gave it.
  let label: String
  let temporaryPath: String
  private let slot: Int32

  init(path: String, label: String? = nil) {
    let (folder, name) = splitPath(path)
    self.path = path
    self.label = label ?? path
    temporaryPath =
      folder + "/." + name + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    slot = retort_guard_add_temporary(temporaryPath)
  }

  /// Puts the temporary file in place once the writer `closed` it; removes it
  /// and throws when the close or the rename failed.
  func finish(closed: Bool) throws {
    guard closed else {
      discard()
      throw RetortError.io("cannot finish writing \(label)")
    }
    guard rename(temporaryPath, path) == 0 else {
      let reason = String(cString: strerror(errno))
      discard()
      throw RetortError.cannotCreate("cannot create output (\(reason))", file: label)
    }
    retort_guard_remove_temporary(slot)
  }

  /// Removes the temporary file.
  func discard() {
    unlink(temporaryPath)
    retort_guard_remove_temporary(slot)
  }
}
