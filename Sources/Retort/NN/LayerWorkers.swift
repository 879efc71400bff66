/// Runs `body` on contiguous ranges that split 0..<count, one per worker, on
/// as many workers as OpenBLAS has threads (the cores the network's matrix
/// products use) but no more than there are ranges of `minimum` items, so
/// that small layers stay on one thread. Each range is one worker's, so
/// anything a range computes does not depend on the number of threads.
func forEachRange(_ count: Int, minimum: Int, _ body: (Range<Int>) -> Void) {
  let workers = max(1, min(BLASKernel.threads, count / max(1, minimum)))
  parallelFor(workers, threads: workers) { t in
    body(count * t / workers..<count * (t + 1) / workers)
  }
}
