import Foundation
import Testing

/// Object names that are not UTF-8 (a damaged header, found by the 10,000-input
/// fuzz run of nms and ohem-select) are a data error naming the file, in one
/// line (they were listed with U+FFFD, which HDF5 then could not find).
@Suite("damaged object names") struct DamagedNameTests {
  @Test func nonUTF8NamesAreADataError() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      with h5py.File('dets.h5', 'w') as f:
          f['boxes'] = np.array([[0, 0, 1, 1], [0, 0, 1, 1.1]], np.float32)
          f['scores'] = np.array([0.9, 0.8], np.float32)
          f[b'image\\xff'] = np.array([0, 0])
      """, in: dir)
    for (tool, arguments) in [
      ("nms", ["dets.h5", "-o", "keep.h5"]), ("tensor", ["info", "dets.h5"]),
    ] {
      let r = try run(tool, arguments, in: dir)
      expectFailure(r, tool: tool, status: 65, naming: "dets.h5", "not UTF-8")
    }
    #expect(try files(in: dir) == ["dets.h5"])
  }
}
