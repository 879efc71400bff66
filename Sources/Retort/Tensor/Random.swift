import Glibc

/// A seeded random number generator whose output never changes between
/// Swift versions or platforms: xoshiro256** seeded through SplitMix64.
///
/// Retort draws every random choice from one of these, so the same seed gives
/// the same bytes. Use its own `shuffle`, `uniform`, `normal` and `index(below:)`,
/// not the standard library's algorithms, whose use of the generator may change.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var s: (UInt64, UInt64, UInt64, UInt64)

  /// The generator for row `row` of a job seeded with `seed`: rows get
  /// independent streams, so a row's draws do not depend on which other rows
  /// the same run (or shard) handles.
  public init(seed: UInt64, row: Int) {
    self.init(
      seed: seed
        ^ (UInt64(truncatingIfNeeded: row) &* 0xD1B5_4A32_D192_ED03 &+ 0x8CB9_2BA7_2F3D_8DD7))
  }

  public init(seed: UInt64) {
    var x = seed
    func splitMix() -> UInt64 {
      x &+= 0x9E37_79B9_7F4A_7C15
      var z = x
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s = (splitMix(), splitMix(), splitMix(), splitMix())
  }

  public mutating func next() -> UInt64 {
    let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
    let t = s.1 << 17
    s.2 ^= s.0
    s.3 ^= s.1
    s.1 ^= s.2
    s.0 ^= s.3
    s.2 ^= t
    s.3 = s.3 << 45 | s.3 >> 19
    return result
  }

  /// A uniform integer in 0..<n (Lemire's nearly divisionless method).
  public mutating func index(below n: Int) -> Int {
    precondition(n > 0)
    let bound = UInt64(n)
    var m = next().multipliedFullWidth(by: bound)
    if m.low < bound {
      let threshold = (0 &- bound) % bound
      while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
    }
    return Int(m.high)
  }

  /// A uniform Double in [0, 1) with 53 random bits.
  public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

  /// A standard normal sample (Box–Muller).
  public mutating func normal() -> Double {
    let u1 = 1 - uniform()
    let u2 = uniform()
    return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
  }

  /// Shuffles `a` in place (Fisher–Yates, from the end).
  public mutating func shuffle<T>(_ a: inout [T]) {
    guard a.count > 1 else { return }
    for i in stride(from: a.count - 1, to: 0, by: -1) {
      a.swapAt(i, index(below: i + 1))
    }
  }

  /// `k` distinct indices drawn from 0..<n, in draw order.
  public mutating func sample(_ k: Int, from n: Int) -> [Int] {
    precondition(k <= n)
    var pool = Array(0..<n)
    for i in 0..<k { pool.swapAt(i, i + index(below: n - i)) }
    return Array(pool[0..<k])
  }
}
