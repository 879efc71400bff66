import Foundation
import RetortTestSupport
import Testing

@testable import Retort

/// numpy's multi-step mapping, step by step on the whole matrices as the
/// AAAI 2018 paper describes it: whitening, orthogonal mapping, re-weighting,
/// de-whitening, dimensionality reduction.
private let numpyMultiStep = """
  def whitening(m):
      u, s, vt = np.linalg.svd(m, full_matrices=False)
      return vt.T @ np.diag(1 / s) @ vt
  def multistep(x, z, pairs, whiten, ra, rb, dwa, dwb, dims):
      xd, zd = x[pairs[:, 0]], z[pairs[:, 1]]
      d = x.shape[1]
      wx1 = whitening(xd) if whiten else np.eye(d)
      wz1 = whitening(zd) if whiten else np.eye(d)
      xw, zw = x @ wx1, z @ wz1
      wx2, s, wz2t = np.linalg.svd((xd @ wx1).T @ (zd @ wz1))
      wz2 = wz2t.T
      xw, zw = xw @ wx2, zw @ wz2
      xw, zw = xw * s ** ra, zw * s ** rb
      back = {'src': wx2.T @ np.linalg.inv(wx1) @ wx2, 'trg': wz2.T @ np.linalg.inv(wz1) @ wz2}
      if dwa: xw = xw @ back[dwa]
      if dwb: zw = zw @ back[dwb]
      if dims: xw, zw = xw[:, :dims], zw[:, :dims]
      return xw, zw

  """

@Suite("Multi-step mapping") struct MultiStepMappingTests {
  /// Singular vectors are defined up to a sign shared by U's and V's column,
  /// so the comparison is of what does not depend on it: the similarities of
  /// mapped rows, X'·Z'ᵀ and X'·X'ᵀ.
  @Test(arguments: [
    (true, 0.5, 0.5, "src", "trg", 0), (true, 0.5, 0.0, "trg", "src", 4),
    (false, 1.0, 0.0, "", "", 3), (true, 0.0, 0.0, "", "", 0), (false, 0.0, 0.0, "", "", 0),
  ])
  func matchesNumpy(
    whiten: Bool, sourceReweight: Double, targetReweight: Double, sourceDewhiten: String,
    targetDewhiten: String, dims: Int
  ) throws {
    let x = randomMatrix(30, 6, seed: 61, unit: false)
    let z = randomMatrix(28, 6, seed: 62, unit: false)
    let rows: [Int64] = (0..<20).flatMap { [Int64($0), Int64(($0 * 3) % 28)] } + [3, 5, 3, 5]
    let pairs = IndexTensor(shape: [rows.count / 2, 2], scalars: rows)
    var o = MultiStepOptions()
    o.whiten = whiten
    o.sourceReweight = sourceReweight
    o.targetReweight = targetReweight
    o.sourceDewhiten = WhiteningSide(rawValue: sourceDewhiten)
    o.targetDewhiten = WhiteningSide(rawValue: targetDewhiten)
    o.dimensions = dims
    let maps = try MultiStepMapping.solve(source: x, target: z, pairs: pairs, options: o)
    let kept = dims == 0 ? 6 : dims
    #expect(maps.source.shape == [kept, 6] && maps.target.shape == [kept, 6])
    let xm = matmul(x, maps.source, transposeB: true)
    let zm = matmul(z, maps.target, transposeB: true)
    let ours = matmul(xm, zm, transposeB: true).scalars + matmul(xm, xm, transposeB: true).scalars
    let ref = try numpyNumbers(
      pyArray("x", x) + pyArray("z", z) + pyArray("pairs", pairs),
      numpyMultiStep + """
        xw, zw = multistep(x, z, pairs, \(whiten ? "True" : "False"), \(sourceReweight), \
        \(targetReweight), '\(sourceDewhiten)', '\(targetDewhiten)', \(dims))
        print(*(xw @ zw.T).ravel(), *(xw @ xw.T).ravel())
        """)
    let scale = ref.map(abs).max() ?? 1
    expectApproximatelyEqual(ours.map(Double.init), ref, absoluteTolerance: 2e-5 * scale)
  }

  /// Without further steps the two maps are the orthogonal Procrustes
  /// solution split in two: W_tgtᵀ·W_src = W.
  @Test func orthogonalOnlyIsProcrustes() throws {
    let x = randomMatrix(40, 5, seed: 63), z = randomMatrix(40, 5, seed: 64)
    let pairs = IndexTensor(shape: [40, 2], scalars: (0..<40).flatMap { [Int64($0), Int64($0)] })
    let maps = try MultiStepMapping.solve(
      source: x, target: z, pairs: pairs, options: MultiStepOptions())
    #expect(MultiStepOptions().isOrthogonalOnly)
    let w = try Procrustes.solve(source: x, target: z, pairs: pairs)
    let composed = matmul(maps.target, maps.source, transposeA: true)
    expectApproximatelyEqual(composed.scalars, w.scalars, absoluteTolerance: 1e-5)
  }

  @Test func badSettings() throws {
    let x = randomMatrix(10, 4, seed: 65), z = randomMatrix(10, 4, seed: 66)
    let few = IndexTensor(shape: [3, 2], scalars: [0, 0, 1, 1, 2, 2])
    var o = MultiStepOptions()
    o.whiten = true
    // Three pairs cannot span four dimensions: nothing to whiten with.
    expectError(.data) { _ = try MultiStepMapping.solve(source: x, target: z, pairs: few, options: o) }
    let all = IndexTensor(shape: [10, 2], scalars: (0..<10).flatMap { [Int64($0), Int64($0)] })
    o.dimensions = 5
    expectError(.usage, quantity: "dimensions") {
      _ = try MultiStepMapping.solve(source: x, target: z, pairs: all, options: o)
    }
    o.dimensions = 0
    o.sourceReweight = .nan
    expectError(.usage, quantity: "sourceReweight") {
      _ = try MultiStepMapping.solve(source: x, target: z, pairs: all, options: o)
    }
  }
}
