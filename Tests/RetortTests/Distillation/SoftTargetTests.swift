import Foundation
import RetortTestSupport
import Testing

@testable import Retort

@Suite("Distillation soft targets and evaluation") struct SoftTargetTests {
  func randomProbs(rows: Int, classes: Int, seed: UInt64) -> FloatTensor {
    var g = SeededGenerator(seed: seed)
    var t = FloatTensor(
      shape: [rows, classes], scalars: (0..<rows * classes).map { _ in Float(g.normal() * 3) })
    SoftTargets.softmaxInPlace(&t, temperature: 1)
    return t
  }

  @Test func dkppKeepsArgmaxAndEachRowsValues() {
    let probs = randomProbs(rows: 50, classes: 7, seed: 1)
    var permuted = probs
    SoftTargets.permuteDark(&permuted, seed: 2)
    #expect(SoftTargets.argmax(permuted) == SoftTargets.argmax(probs))
    for r in 0..<50 { #expect(permuted.row(r).sorted() == probs.row(r).sorted()) }
    #expect(permuted != probs)
    var again = probs
    SoftTargets.permuteDark(&again, seed: 2)
    #expect(again == permuted)
    // Rows 20..<50 permuted on their own (a shard) come out as in the whole run.
    var part = probs.rows(20..<50)
    SoftTargets.permuteDark(&part, seed: 2, firstRow: 20)
    #expect(part == permuted.rows(20..<50))
  }

  @Test func cwtmWeightsHaveMeanOneAndFollowConfidence() {
    // Rows with top probabilities 0.9, 0.6 and 0.3: weights 0.9/0.6, 1, 0.3/0.6.
    let probs = FloatTensor(
      shape: [3, 3], scalars: [0.9, 0.05, 0.05, 0.2, 0.6, 0.2, 0.3, 0.3, 0.3])
    let w = SoftTargets.confidenceWeights(probs)
    expectApproximatelyEqual(w, [1.5, 1, 0.5], absoluteTolerance: 1e-6)
    let many = SoftTargets.confidenceWeights(randomProbs(rows: 100, classes: 5, seed: 3))
    expectApproximatelyEqual(many.reduce(0, +) / 100, 1, absoluteTolerance: 1e-5)
  }

  @Test func distributionCheckNamesTheRow() {
    let bad = FloatTensor(shape: [2, 2], scalars: [0.5, 0.5, 0.7, 0.2])
    expectError(.data, dataset: "probs", row: 1) {
      try SoftTargets.checkDistributions(bad)
    }
  }

  @Test func reportMatchesNumpy() throws {
    var g = SeededGenerator(seed: 4)
    let (n, c) = (200, 4)
    let logits = FloatTensor(
      shape: [n, c], scalars: (0..<n * c).map { _ in Float(g.normal() * 2) })
    let labels = (0..<n).map { _ in Int64(g.index(below: c)) }
    let report = ClassificationReport(logits: logits, labels: labels, temperature: 2)
    let ref = numbers(
      try runPython(
        """
        import sys, numpy as np
        d = np.array(sys.stdin.read().split(), float)
        z = d[:\(n * c)].reshape(\(n), \(c)) / 2; y = d[\(n * c):].astype(int)
        z -= z.max(1, keepdims=True); logp = z - np.log(np.exp(z).sum(1, keepdims=True))
        p = np.exp(logp); conf = p.max(1); pred = p.argmax(1); hit = pred == y
        bins = np.minimum((conf * 15).astype(int), 14)
        ece = sum(abs(hit[bins == b].mean() - conf[bins == b].mean()) * (bins == b).mean() \
        for b in range(15) if (bins == b).any())
        print(hit.mean(), -logp[np.arange(\(n)), y].mean(), ece)
        """,
        input: rowsText(logits.scalars, columns: c) + "\n"
          + labels.map(String.init).joined(separator: " ")))
    expectApproximatelyEqual(report.accuracy, ref[0], absoluteTolerance: 1e-12)
    expectApproximatelyEqual(report.nll, ref[1], absoluteTolerance: 1e-5)
    expectApproximatelyEqual(report.ece, ref[2], absoluteTolerance: 1e-5)
  }
}
