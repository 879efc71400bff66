import Testing

@testable import Retort

/// The attack report and the small pieces that moved into the core with it.
@Suite("attack report") struct AttackReportTests {
  @Test func medianOfOddAndEvenCounts() {
    #expect(median([3, 1, 2]) == 2)
    #expect(median([4, 1, 3, 2]) == 2.5)
    #expect(median([]) == 0)
  }

  @Test func reportOfHandWorkedOutcomes() {
    // Rows 0-2 attacked; rows 0 and 2 succeed with L0 2 and 4: rate 2/3, mean L0 3.
    let norms = PerturbationNorms(l0: [2, 9, 4, 0], l2: [1, 1, 3, 0], linf: [0.5, 1, 0.5, 0])
    let report = AttackReport(
      method: "fgsm", epsilons: [0.1], attacked: [true, true, true, false],
      succeeded: [[true, false, true, false]], norms: [norms], amplitudes: [4, 1, 3, 2])
    let f = report.fields
    #expect(f["success_rate"] as? Double == 2.0 / 3)
    #expect(
      f["mean_l0"] as? Double == 3 && f["mean_l2"] as? Double == 2
        && f["mean_linf"] as? Double == 0.5)
    #expect(
      f["gradient_amplitude"] as? Double == 2.5 && f["gradient_amplitude_median"] as? Double == 2.5)
    #expect(f["attacked"] as? Int == 3 && f["examples"] as? Int == 4 && f["eps"] as? Double == 0.1)
  }

  @Test func ensembleMeanIsTheAverageOfTeachers() {
    var e = TeacherEnsemble(rows: 2, classes: 2, members: 2)
    e.add(FloatTensor(shape: [2, 2], scalars: [1, 0, 0.5, 0.5]))
    e.add(FloatTensor(shape: [1, 2], scalars: [0, 1]), atRow: 0)
    e.add(FloatTensor(shape: [1, 2], scalars: [0.25, 0.75]), atRow: 1)
    #expect(e.mean.scalars == [0.5, 0.5, 0.375, 0.625])
  }

  @Test func dropoutFollowsHiddenActivations() throws {
    let a = try Architecture(parsing: "8-4-4-2").insertingDropout(rate: 0.5)
    #expect(a.description == "dense:4,relu,dropout:0.5,dense:4,relu,dropout:0.5,dense:2")
    #expect(try Architecture(parsing: "8-2").insertingDropout(rate: 0.5).description == "dense:2")
  }

  @Test func labelColumnSplit() throws {
    let table = DelimitedText.Table(
      header: nil, values: FloatTensor(shape: [2, 3], scalars: [1, 2, 0, 3, 4, 1]))
    let (x, y) = try table.splittingLabels(column: -1)
    #expect(x.scalars == [1, 2, 3, 4] && x.shape == [2, 2] && y.scalars == [0, 1])
    #expect(throws: RetortError.self) { try table.splittingLabels(column: 3) }
    let fractional = DelimitedText.Table(
      header: nil, values: FloatTensor(shape: [1, 2], scalars: [1, 0.5]))
    #expect(throws: RetortError.self) { try fractional.splittingLabels(column: 1) }
  }
}
