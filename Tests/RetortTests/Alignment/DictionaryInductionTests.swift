import Foundation
import RetortTestSupport
import Testing

@testable import Retort

/// Dictionary induction and the unsupervised criterion against numpy: the full
/// CSLS matrix, argmax per row (S2T) and per column (T2S) among the first
/// maxRank rows, neighbours ranked maxRank or beyond dropped.
@Suite("Dictionary induction") struct DictionaryInductionTests {
  static let script = """
    s = x @ y.T
    rt = np.sort(s, 1)[:, -k:].mean(1); rs = np.sort(s, 0)[-k:, :].mean(0)
    c = 2 * s - rt[:, None] - rs[None, :]
    def s2t(rank):
        return {(i, int(c[i].argmax())) for i in range(min(rank, len(x))) if c[i].argmax() < rank}
    t2s = {(int(c[:, j].argmax()), j) for j in range(min(rank, len(y))) if c[:, j].argmax() < rank}
    a = s2t(rank)
    modes = {'S2T': a, 'T2S': t2s, 'S2T&T2S': a & t2s, 'S2T|T2S': a | t2s}
    p = sorted(modes[mode])
    print(len(p), *[v for q in p for v in q])
    crit = sorted(s2t(crit_rank))
    print(np.mean([s[i, j] for i, j in crit]))
    """

  @Test(arguments: DictionaryMode.allCases) func modesAgainstNumpy(mode: DictionaryMode) throws {
    let x = randomMatrix(60, 8, seed: 61)
    let y = randomMatrix(50, 8, seed: 62)
    let options = SearchOptions(blockSize: 9, threads: 2)
    let radii = try CSLSRadii(source: x, target: y, k: 3, options: options)
    let pairs = try DictionaryInduction.induce(
      mapped: x, target: y, radii: radii, mode: mode, maxRank: 40, options: options)
    let criterion = try unsupervisedCriterion(
      mapped: x, target: y, radii: radii, rank: 30, options: options)
    let ref = try numpyNumbers(
      pyArray("x", x) + pyArray("y", y)
        + "k = 3; rank = 40; crit_rank = 30; mode = '\(mode.rawValue)'\n", Self.script)
    #expect(Double(pairs.shape[0]) == ref[0])
    #expect(pairs.scalars.map(Double.init) == Array(ref[1..<ref.count - 1]))
    expectApproximatelyEqual(criterion, ref.last!, absoluteTolerance: 1e-5)
  }

  @Test func modeNames() throws {
    #expect(try DictionaryMode(name: "S2T&T2S") == .intersection)
    #expect(try DictionaryMode(name: "S2T|T2S") == .union)
    expectError(.usage, quantity: "dictionary mode") {
      try DictionaryMode(name: "both")
    }
  }

  @Test func identicalStrings() {
    let pairs = DictionaryInduction.identical(
      source: ["the", "de", "paris", "de", "x"], target: ["paris", "la", "de", "de", "the"])
    #expect(pairs.shape == [3, 2])
    #expect(pairs.scalars == [0, 4, 1, 2, 2, 0])
  }
}

extension DictionaryMode: CustomTestStringConvertible {
  public var testDescription: String { rawValue }
}
