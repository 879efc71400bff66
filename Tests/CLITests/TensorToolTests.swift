import Foundation
import Testing

@Suite("tensor tool") struct TensorToolTests {
  @Test func vecImportThroughFileAndPipe() throws {
    let dir = try temporaryDirectory()
    let vec = "4 3\nthe 1 2 3\nélan 0.5 -1e-3 2\n東京 -4 5.25 6\nthe 9 9 9\n"
    try vec.write(to: dir.appendingPathComponent("a.vec"), atomically: true, encoding: .utf8)
    let imported = try run("tensor", ["import", "a.vec", "-o", "a.h5"], in: dir)
    #expect(imported.status == 0, "\(imported.stderr)")
    // One warning line naming the count, the first duplicate and the file.
    expectWarning(imported.stderr, tool: "tensor", naming: "1", "'the'", "a.vec")
    let check = try pythonReport(
      """
      import h5py, numpy as np
      f = h5py.File('a.h5')
      report(dtype=str(f['embeddings'].dtype), shape=f['embeddings'].shape,
             words=[w.decode() for w in f['words'][:]], embeddings=f['embeddings'][:].ravel(),
             history=f.attrs['history'].split()[1:3], version=f.attrs['retort_version'])
      """, in: dir)
    #expect(check.string("dtype") == "float32")
    #expect(check.integers("shape") == [3, 3])
    #expect(check.strings("words") == ["the", "élan", "東京"])
    // Exactly the float32 values of the text (the duplicate 'the' dropped).
    #expect(check.numbers("embeddings") == [1, 2, 3, 0.5, Double(Float(-1e-3)), 2, -4, 5.25, 6])
    #expect(check.strings("history") == ["tensor", "import"])
    #expect(check.string("version") == "0.1.0")
    // Through a pipe: export the file as .vec to stdout, import it from stdin.
    let exported = try run("tensor", ["export", "a.h5", "--format", "vec", "-o", "-"], in: dir)
    #expect(exported.status == 0)
    #expect(exported.text == "3 3\nthe 1 2 3\nélan 0.5 -0.001 2\n東京 -4 5.25 6\n")
    let piped = try run(
      "tensor", ["import", "-", "--format", "vec"], stdin: exported.stdout, in: dir)
    #expect(piped.status == 0, "\(piped.stderr)")
    let info = try run("tensor", ["info", "-"], stdin: piped.stdout, in: dir)
    #expect(info.status == 0)
    #expect(info.text.contains("embeddings  float32  [3, 3]"))
    #expect(info.text.contains("words  string  [3]"))
  }

  @Test func malformedVecLinesAreNamed() throws {
    let dir = try temporaryDirectory()
    // Each case: the file, and what its message must name besides the file.
    let cases: [(String, [String])] = [
      ("2 3\na 1 2 3\nb 1 2\n", ["line 3", "'b'", "2", "3"]),
      ("2 3\na 1 2 3 4\nb 1 2 3\n", ["line 2", "'a'", "3"]),
      ("2 3\na 1 x 3\nb 1 2 3\n", ["line 2", "'a'", "1", "3"]),
      ("2 3\na 1 nan 3\nb 1 2 3\n", ["line 2", "'a'", "value 2"]),
      ("3 3\na 1 2 3\nb 1 2 3\n", ["3", "2"]),
    ]
    for (text, names) in cases {
      try text.write(to: dir.appendingPathComponent("bad.vec"), atomically: true, encoding: .utf8)
      let r = try run("tensor", ["import", "bad.vec", "-o", "out.h5"], in: dir)
      expectFailure(r, tool: "tensor", status: 65, naming: ["bad.vec"] + names)
      #expect(!(try files(in: dir)).contains("out.h5"))
    }
  }

