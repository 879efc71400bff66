import Testing

@testable import Retort

@Suite("First non-finite entry") struct FiniteCheckTests {
  /// The chunked search against a plain scan, for NaN and infinities placed
  /// at chunk edges and inside, with the largest finite value and subnormals
  /// around them.
  @Test(arguments: [Float.nan, .infinity, -.infinity, .signalingNaN])
  func findsTheFirstLikeAScan(bad: Float) {
    let n = 10_000
    for positions in [[], [0], [4095], [4096], [4097, 9000], [9999], [5000, 100]] {
      var values = [Float](repeating: 0, count: n)
      for i in 0..<n {
        let magnitude: Float = i % 2 == 0 ? .greatestFiniteMagnitude : 1e-40
        values[i] = magnitude / Float(1 + i % 7)
      }
      for p in positions { values[p] = bad }
      #expect(values.filter { !$0.isFinite }.count == Set(positions).count)
      let t = FloatTensor(shape: [100, 100], scalars: values)
      #expect(t.firstNonFinite() == values.firstIndex { !$0.isFinite }, "\(positions)")
    }
    #expect(FloatTensor(shape: [0], scalars: []).firstNonFinite() == nil)
  }
}
