/// Content fingerprints that derived files record about what they were
/// derived from, so that a tool reusing one can refuse a mismatch: 64-bit
/// FNV-1a, written as 16 hex digits.
public enum Fingerprint {
  /// The fingerprint of `words` in order (each word's UTF-8 bytes and a
  /// separator).
  public static func of(words: [String]) -> String {
    var h = FNV()
    for w in words {
      h.add(w.utf8)
      h.add([0])
    }
    return h.hex
  }

  /// The fingerprint of `t`'s shape and float32 bit patterns.
  public static func of(_ t: FloatTensor) -> String {
    var rows = Rows(shape: t.shape)
    rows.add(t.scalars)
    return rows.hex
  }

  /// The fingerprint of a tensor of `shape` whose values come in order, in
  /// blocks of rows: the same as `of` on the whole.
  public struct Rows {
    private var h = FNV()

    public init(shape: [Int]) {
      for d in shape { h.add(UInt64(d)) }
    }

    /// Adds the next values.
    public mutating func add(_ scalars: [Float]) {
      for v in scalars { h.add(UInt64(v.bitPattern)) }
    }

    public var hex: String { h.hex }
  }

  fileprivate struct FNV {
    var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
      for b in bytes { state = (state ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
    }

    mutating func add(_ word: UInt64) {
      for shift in stride(from: 0, to: 64, by: 8) {
        add(CollectionOfOne(UInt8(truncatingIfNeeded: word >> UInt64(shift))))
      }
    }

    var hex: String {
      let digits = String(state, radix: 16)
      return String(repeating: "0", count: 16 - digits.count) + digits
    }
  }
}
