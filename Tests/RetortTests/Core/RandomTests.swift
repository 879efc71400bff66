import Foundation
import RetortTestSupport
import Testing

@testable import Retort

@Suite("Seeded generator") struct RandomTests {
  /// xoshiro256** seeded by SplitMix64, computed independently in Python.
  @Test func matchesIndependentImplementation() throws {
    let script = """
      M = (1 << 64) - 1
      def splitmix(x):
          out = []
          for _ in range(4):
              x = (x + 0x9E3779B97F4A7C15) & M
              z = x
              z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
              z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
              out.append(z ^ (z >> 31))
          return out
      rotl = lambda v, k: ((v << k) | (v >> (64 - k))) & M
      s = splitmix(42)
      for _ in range(5):
          r = (rotl((s[1] * 5) & M, 7) * 9) & M
          t = (s[1] << 17) & M
          s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45)
          print(r)
      """
    let expected = try runPython(script).split(separator: "\n").map { UInt64($0)! }
    var g = SeededGenerator(seed: 42)
    #expect((0..<5).map { _ in g.next() } == expected)
  }

  @Test func shuffleAndSampleAreReproduciblePermutations() {
    var a = Array(0..<100), b = Array(0..<100)
    var g1 = SeededGenerator(seed: 9), g2 = SeededGenerator(seed: 9)
    g1.shuffle(&a)
    g2.shuffle(&b)
    #expect(a == b)
    #expect(a.sorted() == Array(0..<100))
    #expect(a != Array(0..<100))
    let s = g1.sample(10, from: 20)
    #expect(Set(s).count == 10 && s.allSatisfy { (0..<20).contains($0) })
  }

  @Test func indexIsUniform() {
    var g = SeededGenerator(seed: 1)
    var counts = [Int](repeating: 0, count: 6)
    for _ in 0..<60_000 { counts[g.index(below: 6)] += 1 }
    // Each count ~ Binomial(60000, 1/6): sd ≈ 91; allow 5 sd.
    #expect(counts.allSatisfy { abs($0 - 10_000) < 460 }, "\(counts)")
  }
}
