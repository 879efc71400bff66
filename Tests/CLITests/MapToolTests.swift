import Foundation
import Testing

/// Writes the inputs of `tensor map`: emb.h5 (50 rows of D = 6, not unit
/// length, words w0…w49), maps.h5 (W [6,6], W_tgt [6,6], rect [4,6]),
/// source-only.h5 (W only), narrow.h5 (W [5,5]), w-nan.h5, emb-nan.h5 (row
/// 7 NaN) and in.vec (the first 10 rows of emb.h5 as text).
func writeMapInputs(in dir: URL) throws {
  _ = try python(
    """
    import h5py, numpy as np
    rng = np.random.default_rng(11)
    n, d = 50, 6
    x = (rng.normal(size=(n, d)) * np.linspace(3, 0.5, d) + 0.7).astype(np.float32)
    words = np.array([f'w{i}' for i in range(n)], dtype=object).astype(h5py.string_dtype())
    with h5py.File('emb.h5', 'w') as f:
        f['embeddings'] = x; f['words'] = words
    with h5py.File('maps.h5', 'w') as f:
        f['W'] = rng.normal(size=(d, d)).astype(np.float32)
        f['W_tgt'] = rng.normal(size=(d, d)).astype(np.float32)
        f['rect'] = rng.normal(size=(4, d)).astype(np.float32)
    with h5py.File('source-only.h5', 'w') as f:
        f['W'] = np.eye(d, dtype=np.float32)
    with h5py.File('narrow.h5', 'w') as f:
        f['W'] = np.eye(5, dtype=np.float32)
    w = np.eye(d, dtype=np.float32); w[2, 3] = np.nan
    with h5py.File('w-nan.h5', 'w') as f:
        f['W'] = w
    bad = x.copy(); bad[7, 4] = np.nan
    with h5py.File('emb-nan.h5', 'w') as f:
        f['embeddings'] = bad; f['words'] = words
    with open('in.vec', 'w') as f:
        f.write(f'10 {d}\\n')
        for i in range(10):
            f.write(f'w{i} ' + ' '.join(repr(float(v)) for v in x[i]) + '\\n')
    """, in: dir)
}

/// Python that defines `expected(x, w, chain)`: the rows normalised by
/// `chain` (as --normalize names it) in double precision, then x·Wᵀ.
private let numpyMap = """
  import h5py, numpy as np
  def normalise(x, chain):
      x = x.astype(np.float64)
      for step in ([] if chain == 'none' else chain.split(',')):
          if step == 'center': x = x - x.mean(axis=0)
          else: x = x / np.linalg.norm(x, axis=1, keepdims=True)
      return x
  def expected(x, w, chain='unit'):
      return normalise(x, chain) @ w.astype(np.float64).T

  """

