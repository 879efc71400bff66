#if canImport(Glibc)
  import Glibc
#endif

/// Keeps large freed buffers in the heap for the next allocation instead of
/// returning them to the system; every training loop calls it where it starts
/// (classifier training, prototypical training, adversarial alignment).
///
/// glibc maps every allocation above its threshold (32 MB at most by default)
/// afresh and unmaps it when freed, so a training loop whose activations take
/// tens of megabytes pays, every step, for the kernel to zero new pages. With
/// mapping and trimming thresholds of 1 GiB each step reuses the memory the
/// previous one freed. Results do not change, only where memory comes from.
/// A process-wide setting, made once; `mallopt` is looked up at run time
/// because Glibc's module leaves out malloc.h.
func reuseLargeAllocations() { _ = heapReuse }

/// The setting itself, run on first use.
private let heapReuse: Void = {
  #if canImport(Glibc)
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
    let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
    // M_TRIM_THRESHOLD and M_MMAP_THRESHOLD of malloc.h.
    let (trimThreshold, mmapThreshold): (Int32, Int32) = (-1, -3)
    _ = mallopt(mmapThreshold, 1 << 30)
    _ = mallopt(trimThreshold, 1 << 30)
  #endif
}()
