import Dispatch
import Synchronization

/// The one thread scheduler of the core.
///
/// `forEachConcurrently` runs `body(i, &state)` for every i in 0..<count on
/// w = min(threads, count) workers. Each worker makes its own `state` once and
/// takes the next index whenever it is free, so uneven items balance. With one
/// worker everything runs here, in index order. Each `i` must write only to its
/// own part of any shared output; then the result does not depend on which
/// worker ran which index.
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
      let work = UnsafeSendable((makeState, body))
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

/// Runs `body(i)` for i in 0..<count on up to `threads` threads
/// (`forEachConcurrently` without state); returns when all are done.
package func parallelFor(_ count: Int, threads: Int, _ body: (Int) -> Void) {
  forEachConcurrently(count, threads: threads, state: { () }) { i, _ in body(i) }
}
