import Testing

@testable import RetortCLI

/// The one estimate a long run prints where no progress bar is drawn,
/// against times worked by hand.
@Suite("run-time estimate") struct ProgressEstimateTests {
  /// 12 s for the first 100 of 1,000 items: 900 more at 0.12 s each, 108 s.
  @Test func estimateFromTheRateSoFar() {
    let line = Progress.estimateLine(
      tool: "distill", label: "train", elapsed: 12, done: 100, total: 1000)
    #expect(line == "distill: train: about 1:48 more (estimated from the first 100 of 1000)\n")
  }

  /// Hours are written h:mm:ss: 10 s for 1 of 1,000 leaves 9,990 s.
  @Test func longEstimatesInHours() {
    let line = Progress.estimateLine(
      tool: "align-adv", label: "iterations", elapsed: 10, done: 1, total: 1000)
    #expect(line == "align-adv: iterations: about 2:46:30 more (estimated from the first 1 of 1000)\n")
  }

  /// Under 30 s left (10 s for 300 of 1,000 leaves 23.3 s) nothing is printed.
  @Test func shortRemaindersStayQuiet() {
    #expect(
      Progress.estimateLine(tool: "t", label: "l", elapsed: 10, done: 300, total: 1000) == nil)
  }
}
