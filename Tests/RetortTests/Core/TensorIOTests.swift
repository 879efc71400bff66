import Foundation
import RetortTestSupport
import Testing

@testable import Retort

@Suite("HDF5 tensor I/O") struct TensorIOTests {
  func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent(
      "retort-io-\(UUID().uuidString)-\(name)"
    ).path
  }

  func writeSample(to path: String) throws {
    let w = try TensorFileWriter(.path(path))
    try w.write(
      "x", FloatTensor(shape: [2, 3], scalars: [1, -2.5, 3, .leastNonzeroMagnitude, 1e30, 0]),
      attributes: ["temperature": .real(20), "note": .text("soft ü")])
    try w.write("labels", IndexTensor(shape: [2], scalars: [Int64.min, Int64.max]))
    try w.write("words", .strings(["ä", "", "日本語"]))
    try w.write("model/layer0/W", FloatTensor(shape: [1, 1], scalars: [7]))
    try w.write("empty", FloatTensor(shape: [0, 4], scalars: []))
    try w.setAttribute("sizes", .integers([3, 4]), on: "model")
    try w.stamp(tool: "test", arguments: ["a b", "c"], inheriting: ["earlier line"])
    try w.commit()
  }

  func checkSample(_ f: TensorFile) throws {
    #expect(try f.datasetNames() == ["empty", "labels", "model/layer0/W", "words", "x"])
    #expect(
      try f.readFloat("x")
        == FloatTensor(shape: [2, 3], scalars: [1, -2.5, 3, .leastNonzeroMagnitude, 1e30, 0]))
    #expect(try f.readFloat("x", rows: 1..<2).scalars == [.leastNonzeroMagnitude, 1e30, 0])
    #expect(try f.readInt("labels").scalars == [Int64.min, Int64.max])
    #expect(try f.readStrings("words") == ["ä", "", "日本語"])
    #expect(try f.readFloat("/model/layer0/W").scalars == [7])
    #expect(try f.readFloat("empty").shape == [0, 4])
    #expect(try f.attributes(of: "x") == ["temperature": .real(20), "note": .text("soft ü")])
    #expect(try f.attributes(of: "model")["sizes"] == .integers([3, 4]))
    let history = f.history()
    #expect(history.count == 2 && history[0] == "earlier line")
    #expect(history[1].hasSuffix(" test 'a b' c"))
    #expect(try f.attributes()["retort_version"] == .text(retortVersion))
  }

  @Test func roundTripThroughFile() throws {
    let path = temporaryPath("a.h5")
    try writeSample(to: path)
    try checkSample(TensorFile(path: path))
  }

  @Test func roundTripThroughFileImage() throws {
    let path = temporaryPath("b.h5")
    try writeSample(to: path)
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    try checkSample(TensorFile(image: bytes, label: "-"))
  }

  @Test func abandonedWriterLeavesNoFile() throws {
    let dir = temporaryPath("dir")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    do {
      let w = try TensorFileWriter(.path(dir + "/out.h5"))
      try w.write("x", FloatTensor(shape: [1], scalars: [1]))
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
  }

  /// Outputs committed together: when the second cannot be put in place (a
  /// directory appeared at its path), the first is removed again and no
  /// temporary file is left.
  @Test func outputsCommittedTogetherLeaveNoneWhenOneFails() throws {
    let dir = temporaryPath("parts")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let writers = try ["a.h5", "b.h5"].map { name in
      let w = try TensorFileWriter(.path(dir + "/" + name))
      try w.write("x", FloatTensor(shape: [1], scalars: [1]))
      return w
    }
    try FileManager.default.createDirectory(
      atPath: dir + "/b.h5/inside", withIntermediateDirectories: true)
    #expect(throws: RetortError.self) { try TensorFileWriter.commit(all: writers) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["b.h5"])
    let fine = try ["c.h5", "d.h5"].map { try TensorFileWriter(.path(dir + "/" + $0)) }
    try TensorFileWriter.commit(all: fine)
    let after = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    #expect(after == ["b.h5", "c.h5", "d.h5"])
  }

  /// A dataset written in row blocks reads back as the whole, compressed or
  /// not; too many rows, or finishing before the last, is an error.
  @Test(arguments: [0, 1])
  func rowBlocksReadBackAsTheWhole(level: Int) throws {
    let path = temporaryPath("blocks.h5")
    let whole = FloatTensor(shape: [300_000, 2], scalars: (0..<600_000).map { Float($0 % 977) })
    let w = try TensorFileWriter(.path(path))
    w.deflateLevel = level
    let out = try w.rowBlocks("x", shape: [300_000, 2], attributes: ["k": .integer(3)])
    for start in stride(from: 0, to: 300_000, by: 70_000) {
      try out.append(whole.rows(start..<min(300_000, start + 70_000)))
    }
    #expect(throws: RetortError.self) { try out.append(whole.rows(0..<1)) }
    try out.finish()
    let short = try w.rowBlocks("y", shape: [4, 2])
    try short.append(whole.rows(0..<3))
    #expect(throws: RetortError.self) { try short.finish() }
    try short.append(whole.rows(3..<4))
    try short.finish()
    try w.commit()
    let file = try TensorFile(path: path)
    #expect(try file.readFloat("x") == whole)
    #expect(try file.readFloat("y") == whole.rows(0..<4))
    #expect(try file.attributes(of: "x")["k"] == .integer(3))
  }

  /// Datasets over 16 MiB are copied through in blocks of rows, keeping their
  /// stored type and values (float64 and int32 here, checked with h5py).
  @Test func largeDatasetsAreCopiedInBlocks() throws {
    let source = temporaryPath("source.h5")
    let copy = temporaryPath("copy.h5")
    _ = try runPython(
      """
      import h5py, numpy as np
      rng = np.random.default_rng(8)
      with h5py.File('\(source)', 'w') as f:
          f['wide'] = rng.normal(size=(300000, 8))
          f['ids'] = rng.integers(-9, 9, size=(2200000,), dtype=np.int32)
          f['wide'].attrs['unit'] = 'm'
      """)
    let w = try TensorFileWriter(.path(copy))
    let file = try TensorFile(path: source)
    try w.copy("wide", from: file)
    try w.copy("ids", from: file, as: "renamed")
    try w.commit()
    let r = try runPythonReport(
      """
      import h5py, numpy as np
      a, b = h5py.File('\(source)'), h5py.File('\(copy)')
      report(wide=bool(np.array_equal(a['wide'][:], b['wide'][:])), wide_type=str(b['wide'].dtype),
             ids=bool(np.array_equal(a['ids'][:], b['renamed'][:])), ids_type=str(b['renamed'].dtype),
             unit=str(b['wide'].attrs['unit']))
      """)
    #expect(r.flag("wide") && r.flag("ids"))
    #expect(r.string("wide_type") == "float64" && r.string("ids_type") == "int32")
    #expect(r.string("unit") == "m")
  }

  /// Large datasets are stored contiguous and uncompressed by default, and
  /// chunked with shuffle and deflate when a level is set.
  @Test(arguments: [0, 1])
  func largeDatasetsAreCompressedOnRequestAndReadBack(level: Int) throws {
    let path = temporaryPath("big.h5")
    let n = 600_000
    let t = FloatTensor(shape: [n / 3, 3], scalars: (0..<n).map { Float($0 % 1000) })
    let w = try TensorFileWriter(.path(path))
    if level > 0 { w.deflateLevel = level }
    try w.write("x", t)
    try w.commit()
    #expect(try TensorFile(path: path).readFloat("x") == t)
    let filters = try runPythonReport(
      """
      import h5py
      d = h5py.File('\(path)')['x']
      report(compression=str(d.compression), shuffle=d.shuffle, chunked=d.chunks is not None)
      """)
    #expect(filters.string("compression") == (level > 0 ? "gzip" : "None"))
    #expect(filters.flag("shuffle") == (level > 0))
    #expect(filters.flag("chunked") == (level > 0))
  }

  @Test func missingDatasetListsThePresentOnes() throws {
    let path = temporaryPath("c.h5")
    try writeSample(to: path)
    expectError(.noInput, dataset: "logits", file: path) {
      try TensorFile(path: path).readFloat("logits")
    }
    expectError(.data, dataset: "words", file: path) {
      try TensorFile(path: path).readFloat("words")
    }
  }

  @Test func integerReadsRejectFractions() throws {
    let path = temporaryPath("d.h5")
    let w = try TensorFileWriter(.path(path))
    try w.write("whole", FloatTensor(shape: [2], scalars: [3, -1]))
    try w.write("frac", FloatTensor(shape: [2], scalars: [3, 0.5]))
    try w.commit()
    let f = try TensorFile(path: path)
    #expect(try f.readInt("whole").scalars == [3, -1])
    #expect(throws: RetortError.self) { try f.readInt("frac") }
  }
}