  @Test func h5pyFilesOfEveryTypeReadRight() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      with h5py.File('py.h5', 'w') as f:
          f['f16'] = np.array([[0.5, -2], [1e3, 3]], np.float16)
          f['f64'] = np.array([1.25, -3.5], np.float64)
          f['i8'] = np.array([-7, 8], np.int8)
          f['u8'] = np.array([200, 3], np.uint8)
          f['i32'] = np.array([[1, 2, 3]], np.int32)
          f['vls'] = np.array(['ä', 'bb'], dtype=h5py.string_dtype())
          f['fixed'] = np.array([b'ab', b'c'], dtype='S3')
          f['g/nested'] = np.arange(3.0)
          f['f64'].attrs['temperature'] = 20.0
          f['f64'].attrs['note'] = 'soft'
          f.attrs['count'] = np.int64(5)
      """, in: dir)
    let r = try run("tensor", ["info", "--json", "py.h5"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let json = try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any]
    let datasets = json["datasets"] as! [[String: Any]]
    let byName = Dictionary(uniqueKeysWithValues: datasets.map { ($0["name"] as! String, $0) })
    #expect(Set(byName.keys) == ["f16", "f64", "i8", "u8", "i32", "vls", "fixed", "g/nested"])
    #expect(byName["f16"]?["type"] as? String == "float16")
    #expect(byName["i32"]?["shape"] as? [Int] == [1, 3])
    #expect((byName["f64"]?["attributes"] as? [String: Any])?["temperature"] as? Double == 20)
    #expect((byName["f64"]?["attributes"] as? [String: Any])?["note"] as? String == "soft")
    #expect((json["attributes"] as? [String: Any])?["count"] as? Int == 5)
    // Values through export: float16 converted to float32, strings decoded.
    #expect(
      try run("tensor", ["export", "py.h5:f16", "-o", "-", "--format", "csv"], in: dir).text
        == "0.5,-2\n1000,3\n")
    #expect(
      try run("tensor", ["export", "py.h5:u8", "-o", "-", "--format", "csv"], in: dir).text
        == "200\n3\n")
    #expect(
      try run("tensor", ["export", "py.h5:i8", "-o", "-", "--format", "csv"], in: dir).text
        == "-7\n8\n")
    #expect(
      try run("tensor", ["export", "py.h5:vls", "-o", "-", "--format", "csv"], in: dir).text
        == "ä\nbb\n")
    #expect(
      try run("tensor", ["export", "py.h5:fixed", "-o", "-", "--format", "csv"], in: dir).text
        == "ab\nc\n")
    #expect(
      try run("tensor", ["export", "py.h5:g/nested", "-o", "-", "--format", "csv"], in: dir).text
        == "0\n1\n2\n")
  }

  @Test func npyAndCsvRoundTrips() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import numpy as np
      np.save('f.npy', np.arange(12, dtype=np.float64).reshape(3, 4) / 4)
      np.save('fo.npy', np.asfortranarray(np.arange(6, dtype=np.int16).reshape(2, 3)))
      np.save('b.npy', np.array([[1.5, 2]], dtype='>f4'))
      open('t.csv', 'w').write('a,b,label\\n1,2,0\\n3.5,-4,1\\n')
      """, in: dir)
    for (name, dataset) in [("f.npy", "x"), ("fo.npy", "x"), ("b.npy", "x")] {
      let r = try run("tensor", ["import", name, "-o", name + ".h5"], in: dir)
      #expect(r.status == 0, "\(r.stderr)")
      let back = try run(
        "tensor", ["export", "\(name).h5:\(dataset)", "-o", "back-" + name], in: dir)
      #expect(back.status == 0, "\(back.stderr)")
    }
    let same = try pythonReport(
      """
      import numpy as np
      found = {}
      for n in ['f', 'fo', 'b']:
          a, b = np.load(n + '.npy'), np.load('back-' + n + '.npy')
          found[n] = [str(b.dtype), bool(np.array_equal(a, b)), bool(b.flags['C_CONTIGUOUS'])]
      report(**found)
      """, in: dir)
    for (name, dtype) in [("f", "float32"), ("fo", "int64"), ("b", "float32")] {
      let found = same.fields[name] as? [Any]
      #expect(found?.first as? String == dtype, "\(name).npy: \(String(describing: found))")
      #expect(
        found?.dropFirst().compactMap { $0 as? Bool } == [true, true],
        "\(name).npy equal, C-contiguous: \(String(describing: found))")
    }
    let csv = try run("tensor", ["import", "t.csv", "--label-column", "-1", "-o", "t.h5"], in: dir)
    #expect(csv.status == 0, "\(csv.stderr)")
    #expect(
      try run("tensor", ["export", "t.h5:x", "-o", "-", "--format", "tsv"], in: dir).text
        == "1\t2\n3.5\t-4\n")
    #expect(
      try run("tensor", ["export", "t.h5:labels", "-o", "-", "--format", "csv"], in: dir).text
        == "0\n1\n")
  }

  @Test func dictionaryImportReportsDroppedPairs() throws {
    let dir = try temporaryDirectory()
    try "3 2\ncat 1 0\ndog 0 1\nbird 1 1\n".write(
      to: dir.appendingPathComponent("en.vec"), atomically: true, encoding: .utf8)
    try "2 2\nchat 1 0\nchien 0 1\n".write(
      to: dir.appendingPathComponent("fr.vec"), atomically: true, encoding: .utf8)
    try "cat chat\ndog chien\nbird oiseau\ncat chat\n".write(
      to: dir.appendingPathComponent("d.txt"), atomically: true, encoding: .utf8)
    #expect(try run("tensor", ["import", "en.vec", "-o", "en.h5"], in: dir).status == 0)
    #expect(try run("tensor", ["import", "fr.vec", "-o", "fr.h5"], in: dir).status == 0)
    let r = try run(
      "tensor", ["import", "d.txt", "--source", "en.h5", "--target", "fr.h5", "-o", "p.h5"], in: dir
    )
    #expect(r.status == 0, "\(r.stderr)")
    expectWarning(r.stderr, tool: "tensor", naming: "1", "4")
    #expect(
      try run("tensor", ["export", "p.h5:pairs", "-o", "-", "--format", "csv"], in: dir).text
        == "0,0\n1,1\n")
  }

  @Test func mergeConcatenatesInOrder() throws {
    let dir = try temporaryDirectory()
    try "2 2\na 1 2\nb 3 4\n".write(
      to: dir.appendingPathComponent("1.vec"), atomically: true, encoding: .utf8)
    try "1 2\nc 5 6\n".write(
      to: dir.appendingPathComponent("2.vec"), atomically: true, encoding: .utf8)
    try "1 3\nd 5 6 7\n".write(
      to: dir.appendingPathComponent("3.vec"), atomically: true, encoding: .utf8)
    for n in ["1", "2", "3"] {
      #expect(try run("tensor", ["import", "\(n).vec", "-o", "\(n).h5"], in: dir).status == 0)
    }
    let merged = try run("tensor", ["merge", "1.h5", "2.h5", "-o", "m.h5"], in: dir)
    #expect(merged.status == 0, "\(merged.stderr)")
    #expect(
      try run("tensor", ["export", "m.h5", "-o", "-", "--format", "vec"], in: dir).text
        == "3 2\na 1 2\nb 3 4\nc 5 6\n")
    let bad = try run("tensor", ["merge", "1.h5", "3.h5", "-o", "bad.h5"], in: dir)
    expectFailure(
      bad,
      tool: "tensor", status: 65,
      naming: "'embeddings'", "[1, 3]", "3.h5", "[2, 2]", "1.h5")
    #expect(!(try files(in: dir)).contains("bad.h5"))
  }

  @Test func inputErrorsGiveOneLineAndStatus() throws {
    let dir = try temporaryDirectory()
    try "2 2\na 1 2\nb 3 4\n".write(
      to: dir.appendingPathComponent("a.vec"), atomically: true, encoding: .utf8)
    #expect(try run("tensor", ["import", "a.vec", "-o", "a.h5"], in: dir).status == 0)
    try "not hdf5".write(
      to: dir.appendingPathComponent("junk.h5"), atomically: true, encoding: .utf8)
    let whole = try Data(contentsOf: dir.appendingPathComponent("a.h5"))

    expectFailure(
      try run("tensor", ["info", "missing.h5"], in: dir),
      tool: "tensor", status: 66, naming: "missing.h5")
    expectFailure(
      try run("tensor", ["info", "junk.h5"], in: dir),
      tool: "tensor", status: 65, naming: "junk.h5")
    expectFailure(
      try run("tensor", ["info", "-"], stdin: whole.prefix(whole.count / 3), in: dir),
      tool: "tensor", status: 65, naming: "standard input")
    expectFailure(
      try run("tensor", ["info", "-"], stdin: Data(), in: dir),
      tool: "tensor", status: 65, naming: "standard input")
    expectFailure(
      try run("tensor", ["export", "a.h5:logits", "-o", "x.csv"], in: dir),
      tool: "tensor", status: 66, naming: "'logits'", "a.h5", "embeddings, words")
    expectFailure(
      try run("tensor", ["export", "a.h5:words", "-o", "x.npy"], in: dir),
      tool: "tensor", status: 65, naming: ".npy", "'words'", "a.h5")
    expectFailure(
      try run("tensor", ["import", "a.vec", "-o", "no/such/dir/out.h5"], in: dir),
      tool: "tensor", status: 73, naming: "no/such/dir/out.h5")
    try "x,y\n1,2\n3,\n".write(
      to: dir.appendingPathComponent("e.csv"), atomically: true, encoding: .utf8)
    expectFailure(
      try run("tensor", ["import", "e.csv", "-o", "e.h5"], in: dir),
      tool: "tensor", status: 65, naming: "e.csv", "line 3", "column 2")
    try "".write(to: dir.appendingPathComponent("empty.csv"), atomically: true, encoding: .utf8)
    expectFailure(
      try run("tensor", ["import", "empty.csv", "-o", "e.h5"], in: dir),
      tool: "tensor", status: 65, naming: "empty.csv")
    let left = try files(in: dir)
    #expect(left == ["a.h5", "a.vec", "e.csv", "empty.csv", "junk.h5"], "leftovers: \(left)")
  }

  @Test func unwritableOutputLeavesNothing() throws {
    let dir = try temporaryDirectory()
    try "1 2\na 1 2\n".write(
      to: dir.appendingPathComponent("a.vec"), atomically: true, encoding: .utf8)
    let locked = dir.appendingPathComponent("locked")
    try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
    try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: locked.path)
    defer {
      try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: locked.path)
    }
    let r = try run("tensor", ["import", "a.vec", "-o", "locked/out.h5"], in: dir)
    if getuid() == 0 {
      // root writes anywhere; a directory as the output still cannot be created.
      expectFailure(
        try run("tensor", ["import", "a.vec", "-o", "locked"], in: dir),
        tool: "tensor", status: 73, naming: "locked")
    } else {
      expectFailure(r, tool: "tensor", status: 73, naming: "locked/out.h5")
      #expect(try files(in: locked).isEmpty)
    }
  }

  /// `--version` is the version alone (naming the kernel would load
  /// OpenBLAS); `tensor info -v` names the kernel.
  @Test func infoNamesTheBLASCore() throws {
    let version = try run("tensor", ["--version"])
    #expect(version.status == 0)
    #expect(version.text == "0.1.0\n")
    let dir = try temporaryDirectory()
    try "1 2\na 1 2\n".write(
      to: dir.appendingPathComponent("m.vec"), atomically: true, encoding: .utf8)
    #expect(try run("tensor", ["import", "m.vec", "-o", "m.h5"], in: dir).status == 0)
    let r = try run("tensor", ["info", "-v", "m.h5"], in: dir)
    #expect(r.status == 0)
    #expect(r.text.contains("blas: OpenBLAS core "), "\(r.text)")
  }
}

/// One warning line on stderr, `<tool>: warning: ...`, naming each of `names`.
func expectWarning(
  _ stderr: String, tool: String, naming names: String...,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let lines = stderr.split(separator: "\n")
  #expect(lines.count == 1, "\(stderr)", sourceLocation: sourceLocation)
  #expect(stderr.hasPrefix("\(tool): warning: "), "\(stderr)", sourceLocation: sourceLocation)
  for name in names {
    #expect(stderr.contains(name), "'\(name)' not in: \(stderr)", sourceLocation: sourceLocation)
  }
}
