/// Runs `body(worker, workers)` on w = min(count, OpenBLAS's threads) workers
/// (at least one), worker t taking items t, t + w, … of 0..<count, with
/// OpenBLAS at one thread until all are done. Each worker's matrix products
/// then stay on its core (instead of OpenBLAS's threads spinning between
/// products while the workers do their other work), and every product is
/// computed the same way whatever the number of workers: OpenBLAS's
/// multithreaded sgemm does not always give the one-thread bits.
func withBLASWorkers(_ count: Int, _ body: (_ worker: Int, _ workers: Int) -> Void) {
  let threads = BLASKernel.threads
  let workers = max(1, min(count, threads))
  BLASKernel.threads = 1
  defer { BLASKernel.threads = threads }
  parallelFor(workers, threads: workers) { t in body(t, workers) }
}

/// `withBLASWorkers` over `count` items, each worker calling `body(item, &net)`
/// with its own copy of `network` (whose layers record their inputs).
func forEachOnBLASWorkers(
  _ count: Int, network: Network, _ body: (_ item: Int, _ net: inout Network) -> Void
) {
  withBLASWorkers(count) { t, workers in
    var net = network
    for i in stride(from: t, to: count, by: workers) { body(i, &net) }
  }
}
