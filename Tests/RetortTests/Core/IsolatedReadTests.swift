import Glibc
import Testing

@testable import Retort

/// Variable-length strings are read in a child process, so that memory a
/// damaged file makes libhdf5 overwrite is the child's, not the tool's.
@Suite("isolated reads") struct IsolatedReadTests {
  @Test func stringsComeBackFromTheChild() throws {
    let values: [String?] = ["", "word", nil, "ünïcode ✓", String(repeating: "x", count: 100_000)]
    let got = try HDF5.isolated("in.h5", size: 0) { values }
    #expect(got == values)
  }

  @Test func errorOfTheChildIsThrownWithItsFields() throws {
    let thrown = RetortError.data("claims strings longer than the file", dataset: "words", file: "in.h5")
    #expect(throws: thrown) {
      try HDF5.isolated("in.h5", size: 0) { throw thrown }
    }
  }

  /// The child dies of the signal; this process goes on and reports a
  /// corrupt input.
  @Test(arguments: [SIGSEGV, SIGABRT, SIGBUS])
  func childKilledBySignalIsACorruptInput(signal: Int32) throws {
    let expected = RetortError.data(
      "corrupt HDF5 input (the HDF5 library failed reading it)", file: "damaged.h5")
    #expect(throws: expected) {
      try HDF5.isolated("damaged.h5", size: 0) {
        raise(signal)
        return ["never sent"]
      }
    }
  }

  /// What libhdf5 does with a damaged heap object, a copy far past its
  /// buffer, here into a page the child may not write, so that the child
  /// always dies of it (a copy over the child's own heap may instead leave it
  /// spinning on a broken allocator lock, and this process has no read
  /// deadline, which only a tool's installed guard arms).
  @Test func childThatWritesPastItsBuffersLeavesThisProcessWhole() throws {
    let expected = RetortError.data(
      "corrupt HDF5 input (the HDF5 library failed reading it)", file: "damaged.h5")
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    #expect(throws: expected) {
      try HDF5.isolated("damaged.h5", size: 0) {
        let region = mmap(nil, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)!
        mprotect(region + page, page, PROT_NONE)
        memset(region + page - 16, 0x41, 1 << 20)
        return ["survived"]
      }
    }
  }

  @Test func truncatedOrForeignRepliesAreRefused() throws {
    let whole = IsolatedReply.strings(["a", "bc"])
    #expect(try IsolatedReply.decode(whole)?.get() == ["a", "bc"])
    for cut in 0..<whole.count { #expect(IsolatedReply.decode(Array(whole.prefix(cut))) == nil) }
    #expect(IsolatedReply.decode(whole + [0]) == nil)
    #expect(IsolatedReply.decode([9]) == nil)
  }
}