@Suite("tensor map") struct MapToolTests {
  @Test func hdf5OutputMatchesNumpy() throws {
    let dir = try temporaryDirectory()
    try writeMapInputs(in: dir)
    // Blocks of 7 rows: 50 rows end in a partial block.
    let runs: [(String, [String])] = [
      ("unit.h5", []), ("center.h5", ["--normalize", "center,unit"]),
      ("none.h5", ["--normalize", "none"]), ("tgt.h5", ["--side", "target"]),
    ]
    for (out, options) in runs {
      let r = try run(
        "tensor", ["map", "maps.h5", "emb.h5", "--block", "7", "-o", out] + options, in: dir)
      #expect(r.status == 0, "\(out): \(r.stderr)")
      #expect(r.stdout.isEmpty)
    }
    let check = try pythonReport(
      numpyMap + """
        x = h5py.File('emb.h5')['embeddings'][:]
        m = h5py.File('maps.h5')
        def err(name, w, chain):
            got = h5py.File(name)['embeddings'][:]
            want = expected(x, w, chain)
            return float(np.abs(got - want).max() / np.abs(want).max())
        f = h5py.File('unit.h5')
        report(unit=err('unit.h5', m['W'][:], 'unit'),
               center=err('center.h5', m['W'][:], 'center,unit'),
               none=err('none.h5', m['W'][:], 'none'),
               tgt=err('tgt.h5', m['W_tgt'][:], 'unit'),
               dtype=str(f['embeddings'].dtype), shape=f['embeddings'].shape,
               words=[w.decode() for w in f['words'][:]], datasets=sorted(f.keys()),
               history=f.attrs['history'].split('\\n')[-1].split()[1:3],
               version=f.attrs['retort_version'])
        """, in: dir)
    for key in ["unit", "center", "none", "tgt"] {
      #expect(check.number(key) < 1e-5, "\(key): \(check.number(key))")
    }
    #expect(check.string("dtype") == "float32")
    #expect(check.integers("shape") == [50, 6])
    #expect(check.strings("words") == (0..<50).map { "w\($0)" })
    #expect(check.strings("datasets") == ["embeddings", "words"])
    #expect(check.strings("history") == ["tensor", "map"])
    #expect(check.string("version") == "0.1.0")
    // The block size does not change the result, and HDF5 goes through a pipe.
    let whole = try run("tensor", ["map", "maps.h5", "emb.h5", "-o", "-"], in: dir)
    #expect(whole.status == 0, "\(whole.stderr)")
    let info = try run(
      "tensor", ["export", ":embeddings", "--format", "csv", "-o", "-"], stdin: whole.stdout)
    let blocked = try run(
      "tensor", ["export", "unit.h5:embeddings", "--format", "csv", "-o", "-"],
      in: dir)
    #expect(info.status == 0, "\(info.stderr)")
    #expect(info.text == blocked.text)
  }

