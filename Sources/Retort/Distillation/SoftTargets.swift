import Glibc

/// Teacher outputs turned into training targets: temperature softmax, checks
/// of given distributions, one-hot targets, and the born-again variants DKPP
/// and CWTM (Furlanello et al. 2018). Averaging an ensemble of teachers is the
/// caller's (softlabel averages the members' rows in probability space).
public enum SoftTargets {
  /// Replaces each row of logits [N, C] by softmax(z/T), in place, on up to
  /// `threads` threads (rows split into contiguous ranges).
  public static func softmaxInPlace(_ t: inout FloatTensor, temperature: Float, threads: Int = 1) {
    precondition(t.rank == 2 && temperature > 0)
    let (n, c) = (t.shape[0], t.shape[1])
    let parts = max(1, min(threads, n / 1024))
    t.scalars.withUnsafeMutableBufferPointer { p in
      guard let base = p.baseAddress else { return }
      let shared = UnsafeSendable(base)
      parallelFor(parts, threads: parts) { k in
        let rows = n * k / parts..<n * (k + 1) / parts
        let start = shared.value + rows.lowerBound * c
        softmaxRows(start, rows: rows.count, columns: c, temperature: temperature, into: start)
      }
    }
  }

  /// Checks that every row of `probs` is a distribution: entries in [0, 1]
  /// summing to 1 within `tolerance`; throws naming the first bad row
  /// (counted from `firstRow`, for blocks of a larger tensor).
  public static func checkDistributions(
    _ probs: FloatTensor, tolerance: Float = 1e-3, firstRow: Int = 0
  ) throws {
    let c = probs.rowWidth
    for r in 0..<probs.rowCount {
      var sum: Float = 0
      for j in 0..<c {
        let v = probs.scalars[r * c + j]
        guard v >= 0 && v <= 1 + tolerance else {
          throw RetortError.data(
            "has entry \(v) outside [0, 1]", dataset: "probs", row: firstRow + r)
        }
        sum += v
      }
      guard abs(sum - 1) <= tolerance else {
        throw RetortError.data("sums to \(sum), not 1", dataset: "probs", row: firstRow + r)
      }
    }
  }

  /// The index of each row's largest entry, the lowest on ties (`rowArgmax`).
  public static func argmax(_ t: FloatTensor) -> [Int] { t.rowArgmax() }

  /// One-hot rows at each row's argmax.
  public static func oneHot(_ probs: FloatTensor) -> FloatTensor {
    var out = FloatTensor(repeating: 0, shape: probs.shape)
    let c = probs.rowWidth
    for (r, j) in argmax(probs).enumerated() { out.scalars[r * c + j] = 1 }
    return out
  }

  /// DKPP: permutes each row's non-argmax probabilities among themselves;
  /// the argmax entry and each row's multiset stay. Row r (counted from
  /// `firstRow`) draws from its own stream of `seed`, so shards of a job
  /// permute exactly as one run does.
  public static func permuteDark(_ probs: inout FloatTensor, seed: UInt64, firstRow: Int = 0) {
    let c = probs.rowWidth
    let top = argmax(probs)
    for r in 0..<probs.rowCount {
      var generator = SeededGenerator(seed: seed, row: firstRow + r)
      let others = (0..<c).filter { $0 != top[r] }
      var values = others.map { probs.scalars[r * c + $0] }
      generator.shuffle(&values)
      for (k, j) in others.enumerated() { probs.scalars[r * c + j] = values[k] }
    }
  }

  /// Each row's largest probability.
  public static func maxProbabilities(_ probs: FloatTensor) -> [Float] {
    let c = probs.rowWidth
    return argmax(probs).enumerated().map { probs.scalars[$0.offset * c + $0.element] }
  }

  /// CWTM: each row's largest probability, normalised to mean 1 over the rows.
  public static func confidenceWeights(_ probs: FloatTensor) -> [Float] {
    normalizedToMeanOne(maxProbabilities(probs))
  }

  /// `values` scaled so that their mean is 1 (all ones when the mean is 0).
  public static func normalizedToMeanOne(_ values: [Float]) -> [Float] {
    let mean = values.reduce(0.0) { $0 + Double($1) } / Double(max(values.count, 1))
    return values.map { mean > 0 ? Float(Double($0) / mean) : 1 }
  }
}
