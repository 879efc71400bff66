import Foundation
import Testing

/// `tensor info FILE:NAME` with statistics and groups, and `tensor import`
/// keeping what the text says (integers, one column, the first N words),
/// each against numpy.
@Suite("tensor info and import, as h5py users expect") struct TensorInspectTests {
  @Test func infoNamesOneDatasetWithStatisticsLikeNumpy() throws {
    let dir = try temporaryDirectory()
    let numpy = try pythonReport(
      """
      import h5py, numpy as np
      rng = np.random.default_rng(1)
      x = rng.normal(3, 2, (5000, 7)).astype(np.float32)
      x[17, 2] = np.nan; x[4000, 6] = np.nan
      labels = rng.integers(-3, 9, 5000)
      with h5py.File('d.h5', 'w') as f:
          f['x'], f['labels'] = x, labels
          g = f.create_group('model'); g.attrs['architecture'] = '7-16-3'
          f['model/W'] = np.ones((3, 7), np.float32)
      v = x[~np.isnan(x)].astype(np.float64)
      report(min=float(v.min()), max=float(v.max()), mean=float(v.mean()),
             lmin=int(labels.min()), lmax=int(labels.max()), lmean=float(labels.mean()))
      """, in: dir)
    let r = try run("tensor", ["info", "--json", "d.h5:x"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let info = try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any]
    let datasets = info["datasets"] as! [[String: Any]]
    #expect(datasets.map { $0["name"] as! String } == ["x"])
    let s = datasets[0]["statistics"] as! [String: Double]
    #expect(s["count"] == 35_000 && s["nan"] == 2)
    #expect(abs(s["min"]! - numpy.number("min")) <= 1e-5 * abs(numpy.number("min")))
    #expect(abs(s["max"]! - numpy.number("max")) <= 1e-5 * abs(numpy.number("max")))
    #expect(abs(s["mean"]! - numpy.number("mean")) <= 1e-5 * abs(numpy.number("mean")))
    let all = try run("tensor", ["info", "--stats", "d.h5"], in: dir)
    #expect(all.status == 0, "\(all.stderr)")
    let lmean = String(format: "%.6g", numpy.number("lmean"))
    #expect(all.text.contains("count 5000  nan 0  min -3  max 8  mean \(lmean)"), "\(all.text)")
    #expect(all.text.contains("groups:\n  model\n    architecture = 7-16-3"), "\(all.text)")
    let group = try run("tensor", ["info", "d.h5:model"], in: dir)
    #expect(group.text.contains("model/W  float32  [3, 7]") && !group.text.contains("  x  "))
    expectFailure(
      try run("tensor", ["info", "d.h5:nope"], in: dir), tool: "tensor", status: 66,
      naming: "nope", "d.h5")
  }

  @Test func importKeepsIntegersOneColumnAndTheFirstWords() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      open('labels.csv', 'w').write('label\\n3\\n-1\\n16777217\\n')
      open('scores.csv', 'w').write('0.5\\n2\\n')
      open('w.vec', 'w').write('4 2\\na 1 2\\nb 3 4\\nc 5 6\\nd 7 8\\n')
      open('vocab.txt', 'w').write('the\\n\\nof\\nand\\n')
      """, in: dir)
    for (source, target) in [
      ("labels.csv", "l.h5"), ("scores.csv", "s.h5"), ("vocab.txt", "v.h5"),
    ] {
      let format = source.hasSuffix(".txt") ? ["--format", "words"] : []
      let r = try run("tensor", ["import", source, "-o", target] + format, in: dir)
      #expect(r.status == 0, "\(r.stderr)")
    }
    let cut = try run("tensor", ["import", "w.vec", "--max-words", "3", "-o", "w.h5"], in: dir)
    #expect(cut.status == 0, "\(cut.stderr)")
    let r = try pythonReport(
      """
      import h5py
      l, s, v, w = (h5py.File(n) for n in ('l.h5', 's.h5', 'v.h5', 'w.h5'))
      report(ltype=str(l['x'].dtype), lshape=list(l['x'].shape), lvalues=l['x'][:].tolist(),
             stype=str(s['x'].dtype), sshape=list(s['x'].shape),
             vocab=v['words'].asstr()[:].tolist(),
             words=w['words'].asstr()[:].tolist(), vectors=w['embeddings'][:].ravel().tolist())
      """, in: dir)
    #expect(r.string("ltype") == "int64")
    #expect(r.integers("lshape") == [3])
    #expect(r.integers("lvalues") == [3, -1, 16_777_217])
    #expect(r.string("stype") == "float32" && r.integers("sshape") == [2])
    #expect(r.strings("vocab") == ["the", "of", "and"])
    #expect(r.strings("words") == ["a", "b", "c"])
    #expect(r.numbers("vectors") == [1, 2, 3, 4, 5, 6])
    expectFailure(
      try run("tensor", ["import", "labels.csv", "--max-words", "2", "-o", "x.h5"], in: dir),
      tool: "tensor", status: 64, naming: "--max-words")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.h5").path))
  }

  /// Reports keep a natural key order and numbers of at most 6 significant digits.
  @Test func reportsAreRoundedAndInNaturalOrder() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      rng = np.random.default_rng(4)
      x = rng.normal(size=(30, 4)).astype(np.float32)
      w = np.array([f'w{i}' for i in range(30)], dtype=object)
      for n in ('a.h5', 'b.h5'):
          with h5py.File(n, 'w') as f: f['embeddings'], f['words'] = x, w
      open('d.txt', 'w').write(''.join(f'w{i} w{i}\\n' for i in range(7)))
      """, in: dir)
    let r = try run("csls", ["a.h5", "b.h5", "-k", "3", "--eval", "d.txt"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let keys = r.text.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map {
      String($0.element)
    }.filter { $0.hasPrefix("p@") }
    #expect(keys == ["p@1", "p@5", "p@10"], "\(r.text)")
    let numbers = r.text.split(whereSeparator: { ",:{} \n".contains($0) }).filter {
      Double($0) != nil
    }
    #expect(!numbers.isEmpty)
    for n in numbers {
      let digits = n.split(separator: "e")[0].filter(\.isNumber).drop { $0 == "0" }
      #expect(digits.count <= 6, "\(n) in \(r.text)")
    }
  }

  /// head, pick and take, each against the same selection made in numpy.
  @Test func headPickAndTakeMatchNumpy() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      rng = np.random.default_rng(12)
      with h5py.File('mnist.h5', 'w') as f:
          f['x_train'] = rng.normal(size=(30, 4)).astype(np.float32)
          f['labels_train'] = rng.integers(0, 10, 30)
          f['x_test'] = np.zeros((5, 4), np.float32)
      with h5py.File('d.h5', 'w') as f:
          f['boxes'] = rng.uniform(size=(12, 4)).astype(np.float32)
          f['scores'] = rng.uniform(size=12).astype(np.float32)
          f['names'] = np.array([f'b{i}' for i in range(12)], dtype=object)
          f['meta'] = np.arange(3)
      with h5py.File('k.h5', 'w') as f: f['keep'] = np.array([7, 2, 2, 11])
      with h5py.File('bad.h5', 'w') as f: f['keep'] = np.array([3, 12])
      with h5py.File('cube.h5', 'w') as f: f['x'] = np.zeros((2, 2, 2), np.float32)
      """, in: dir)
    let head = try run("tensor", ["head", "mnist.h5:labels_train", "--rows", "3:7"], in: dir)
    #expect(head.status == 0, "\(head.stderr)")
    let pick = try run(
      "tensor", ["pick", "mnist.h5:x=x_train,labels=labels_train", "-o", "train.h5"], in: dir)
    #expect(pick.status == 0, "\(pick.stderr)")
    let take = try run("tensor", ["take", "d.h5", "--index", "k.h5", "-o", "t.h5"], in: dir)
    #expect(take.status == 0, "\(take.stderr)")
    let r = try pythonReport(
      """
      import h5py, numpy as np
      m, t, d, o = (h5py.File(n) for n in ('mnist.h5', 'train.h5', 'd.h5', 't.h5'))
      k = [7, 2, 2, 11]
      report(head=m['labels_train'][3:7].tolist(),
             picked=sorted(t.keys()),
             same=bool(np.array_equal(t['x'][:], m['x_train'][:]) and np.array_equal(t['labels'][:], m['labels_train'][:])),
             taken=bool(np.array_equal(o['boxes'][:], d['boxes'][:][k]) and np.array_equal(o['scores'][:], d['scores'][:][k])
                        and o['names'].asstr()[:].tolist() == [f'b{i}' for i in k]),
             meta=o['meta'][:].tolist())
      """, in: dir)
    #expect(head.text.split(separator: "\n").map { Int($0) ?? -1 } == r.integers("head"))
    #expect(r.strings("picked") == ["labels", "x"])
    #expect(r.flag("same") && r.flag("taken"))
    #expect(r.integers("meta") == [0, 1, 2])
    expectFailure(
      try run("tensor", ["head", "cube.h5:x"], in: dir), tool: "tensor", status: 65,
      naming: "cube.h5", "x", "[2, 2, 2]")
    expectFailure(
      try run("tensor", ["pick", "mnist.h5:x_train", "mnist.h5:x_test", "-o", "no.h5"], in: dir),
      tool: "tensor", status: 65, naming: "x_test", "x_train", "30")
    expectFailure(
      try run("tensor", ["take", "d.h5", "--index", "bad.h5", "-o", "no.h5"], in: dir),
      tool: "tensor", status: 65, naming: "12", "keep", "bad.h5")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("no.h5").path))
  }

  /// split: the parts partition the rows with the sizes the fractions give,
  /// rows keep their values (checked by an id column in numpy), --by keeps
  /// each group in one part, and the seed fixes the split.
  @Test func splitPartitionsRowsAndGroups() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      with h5py.File('d.h5', 'w') as f:
          f['id'] = np.arange(103); f['x'] = np.arange(103 * 2, dtype=np.float32).reshape(103, 2)
          f['labels'] = np.arange(103) % 10; f['names'] = np.array(['a', 'b'], dtype=object)
      """, in: dir)
    for (args, tag) in [
      (["--fractions", "0.7,0.2,0.1", "--seed", "3"], "a"),
      (["--fractions", "0.7,0.2,0.1", "--seed", "3"], "b"),
      (["--fractions", "0.7,0.2,0.1", "--seed", "4"], "c"),
      (["--by", "labels", "--fractions", "0.5,0.5"], "g"),
    ] {
      let parts = args.contains("--by") ? 2 : 3
      let r = try run(
        "tensor", ["split", "d.h5"] + args + (0..<parts).flatMap { ["-o", "\(tag)\($0).h5"] },
        in: dir)
      #expect(r.status == 0, "\(r.stderr)")
    }
    let r = try pythonReport(
      """
      import h5py, numpy as np
      def ids(tag, k): return [h5py.File(f'{tag}{i}.h5')['id'][:].tolist() for i in range(k)]
      a, b, c, g = ids('a', 3), ids('b', 3), ids('c', 3), ids('g', 2)
      ok = all(np.array_equal(h5py.File(f'a{i}.h5')['x'][:], np.arange(206, dtype=np.float32).reshape(103, 2)[a[i]])
               for i in range(3))
      labels = [set((np.array(p) % 10).tolist()) for p in g]
      report(sizes=[len(p) for p in a], union=sorted(sum(a, [])) == list(range(103)), values=ok,
             same=a == b, differs=a != c, sorted=all(p == sorted(p) for p in a),
             groups=len(labels[0] & labels[1]) == 0 and sorted(sum(g, [])) == list(range(103)),
             group_counts=[len(x) for x in labels],
             names=h5py.File('a2.h5')['names'].asstr()[:].tolist())
      """, in: dir)
    #expect(r.integers("sizes") == [72, 21, 10])
    #expect(
      r.flag("union") && r.flag("values") && r.flag("same") && r.flag("differs") && r.flag("sorted")
    )
    #expect(r.flag("groups"))
    #expect(r.integers("group_counts") == [5, 5])
    #expect(r.strings("names") == ["a", "b"])
    expectFailure(
      try run(
        "tensor", ["split", "d.h5", "--fractions", "0.5,0.6", "-o", "p.h5", "-o", "q.h5"], in: dir),
      tool: "tensor", status: 64, naming: "--fractions")
  }
}
