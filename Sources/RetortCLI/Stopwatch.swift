import Foundation

/// Wall-clock time since it was made, for `-v` notes.
public struct Stopwatch {
  private let start = DispatchTime.now()

  public init() {}

  public var milliseconds: Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
  }
}
