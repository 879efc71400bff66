import Glibc
import Retort

/// A progress bar with rate and ETA on stderr, drawn only when stderr is a
/// terminal and the tool is not quiet; at most ten redraws a second. Where
/// no bar is drawn (a batch job's log), a run that will take long says so
/// once: after 10 s, when 30 s or more remain, one line with the estimate.
public final class Progress {
  private let total: Int
  private let label: String
  private let tool: String
  private let quiet: Bool
  private let enabled: Bool
  private let start = ContinuousClock.now
  /// Seconds from `start` to the last redraw.
  private var lastDraw = -Double.infinity
  private var done = 0
  private var estimated = false

  public init(total: Int, label: String, tool: String = "", quiet: Bool = false) {
    self.total = max(total, 1)
    self.label = label
    self.tool = tool
    self.quiet = quiet
    self.enabled = !quiet && isatty(2) != 0 && environmentVariables()["TERM"] != "dumb"
  }

  /// Advances by `n` items.
  public func advance(by n: Int = 1) {
    done += n
    guard enabled else {
      if !quiet && !estimated { estimate(elapsed: secondsElapsed(since: start)) }
      return
    }
    let now = secondsElapsed(since: start)
    if now - lastDraw < 0.1 && done < total { return }
    lastDraw = now
    draw(elapsed: now)
  }

  /// Clears the bar.
  public func finish() {
    if enabled { writeToStandardError("\r\u{1B}[K") }
  }

  /// After 10 s, prints the time left once if it is 30 s or more.
  private func estimate(elapsed: Double) {
    guard elapsed >= 10 else { return }
    estimated = true
    if let line = Self.estimateLine(
      tool: tool, label: label, elapsed: elapsed, done: done, total: total)
    {
      writeToStandardError(line)
    }
  }

  /// The one-line estimate after `elapsed` seconds for `done` of `total`
  /// items, the rate so far assumed for the rest; nil under 30 s left.
  static func estimateLine(tool: String, label: String, elapsed: Double, done: Int, total: Int)
    -> String?
  {
    let left = elapsed * Double(total - done) / Double(max(done, 1))
    guard left >= 30 else { return nil }
    return "\(tool): \(label): about \(clock(left)) more (estimated from the first \(done) of "
      + "\(total))\n"
  }

  private func draw(elapsed seconds: Double) {
    let elapsed = max(seconds, 1e-9)
    let fraction = min(Double(done) / Double(total), 1)
    let rate = Double(done) / elapsed
    let eta = rate > 0 ? Double(total - done) / rate : 0
    let width = 30
    let filled = Int(fraction * Double(width))
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    let percent = cFormat("%3.0f%%", fraction * 100)
    let rateText = Self.compact(rate)
    writeToStandardError(
      "\r\(label) [\(bar)] \(percent) \(rateText)/s ETA \(Self.clock(eta))" + "\u{1B}[K")
  }

  static func compact(_ x: Double) -> String {
    x >= 1e6
      ? cFormat("%.1fM", x / 1e6)
      : x >= 1e3 ? cFormat("%.1fk", x / 1e3) : cFormat("%.1f", x)
  }

  static func clock(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 3600
      ? cFormat("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
      : cFormat("%d:%02d", s / 60, s % 60)
  }
}
