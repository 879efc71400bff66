import Glibc
import Retort

/// The thread-local last error of the C interface.
enum CError {
  private static let key: pthread_key_t = {
    var k = pthread_key_t()
    pthread_key_create(&k) { free($0) }
    return k
  }()

  static func set(_ message: String) {
    free(pthread_getspecific(key))
    pthread_setspecific(key, strdup(message))
  }

  static var current: UnsafePointer<CChar>? {
    pthread_getspecific(key).map { UnsafePointer($0.assumingMemoryBound(to: CChar.self)) }
  }

  /// Runs `body`, turning a thrown error into its code and message.
  static func run(_ body: () throws -> Void) -> Int32 {
    set("")
    do {
      try body()
      return 0
    } catch {
      set((error as? RetortError)?.message ?? "\(error)")
      return RetortError.exitStatus(for: error)
    }
  }
}

/// A usage error unless `condition`.
func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
  if !condition { throw RetortError.usage(message()) }
}

/// A caller's buffer of `count` values as a Swift array, or an error for NULL.
func array<T>(_ p: UnsafePointer<T>?, _ count: Int64, _ name: String) throws -> [T] {
  try require(count >= 0, "\(name): negative size \(count)")
  if count == 0 { return [] }
  guard let p else { throw RetortError.usage("\(name) is NULL") }
  return Array(UnsafeBufferPointer(start: p, count: Int(count)))
}

/// A nullable caller's buffer as an optional array.
func optionalArray<T>(_ p: UnsafePointer<T>?, _ count: Int64) -> [T]? {
  guard let p, count > 0 else { return p == nil ? nil : [] }
  return Array(UnsafeBufferPointer(start: p, count: Int(count)))
}

/// Copies `values` into the caller's buffer.
func copy<T>(_ values: [T], to p: UnsafeMutablePointer<T>?, _ name: String) throws {
  if values.isEmpty { return }
  guard let p else { throw RetortError.usage("\(name) is NULL") }
  values.withUnsafeBufferPointer { p.update(from: $0.baseAddress!, count: values.count) }
}

/// The thread count for a C caller's `threads` (0: every core it may run on).
func threadCount(_ threads: Int32) -> Int { threads > 0 ? Int(threads) : availableCores }
