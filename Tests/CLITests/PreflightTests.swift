import Foundation
import Testing

/// Mistakes that used to surface only after the work: an output that cannot
/// be created, and HDF5 expected from a terminal.
@Suite("checks before the work") struct PreflightTests {
  @Test func anOutputInAMissingFolderFailsBeforeTraining() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      rng = np.random.default_rng(0)
      with h5py.File('d.h5', 'w') as f:
          f['x'] = rng.normal(size=(64, 5)).astype(np.float32); f['labels'] = rng.integers(0, 2, 64)
      x = rng.normal(size=(20, 4)).astype(np.float32)
      w = np.array([f'w{i}' for i in range(20)], dtype=object)
      with h5py.File('e.h5', 'w') as f: f['embeddings'], f['words'] = x, w
      open('d.txt', 'w').write('w1 w1\\nw2 w2\\n')
      """, in: dir)
    let train = try run(
      "distill",
      [
        "train", "--arch", "5-2", "--epochs", "50", "d.h5", "--log", "log.jsonl",
        "-o", "missing/m.h5",
      ], in: dir)
    expectFailure(train, tool: "distill", status: 73, naming: "missing/m.h5")
    let written =
      (try? String(contentsOf: dir.appendingPathComponent("log.jsonl"), encoding: .utf8)) ?? ""
    #expect(!written.contains("epoch"), "trained before failing: \(written)")
    let log = try run(
      "distill",
      [
        "train", "--arch", "5-2", "--epochs", "50", "d.h5", "--log", "missing/log.jsonl", "-o",
        "m.h5",
      ],
      in: dir)
    expectFailure(log, tool: "distill", status: 73, naming: "missing/log.jsonl")
    let eval = try run(
      "csls", ["e.h5", "e.h5", "-k", "2", "--eval", "d.txt", "-o", "missing/r.h5"], in: dir)
    expectFailure(eval, tool: "csls", status: 73, naming: "missing/r.h5")
    let file = try run("nms", ["d.h5", "-o", "d.h5/x.h5"], in: dir)
    expectFailure(file, tool: "nms", status: 73, naming: "d.h5/x.h5")
    #expect(try files(in: dir) == ["d.h5", "d.txt", "e.h5"])
  }

  /// `tensor info` with no input at a terminal says so instead of waiting.
  @Test func noToolReadsHDF5FromATerminal() throws {
    let dir = try temporaryDirectory()
    for (tool, arguments) in [("tensor", ["info"]), ("nms", ["-o", "x.h5"])] {
      let r = try pythonReport(
        """
        import os, pty, subprocess
        leader, follower = pty.openpty()
        p = subprocess.run([\(pythonList([toolDirectory.appendingPathComponent(tool).path] + arguments))],
                           stdin=follower, capture_output=True, timeout=20)
        report(status=p.returncode, stderr=p.stderr.decode(), stdout=p.stdout.decode())
        """, in: dir)
      #expect(r.number("status") == 64, "\(tool): \(r.string("stderr"))")
      #expect(r.string("stderr").hasPrefix("\(tool): refusing to read HDF5 from a terminal"))
      #expect(r.string("stderr").split(separator: "\n").count == 1)
      #expect(r.string("stdout").isEmpty)
    }
    #expect(try files(in: dir).isEmpty)
  }

  /// Python list items for `strings`.
  func pythonList(_ strings: [String]) -> String {
    strings.map { "'" + $0.replacingOccurrences(of: "'", with: "\\'") + "'" }.joined(
      separator: ", ")
  }
}

/// Silent surprises that now draw one warning line each (none with -q).
@Suite("warnings") struct WarningTests {
  @Test func optionsThatDoNotApplyAndMismatchedTargetsAreNamed() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      rng = np.random.default_rng(6)
      with h5py.File('d.h5', 'w') as f:
          f['boxes'] = np.array([[0, 0, 2, 2], [0, 0, 2, 1.9]], np.float32)
          f['scores'] = np.array([0.9, 0.8], np.float32)
      with h5py.File('t.h5', 'w') as f:
          f['x'] = rng.normal(size=(40, 3)).astype(np.float32)
          f['labels'] = rng.integers(0, 3, 40)
          p = rng.dirichlet(np.ones(3), 40).astype(np.float32)
          f['probs'] = p; f['probs'].attrs['temperature'] = 20.0
      """, in: dir)
    let nms = try run("nms", ["d.h5", "--sigma", "0.3", "-o", "k.h5"], in: dir)
    #expect(nms.status == 0)
    #expect(nms.stderr == "nms: warning: --sigma is ignored: it applies to --soft only\n")
    let quiet = try run("nms", ["d.h5", "--sigma=0.3", "-q", "-o", "k.h5"], in: dir)
    #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
    let common = ["train", "t.h5", "--epochs", "1", "--targets", "soft", "-o", "m.h5"]
    let cold = try run("distill", common + ["--arch", "3-3", "-T", "2"], in: dir)
    #expect(cold.status == 0, "\(cold.stderr)")
    #expect(cold.stderr.contains("'probs' was made at temperature 20, training runs at -T 2"))
    let wide = try run(
      "distill", ["train", "t.h5", "--epochs", "1", "--arch", "3-100", "-o", "m.h5"], in: dir)
    #expect(wide.status == 0, "\(wide.stderr)")
    #expect(wide.stderr.contains("100 outputs but the labels use 3 classes"), "\(wide.stderr)")
    #expect(!wide.stderr.contains("temperature"))
  }
}

