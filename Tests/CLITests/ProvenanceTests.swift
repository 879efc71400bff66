import Foundation
import Testing

/// Derived files say what they were derived from, and a tool reusing one
/// refuses a mismatch instead of giving a silently wrong result.
@Suite("provenance of derived files") struct ProvenanceTests {
  @Test func radiiAndPairsAreCheckedAgainstTheirInputs() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      rng = np.random.default_rng(9)
      x = rng.normal(size=(50, 6)).astype(np.float32)
      q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
      for name, e, prefix in (('en.h5', x, 'e'), ('fr.h5', (x @ q.T).astype(np.float32), 'f')):
          with h5py.File(name, 'w') as f:
              f['embeddings'] = e
              f['words'] = np.array([f'{prefix}{i}' for i in range(50)], dtype=object)
      with h5py.File('W.h5', 'w') as f: f['W'] = q.astype(np.float32)
      open('d.txt', 'w').write(''.join(f'e{i} f{i}\\n' for i in range(30)))
      open('t.txt', 'w').write(''.join(f'e{i} f{i}\\n' for i in range(30, 50)))
      """, in: dir)
    let write = try run(
      "csls", ["en.h5", "fr.h5", "--map", "W.h5", "-k", "3", "--write-r", "-o", "r.h5"], in: dir)
    #expect(write.status == 0, "\(write.stderr)")
    let reuse = try run(
      "csls", ["en.h5", "fr.h5", "--map", "W.h5", "-k", "3", "--radii", "r.h5", "--eval", "t.txt"],
      in: dir)
    let fresh = try run(
      "csls", ["en.h5", "fr.h5", "--map", "W.h5", "-k", "3", "--eval", "t.txt"], in: dir)
    #expect(reuse.status == 0 && reuse.text == fresh.text, "\(reuse.stderr)")
    for changed in [
      ["--radii", "r.h5"], ["--map", "W.h5", "--radii", "r.h5", "--normalize", "center,unit"],
    ] {
      let r = try run("csls", ["en.h5", "fr.h5", "-k", "3", "--eval", "t.txt"] + changed, in: dir)
      expectFailure(r, tool: "csls", status: 65, naming: "r.h5", "r_src", "--map")
    }
    let pairs = try run(
      "tensor", ["import", "d.txt", "--source", "en.h5", "--target", "fr.h5", "-o", "p.h5"], in: dir
    )
    #expect(pairs.status == 0, "\(pairs.stderr)")
    #expect(
      try run("procrustes", ["en.h5", "fr.h5", "--dict", "p.h5", "-o", "W1.h5"], in: dir).status
        == 0)
    let reversed = try run(
      "procrustes", ["fr.h5", "en.h5", "--dict", "p.h5", "-o", "W2.h5"], in: dir)
    expectFailure(reversed, tool: "procrustes", status: 65, naming: "p.h5", "pairs", "fr.h5")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("W2.h5").path))
  }

  @Test func prototypesAreCheckedAgainstTheEncoder() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      rng = np.random.default_rng(2)
      with h5py.File('d.h5', 'w') as f:
          f['x'] = rng.normal(size=(24, 5)).astype(np.float32); f['labels'] = np.arange(24) % 3
      """, in: dir)
    let train = [
      "train", "--arch", "5-4", "--way", "3", "--shot", "2", "--query", "2", "--episodes", "2",
      "d.h5",
    ]
    #expect(try run("protonet", train + ["--seed", "1", "-o", "a.h5"], in: dir).status == 0)
    #expect(try run("protonet", train + ["--seed", "2", "-o", "b.h5"], in: dir).status == 0)
    #expect(
      try run("protonet", ["prototypes", "-m", "a.h5", "d.h5", "-o", "p.h5"], in: dir).status == 0)
    let same = try run(
      "protonet", ["classify", "-m", "a.h5", "--prototypes", "p.h5", "d.h5", "-o", "c.h5"], in: dir)
    #expect(same.status == 0, "\(same.stderr)")
    for other in [["-m", "b.h5"], []] {
      let r = try run(
        "protonet", ["classify"] + other + ["--prototypes", "p.h5", "d.h5", "-o", "x.h5"], in: dir)
      expectFailure(r, tool: "protonet", status: 65, naming: "p.h5", "encoder")
    }
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.h5").path))
  }

  /// Logits and soft targets record the rows they were computed from, and
  /// models the rows they were trained on: the fingerprint (FNV-1a over the
  /// shape and the float32 bit patterns, each as 8 little-endian bytes) is
  /// recomputed here in Python. Soft targets joined to other rows, and
  /// teachers of different rows, are refused; evaluation on the training rows
  /// is a warning.
  @Test func softTargetsAndModelsRecordTheirRows() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      rng = np.random.default_rng(4)
      for name in ('train.h5', 'other.h5'):
          with h5py.File(name, 'w') as f:
              f['x'] = rng.normal(size=(60, 5)).astype(np.float32)
              f['labels'] = np.arange(60) % 3
      """, in: dir)
    let fingerprint = """
      import h5py, numpy as np
      def fnv(x):
          h = 0xcbf29ce484222325
          words = list(x.shape) + [int(b) for b in np.ascontiguousarray(x, np.float32).view(np.uint32).ravel()]
          for w in words:
              for byte in int(w).to_bytes(8, 'little'):
                  h = ((h ^ byte) * 0x100000001b3) % (1 << 64)
          return f'{h:016x}'
      """
    let steps: [(String, [String])] = [
      ("distill", ["train", "--arch", "5-3", "--epochs", "1", "train.h5", "-o", "t.h5"]),
      ("distill", ["predict", "-m", "t.h5", "train.h5", "-o", "logits.h5"]),
      ("distill", ["predict", "-m", "t.h5", "other.h5", "-o", "logits2.h5"]),
      ("softlabel", ["-T", "4", "logits.h5", "-o", "soft.h5"]),
      (
        "distill",
        [
          "train", "--arch", "5-3", "-T", "4", "--targets", "soft", "--epochs", "1",
          "soft.h5", "-o", "s.h5",
        ]
      ),
    ]
    for (tool, arguments) in steps {
      let r = try run(tool, arguments, in: dir)
      #expect(r.status == 0, "\(tool) \(arguments): \(r.stderr)")
    }
    let recorded = try python(
      fingerprint + "\n" + """
        x = h5py.File('train.h5')['x'][...]
        print(fnv(x) == h5py.File('t.h5').attrs['trained_on'],
              fnv(x) == h5py.File('soft.h5')['probs'].attrs['rows_fingerprint'],
              fnv(h5py.File('other.h5')['x'][...]) == h5py.File('logits2.h5')['logits'].attrs['rows_fingerprint'])
        with h5py.File('mixed.h5', 'w') as f, h5py.File('soft.h5') as s, h5py.File('other.h5') as o:
            f['x'] = o['x'][...]
            f['probs'] = s['probs'][...]
            f['probs'].attrs.update(s['probs'].attrs)
        """, in: dir)
    #expect(recorded == "True True True\n")
    let mixed = try run(
      "distill",
      ["train", "--arch", "5-3", "-T", "4", "--targets", "soft", "mixed.h5", "-o", "m.h5"],
      in: dir)
    expectFailure(
      mixed, tool: "distill", status: 65, naming: "mixed.h5", "probs", "rows_fingerprint")
    let teachers = try run("softlabel", ["logits.h5", "logits2.h5", "-o", "e.h5"], in: dir)
    expectFailure(teachers, tool: "softlabel", status: 65, naming: "logits.h5", "logits2.h5")
    #expect(!(try files(in: dir)).contains { $0 == "m.h5" || $0 == "e.h5" })
    let onTraining = try run("distill", ["eval", "-m", "t.h5", "train.h5"], in: dir)
    #expect(
      onTraining.stderr
        == "distill: warning: 'x' holds the rows the model was trained on: this is training accuracy\n"
    )
    let onOther = try run("distill", ["eval", "-m", "t.h5", "other.h5"], in: dir)
    #expect(onOther.status == 0 && onOther.stderr.isEmpty, "\(onOther.stderr)")
  }

  /// Images stored [N, H, W] are read as one channel by the network, but
  /// fingerprinted as stored by every tool, so the pipeline's soft targets
  /// are accepted by distill train.
  @Test func imageRowsKeepOneFingerprintThroughThePipeline() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      rng = np.random.default_rng(6)
      with h5py.File('img.h5', 'w') as f:
          f['x'] = rng.random((30, 6, 6)).astype(np.float32)
          f['labels'] = np.arange(30) % 3
      """, in: dir)
    let arch = "conv3x3:2,relu,maxpool2,flatten,dense:3"
    let steps: [(String, [String])] = [
      ("distill", ["train", "--arch", arch, "--epochs", "1", "img.h5", "-o", "t.h5"]),
      ("distill", ["predict", "-m", "t.h5", "img.h5", "-o", "logits.h5"]),
      ("softlabel", ["-T", "3", "logits.h5", "-o", "soft.h5"]),
      ("distill", [
        "train", "--arch", arch, "-T", "3", "--targets", "soft", "--epochs", "1", "soft.h5", "-o",
        "s.h5",
      ]),
    ]
    for (tool, arguments) in steps {
      let r = try run(tool, arguments, in: dir)
      #expect(r.status == 0, "\(tool) \(arguments): \(r.stderr)")
    }
    let onTraining = try run("distill", ["eval", "-m", "t.h5", "img.h5"], in: dir)
    #expect(onTraining.stderr.contains("training accuracy"), "\(onTraining.stderr)")
  }
}
