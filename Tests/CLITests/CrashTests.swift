import Foundation
import RetortTestSupport
import Testing

/// A fatal signal ends a tool with one line and no Swift backtrace: status 65
/// naming the input while the HDF5 library reads it, else 70.
@Suite("fatal signals") struct CrashTests {
  /// Runs a bash script in `dir`, `$BIN` the tools' folder.
  func bash(_ script: String, in dir: URL) throws -> ProcessResult {
    try runProcess(
      URL(fileURLWithPath: "/bin/bash"), ["-c", script], in: dir,
      environment: ["BIN": toolDirectory.path, "OPENBLAS_NUM_THREADS": "1"], timeout: 300)
  }

  /// A FIFO as input holds the tool inside HDF5's first read of it (opening
  /// the file): a SIGSEGV there is reported as a corrupt input.
  @Test(arguments: ["SEGV", "BUS", "ABRT"])
  func signalInsideAnInputReadIsACorruptInput(name: String) throws {
    let dir = try temporaryDirectory()
    let r = try bash(
      """
      mkfifo in.h5
      timeout --preserve-status -s \(name) 2 "$BIN/tensor" info in.h5
      echo $? >&2
      """, in: dir)
    #expect(
      r.stderr == "tensor: corrupt HDF5 input (the HDF5 library failed reading it): in.h5\n65\n")
    #expect(r.stdout.isEmpty)
  }

  @Test(arguments: [("SEGV", 11), ("FPE", 8), ("ILL", 4)])
  func signalElsewhereIsAnInternalError(name: String, number: Int) throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      with h5py.File('data.h5', 'w') as f:
          f['x'] = np.random.default_rng(0).normal(size=(2000, 20)).astype(np.float32)
          f['labels'] = np.arange(2000) % 10
      """, in: dir)
    let r = try bash(
      """
      timeout --preserve-status -s \(name) 3 \\
        "$BIN/distill" train --arch 20-64-10 --epochs 100000 data.h5 -o model.h5
      echo $? >&2
      """, in: dir)
    #expect(r.stderr == "distill: internal error (signal \(number))\n70\n")
    #expect(try files(in: dir) == ["data.h5"])
  }
}
