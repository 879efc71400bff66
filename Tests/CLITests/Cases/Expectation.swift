import Foundation

/// Whether tests record expectations instead of checking them (`RETORT_RECORD=1`).
let recording = ProcessInfo.processInfo.environment["RETORT_RECORD"] == "1"

/// A folder of recorded expectations for one command: `expout` (stdout; absent
/// means empty, `expout.h5` when stdout is HDF5), `expstatus` (absent means 0),
/// `expected/` (every file the command leaves, by relative path) and an
/// optional `tolerance`.
struct Expectation {
  let folder: URL
  var expected: URL { folder.appendingPathComponent("expected") }

  /// The expected exit status.
  var status: Int32 {
    let url = folder.appendingPathComponent("expstatus")
    let text = (try? String(contentsOf: url, encoding: .utf8)) ?? "0"
    return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
  }

  /// Differences between a run (its stdout and the `files` it left in `work`)
  /// and the expectation.
  func differences(stdout: Data, files: [String], in work: URL) throws -> [String] {
    let tolerance = Tolerance(folder: folder)
    var found = [String]()
    let image = folder.appendingPathComponent("expout.h5")
    if isHDF5(stdout) || FileManager.default.fileExists(atPath: image.path) {
      let scratch = try temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: scratch) }
      try stdout.write(to: scratch.appendingPathComponent("stdout.h5"))
      found += hdf5Differences(
        actual: scratch.appendingPathComponent("stdout.h5").path, expected: image.path,
        tolerance: tolerance
      )
      .map { "stdout: " + $0 }
    } else {
      let want = (try? Data(contentsOf: folder.appendingPathComponent("expout"))) ?? Data()
      found += fileDifferences(stdout, want, tolerance)
    }
    let wanted = regularFiles(under: expected)
    guard files == wanted else { return found + ["files left \(files), expected \(wanted)"] }
    for file in files {
      let actual = work.appendingPathComponent(file)
      let want = expected.appendingPathComponent(file)
      let data = try Data(contentsOf: actual)
      let differ =
        isHDF5(data)
        ? hdf5Differences(actual: actual.path, expected: want.path, tolerance: tolerance)
        : fileDifferences(data, try Data(contentsOf: want), tolerance)
      found += differ.map { "\(file): " + $0 }
    }
    return found
  }

  /// Writes the run's stdout, status and files as the new expectation, unless
  /// the recorded one already matches (HDF5 files differ in their history).
  func record(status: Int32, stdout: Data, files: [String], in work: URL) throws {
    if status == self.status, try differences(stdout: stdout, files: files, in: work).isEmpty {
      return
    }
    let manager = FileManager.default
    for name in ["expout", "expout.h5", "expstatus"] {
      try? manager.removeItem(at: folder.appendingPathComponent(name))
    }
    try? manager.removeItem(at: expected)
    if isHDF5(stdout) {
      let scratch = try temporaryDirectory()
      defer { try? manager.removeItem(at: scratch) }
      try stdout.write(to: scratch.appendingPathComponent("stdout.h5"))
      try recordHDF5(
        actual: scratch.appendingPathComponent("stdout.h5").path,
        as: folder.appendingPathComponent("expout.h5").path)
    } else if !stdout.isEmpty {
      try stdout.write(to: folder.appendingPathComponent("expout"))
    }
    if status != 0 {
      try "\(status)\n".write(
        to: folder.appendingPathComponent("expstatus"), atomically: true, encoding: .utf8)
    }
    for file in files {
      let source = work.appendingPathComponent(file)
      let target = expected.appendingPathComponent(file)
      try manager.createDirectory(
        at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
      if isHDF5(try Data(contentsOf: source)) {
        try recordHDF5(actual: source.path, as: target.path)
      } else {
        try manager.copyItem(at: source, to: target)
      }
    }
  }
}

/// Whether `data` starts with the HDF5 signature.
func isHDF5(_ data: Data) -> Bool {
  data.starts(with: [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])
}

/// Text (JSON with tolerance) when both are UTF-8, else bytes.
private func fileDifferences(_ actual: Data, _ expected: Data, _ tolerance: Tolerance) -> [String] {
  if let a = String(data: actual, encoding: .utf8), let e = String(data: expected, encoding: .utf8)
  {
    return textDifferences(a, e, tolerance: tolerance)
  }
  return actual == expected
    ? [] : ["\(actual.count) bytes differ from the expected \(expected.count)"]
}