/// Usage mistakes answered the way a user expects.
@Suite("usage mistakes") struct UsageMistakeTests {
  @Test func unknownSubcommandsAndNegativeValues() throws {
    let dir = try temporaryDirectory()
    expectFailure(
      try run("distill", ["evl", "x.h5"], in: dir), tool: "distill", status: 64,
      naming: "'evl'", "did you mean 'eval'", "train")
    expectFailure(
      try run("tensor", ["zzzz"], in: dir), tool: "tensor", status: 64, naming: "'zzzz'", "info")
    let spaced = try run("distill", ["train", "--arch", "2-2", "--lr", "-1", "x.h5"], in: dir)
    let joined = try run("distill", ["train", "--arch", "2-2", "--lr=-1", "x.h5"], in: dir)
    expectFailure(spaced, tool: "distill", status: 64, naming: "--lr", "-1")
    #expect(spaced.stderr == joined.stderr)
  }
}

/// `-v` tells what each tool did (and its metrics, as the log records them).
@Suite("verbose") struct VerboseTests {
  @Test func everyToolSaysWhatItDidWithV() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      rng = np.random.default_rng(3)
      with h5py.File('t.h5', 'w') as f:
          f['x'] = rng.normal(size=(60, 4)).astype(np.float32); f['labels'] = np.arange(60) % 6
          f['logits'] = rng.normal(size=(60, 3)).astype(np.float32)
      with h5py.File('e.h5', 'w') as f:
          f['embeddings'] = rng.normal(size=(20, 4)).astype(np.float32)
      open('a.csv', 'w').write('1,2\\n3,4\\n')
      """, in: dir)
    let runs: [(String, [String], String)] = [
      ("distill", ["train", "--arch", "4-6", "--epochs", "2", "t.h5", "-o", "m.h5"], "epoch 2"),
      (
        "protonet",
        [
          "train", "--arch", "4-8", "--way", "3", "--shot", "2", "--query", "2", "--episodes", "3",
          "t.h5", "-o", "p.h5",
        ], "episode"
      ),
      ("softlabel", ["-T", "2", "t.h5", "-o", "s.h5"], "60 rows × 3 classes at T 2"),
      ("csls", ["e.h5", "e.h5", "-k", "2", "-o", "c.h5"], "top 10 of 20 targets for 20 queries"),
      ("tensor", ["import", "a.csv", "-o", "a.h5"], "imported a.csv"),
    ]
    for (tool, arguments, expected) in runs {
      let r = try run(tool, arguments + ["-v"], in: dir)
      #expect(r.status == 0, "\(tool): \(r.stderr)")
      #expect(r.stderr.contains(expected), "\(tool) -v: \(r.stderr)")
      let quiet = try run(tool, arguments, in: dir)
      #expect(!quiet.stderr.contains(expected), "\(tool) without -v: \(quiet.stderr)")
    }
  }
}

/// Under a small `ulimit -v` OpenBLAS's threads retry a failed allocation
/// forever; a tool that uses OpenBLAS refuses such a limit before loading it
/// instead of hanging, and one that never loads it (nms) runs.
@Suite("address-space limit") struct AddressSpaceLimitTests {
  @Test func aSmallVirtualMemoryLimitIsRefusedNotAHang() throws {
    let dir = try temporaryDirectory()
    let r = try pythonReport(
      """
      import resource, subprocess, h5py, numpy as np
      with h5py.File('two.h5', 'w') as f:
          f['boxes'] = np.array([[0, 0, 1, 1], [0, 0, 1, 1.1]], np.float32)
          f['scores'] = np.array([0.9, 0.8], np.float32)
      with h5py.File('train.h5', 'w') as f:
          f['x'] = np.arange(12, dtype=np.float32).reshape(4, 3)
          f['labels'] = np.array([0, 1, 0, 1], np.int64)
      def run(tool, arguments, gib):
          size = int(gib * (1 << 30))
          return subprocess.run(['\(toolDirectory.path)/' + tool] + arguments,
                                preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (size, size)),
                                capture_output=True, timeout=60, text=True)
      train = ['train', '--arch', '3-2', '--epochs', '1', 'train.h5', '-o', 'm.h5']
      p = run('distill', train, 600 / 1024)
      q = run('distill', train, 3)
      n = run('nms', ['two.h5', '-o', 'keep.h5'], 600 / 1024)
      report(status=p.returncode, stderr=p.stderr, big=q.returncode, bigerr=q.stderr,
             nms=n.returncode, nmserr=n.stderr)
      """, in: dir)
    #expect(r.number("status") == 64)
    #expect(r.string("stderr").hasPrefix("distill: the virtual memory limit (ulimit -v) is 600 MiB"))
    #expect(r.string("stderr").split(separator: "\n").count == 1)
    #expect(r.number("big") == 0, "\(r.string("bigerr"))")
    #expect(r.number("nms") == 0, "\(r.string("nmserr"))")
  }
}
