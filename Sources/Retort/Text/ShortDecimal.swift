/// A float32 as the short decimal a user would type: the shortest digits that
/// read back as the same float32, without a trailing ".0" (0.1, not
/// 0.10000000149; 3, not 3.0).
///
/// Swift's description already gives the shortest round-trip digits; only
/// the ".0" of whole numbers is dropped.
package func shortDecimal(_ v: Float) -> String {
  let s = "\(v)"
  return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
}

/// `v` as the double of the decimal a user typed (0.1, not 0.10000000149).
package func typedDecimal(_ v: Float) -> Double { Double(shortDecimal(v)) ?? Double(v) }
