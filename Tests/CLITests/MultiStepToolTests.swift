import Foundation
import RetortTestSupport
import Testing

/// numpy's VecMap pipeline on the files: unit,center,unit normalisation, and
/// the multi-step mapping solved from the pairs the tool wrote.
private let numpyVecMap = """
  import h5py, numpy as np
  def unit(m): return m / np.linalg.norm(m, axis=1, keepdims=True)
  def chain(m): return unit(unit(unit(m)) - unit(m).mean(0))
  x = chain(h5py.File('src.h5')['embeddings'][:].astype(np.float64))
  z = chain(h5py.File('tgt.h5')['embeddings'][:].astype(np.float64))
  f = h5py.File('W.h5'); W = f['W'][:].astype(np.float64); Wt = f['W_tgt'][:].astype(np.float64)
  pairs = f['pairs'][:]

  """

@Suite("procrustes' multi-step mapping and recipes") struct MultiStepToolTests {
  /// --recipe supervised: the maps against numpy's whitening, orthogonal
  /// step, re-weighting and de-whitening on the recorded chain; csls --map
  /// maps both sides (its neighbours against numpy's CSLS); tensor map
  /// --side target against numpy.
  @Test func supervisedRecipeMapsBothSides() throws {
    let dir = try temporaryDirectory()
    try writeRotatedPair(in: dir)
    let p = try run(
      "procrustes", ["src.h5", "tgt.h5", "--dict", "train.txt", "--recipe", "supervised", "-o", "W.h5"],
      in: dir)
    #expect(p.status == 0, "\(p.stderr)")
    let c = try run(
      "csls", ["src.h5", "tgt.h5", "--map", "W.h5", "--top", "3", "-o", "nb.h5"], in: dir)
    #expect(c.status == 0, "\(c.stderr)")
    let t = try run(
      "tensor", ["map", "W.h5", "tgt.h5", "--side", "target", "-o", "tgt.mapped.h5"], in: dir)
    #expect(t.status == 0, "\(t.stderr)")
    let check = try pythonReport(
      numpyVecMap + """
        def whitening(m):
            u, s, vt = np.linalg.svd(m, full_matrices=False)
            return vt.T @ np.diag(1 / s) @ vt
        xd, zd = x[pairs[:, 0]], z[pairs[:, 1]]
        wx1, wz1 = whitening(xd), whitening(zd)
        wx2, s, wz2t = np.linalg.svd((xd @ wx1).T @ (zd @ wz1)); wz2 = wz2t.T
        xw = (x @ wx1 @ wx2) * s ** 0.5 @ (wx2.T @ np.linalg.inv(wx1) @ wx2)
        zw = (z @ wz1 @ wz2) * s ** 0.5 @ (wz2.T @ np.linalg.inv(wz1) @ wz2)
        ours_x, ours_z = x @ W.T, z @ Wt.T
        sim_error = np.abs(ours_x @ ours_z.T - xw @ zw.T).max() / np.abs(xw @ zw.T).max()
        a, b = unit(ours_x), unit(ours_z)
        s = a @ b.T
        r_src = np.sort(s, axis=1)[:, -10:].mean(1); r_tgt = np.sort(s, axis=0)[-10:, :].mean(0)
        top = np.argsort(-(2 * s - r_src[:, None] - r_tgt[None, :]), axis=1, kind='stable')[:, :3]
        nb = h5py.File('nb.h5')['neighbors'][:]
        mapped = h5py.File('tgt.mapped.h5')['embeddings'][:]
        report(sim_error=sim_error, same_neighbors=float(np.mean(nb == top)),
               map_error=float(np.abs(mapped - ours_z).max()),
               recorded=f['W'].attrs['normalization'])
        """, in: dir)
    #expect(check.number("sim_error") < 1e-4)
    #expect(check.number("same_neighbors") > 0.999)
    #expect(check.number("map_error") < 1e-5)
    #expect(check.string("recorded") == "unit,center,unit")
    let e = try run(
      "csls", ["src.h5", "tgt.h5", "--map", "W.h5", "--eval", "test.txt"], in: dir)
    #expect(e.status == 0, "\(e.stderr)")
    let report = try JSONSerialization.jsonObject(with: e.stdout) as! [String: Any]
    #expect((report["p@1"] as! Double) > 0.95, "\(report)")
  }

  /// Single options override the recipe: without whitening and re-weighting
  /// (de-whitening then changes nothing) the two maps compose to the plain
  /// orthogonal solution on the same chain.
  @Test func optionsOverrideTheRecipe() throws {
    let dir = try temporaryDirectory()
    try writeRotatedPair(in: dir)
    let shared = try run(
      "procrustes",
      [
        "src.h5", "tgt.h5", "--dict", "train.txt", "--recipe", "supervised", "--no-whiten",
        "--src-reweight", "0", "--trg-reweight", "0", "-o", "W.h5",
      ], in: dir)
    #expect(shared.status == 0, "\(shared.stderr)")
    let plain = try run(
      "procrustes",
      ["src.h5", "tgt.h5", "--dict", "train.txt", "--normalize", "unit,center,unit", "-o", "W0.h5"],
      in: dir)
    #expect(plain.status == 0, "\(plain.stderr)")
    let check = try pythonReport(
      """
      import h5py, numpy as np
      f = h5py.File('W.h5'); W0 = h5py.File('W0.h5')['W'][:]
      report(error=float(np.abs(f['W_tgt'][:].T @ f['W'][:] - W0).max()),
             whiten=int(f['W'].attrs['whiten']), plain='W_tgt' in h5py.File('W0.h5'))
      """, in: dir)
    #expect(check.number("error") < 1e-5)
    #expect(check.number("whiten") == 0)
    #expect(!check.flag("plain"))
  }
}
