import Foundation
import RetortTestSupport
import Testing

@Suite("damaged inputs") struct FuzzTests {
  /// 100 damaged or hostile inputs for each of the 42 commands and input kinds
  /// of Scripts/fuzz: no crash, hang or file left behind, and every refusal is
  /// one line '<tool>: ...' with a status of 64, 65, 66, 73 or 74.
  @Test func hundredDamagedInputsPerCommand() throws {
    let r = try runProcess(
      URL(fileURLWithPath: "/bin/bash"),
      [repositoryRoot.appendingPathComponent("Scripts/fuzz").path, "--per-tool", "100"],
      in: repositoryRoot, environment: ["RETORT_BIN": toolDirectory.path])
    let table = r.text
    print(table)
    #expect(r.status == 0, "\(table)\(r.stderr)")
    let rows = table.split(separator: "\n").filter { $0.contains(" runs ") }
    #expect(rows.count == 42)
    for row in rows {
      let fields = row.split(separator: " ", omittingEmptySubsequences: true)
      func count(_ name: String) -> Int? {
        fields.firstIndex(of: Substring(name)).flatMap { Int(fields[$0 + 1]) }
      }
      #expect(count("runs") == 100, "\(row)")
      for bad in ["messy", "crash", "hang", "litter"] { #expect(count(bad) == 0, "\(row)") }
    }
  }

  /// A short coverage-guided run (libFuzzer): 5,000 text and .npy inputs in
  /// one process with no finding, then 30 s of HDF5 images whose every
  /// library failure the tools refuse with one line.
  @Test func coverageGuidedRunFindsNothing() throws {
    let r = try runProcess(
      URL(fileURLWithPath: "/bin/bash"),
      [
        repositoryRoot.appendingPathComponent("Scripts/fuzz-coverage").path, "--runs", "5000",
        "--seconds", "30",
      ], in: repositoryRoot, environment: ["RETORT_BIN": toolDirectory.path], timeout: 1200)
    print(r.text)
    #expect(r.status == 0, "\(r.text)\(r.stderr)")
    #expect(r.text.contains("text and .npy: 5000 inputs, 0 findings"), "\(r.text)")
    #expect(r.text.contains("HDF5 images: 30 s"), "\(r.text)")
  }
}
