import Foundation
import RetortTestSupport
import Testing

/// Carried datasets are read and written anew (never `H5Ocopy`), and a
/// dataset whose header claims more than its file could hold is a data error
/// naming the file and the dataset, found before anything is allocated.
@Suite("claimed sizes and carry") struct ClaimTests {
  @Test func carryKeepsNumericTypesAndAttributes() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      with h5py.File('in.h5', 'w') as f:
          f['logits'] = np.zeros((3, 2), np.float32)
          f['f64'] = np.array([1.5, 2.5, 3.5])
          f['u8'] = np.array([1, 2, 255], np.uint8)
          f['i16be'] = np.array([-1, 2, 3], '>i2')
          f['words'] = np.array([b'a', b'bc', b'def'])
          f['u8'].attrs['note'] = 'kept'
          f['f64'].attrs['scale'] = 0.25
      """, in: dir)
    let r = try run("softlabel", ["in.h5", "-o", "out.h5"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let check = try pythonReport(
      """
      import h5py
      f = h5py.File('out.h5')
      report(types=[str(f[n].dtype) for n in ('f64', 'u8', 'i16be')],
             values=[float(v) for n in ('f64', 'u8', 'i16be') for v in f[n][()]],
             words=[w.decode() for w in f['words'][()]],
             note=f['u8'].attrs['note'], scale=float(f['f64'].attrs['scale']))
      """, in: dir)
    #expect(check.strings("types") == ["float64", "uint8", "int16"])
    #expect(check.numbers("values") == [1.5, 2.5, 3.5, 1, 2, 255, -1, 2, 3])
    #expect(check.strings("words") == ["a", "bc", "def"])
    #expect(check.string("note") == "kept")
    #expect(check.number("scale") == 0.25)
  }

  /// Headers that claim more than the file holds (storage never written, so
  /// the file stays small): contiguous, chunked and compressed, and a
  /// fixed-length string longer than the file.
  @Test(arguments: [
    "f.create_dataset('big', shape=(1_000_003,), dtype='f4')",
    "f.create_dataset('big', shape=(2**40,), chunks=(1024,), compression='gzip', dtype='f4')",
    "f.create_dataset('big', shape=(1,), dtype='S1000000')",
  ])
  func oversizedClaimsAreDataErrors(creation: String) throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      with h5py.File('in.h5', 'w') as f:
          f['logits'] = np.zeros((3, 2), np.float32)
          \(creation)
      """, in: dir)
    let carried = try run("softlabel", ["in.h5", "-o", "out.h5"], in: dir)
    expectFailure(carried, tool: "softlabel", status: 65, naming: "in.h5", "'big'")
    let exported = try run("tensor", ["export", "in.h5:big", "--format", "csv", "-o", "-"], in: dir)
    expectFailure(exported, tool: "tensor", status: 65, naming: "in.h5", "'big'")
    #expect(try files(in: dir) == ["in.h5"])
  }
}
