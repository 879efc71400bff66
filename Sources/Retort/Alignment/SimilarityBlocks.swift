/// How blocked similarity work (queries × all candidates) uses the cores.
public struct SearchOptions: Sendable {
  /// How the threads are spent. `.blocks` is the default: it also spreads the
  /// top-k selection over the threads, which `.blas` runs on one thread while
  /// the BLAS threads wait (measured 20k×300 CSLS radii, 2 cores: CPU time
  /// 3.5 s against 3.8 s, and lower wall time).
  public enum Parallelism: Sendable {
    /// Blocks run in parallel, one per thread, each sgemm on one BLAS thread.
    case blocks
    /// Blocks run one after another, each sgemm on all threads.
    case blas
  }

  /// Query rows per block; nil chooses about 4 Mi scalars (16 MB) of block
  /// buffer per thread, between 32 and 1024 rows.
  public var blockSize: Int?
  public var threads: Int
  public var parallelism: Parallelism

  public init(
    blockSize: Int? = nil, threads: Int = availableCores, parallelism: Parallelism = .blocks
  ) {
    self.blockSize = blockSize
    self.threads = max(1, threads)
    self.parallelism = parallelism
  }

  /// The block size used for `candidates` candidate rows.
  func rows(candidates: Int) -> Int {
    max(1, blockSize ?? min(1024, max(32, (1 << 22) / max(candidates, 1))))
  }
}

/// Splits the rows of `queries` into blocks, computes each block's inner
/// products with all rows of `candidates` into a block × N buffer (one sgemm,
/// S = Q_block · Cᵀ) and hands it to `body(worker, rows, buffer)`.
///
/// Memory is O(threads × block × N). Worker w (0..<workers) gets blocks
/// w, w + workers, …, one at a time, so per-worker state needs no lock; the
/// number of workers is `similarityWorkers(queries:candidates:options:)`.
func forEachSimilarityBlock(
  _ queries: FloatTensor, _ candidates: FloatTensor, options: SearchOptions,
  _ body: (_ worker: Int, _ rows: Range<Int>, _ block: UnsafeMutablePointer<Float>) -> Void
) {
  let n = candidates.shape[0]
  forEachProduct(
    queries, candidates, options: options, blockRows: options.rows(candidates: n),
    tileColumns: n
  ) { w, rows, _, block in body(w, rows, block) }
}

/// The number of workers `forEachSimilarityBlock` runs.
func similarityWorkers(queries: Int, candidates: Int, options: SearchOptions) -> Int {
  productWorkers(
    queries: queries, blockRows: options.rows(candidates: candidates), options: options)
}

/// The tile shape of `forEachSimilarityTile`: `rows` query rows (the block
/// size when one is set, else 512) by 1,024 candidates, 2 MB of scores
/// (measured at 50,000 × 50,000 × 300 on 2 cores, medians of three: 256–1,024
/// rows by 512–2,048 candidates 10.4–10.7 s, against 12.7–13.1 s for whole rows).
func similarityTile(options: SearchOptions) -> (rows: Int, columns: Int) {
  (options.blockSize ?? 512, 1024)
}

/// `forEachSimilarityBlock` in tiles: each block of query rows is multiplied
/// with the candidates a tile of columns at a time (one sgemm per tile, into a
/// buffer small enough to stay in cache while `body` reads it).
/// `body(worker, rows, columns, tile)` gets each tile of a block in column
/// order, rows.count × columns.count scores, row after row.
func forEachSimilarityTile(
  _ queries: FloatTensor, _ candidates: FloatTensor, options: SearchOptions,
  _ body: (
    _ worker: Int, _ rows: Range<Int>, _ columns: Range<Int>, _ tile: UnsafeMutablePointer<Float>
  ) -> Void
) {
  let tile = similarityTile(options: options)
  forEachProduct(
    queries, candidates, options: options, blockRows: tile.rows, tileColumns: tile.columns,
    body)
}

/// The number of workers `forEachSimilarityTile` runs.
func similarityTileWorkers(queries: Int, options: SearchOptions) -> Int {
  productWorkers(
    queries: queries, blockRows: similarityTile(options: options).rows, options: options)
}

/// The blocked product behind both: blocks of `blockRows` query rows, each
/// multiplied with `tileColumns` candidates at a time (an empty candidate set
/// gives one empty tile per block); worker w takes blocks w, w + workers, ….
private func forEachProduct(
  _ queries: FloatTensor, _ candidates: FloatTensor, options: SearchOptions, blockRows size: Int,
  tileColumns width: Int,
  _ body: (Int, Range<Int>, Range<Int>, UnsafeMutablePointer<Float>) -> Void
) {
  let (q, n, d) = (queries.shape[0], candidates.shape[0], queries.shape[1])
  let blocks = (q + size - 1) / size
  let workers = productWorkers(queries: q, blockRows: size, options: options)
  let savedThreads = BLASKernel.threads
  BLASKernel.threads = options.parallelism == .blas ? options.threads : 1
  defer { BLASKernel.threads = savedThreads }
  queries.scalars.withUnsafeBufferPointer { qp in
    candidates.scalars.withUnsafeBufferPointer { cp in
      parallelFor(workers, threads: workers) { w in
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: size * min(width, n))
        defer { buffer.deallocate() }
        for b in stride(from: w, to: blocks, by: workers) {
          let rows = b * size..<min(q, (b + 1) * size)
          for c in stride(from: 0, to: max(n, 1), by: max(width, 1)) {
            let columns = c..<min(n, c + width)
            sgemm(
              transposeB: true, m: rows.count, n: columns.count, k: d,
              a: qp.baseAddress! + rows.lowerBound * d, lda: d,
              b: cp.baseAddress! + columns.lowerBound * d, ldb: d, c: buffer,
              ldc: columns.count)
            body(w, rows, columns, buffer)
          }
        }
      }
    }
  }
}

/// Workers for blocks of `blockRows`: one per block up to the threads, or one
/// when the BLAS threads do the parallel work.
private func productWorkers(queries: Int, blockRows size: Int, options: SearchOptions) -> Int {
  guard options.parallelism == .blocks else { return 1 }
  return max(1, min(options.threads, (queries + size - 1) / size))
}
