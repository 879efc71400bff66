import RetortTestSupport
import Testing

@testable import Retort

/// OHEM selection and its loss against numpy references.
struct DetectionOHEMTests {
  /// RoIs of 30 interleaved images (ids out of order, some negative), 4 labels.
  static func rois(seed: UInt64, count: Int = 1500) -> BoxCase {
    var r = BoxRecipe(count: count, centres: 12, seed: seed)
    r.images = (0..<30).map { Int64(($0 * 7) % 30) - 10 }
    r.classes = [0, 1, 2, 3]
    r.tiedScores = seed == 2
    return r.make()
  }

  @Test(arguments: [(true, false), (true, true), (false, false)], [UInt64(1), 2])
  func selectionMatchesNumpy(nmsAndPerClass: (Bool, Bool), seed: UInt64) throws {
    let (nms, perClass) = nmsAndPerClass
    let c = Self.rois(seed: seed)
    for (perImage, iou) in [(8, Float(0.7)), (64, 0.4)] {
      let header = ["\(perImage)", nms ? "1" : "0", perClass ? "1" : "0"]
      let input = referenceInput(c, header: header, format: .xyxy, offset: 0, thresholds: [iou])
      let want = intLines(try runPython(numpyOHEM, input: input))[0]
      for threads in [1, 2] {
        let o = OHEMOptions(
          perImage: perImage, iou: iou, nms: nms, perClass: perClass, threads: threads)
        let got = try ohemSelect(
          loss: c.scores, boxes: c.boxes, image: c.image, labels: c.classes, options: o)
        #expect(got.keep == want, "per image \(perImage), iou \(iou), \(threads) threads")
        #expect(got.weight.count == c.scores.count)
        #expect(got.weight.reduce(0, +) == Float(got.keep.count))
        #expect(got.keep.allSatisfy { got.weight[$0] == 1 })
      }
    }
  }

  @Test func withoutBoxesTheHardestRowsOfEachImage() throws {
    let loss: [Float] = [0.1, 0.9, 0.5, 0.5, 2.0, 0.3, 0.5]
    let image: [Int64] = [1, 0, 1, 1, 0, 1, 1]
    let got = try ohemSelect(loss: loss, image: image, options: .init(perImage: 2))
    #expect(got.keep == [4, 1, 2, 3])
    #expect(got.weight == [0, 1, 1, 1, 1, 0, 0])
    let oneImage = try ohemSelect(loss: loss, options: .init(perImage: 3))
    #expect(oneImage.keep == [4, 1, 2])
  }

  @Test func emptyInputSelectsNothing() throws {
    let got = try ohemSelect(
      loss: [], boxes: FloatTensor(shape: [0, 4], scalars: []), image: [], labels: [])
    #expect(got == OHEMSelection(keep: [], weight: []))
  }

  @Test func lossIsCrossEntropyPlusBoxLoss() throws {
    var rng = SeededGenerator(seed: 3)
    let n = 50
    let classes = 7
    let logits = FloatTensor(
      shape: [n, classes], scalars: (0..<n * classes).map { _ in Float(4 * rng.normal()) })
    let labels = (0..<n).map { _ in Int64(rng.index(below: classes)) }
    let box = (0..<n).map { _ in Float(rng.uniform()) }
    let script = """
      import sys, numpy as np
      L = sys.stdin.read().split('\\n')
      z = np.array(L[0].split(), dtype=np.uint32).view(np.float32).astype(np.float64)
      z = z.reshape(-1, \(classes))
      y = np.array(L[1].split(), dtype=np.int64)
      b = np.array(L[2].split(), dtype=np.uint32).view(np.float32).astype(np.float64)
      m = z.max(axis=1, keepdims=True)
      logp = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
      print(' '.join(repr(v) for v in (-logp[np.arange(len(y)), y] + b).tolist()))
      """
    let input = [bitsText(logits.scalars), intsText(labels), bitsText(box)].joined(separator: "\n")
    let want = numbers(try runPython(script, input: input))
    let got = try ohemLoss(logits: logits, labels: labels, bboxLoss: box)
    expectApproximatelyEqual(got, want, absoluteTolerance: 1e-5, relativeTolerance: 1e-5)
  }
}
