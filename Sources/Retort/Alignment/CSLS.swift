/// The CSLS neighbourhood radii of both sides, from one pass over S = X·Yᵀ.
///
/// r_T(x) = (1/k) Σ_{y ∈ N_T(x)} cos(x, y), the mean of the k largest cosines
/// of source row x with all target rows; r_S(y) likewise over all source rows.
/// Rows are assumed unit length (the caller normalises; mapped rows too), so
/// inner products are cosines. Precomputed radii can be kept and passed back to
/// `cslsNeighbors` by a later run or by each shard of the queries.
public struct CSLSRadii: Equatable, Sendable {
  /// MUSE's neighbourhood size, the default k.
  public static let defaultK = 10

  /// The neighbourhood size k.
  public var k: Int
  /// r_T(x_i) for every source row i.
  public var source: [Float]
  /// r_S(y_j) for every target row j.
  public var target: [Float]

  public init(k: Int, source: [Float], target: [Float]) {
    self.k = k
    self.source = source
    self.target = target
  }

  /// Both radii with one multiply: every block of source rows against all
  /// targets updates its rows' top k (giving r_T) and every column's top k,
  /// per worker, merged at the end (giving r_S).
  public init(
    source: FloatTensor, target: FloatTensor, k: Int = defaultK, options: SearchOptions = .init()
  ) throws {
    try checkEmbeddingPair(source, "source", target, "target")
    let (ns, nt) = (source.shape[0], target.shape[0])
    try checkNeighborCount(k, "k", candidates: nt, "target")
    try checkNeighborCount(k, "k", candidates: ns, "source")
    let (rowRadii, columns) = Self.onePass(source, target, k: k, options: options)
    defer { columns.deallocate() }
    self.init(k: k, source: rowRadii, target: columns.means())
  }

  /// A shard's part of the radii: r_T of its source rows, and for every
  /// target the k largest similarities to these rows, best first (−∞ where
  /// the shard has fewer than k rows). Merging the targets' lists of all
  /// shards (keeping the k largest) and averaging gives r_S.
  public static func partial(
    source: FloatTensor, target: FloatTensor, k: Int, options: SearchOptions = .init()
  ) throws -> (sourceRadii: [Float], targetTopK: FloatTensor) {
    try checkEmbeddingPair(source, "source", target, "target")
    let nt = target.shape[0]
    try checkNeighborCount(k, "k", candidates: nt, "target")
    guard source.shape[0] > 0 else {
      return ([], FloatTensor(repeating: -.infinity, shape: [nt, k]))
    }
    let (rowRadii, columns) = onePass(source, target, k: k, options: options)
    defer { columns.deallocate() }
    return (rowRadii, FloatTensor(shape: [nt, k], scalars: columns.sortedScores()))
  }

  /// Every block of source rows against all targets, a tile of targets at a
  /// time: each row's r_T and every column's top k, merged over the workers.
  private static func onePass(
    _ source: FloatTensor, _ target: FloatTensor, k: Int, options: SearchOptions
  ) -> ([Float], TopKHeaps) {
    let (ns, nt) = (source.shape[0], target.shape[0])
    let workers = similarityTileWorkers(queries: ns, options: options)
    let columns = (0..<workers).map { _ in TopKHeaps(count: nt, k: k) }
    // Each worker's row heaps for the block it works on, kept across its tiles.
    let blockRows = similarityTile(options: options).rows
    let rowHeaps = (0..<workers).map { _ in TopKHeaps(count: blockRows, k: k) }
    var rowRadii = [Float](repeating: 0, count: ns)
    rowRadii.withUnsafeMutableBufferPointer { out in
      let outBase = out.baseAddress!
      forEachSimilarityTile(source, target, options: options) { w, rows, tileColumns, tile in
        if tileColumns.lowerBound == 0 { rowHeaps[w].reset() }
        for r in rows {
          let row = tile + (r - rows.lowerBound) * tileColumns.count
          let heap = rowHeaps[w].heap(r - rows.lowerBound)
          offerRow(row, count: tileColumns.count, to: heap, firstIndex: tileColumns.lowerBound)
          columns[w].offer(row: row, columns: tileColumns, index: Int32(r))
          if tileColumns.upperBound == nt { outBase[r] = heap.meanScore() }
        }
      }
    }
    for w in columns.dropFirst() {
      columns[0].merge(w)
      w.deallocate()
    }
    rowHeaps.forEach { $0.deallocate() }
    return (rowRadii, columns[0])
  }
}

