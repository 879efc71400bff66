import Foundation
import RetortTestSupport
import Testing

/// Writes train.h5 / test.h5: 12 + 6 classes of 20 points each in 6-d
/// (class means far apart, behind a random mixing), disjoint class ids.
func writeFewShotData(in dir: URL) throws {
  _ = try python(
    """
    import h5py, numpy as np
    rng = np.random.default_rng(2)
    mix = rng.normal(size=(6, 6))
    for name, classes in [('train.h5', range(0, 12)), ('test.h5', range(100, 106))]:
        x, y = [], []
        for c in classes:
            mean = rng.normal(0, 3, 6)
            x.append((mean + rng.normal(0, 1, (20, 6))) @ mix); y += [c] * 20
        with h5py.File(name, 'w') as f:
            f['x'] = np.vstack(x).astype(np.float32); f['labels'] = np.array(y)
    """, in: dir)
}

/// The kanji fixture shipped with the package (Scripts/data/kanji-fonts --fixture).
let kanji = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("fixtures/kanji")

@Suite("protonet") struct ProtonetToolTests {
  @Test func rawPixelsSeparateUnseenCharacters() throws {
    // 20 test characters in 20 typefaces, none of them among the training characters.
    let test = kanji.appendingPathComponent("test.h5").path
    let e = try run("protonet", ["eval", "--way", "5", "--shot", "5", "--episodes", "100", test])
    #expect(e.status == 0, "\(e.stderr)")
    let report = try JSONSerialization.jsonObject(with: e.stdout) as! [String: Any]
    // Chance is 0.2; nearest class mean on raw pixels gets about 0.8.
    #expect((report["accuracy"] as! Double) > 0.6, "\(report)")
    let classes = try pythonReport(
      """
      import h5py, numpy as np
      a, b = (h5py.File(f'\(kanji.path)/{p}.h5')['labels'][:] for p in ('train', 'test'))
      report(shared=len(np.intersect1d(a, b)), train=len(np.unique(a)), test=len(np.unique(b)))
      """, in: try temporaryDirectory())
    #expect(classes.number("shared") == 0)
    #expect(classes.number("train") == 30)
    #expect(classes.number("test") == 20)
  }

  @Test func prototypesAndClassifyMatchNumpy() throws {
    let dir = try temporaryDirectory()
    try writeFewShotData(in: dir)
    #expect(try run("protonet", ["prototypes", "test.h5", "-o", "p.h5"], in: dir).status == 0)
    let c = try run(
      "protonet", ["classify", "--prototypes", "p.h5", "test.h5", "-o", "c.h5"], in: dir)
    #expect(c.status == 0, "\(c.stderr)")
    let check = try pythonReport(
      """
      import h5py, numpy as np
      t, p, c = h5py.File('test.h5'), h5py.File('p.h5'), h5py.File('c.h5')
      x, y = t['x'][:].astype(np.float64), t['labels'][:]
      classes = np.unique(y); protos = np.stack([x[y == k].mean(0) for k in classes])
      d = ((x[:, None, :] - protos[None]) ** 2).sum(-1); z = -d - (-d).max(1, keepdims=True)
      logp = z - np.log(np.exp(z).sum(1, keepdims=True))
      report(classes=p['classes'][:], classes_numpy=classes,
             prototype_error=np.abs(p['prototypes'][:] - protos).max(),
             log_prob_error=np.abs(c['log_probs'][:] - logp).max(),
             pred=c['pred'][:], pred_numpy=classes[logp.argmax(1)], has_labels='labels' in c)
      """, in: dir)
    #expect(check.integers("classes") == check.integers("classes_numpy"))
    #expect(check.number("prototype_error") < 1e-4)
    #expect(check.number("log_prob_error") < 1e-2)
    #expect(check.integers("pred") == check.integers("pred_numpy"))
    #expect(check.flag("has_labels"))
  }

  @Test func trainedEncoderBeatsChanceAndEvalReportsInterval() throws {
    let dir = try temporaryDirectory()
    try writeFewShotData(in: dir)
    let t = try run(
      "protonet",
      [
        "train", "--arch", "6-32-8", "--way", "5", "--shot", "3", "--query", "5", "--episodes",
        "150", "--seed", "1", "train.h5", "-o", "m.h5",
      ], in: dir)
    #expect(t.status == 0, "\(t.stderr)")
    let e = try run(
      "protonet",
      [
        "eval", "-m", "m.h5", "--way", "5", "--shot", "1", "--query", "5", "--episodes", "200",
        "test.h5", "-o", "acc.h5",
      ], in: dir)
    #expect(e.status == 0, "\(e.stderr)")
    let report = try JSONSerialization.jsonObject(with: e.stdout) as! [String: Any]
    // Chance is 0.2 at 5-way; these classes are well separated.
    #expect((report["accuracy"] as! Double) > 0.6, "\(report)")
    let ci = try pythonReport(
      """
      import h5py, numpy as np
      a = h5py.File('acc.h5')['accuracies'][:].astype(np.float64)
      report(episodes=len(a), mean=a.mean(), ci95=1.96 * a.std(ddof=1) / np.sqrt(len(a)))
      """, in: dir)
    #expect(ci.number("episodes") == 200)
    expectApproximatelyEqual(
      ci.number("mean"), report["accuracy"] as! Double, absoluteTolerance: 1e-4)
    expectApproximatelyEqual(ci.number("ci95"), report["ci95"] as! Double, absoluteTolerance: 1e-4)
    let embedded = try run("protonet", ["embed", "-m", "m.h5", "test.h5"], in: dir)
    let info = try run("tensor", ["info", "-"], stdin: embedded.stdout, in: dir)
    #expect(
      info.text.contains("embeddings  float32  [120, 8]")
        && info.text.contains("labels  int64  [120]"))
  }

  @Test func badFewShotInputs() throws {
    let dir = try temporaryDirectory()
    try writeFewShotData(in: dir)
    expectFailure(
      try run("protonet", ["eval", "--way", "10", "test.h5"], in: dir),
      tool: "protonet", status: 65, naming: "test.h5", "way", "10", "6")
    expectFailure(
      try run(
        "protonet", ["eval", "--way", "5", "--shot", "10", "--query", "15", "test.h5"], in: dir),
      tool: "protonet", status: 65, naming: "test.h5", "class 100", "25")
    _ = try python(
      """
      import h5py, numpy as np
      with h5py.File('p3.h5', 'w') as f: f['prototypes'] = np.zeros((2, 3), np.float32); \
      f['classes'] = np.array([0, 1])
      """, in: dir)
    expectFailure(
      try run("protonet", ["classify", "--prototypes", "p3.h5", "test.h5", "-o", "c.h5"], in: dir),
      tool: "protonet", status: 65, naming: "p3.h5", "[2, 3]", "6")
    #expect(!(try files(in: dir)).contains("c.h5"))
  }
}
