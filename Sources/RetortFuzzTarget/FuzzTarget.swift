import Retort

/// Feeds one untrusted input to the readers a damaged file reaches first:
/// HDF5 file images (every dataset and attribute of the root group), `.npy`,
/// and as text fastText `.vec`, CSV and word pairs. Errors are the expected
/// outcome; anything else (a trap, a signal) is a finding.
public func readEveryWay(_ bytes: [UInt8]) {
  if bytes.starts(with: [0x89, 0x48, 0x44, 0x46]) {
    readHDF5Image(bytes)
  } else if bytes.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) {
    _ = try? NPY.decode(bytes, label: "fuzz.npy")
  } else {
    _ = try? WordVectors.parse(bytes + [0], label: "fuzz.vec", threads: 1)
    let text = String(decoding: bytes, as: UTF8.self)
    _ = try? DelimitedText.parse(text, delimiter: ",", header: nil, label: "fuzz.csv")
    _ = try? WordPairs.parse(text, label: "fuzz.txt")
  }
}

/// Opens `bytes` as an HDF5 image and reads what `tensor info` and the tools read.
func readHDF5Image(_ bytes: [UInt8]) {
  guard let file = try? TensorFile(image: bytes, label: "fuzz.h5") else { return }
  _ = try? file.attributes()
  for name in (try? file.datasetNames()) ?? [] {
    _ = try? file.info(name)
    _ = try? file.attributes(of: name)
    _ = try? file.read(name)
  }
}

/// libFuzzer's entry point (used when built with `-sanitize=fuzzer`, see
/// `Scripts/fuzz-coverage`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
  readEveryWay(data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? [])
  return 0
}
