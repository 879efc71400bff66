import Foundation
import RetortTestSupport
import Testing

/// Expects two HDF5 files in `directory` to hold the same datasets with the
/// same values: integers and strings equal, floats within `tolerance`. When
/// `datasets` is given the files must hold exactly those. A failure names each
/// dataset that differs, where first, and by how much.
func expectSameDatasets(
  _ a: String, _ b: String, in directory: URL, datasets: [String]? = nil,
  tolerance: Double = 1e-6, sourceLocation: SourceLocation = #_sourceLocation
) throws {
  let r = try pythonReport(
    """
    import h5py, numpy as np
    a, b = h5py.File('\(a)', 'r'), h5py.File('\(b)', 'r')
    names = lambda f: sorted(n for n in f if isinstance(f[n], h5py.Dataset))
    differences = []
    for n in sorted(set(names(a)) & set(names(b))):
        x, y = a[n][()], b[n][()]
        if x.shape != y.shape:
            differences.append(f'{n}: shape {x.shape} vs {y.shape}'); continue
        x, y = np.ravel(x), np.ravel(y)
        if x.dtype.kind == 'f':
            bad = np.nonzero(~(np.abs(x.astype(np.float64) - y) <= \(tolerance)))[0]
        else:
            bad = np.nonzero(x != y)[0]
        if bad.size:
            i = bad[0]
            differences.append(f'{n}: {bad.size} values differ, first at {i}: {x[i]!r} vs {y[i]!r}')
    report(first=names(a), second=names(b), differences=differences)
    """, in: directory, sourceLocation: sourceLocation)
  let first = r.strings("first", sourceLocation: sourceLocation)
  #expect(first == r.strings("second"), "datasets of \(a) and \(b)", sourceLocation: sourceLocation)
  if let datasets {
    #expect(first == datasets, "datasets of \(a)", sourceLocation: sourceLocation)
  }
  #expect(r.strings("differences") == [], "\(a) against \(b)", sourceLocation: sourceLocation)
}
