import Dispatch
import Synchronization

/// Runs `body(i, &state)` for every i in 0..<count on up to `threads` threads.
///
/// Each thread makes its own `state` once and takes the next index whenever it
/// is free, so uneven items balance. With one thread everything runs here, in
/// index order.
func forEachConcurrently<State>(
  _ count: Int, threads: Int, state makeState: () -> State, _ body: (Int, inout State) -> Void
) {
  let workers = max(1, min(threads, count))
  if workers == 1 {
    var state = makeState()
    for i in 0..<count { body(i, &state) }
    return
  }
  let next = Atomic<Int>(0)
  withoutActuallyEscaping(makeState) { makeState in
    withoutActuallyEscaping(body) { body in
      let work = CallerSynchronized((makeState, body))
      DispatchQueue.concurrentPerform(iterations: workers) { _ in
        var state = work.value.0()
        while true {
          let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
          if i >= count { break }
          work.value.1(i, &state)
        }
      }
    }
  }
}

/// Closures handed to worker threads; the caller guarantees that what they
/// touch is either read-only or written at disjoint places.
private struct CallerSynchronized<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
