/// The k best (score, index) offers seen so far, kept as a min-heap over
/// caller-owned storage so that a row or a column costs no allocation.
///
/// "Best" is the order of the results: a higher score first, and for equal
/// scores the lower index first. The root is the worst kept entry, so an offer
/// that does not beat it is rejected with one comparison. A fresh heap holds k
/// sentinels (−∞, Int32.max) that any finite offer beats.
struct TopKHeap {
  let scores: UnsafeMutablePointer<Float>
  let indices: UnsafeMutablePointer<Int32>
  let k: Int

  /// Whether (s, i) ranks below (t, j).
  @inline(__always)
  static func ranksBelow(_ s: Float, _ i: Int32, _ t: Float, _ j: Int32) -> Bool {
    s < t || (s == t && i > j)
  }

  /// Fills the heap with sentinels.
  func reset() {
    scores.update(repeating: -.infinity, count: k)
    indices.update(repeating: .max, count: k)
  }

  /// Keeps (s, i) if it beats the worst kept entry; returns whether it did.
  @inline(__always) @discardableResult
  func offer(_ s: Float, _ i: Int32) -> Bool {
    guard Self.ranksBelow(scores[0], indices[0], s, i) else { return false }
    siftDown(s, i, size: k)
    return true
  }

  /// Places (s, i) at the root and sifts it down within the first `size` slots.
  @inline(__always)
  private func siftDown(_ s: Float, _ i: Int32, size: Int) {
    var p = 0
    while true {
      var c = 2 * p + 1
      if c >= size { break }
      if c + 1 < size, Self.ranksBelow(scores[c + 1], indices[c + 1], scores[c], indices[c]) {
        c += 1
      }
      guard Self.ranksBelow(scores[c], indices[c], s, i) else { break }
      scores[p] = scores[c]
      indices[p] = indices[c]
      p = c
    }
    scores[p] = s
    indices[p] = i
  }

  /// Reorders the storage best first (heap sort); the heap is spent after.
  func sortBestFirst() {
    var size = k
    while size > 1 {
      size -= 1
      let (s, i) = (scores[size], indices[size])
      scores[size] = scores[0]
      indices[size] = indices[0]
      siftDown(s, i, size: size)
    }
  }

  /// The mean of the kept scores, summed in double precision.
  func meanScore() -> Float {
    var sum: Double = 0
    for j in 0..<k { sum += Double(scores[j]) }
    return Float(sum / Double(k))
  }
}
