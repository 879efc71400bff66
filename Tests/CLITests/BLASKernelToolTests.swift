import Foundation
import Retort
import RetortTestSupport
import Testing

/// The tools under the kernel they re-execute on: with `OPENBLAS_CORETYPE` set
/// as `BLASKernel.replacementCore` would set it, `tensor info -v` names a
/// kernel at least as good, and a dense layer's product (sgemm) matches numpy. The
/// variable goes to the child only: setting it in this process would change
/// the kernel of every tool the other tests start.
@Suite("BLAS kernel in the tools") struct BLASKernelToolTests {
  @Test func sgemmUnderTheReplacementKernel() throws {
    guard let best = BLASKernel.bestCore else { return }
    let dir = try temporaryDirectory()
    let environment = ["OPENBLAS_CORETYPE": best]
    _ = try python(
      """
      import h5py, numpy as np
      rng = np.random.default_rng(3)
      x = rng.normal(size=(67, 129)).astype(np.float32)
      w = rng.normal(size=(129, 45)).astype(np.float32)
      b = rng.normal(size=45).astype(np.float32)
      with h5py.File('data.h5', 'w') as f:
          f['x'] = x
      with h5py.File('model.h5', 'w') as f:
          g = f.create_group('model')
          g['layer0/W'] = w
          g['layer0/b'] = b
          g.attrs.update({'architecture': 'dense:45', 'input_shape': np.array([129]),
                          'parameter_count': 129 * 45 + 45, 'format': 'retort-network',
                          'format_version': 1, 'temperature': 1.0, 'generation': 0})
      np.save('expected.npy', x.astype(np.float64) @ w.astype(np.float64) + b)
      """, in: dir)
    let info = try run("tensor", ["info", "-v", "data.h5"], in: dir, environment: environment)
    let core = info.text.lowercased()
    #expect(BLASKernel.adequateCores(for: best).contains { core.contains("core \($0)") }, "\(core)")
    let predicted = try run(
      "distill", ["predict", "-m", "model.h5", "data.h5", "-o", "out.h5"], in: dir,
      environment: environment)
    #expect(predicted.status == 0, "\(predicted.stderr)")
    let report = try pythonReport(
      """
      import h5py, numpy as np
      got = h5py.File('out.h5', 'r')['logits'][()].astype(np.float64)
      report(error=float(np.abs(got - np.load('expected.npy')).max()))
      """, in: dir)
    #expect(report.number("error") < 1e-3)
  }
}
