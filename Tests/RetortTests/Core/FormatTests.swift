import Foundation
import RetortTestSupport
import Testing

@testable import Retort

@Suite("Text and .npy formats") struct FormatTests {
  func nul(_ s: String) -> [UInt8] { Array(s.utf8) + [0] }

  @Test func vecWithoutHeaderAndWithCRLF() throws {
    let parsed = try WordVectors.parse(nul("a 1 2\r\nb 3 4\r\n\r\n"), label: "t")
    #expect(parsed.vectors.words == ["a", "b"])
    #expect(parsed.vectors.embeddings == FloatTensor(shape: [2, 2], scalars: [1, 2, 3, 4]))
  }

  @Test func vecParsesInParallelChunksLikeOneThread() throws {
    var g = SeededGenerator(seed: 5)
    var text = "3000 5\n"
    for i in 0..<3000 {
      text += "w\(i)" + (0..<5).map { _ in " \(Float(g.normal()))" }.joined() + "\n"
    }
    let one = try WordVectors.parse(nul(text), label: "t", threads: 1)
    let many = try WordVectors.parse(nul(text), label: "t", threads: 4)
    #expect(one.vectors == many.vectors)
    #expect(one.vectors.words.count == 3000)
  }

  @Test func vecLineNumbersAcrossChunks() throws {
    var text = "2000 2\n"
    for i in 0..<2000 { text += i == 1500 ? "bad 1\n" : "w\(i) 1 2\n" }
    expectError(.data, line: 1502, file: "t") {
      try WordVectors.parse(nul(text), label: "t", threads: 4)
    }
  }

  @Test func npyHeaderVariants() throws {
    // Version 2.0 header, int32, shape (2,).
    var header = "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }"
    header += String(repeating: " ", count: (64 - (12 + header.count + 1) % 64) % 64) + "\n"
    let n = header.utf8.count
    var bytes: [UInt8] =
      NPY.magic + [2, 0, UInt8(n & 0xff), UInt8(n >> 8), 0, 0] + Array(header.utf8)
    bytes += [0xff, 0xff, 0xff, 0xff, 5, 0, 0, 0]
    #expect(try NPY.decode(bytes, label: "t") == .int(IndexTensor(shape: [2], scalars: [-1, 5])))
    #expect(throws: RetortError.self) { try NPY.decode(Array(bytes.dropLast(2)), label: "t") }
    #expect(throws: RetortError.self) { try NPY.decode(Array("hello".utf8), label: "t") }
  }

  @Test func npyEncodeDecode() throws {
    let t = TensorValue.float(FloatTensor(shape: [2, 2], scalars: [1, 2, 3, 4]))
    #expect(try NPY.decode(NPY.encode(t), label: "t") == t)
    #expect(try NPY.encode(t).count % 64 == 16)  // 64-byte aligned header + 16 data bytes
  }

  @Test func csvHeaderDetection() throws {
    let withHeader = try DelimitedText.parse("a,b\n1,2\n", delimiter: ",", header: nil, label: "t")
    #expect(withHeader.header == ["a", "b"])
    #expect(withHeader.values.scalars == [1, 2])
    let without = try DelimitedText.parse("1,2\n3,4\n", delimiter: ",", header: nil, label: "t")
    #expect(without.header == nil && without.values.shape == [2, 2])
    expectError(.data, line: 2, file: "t") {
      try DelimitedText.parse("1,2\n3\n", delimiter: ",", header: nil, label: "t")
    }
  }

  @Test func wordPairsKeepFirstRowsAndCountDrops() throws {
    let pairs = try WordPairs.parse("a x\nb y\nc z\na x\n", label: "t")
    let (indices, dropped) = WordPairs.indices(
      of: pairs, source: ["a", "b", "a"], target: ["y", "x"])
    #expect(indices.scalars == [0, 1, 1, 0])
    #expect(dropped == 1)
    #expect(throws: RetortError.self) { try WordPairs.parse("a b c\n", label: "t") }
  }

  @Test func softmaxMatchesNumpyAtExtremes() throws {
    let logits = FloatTensor(shape: [3, 3], scalars: [1000, -1000, 0, 1, 2, 3, -5, -5, -5])
    for temperature: Float in [1, 2.5, 20] {
      let ours = logits.softmax(temperature: temperature).scalars
      let ref = numbers(
        try runPython(
          """
          import numpy as np
          z = np.array([[1000, -1000, 0], [1, 2, 3], [-5, -5, -5]], np.float64) / \(temperature)
          z -= z.max(axis=1, keepdims=True)
          p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
          print(' '.join(map(repr, p.ravel().tolist())))
          """))
      expectApproximatelyEqual(ours, ref, absoluteTolerance: 1e-6)
      let logs = logits.logSoftmax(temperature: temperature).scalars
      let kept = zip(logs, ref).filter { $0.1 > 1e-30 }
      expectApproximatelyEqual(kept.map(\.0), kept.map { log($0.1) }, absoluteTolerance: 1e-4)
    }
  }
}

@Suite("Float parsing") struct FloatParsingTests {
  /// The fast path must give strtof's (correctly rounded) result, bit for bit.
  @Test func fastPathAgreesWithStrtof() {
    var g = SeededGenerator(seed: 11)
    var samples = [
      "0", "-0", "1.", ".5", "-.25", "1e3", "2.5E-3", "123456789", "0.000000001", "16777217",
      "9999999", "0.30000001", "-0.0000001", "1234567.", "0x1p3", "inf", "-nan", ".",
    ]
    for _ in 0..<20_000 {
      let decimals = g.index(below: 11)
      let digits = String(g.index(below: 10_000_000))
      let padded = String(repeating: "0", count: max(0, decimals - digits.count + 1)) + digits
      let point = padded.count - decimals
      let text = decimals == 0 ? padded : padded.prefix(point) + "." + padded.dropFirst(point)
      samples.append((g.index(below: 2) == 0 ? "-" : "") + text)
    }
    for text in samples {
      var a = Array(text.utf8CString), b = a
      a.withUnsafeMutableBufferPointer { pa in
        b.withUnsafeMutableBufferPointer { pb in
          var endA: UnsafeMutablePointer<CChar>? = nil, endB: UnsafeMutablePointer<CChar>? = nil
          let x = parseFloat(pa.baseAddress!, &endA), y = strtof(pb.baseAddress!, &endB)
          #expect(x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN), "\(text): \(x) vs \(y)")
          #expect(
            pa.baseAddress!.distance(to: endA!) == pb.baseAddress!.distance(to: endB!), "\(text)")
        }
      }
    }
  }
}