  @Test func vecOutputMatchesNumpy() throws {
    let dir = try temporaryDirectory()
    try writeMapInputs(in: dir)
    let h5 = try run(
      "tensor", ["map", "maps.h5", "emb.h5", "--block", "3", "-o", "out.vec"], in: dir)
    #expect(h5.status == 0, "\(h5.stderr)")
    let txt = try run("tensor", ["map", "maps.h5", "emb.h5", "-o", "out.txt"], in: dir)
    #expect(txt.status == 0, "\(txt.stderr)")
    let piped = try run(
      "tensor", ["map", "maps.h5", "emb.h5", "--format", "vec", "-o", "-"],
      in: dir)
    #expect(piped.status == 0, "\(piped.stderr)")
    let fromVec = try run(
      "tensor", ["map", "maps.h5", "in.vec", "--normalize", "center,unit", "-o", "in.mapped.vec"],
      in: dir)
    #expect(fromVec.status == 0, "\(fromVec.stderr)")
    let written = try String(contentsOf: dir.appendingPathComponent("out.vec"), encoding: .utf8)
    #expect(piped.text == written)
    #expect(
      try String(contentsOf: dir.appendingPathComponent("out.txt"), encoding: .utf8)
        == written)
    let check = try pythonReport(
      numpyMap + """
        def parse(name):
            lines = open(name).read().splitlines()
            header = [int(t) for t in lines[0].split()]
            words = [l.split(' ')[0] for l in lines[1:]]
            values = np.array([[float(v) for v in l.split(' ')[1:]] for l in lines[1:]])
            return header, words, values
        x = h5py.File('emb.h5')['embeddings'][:]
        w = h5py.File('maps.h5')['W'][:]
        header, words, got = parse('out.vec')
        want = expected(x, w)
        h2, w2, got2 = parse('in.mapped.vec')
        # in.vec holds the first 10 rows as Python's repr of their float32 values.
        want2 = expected(x[:10], w, 'center,unit')
        report(header=header, words=words, err=float(np.abs(got - want).max()),
               header2=h2, words2=w2, err2=float(np.abs(got2 - want2).max()))
        """, in: dir)
    #expect(check.integers("header") == [50, 6])
    #expect(check.strings("words") == (0..<50).map { "w\($0)" })
    #expect(check.number("err") < 1e-5)
    #expect(check.integers("header2") == [10, 6])
    #expect(check.strings("words2") == (0..<10).map { "w\($0)" })
    #expect(check.number("err2") < 1e-5)
    // The values are those of the HDF5 output, formatted as `tensor export` formats .vec.
    let same = try run(
      "tensor", ["map", "maps.h5", "emb.h5", "--block", "3", "-o", "out.h5"],
      in: dir)
    #expect(same.status == 0, "\(same.stderr)")
    let exported = try run("tensor", ["export", "out.h5", "-o", "-", "--format", "vec"], in: dir)
    #expect(exported.status == 0, "\(exported.stderr)")
    #expect(exported.text == written)
  }

  @Test func rectangularMap() throws {
    let dir = try temporaryDirectory()
    try writeMapInputs(in: dir)
    let r = try run("tensor", ["map", "maps.h5:rect", "emb.h5", "-o", "rect.h5"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let v = try run("tensor", ["map", "maps.h5:rect", "emb.h5", "-o", "rect.vec"], in: dir)
    #expect(v.status == 0, "\(v.stderr)")
    let check = try pythonReport(
      numpyMap + """
        x = h5py.File('emb.h5')['embeddings'][:]
        want = expected(x, h5py.File('maps.h5')['rect'][:])
        got = h5py.File('rect.h5')['embeddings'][:]
        lines = open('rect.vec').read().splitlines()
        text = np.array([[float(t) for t in l.split(' ')[1:]] for l in lines[1:]])
        report(shape=got.shape, err=float(np.abs(got - want).max()), header=lines[0],
               text_err=float(np.abs(text - want).max()))
        """, in: dir)
    #expect(check.integers("shape") == [50, 4])
    #expect(check.number("err") < 1e-5)
    #expect(check.string("header") == "50 4")
    #expect(check.number("text_err") < 1e-5)
  }

  @Test func badInputsAreOneLineErrors() throws {
    let dir = try temporaryDirectory()
    try writeMapInputs(in: dir)
    // Each case: the arguments, the status, and what the message must name.
    let cases: [([String], Int32, [String])] = [
      (["narrow.h5", "emb.h5"], 65, ["narrow.h5", "emb.h5", "5", "6", "'W'"]),
      (["narrow.h5", "in.vec"], 65, ["narrow.h5", "in.vec", "D = 5", "D = 6"]),
      (["source-only.h5", "emb.h5", "--side", "target"], 65, ["source-only.h5", "'W_tgt'"]),
      (["maps.h5", "emb-nan.h5"], 65, ["row 7", "'embeddings'", "emb-nan.h5", "nan"]),
      (["w-nan.h5", "emb.h5"], 65, ["row 2", "'W'", "w-nan.h5"]),
      (["missing.h5", "emb.h5"], 66, ["missing.h5"]),
      (["maps.h5", "missing.vec"], 66, ["missing.vec"]),
      (["maps.h5:V", "emb.h5"], 66, ["'V'", "maps.h5"]),
      (["maps.h5", "emb.h5:vectors"], 66, ["'vectors'", "emb.h5"]),
      (["maps.h5:rect", "emb.h5", "--side", "target"], 64, ["--side", "W_tgt"]),
      (["maps.h5", "emb.h5", "--block", "0"], 64, ["--block"]),
    ]
    for (arguments, status, names) in cases {
      for out in ["out.h5", "out.vec"] {
        let r = try run("tensor", ["map"] + arguments + ["-o", out], in: dir)
        expectFailure(r, tool: "tensor", status: status, naming: names)
        #expect(!(try files(in: dir)).contains(out), "\(arguments) left \(out)")
        #expect(!(try files(in: dir)).contains { $0.hasPrefix(".out") }, "\(arguments)")
      }
    }
    // .vec output needs words.
    _ = try python(
      """
      import h5py, numpy as np
      with h5py.File('nowords.h5', 'w') as f: f['embeddings'] = np.ones((3, 6), np.float32)
      """, in: dir)
    let r = try run("tensor", ["map", "maps.h5", "nowords.h5", "-o", "out.vec"], in: dir)
    expectFailure(r, tool: "tensor", status: 65, naming: ["'words'", "nowords.h5"])
    #expect(!(try files(in: dir)).contains("out.vec"))
  }
}
