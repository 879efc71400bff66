import Foundation
import RetortTestSupport
import Testing

/// SIGINT, SIGTERM and SIGHUP end a tool quietly with status 128 + N and no
/// output file, temporary or not; a closed pipe on standard output (SIGPIPE)
/// ends it quietly with status 141.
@Suite("signals") struct SignalTests {
  /// Runs a bash script in `dir`, with `$BIN` set to the tools' folder.
  func bash(_ script: String, in dir: URL) throws -> ProcessResult {
    try runProcess(
      URL(fileURLWithPath: "/bin/bash"), ["-c", script], in: dir,
      environment: ["BIN": toolDirectory.path, "OPENBLAS_NUM_THREADS": "1"], timeout: 300)
  }

  /// `data.h5` with 2,000 rows of 20 features and 10 classes, and an empty `out/`.
  func trainingFolder() throws -> URL {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np, os
      rng = np.random.default_rng(0)
      with h5py.File('data.h5', 'w') as f:
          f['x'] = rng.normal(size=(2000, 20)).astype(np.float32)
          f['labels'] = rng.integers(0, 10, 2000)
      os.mkdir('out')
      """, in: dir)
    return dir
  }

  @Test(arguments: [("INT", 2), ("TERM", 15), ("HUP", 1)])
  func signalWhileComputing(name: String, number: Int32) throws {
    let dir = try trainingFolder()
    let r = try bash(
      """
      timeout --preserve-status -s \(name) 3 \\
        "$BIN/distill" train --arch 20-64-10 --epochs 100000 data.h5 -o out/model.h5 2>err
      echo $?
      """, in: dir)
    #expect(r.text == "\(128 + number)\n", "\(r.stderr)")
    let err = try String(contentsOf: dir.appendingPathComponent("err"), encoding: .utf8)
    #expect(err.isEmpty, "stderr: \(err)")
    #expect(try files(in: dir.appendingPathComponent("out")) == [])
  }

  @Test func signalWhileWritingRemovesTheTemporaryFile() throws {
    let dir = try trainingFolder()
    _ = try python(
      """
      import numpy as np
      np.save('big.npy', np.random.default_rng(1).normal(size=(30_000_000,)).astype(np.float32))
      """, in: dir)
    let r = try bash(
      """
      ("$BIN/tensor" import big.npy --deflate 9 -o out/big.h5 2>err; echo $? > status) &
      pid=$!
      for i in $(seq 6000); do ls -A out | grep -q tmp && break; sleep 0.01; done
      ls -A out | grep -q tmp && echo seen
      pkill -TERM -P $pid
      while [ ! -s status ]; do sleep 0.1; done
      cat status
      """, in: dir)
    #expect(r.text == "seen\n143\n", "\(r.stderr)")
    let err = try String(contentsOf: dir.appendingPathComponent("err"), encoding: .utf8)
    #expect(err.isEmpty, "stderr: \(err)")
    #expect(try files(in: dir.appendingPathComponent("out")) == [])
  }

  @Test func closedPipeEndsQuietly() throws {
    let dir = try trainingFolder()
    let r = try bash(
      """
      "$BIN/tensor" export data.h5:x --format csv -o - 2>err1 | head -c 10 > /dev/null
      echo ${PIPESTATUS[0]}
      "$BIN/tensor" info data.h5 2>err2 | head -c 10 > /dev/null
      echo ${PIPESTATUS[0]}
      "$BIN/tensor" export data.h5:x -o x.npy
      "$BIN/tensor" import x.npy 2>err3 | head -c 10 > /dev/null
      echo ${PIPESTATUS[0]}
      cat err1 err2 err3
      """, in: dir)
    let lines = r.text.split(separator: "\n")
    #expect(lines.count == 3, "\(r.text) \(r.stderr)")
    // Small outputs may fit the pipe before head exits; large ones get SIGPIPE.
    #expect(lines.first == "141")
    #expect(lines.allSatisfy { $0 == "141" || $0 == "0" })
    #expect(lines.last == "141")
    #expect(try files(in: dir).filter { $0.contains("tmp") } == [])
  }
}
