import Foundation
import RetortTestSupport
import Testing

@testable import Retort

/// Three Gaussian blobs in 4-d, one per class, well separated.
func blobs(rows: Int, seed: UInt64) -> (x: FloatTensor, labels: [Int64]) {
  var g = SeededGenerator(seed: seed)
  let centres: [[Double]] = [[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 2]]
  var x = [Float](), labels = [Int64]()
  for i in 0..<rows {
    let y = i % 3
    labels.append(Int64(y))
    for j in 0..<4 { x.append(Float(centres[y][j] + g.normal() * 0.6)) }
  }
  return (FloatTensor(shape: [rows, 4], scalars: x), labels)
}

@Suite("Classifier training") struct ClassifierTrainingTests {
  func options() throws -> ClassifierTrainingOptions {
    var o = ClassifierTrainingOptions(architecture: try Architecture(parsing: "4-16-3"))
    o.epochs = 15
    o.batchSize = 16
    o.learningRate = 0.01
    return o
  }

  @Test func hardTrainingReachesAccuracyAndRepeatsExactly() throws {
    let train = blobs(rows: 300, seed: 1), test = blobs(rows: 300, seed: 2)
    var g1 = SeededGenerator(seed: 5), g2 = SeededGenerator(seed: 5)
    let a = try trainClassifier(
      try options(), data: .init(x: train.x, labels: train.labels), generator: &g1)
    let b = try trainClassifier(
      try options(), data: .init(x: train.x, labels: train.labels), generator: &g2)
    let report = ClassificationReport(logits: a.predict(test.x), labels: test.labels)
    // Bayes accuracy of these blobs is about 0.97; require 0.9.
    #expect(report.accuracy >= 0.9, "accuracy \(report.accuracy)")
    #expect(a.predict(test.x) == b.predict(test.x))
  }

  @Test func softStudentAtHighTemperatureLearnsTheTeacher() throws {
    let train = blobs(rows: 300, seed: 3), test = blobs(rows: 300, seed: 4)
    var g = SeededGenerator(seed: 6)
    var o = try options()
    o.temperature = 20
    let teacher = try trainClassifier(
      o, data: .init(x: train.x, labels: train.labels), generator: &g)
    var probs = teacher.predict(train.x)
    SoftTargets.softmaxInPlace(&probs, temperature: 20)
    o.targets = .soft
    o.epochs = 30
    let student = try trainClassifier(o, data: .init(x: train.x, probs: probs), generator: &g)
    let agree = zip(
      SoftTargets.argmax(student.predict(test.x)), SoftTargets.argmax(teacher.predict(test.x))
    )
    .filter { $0 == $1 }.count
    #expect(Double(agree) / 300 >= 0.9, "agreement \(agree)/300")
  }

  @Test func bornAgainTrainsEveryGenerationAndTheEnsembleAverages() throws {
    let train = blobs(rows: 150, seed: 7)
    var g = SeededGenerator(seed: 8)
    var o = try options()
    o.epochs = 3
    let nets = try BornAgain.train(
      o, data: .init(x: train.x, labels: train.labels), generations: 2, variant: .cwtm,
      generator: &g)
    #expect(nets.count == 3)
    let logits = BornAgain.ensembleLogits(Array(nets[1...]), x: train.x.rows(0..<5))
    var p1 = nets[1].predict(train.x.rows(0..<5)), p2 = nets[2].predict(train.x.rows(0..<5))
    SoftTargets.softmaxInPlace(&p1, temperature: 1)
    SoftTargets.softmaxInPlace(&p2, temperature: 1)
    let mean = zip(p1.scalars, p2.scalars).map { ($0 + $1) / 2 }
    expectApproximatelyEqual(logits.scalars.map { exp($0) }, mean, absoluteTolerance: 1e-6)
  }

  @Test func badTrainingSetsAreErrors() throws {
    let train = blobs(rows: 30, seed: 9)
    var g = SeededGenerator(seed: 1)
    var labels = train.labels
    labels[4] = 3
    expectError(.data, dataset: "labels", row: 4) {
      try trainClassifier(try options(), data: .init(x: train.x, labels: labels), generator: &g)
    }
    expectError(.data, quantity: "architecture") {
      try trainClassifier(
        try options(), data: .init(x: train.x.reshaped([60, 2]), labels: labels + labels),
        generator: &g)
    }
    var o = try options()
    o.targets = .soft
    expectError(.data, quantity: "targets") {
      try trainClassifier(o, data: .init(x: train.x, labels: train.labels), generator: &g)
    }
  }
}
