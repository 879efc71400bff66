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
    let train = ["train", "--arch", "5-4", "--way", "3", "--shot", "2", "--query", "2", "--episodes", "2", "d.h5"]
    #expect(try run("protonet", train + ["--seed", "1", "-o", "a.h5"], in: dir).status == 0)
    #expect(try run("protonet", train + ["--seed", "2", "-o", "b.h5"], in: dir).status == 0)
    #expect(try run("protonet", ["prototypes", "-m", "a.h5", "d.h5", "-o", "p.h5"], in: dir).status == 0)
    let same = try run("protonet", ["classify", "-m", "a.h5", "--prototypes", "p.h5", "d.h5", "-o", "c.h5"], in: dir)
    #expect(same.status == 0, "\(same.stderr)")
    for other in [["-m", "b.h5"], []] {
      let r = try run(
        "protonet", ["classify"] + other + ["--prototypes", "p.h5", "d.h5", "-o", "x.h5"], in: dir)
      expectFailure(r, tool: "protonet", status: 65, naming: "p.h5", "encoder")
    }
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.h5").path))
  }
}
