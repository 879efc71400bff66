/// The best candidates of each query: row indices and their scores, [Q, k]
/// each, best first (higher score first; equal scores by lower index).
public struct Neighbors: Equatable, Sendable {
  public var indices: IndexTensor
  public var scores: FloatTensor

  public init(indices: IndexTensor, scores: FloatTensor) {
    self.indices = indices
    self.scores = scores
  }
}

/// The `k` rows of `candidates` with the largest inner product with each row
/// of `queries`: for query q, the k largest s_qj = ⟨q, c_j⟩ over all j.
///
/// For unit rows (the caller normalises) the scores are cosines. Works in
/// blocks of queries against all candidates, memory O(block × N).
public func nearestNeighbors(
  queries: FloatTensor, candidates: FloatTensor, k: Int, options: SearchOptions = .init()
) throws -> Neighbors {
  try checkEmbeddingPair(queries, "queries", candidates, "candidates")
  try checkNeighborCount(k, "k", candidates: candidates.shape[0], "candidates")
  return topKRows(queries, candidates, k: k, options: options)
}

/// The fused search behind `nearestNeighbors` and CSLS: each block of inner
/// products is optionally rewritten in place by `adjust(rows, block)`, then each
/// row's top k is selected with a heap (no sort of the row).
func topKRows(
  _ queries: FloatTensor, _ candidates: FloatTensor, k: Int, options: SearchOptions,
  adjust: ((Range<Int>, UnsafeMutablePointer<Float>) -> Void)? = nil
) -> Neighbors {
  let (q, n) = (queries.shape[0], candidates.shape[0])
  var scores = [Float](repeating: 0, count: q * k)
  var indices = [Int32](repeating: 0, count: q * k)
  scores.withUnsafeMutableBufferPointer { sp in
    indices.withUnsafeMutableBufferPointer { ip in
      let (sBase, iBase) = (sp.baseAddress!, ip.baseAddress!)
      forEachSimilarityBlock(queries, candidates, options: options) { _, rows, block in
        adjust?(rows, block)
        for r in rows {
          let heap = TopKHeap(scores: sBase + r * k, indices: iBase + r * k, k: k)
          heap.reset()
          offerRow(block + (r - rows.lowerBound) * n, count: n, to: heap)
          heap.sortBestFirst()
        }
      }
    }
  }
  return Neighbors(
    indices: IndexTensor(shape: [q, k], scalars: indices.map { Int64($0) }),
    scores: FloatTensor(shape: [q, k], scalars: scores))
}

/// Offers `row[j]` with index j for every j, rejecting most with one comparison.
@inline(__always)
func offerRow(_ row: UnsafePointer<Float>, count: Int, to heap: TopKHeap) {
  var worst = heap.scores[0]
  for j in 0..<count where row[j] >= worst {
    if heap.offer(row[j], Int32(j)) { worst = heap.scores[0] }
  }
}
