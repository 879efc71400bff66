/// The seconds from `start` to now on the continuous clock (which never
/// goes back, unlike the wall clock), for timings in reports and progress.
package func secondsElapsed(since start: ContinuousClock.Instant) -> Double {
  let elapsed = start.duration(to: .now).components
  return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
}
