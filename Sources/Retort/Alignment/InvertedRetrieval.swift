import Glibc

/// Retrieval rules that look from the targets back at the sources, as VecMap's
/// evaluation offers them besides nearest neighbours and CSLS.
///
/// - Inverted softmax (Smith et al. 2017): P(y_j | x) = exp(β·s_xj) / Z_j with
///   Z_j = Σ_i exp(β·s_ij) over every source row i; the candidates are ranked
///   by it (scores are P).
/// - Inverted nearest neighbour (Dinu et al. 2015): the rank of x among the
///   neighbours of y_j over every source row (0: x is y_j's nearest source);
///   the candidates are ranked by it, equal ranks by higher similarity
///   (scores are the similarities).
///
/// Rows are unit length; `source` is already mapped; s = cosine. Memory is
/// O(block × N); inverted NN sorts each target's similarities once.
public enum InvertedRetrieval: Equatable, Sendable {
  case softmax(beta: Float)
  case nearestNeighbor

  /// The `top` best targets of each of the source rows `queries`.
  public func neighbors(
    source: FloatTensor, target: FloatTensor, queries: [Int], top: Int,
    options: SearchOptions = .init()
  ) throws -> Neighbors {
    try checkEmbeddingPair(source, "source", target, "target")
    try checkNeighborCount(top, "top", candidates: target.shape[0], "target")
    try requireIndices(queries, below: source.shape[0], quantity: "queries")
    switch self {
    case .softmax(let beta):
      guard beta > 0 && beta.isFinite else {
        throw RetortError.usage("must be positive, got \(beta)", quantity: "inverseTemperature")
      }
      return invertedSoftmax(source, target, queries, top, beta, options)
    case .nearestNeighbor:
      return invertedNearestNeighbor(source, target, queries, top, options)
    }
  }

  private func invertedSoftmax(
    _ x: FloatTensor, _ z: FloatTensor, _ queries: [Int], _ top: Int, _ beta: Float,
    _ options: SearchOptions
  ) -> Neighbors {
    // log Z_j for every target, by a log-sum-exp over all sources.
    let (ns, nt) = (x.shape[0], z.shape[0])
    var logZ = [Float](repeating: 0, count: nt)
    logZ.withUnsafeMutableBufferPointer { lz in
      let base = lz.baseAddress!
      forEachSimilarityBlock(z, x, options: options) { _, rows, block in
        for j in rows {
          let row = block + (j - rows.lowerBound) * ns
          var peak = -Float.infinity
          for i in 0..<ns { peak = max(peak, beta * row[i]) }
          var sum = 0.0
          for i in 0..<ns { sum += Double(exp(beta * row[i] - peak)) }
          base[j] = peak + Float(log(sum))
        }
      }
    }
    var found = topKRows(x.gather(queries), z, k: top, options: options) { rows, columns, tile in
      let first = columns.lowerBound
      for r in rows {
        let row = tile + (r - rows.lowerBound) * columns.count
        for t in 0..<columns.count { row[t] = beta * row[t] - logZ[first + t] }
      }
    }
    for i in found.scores.scalars.indices { found.scores.scalars[i] = exp(found.scores.scalars[i]) }
    return found
  }

  private func invertedNearestNeighbor(
    _ x: FloatTensor, _ z: FloatTensor, _ queries: [Int], _ top: Int, _ options: SearchOptions
  ) -> Neighbors {
    let (ns, nt, q) = (x.shape[0], z.shape[0], queries.count)
    // rank[j][l]: how many sources are more similar to target j than query l.
    var rank = [Int32](repeating: 0, count: nt * q)
    var similarity = [Float](repeating: 0, count: nt * q)
    rank.withUnsafeMutableBufferPointer { rp in
      similarity.withUnsafeMutableBufferPointer { sp in
        let (rBase, sBase) = (rp.baseAddress!, sp.baseAddress!)
        forEachSimilarityBlock(z, x, options: options) { _, rows, block in
          for j in rows {
            let row = block + (j - rows.lowerBound) * ns
            let sorted = UnsafeBufferPointer(start: row, count: ns).sorted(by: >)
            for (l, i) in queries.enumerated() {
              let s = row[i]
              rBase[j * q + l] = Int32(greaterCount(sorted, than: s))
              sBase[j * q + l] = s
            }
          }
        }
      }
    }
    var indices = [Int64](), scores = [Float]()
    for l in 0..<q {
      let order = (0..<nt).sorted { a, b in
        let (ra, rb) = (rank[a * q + l], rank[b * q + l])
        if ra != rb { return ra < rb }
        let (sa, sb) = (similarity[a * q + l], similarity[b * q + l])
        return sa != sb ? sa > sb : a < b
      }
      for j in order.prefix(top) {
        indices.append(Int64(j))
        scores.append(similarity[j * q + l])
      }
    }
    return Neighbors(
      indices: IndexTensor(shape: [q, top], scalars: indices),
      scores: FloatTensor(shape: [q, top], scalars: scores))
  }
}

/// How many values of `sorted` (descending) are greater than `s`.
private func greaterCount(_ sorted: [Float], than s: Float) -> Int {
  var (lo, hi) = (0, sorted.count)
  while lo < hi {
    let mid = (lo + hi) / 2
    if sorted[mid] > s { lo = mid + 1 } else { hi = mid }
  }
  return lo
}
