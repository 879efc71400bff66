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
    var h = FNV()
    for d in t.shape { h.add(UInt64(d)) }
    for v in t.scalars { h.add(UInt64(v.bitPattern)) }
    return h.hex
  }

  private struct FNV {
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
