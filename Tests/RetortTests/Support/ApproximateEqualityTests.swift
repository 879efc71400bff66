import RetortTestSupport
import Testing

/// The closeness helper the other tests rely on.
@Suite("isApproximatelyEqual") struct ApproximateEqualityTests {
  @Test func absoluteAndRelativeTolerances() {
    #expect(1.0.isApproximatelyEqual(to: 1 + 1e-9, absoluteTolerance: 1e-8))
    #expect(!1.0.isApproximatelyEqual(to: 1 + 1e-7, absoluteTolerance: 1e-8))
    // The relative tolerance scales with the larger magnitude.
    #expect(1000.0.isApproximatelyEqual(to: 1000.5, relativeTolerance: 1e-3))
    #expect(!1000.0.isApproximatelyEqual(to: 1000.5, relativeTolerance: 1e-4))
    #expect(!1e-9.isApproximatelyEqual(to: 2e-9, relativeTolerance: 0.1))
    #expect(Float(0).isApproximatelyEqual(to: 0))
  }

  @Test func nonFiniteValues() {
    #expect(!Double.nan.isApproximatelyEqual(to: .nan, absoluteTolerance: 1))
    #expect(Double.infinity.isApproximatelyEqual(to: .infinity))
    #expect(!Double.infinity.isApproximatelyEqual(to: 1e300, relativeTolerance: 1))
  }

  @Test func firstDifferenceNamesTheIndexAndBothValues() {
    let a: [Float] = [1, 2, 3], b: [Double] = [1, 2.5, 3.5]
    #expect(
      firstDifference(a, b, absoluteTolerance: 0.1)
        == "index 1 of 3: 2.0, expected 2.5 (differs by 0.5)")
    #expect(firstDifference(a, b, absoluteTolerance: 0.6) == nil)
    #expect(firstDifference(a, b.prefix(2), absoluteTolerance: 1) == "3 values, expected 2")
  }
}
