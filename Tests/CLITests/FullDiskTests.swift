import Foundation
import RetortTestSupport
import Testing

/// A disk that fills while the output is written is an I/O error (74) and a
/// read-only folder cannot take an output (73); neither leaves a file. Both
/// use a small tmpfs, so they need root; without it they print why and pass.
@Suite("full disks and read-only places", .serialized) struct FullDiskTests {
  /// Runs a command line under bash in `dir`.
  func sh(_ script: String, in dir: URL) throws -> ProcessResult {
    try runProcess(URL(fileURLWithPath: "/bin/bash"), ["-c", script], in: dir, timeout: 60)
  }

  /// Mounts a 1 MiB tmpfs (read-only with `readOnly`) at `dir/mnt`, runs
  /// `body`, and unmounts it; prints the reason and skips `body` when the
  /// mount fails.
  func withSmallDisk(in dir: URL, readOnly: Bool = false, _ body: () throws -> Void) throws {
    let options = readOnly ? "ro,size=1m" : "size=1m"
    let mounted = try sh("mkdir mnt && mount -t tmpfs -o \(options) tmpfs mnt", in: dir)
    guard mounted.status == 0 else {
      print("skipped: cannot mount a tmpfs (\(mounted.stderr.trimmingCharacters(in: .newlines)))")
      return
    }
    defer { _ = try? sh("umount mnt", in: dir) }
    try body()
  }

  /// `big.h5` and `big.npy`: 500,000 random float32 values (2 MB), more
  /// than the 1 MiB disk holds.
  func folder() throws -> URL {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      x = np.random.default_rng(0).normal(size=(500_000,)).astype(np.float32)
      np.save('big.npy', x)
      with h5py.File('big.h5', 'w') as f: f['x'] = x
      """, in: dir)
    return dir
  }

  @Test func fullDiskIsAnIOErrorAndLeavesNothing() throws {
    let dir = try folder()
    try withSmallDisk(in: dir) {
      let hdf5 = try run(
        "tensor", ["import", "big.npy", "--deflate", "0", "-o", "mnt/x.h5"], in: dir)
      expectFailure(hdf5, tool: "tensor", status: 74, naming: "mnt/x.h5")
      #expect(try files(in: dir.appendingPathComponent("mnt")) == [])
      let text = try run("tensor", ["export", "big.h5:x", "-o", "mnt/x.csv"], in: dir)
      expectFailure(text, tool: "tensor", status: 74, naming: "mnt/x.csv")
      #expect(try files(in: dir.appendingPathComponent("mnt")) == [])
    }
  }

  @Test func readOnlyFolderCannotTakeAnOutput() throws {
    let dir = try folder()
    try withSmallDisk(in: dir, readOnly: true) {
      let hdf5 = try run("tensor", ["import", "big.npy", "-o", "mnt/x.h5"], in: dir)
      expectFailure(hdf5, tool: "tensor", status: 73, naming: "mnt/x.h5")
      let text = try run("tensor", ["export", "big.h5:x", "-o", "mnt/x.csv"], in: dir)
      expectFailure(text, tool: "tensor", status: 73, naming: "mnt/x.csv")
      #expect(try files(in: dir.appendingPathComponent("mnt")) == [])
    }
  }
}