/// The top k of each of `count` columns (or rows) of a similarity matrix, as
/// heaps in one allocation plus each heap's worst score for a quick reject.
private struct TopKHeaps {
  let scores: UnsafeMutablePointer<Float>
  let indices: UnsafeMutablePointer<Int32>
  let worst: UnsafeMutablePointer<Float>
  let count: Int
  let k: Int

  init(count: Int, k: Int) {
    (self.count, self.k) = (count, k)
    scores = .allocate(capacity: count * k)
    indices = .allocate(capacity: count * k)
    worst = .allocate(capacity: count)
    scores.initialize(repeating: -.infinity, count: count * k)
    indices.initialize(repeating: .max, count: count * k)
    worst.initialize(repeating: -.infinity, count: count)
  }

  func deallocate() {
    scores.deallocate()
    indices.deallocate()
    worst.deallocate()
  }

  func heap(_ j: Int) -> TopKHeap {
    TopKHeap(scores: scores + j * k, indices: indices + j * k, k: k)
  }

  /// Offers `row[t]` (a similarity of row `index`) to column
  /// `columns.lowerBound + t`, for every column of the range.
  @inline(__always)
  func offer(row: UnsafePointer<Float>, columns: Range<Int>, index: Int32) {
    let first = columns.lowerBound
    for j in columns where row[j - first] >= worst[j] {
      let h = heap(j)
      if h.offer(row[j - first], index) { worst[j] = h.scores[0] }
    }
  }

  /// Empties every heap.
  func reset() {
    scores.update(repeating: -.infinity, count: count * k)
    indices.update(repeating: .max, count: count * k)
    worst.update(repeating: -.infinity, count: count)
  }

  /// Offers every kept entry of `other` to this one's columns.
  func merge(_ other: TopKHeaps) {
    for j in 0..<count {
      let h = heap(j)
      for e in j * k..<(j + 1) * k { h.offer(other.scores[e], other.indices[e]) }
      worst[j] = h.scores[0]
    }
  }

  /// The mean of each column's k scores.
  func means() -> [Float] { (0..<count).map { heap($0).meanScore() } }

  /// Each column's k scores, best first, column after column.
  func sortedScores() -> [Float] {
    (0..<count).flatMap { j -> [Float] in
      heap(j).sortBestFirst()
      return Array(UnsafeBufferPointer(start: scores + j * k, count: k))
    }
  }
}

/// The `top` target rows by CSLS for each query row of `source`:
/// CSLS(x, y) = 2·cos(x, y) − r_T(x) − r_S(y), best first.
///
/// `queries` are source row indices (all rows when nil). Rows are assumed unit
/// length. A second blocked multiply, over the queries only.
public func cslsNeighbors(
  source: FloatTensor, target: FloatTensor, radii: CSLSRadii, queries: [Int]? = nil,
  top: Int = 10, options: SearchOptions = .init()
) throws -> Neighbors {
  try checkEmbeddingPair(source, "source", target, "target")
  guard radii.source.count == source.shape[0], radii.target.count == target.shape[0] else {
    throw RetortError.usage(
      "are for \(radii.source.count) source and \(radii.target.count) target "
        + "rows, but the inputs have \(source.shape[0]) and \(target.shape[0])", quantity: "radii")
  }
  try checkNeighborCount(top, "top", candidates: target.shape[0], "target")
  let rows = queries ?? Array(0..<source.shape[0])
  try requireIndices(rows, below: source.shape[0], quantity: "queries")
  return cslsSearch(
    queries: source.gather(rows), queryRadii: rows.map { radii.source[$0] },
    candidates: target, candidateRadii: radii.target, top: top, options: options)
}

/// The top candidates by 2·⟨q, c⟩ − r_q − r_c, for checked inputs. The
/// formula is symmetric, so target-to-source search swaps the roles.
func cslsSearch(
  queries: FloatTensor, queryRadii: [Float], candidates: FloatTensor, candidateRadii: [Float],
  top: Int, options: SearchOptions
) -> Neighbors {
  candidateRadii.withUnsafeBufferPointer { rc in
    topKRows(queries, candidates, k: top, options: options) { rows, columns, tile in
      let first = columns.lowerBound
      for r in rows {
        let row = tile + (r - rows.lowerBound) * columns.count
        let rq = queryRadii[r]
        for t in 0..<columns.count { row[t] = (2 * row[t] - rq) - rc[first + t] }
      }
    }
  }
}
