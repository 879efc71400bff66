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

  /// A variable-length string attribute whose global-heap object is longer
  /// than its descriptor says: libhdf5 1.10.8 copies the whole object into a
  /// buffer sized by the descriptor (in a process of its own this aborts
  /// with "double free or corruption"). The copy happens in a child: the
  /// tool lists the file (the child survived) or refuses it in one line.
  @Test func overlongHeapObjectStaysInTheReadingChild() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np, struct
      with h5py.File('long.h5', 'w') as f:
          f['x'] = np.zeros((2, 3), np.float32)
          f.attrs['note'] = 'a' * 100000
      b = bytearray(open('long.h5', 'rb').read())
      descriptor = struct.pack('<IQ', 100000, b.find(b'GCOL'))
      assert b.count(descriptor) == 1
      i = b.find(descriptor)
      b[i:i + 4] = struct.pack('<I', 10)
      open('overflow.h5', 'wb').write(b)
      """, in: dir)
    let r = try bash(#""$BIN/tensor" info overflow.h5; echo $? >&2"#, in: dir)
    let refused = "tensor: corrupt HDF5 input (the HDF5 library failed reading it): overflow.h5\n65\n"
    #expect(r.stderr == "0\n" || r.stderr == refused)
    if r.stderr == "0\n" { #expect(r.text.contains("note = aaaaaaaaaa\n")) }
  }

  /// The input the sixth fuzz run found (Scripts/fuzzing/findings).
  @Test func savedFindingIsACorruptInput() throws {
    let dir = try temporaryDirectory()
    let finding = repositoryRoot.appendingPathComponent(
      "Scripts/fuzzing/findings/protonet-protos-vlen-heap.h5")
    let inputs = repositoryRoot.appendingPathComponent("Tests/cases/inputs")
    let r = try bash(
      """
      "$BIN/protonet" train --arch 64-16 --way 3 --shot 2 --query 2 --episodes 5 --seed 1 \
        '\(inputs.path)/images.h5' -o proto.h5 2>/dev/null
      cp '\(finding.path)' protos.h5
      "$BIN/protonet" classify -m proto.h5 --prototypes protos.h5 '\(inputs.path)/queries.h5' -o out.h5
      echo $? >&2
      """, in: dir)
    #expect(r.stderr == "protonet: corrupt HDF5 input (the HDF5 library failed reading it): protos.h5\n65\n")
    #expect(try files(in: dir) == ["proto.h5", "protos.h5"])
  }
}
