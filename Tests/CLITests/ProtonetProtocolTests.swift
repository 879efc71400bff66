import Foundation
import RetortTestSupport
import Testing

/// `protonet train` by the paper's protocol: validation classes with early
/// stopping, rotation classes, weight decay; and what it refuses.
@Suite("protonet protocol") struct ProtonetProtocolTests {
  /// Kanji fixture images split into fit (24 classes) and val (6 classes).
  func writeKanjiSplit(in dir: URL) throws {
    _ = try python(
      """
      import h5py, numpy as np
      f = h5py.File('\(kanji.path)/train.h5'); x, y = f['x'][:], f['labels'][:]
      held = np.isin(y, np.unique(y)[-6:])
      for name, rows in [('fit.h5', ~held), ('val.h5', held)]:
          with h5py.File(name, 'w') as o: o['x'] = x[rows]; o['labels'] = y[rows]
      with h5py.File('flat.h5', 'w') as o: o['x'] = x[~held].reshape(-1, 784); o['labels'] = y[~held]
      with h5py.File('overlap.h5', 'w') as o: o['x'] = x[:40]; o['labels'] = y[:40]
      with h5py.File('small.h5', 'w') as o: o['x'] = x[held][:, ::2, ::2]; o['labels'] = y[held]
      """, in: dir)
  }

  /// Every validation point is logged, the model records training and
  /// validation classes, they are disjoint (and ×4 rotations were trained:
  /// the model says so), and the model kept is the logged best.
  @Test func validationIsLoggedAndClassesStayApart() throws {
    let dir = try temporaryDirectory()
    try writeKanjiSplit(in: dir)
    let r = try run(
      "protonet",
      [
        "train", "--arch", "784-64", "--way", "5", "--shot", "2", "--query", "3", "--episodes",
        "40", "--val", "val.h5", "--val-every", "10", "--val-episodes", "20", "--rotations", "4",
        "--weight-decay", "0.0001", "--log", "log.jsonl", "fit.h5", "-o", "m.h5",
      ], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let report = try pythonReport(
      """
      import h5py, json, numpy as np
      points = [p for p in map(json.loads, open('log.jsonl')) if 'val_loss' in p]
      f = h5py.File('m.h5'); m = f['model'].attrs
      best = min((p for p in points if p['best']), key=lambda p: p['val_loss'])
      fit = np.unique(h5py.File('fit.h5')['labels'][:]); val = np.unique(h5py.File('val.h5')['labels'][:])
      report(episodes=[p['episodes'] for p in points], best=int(best['episodes']),
             kept=int(m['best_episode']), rotations=int(m['rotations']),
             decay=float(m['weight_decay']),
             shared=len(np.intersect1d(f['train_classes'][:], f['val_classes'][:])),
             train_ok=bool(np.array_equal(f['train_classes'][:], fit)),
             val_ok=bool(np.array_equal(f['val_classes'][:], val)))
      """, in: dir)
    #expect(report.integers("episodes") == [10, 20, 30, 40])
    #expect(report.number("best") == report.number("kept"))
    #expect(report.number("rotations") == 4)
    expectApproximatelyEqual(report.number("decay"), 1e-4, relativeTolerance: 1e-6)
    #expect(report.number("shared") == 0)
    #expect(report.flag("train_ok") && report.flag("val_ok"))
    // The rotation classes of the test characters evaluate too.
    let e = try run(
      "protonet",
      [
        "eval", "-m", "m.h5", "--rotations", "4", "--way", "5", "--episodes", "20",
        kanji.appendingPathComponent("test.h5").path,
      ], in: dir)
    #expect(e.status == 0, "\(e.stderr)")
  }

  @Test func badProtocolInputs() throws {
    let dir = try temporaryDirectory()
    try writeKanjiSplit(in: dir)
    let base = ["train", "--arch", "784-16", "--way", "3", "--episodes", "2"]
    expectFailure(
      try run("protonet", base + ["--rotations", "4", "flat.h5", "-o", "a.h5"], in: dir),
      tool: "protonet", status: 65, naming: "flat.h5", "[784]", "square images")
    expectFailure(
      try run("protonet", base + ["--val", "overlap.h5", "fit.h5", "-o", "b.h5"], in: dir),
      tool: "protonet", status: 65, naming: "overlap.h5", "fit.h5", "held out")
    expectFailure(
      try run(
        "protonet", base + ["--val", "val.h5", "--patience", "0", "fit.h5", "-o", "c.h5"],
        in: dir),
      tool: "protonet", status: 64, naming: "--patience", "0")
    expectFailure(
      try run("protonet", base + ["--patience", "2", "fit.h5", "-o", "d.h5"], in: dir),
      tool: "protonet", status: 64, naming: "--patience", "--val")
    expectFailure(
      try run("protonet", base + ["--rotations", "3", "fit.h5", "-o", "e.h5"], in: dir),
      tool: "protonet", status: 64, naming: "--rotations", "1 or 4")
    expectFailure(
      try run(
        "protonet", base + ["--val", "val.h5", "--val-way", "7", "fit.h5", "-o", "f.h5"],
        in: dir),
      tool: "protonet", status: 64, naming: "--val-way", "6")
    expectFailure(
      try run("protonet", base + ["--val", "small.h5", "fit.h5", "-o", "g.h5"], in: dir),
      tool: "protonet", status: 65, naming: "small.h5", "[1, 14, 14]", "the training rows")
    expectFailure(
      try run(
        "protonet", base + ["--val", "val.h5", "--val-every", "0", "fit.h5", "-o", "h.h5"],
        in: dir),
      tool: "protonet", status: 64, naming: "--val-every", "0")
    let left = try files(in: dir)
    for name in ["a.h5", "b.h5", "c.h5", "d.h5", "e.h5", "f.h5", "g.h5", "h.h5"] {
      #expect(!left.contains(name), "\(name) was written")
    }
  }
}
