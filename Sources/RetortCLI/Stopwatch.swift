import Glibc

/// Wall-clock time since it was made, for `-v` notes.
public struct Stopwatch {
  private let start = ContinuousClock.now

  public init() {}

  public var milliseconds: Double {
    let elapsed = start.duration(to: .now).components
    return Double(elapsed.seconds) * 1e3 + Double(elapsed.attoseconds) * 1e-15
  }
}
