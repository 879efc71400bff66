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
/// tiles of queries × candidates, memory O(tile) besides the result.
public func nearestNeighbors(
  queries: FloatTensor, candidates: FloatTensor, k: Int, options: SearchOptions = .init()
) throws -> Neighbors {
  try checkEmbeddingPair(queries, "queries", candidates, "candidates")
  try checkNeighborCount(k, "k", candidates: candidates.shape[0], "candidates")
  return topKRows(queries, candidates, k: k, options: options)
}

/// The fused search behind `nearestNeighbors` and CSLS: each tile of inner
/// products (`forEachSimilarityTile`) is optionally rewritten in place by
/// `adjust(rows, columns, tile)`, then offered to its rows' top k, kept in
/// heaps across the tiles of a block (no sort of the row).
func topKRows(
  _ queries: FloatTensor, _ candidates: FloatTensor, k: Int, options: SearchOptions,
  adjust: ((Range<Int>, Range<Int>, UnsafeMutablePointer<Float>) -> Void)? = nil
) -> Neighbors {
  let (q, n) = (queries.shape[0], candidates.shape[0])
  var scores = [Float](repeating: 0, count: q * k)
  var indices = [Int32](repeating: 0, count: q * k)
  scores.withUnsafeMutableBufferPointer { sp in
    indices.withUnsafeMutableBufferPointer { ip in
      let (sBase, iBase) = (sp.baseAddress!, ip.baseAddress!)
      forEachSimilarityTile(queries, candidates, options: options) { _, rows, columns, tile in
        adjust?(rows, columns, tile)
        for r in rows {
          let heap = TopKHeap(scores: sBase + r * k, indices: iBase + r * k, k: k)
          if columns.lowerBound == 0 { heap.reset() }
          offerRow(
            tile + (r - rows.lowerBound) * columns.count, count: columns.count, to: heap,
            firstIndex: columns.lowerBound)
          if columns.upperBound == n { heap.sortBestFirst() }
        }
      }
    }
  }
  return Neighbors(
    indices: IndexTensor(shape: [q, k], scalars: indices.map { Int64($0) }),
    scores: FloatTensor(shape: [q, k], scalars: scores))
}

/// Offers `row[j]` with index `firstIndex + j` for every j, rejecting most with
/// one comparison.
@inline(__always)
func offerRow(_ row: UnsafePointer<Float>, count: Int, to heap: TopKHeap, firstIndex: Int = 0) {
  var worst = heap.scores[0]
  for j in 0..<count where row[j] >= worst {
    if heap.offer(row[j], Int32(firstIndex + j)) { worst = heap.scores[0] }
  }
}
