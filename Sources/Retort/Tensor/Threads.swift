import Dispatch
import Foundation

/// Runs `body(i)` for i in 0..<count on up to `threads` threads; returns when
/// all are done. Each `i` must write only to its own part of any shared output.
public func parallelFor(_ count: Int, threads: Int, _ body: (Int) -> Void) {
  if count <= 0 { return }
  if threads <= 1 || count == 1 {
    for i in 0..<count { body(i) }
    return
  }
  withoutActuallyEscaping(body) { body in
    let work = UnsafeSendable(body)
    DispatchQueue.concurrentPerform(iterations: count) { work.value($0) }
  }
}

/// A value handed to other threads by a caller that guarantees they do not race.
struct UnsafeSendable<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

/// The number of cores this process may use.
public var availableCores: Int { ProcessInfo.processInfo.activeProcessorCount }
