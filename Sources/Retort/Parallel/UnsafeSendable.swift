/// A value handed to other threads by a caller that guarantees they do not
/// race: what it reaches is read-only there or written at disjoint places.
struct UnsafeSendable<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
