import Foundation
import RetortTestSupport
import Testing

/// `--threads N` reaches every tool's own loops and OpenBLAS, whatever
/// OPENBLAS_NUM_THREADS says: each tool reports both counts with `-v` (only
/// the first for a command that does not load OpenBLAS).
@Suite("threads") struct ThreadsTests {
  /// One command of every tool, on a missing input: the note comes before
  /// the input is opened.
  static let commands: [[String]] = [
    ["tensor", "info", "m.h5"], ["tensor", "import", "m.vec"],
    ["tensor", "export", "m.h5", "-o", "m.csv"],
    ["tensor", "merge", "m.h5"], ["softlabel", "m.h5"],
    ["distill", "train", "--arch", "4-2", "m.h5"],
    ["distill", "predict", "-m", "m.h5", "m.h5"], ["distill", "eval", "-m", "m.h5", "m.h5"],
    ["distill", "attack", "-m", "m.h5", "m.h5"], ["nms", "m.h5"], ["ohem-select", "m.h5"],
    ["csls", "m.h5", "m.h5"], ["procrustes", "m.h5", "m.h5", "--seed-dict", "identical"],
    ["align-adv", "m.h5", "m.h5"], ["protonet", "train", "--arch", "4-2", "m.h5"],
    ["protonet", "embed", "m.h5"], ["protonet", "prototypes", "m.h5"],
    ["protonet", "classify", "--prototypes", "m.h5", "m.h5"], ["protonet", "eval", "m.h5"],
  ]

  /// The commands that never multiply matrices: they do not load OpenBLAS,
  /// so their note has no OpenBLAS count.
  static let blasFree: Set<[String]> = [
    ["tensor", "info", "m.h5"], ["tensor", "import", "m.vec"],
    ["tensor", "export", "m.h5", "-o", "m.csv"], ["tensor", "merge", "m.h5"],
    ["softlabel", "m.h5"], ["nms", "m.h5"], ["ohem-select", "m.h5"],
  ]

  @Test(arguments: commands) func threadsReachBLASAndPool(command: [String]) throws {
    let dir = try temporaryDirectory()
    let arguments = Array(command.dropFirst()) + ["--threads", "1", "-v"]
    let r = try run(command[0], arguments, in: dir, environment: ["OPENBLAS_NUM_THREADS": "2"])
    let plain = try run(
      command[0], Array(command.dropFirst()) + ["-v"], in: dir,
      environment: ["OPENBLAS_NUM_THREADS": "2"])
    let cores = ProcessInfo.processInfo.activeProcessorCount
    if Self.blasFree.contains(command) {
      #expect(r.stderr.contains("\(command[0]): threads 1\n"), "\(r.stderr)")
      #expect(plain.stderr.contains("\(command[0]): threads \(cores)\n"), "\(plain.stderr)")
    } else {
      #expect(r.stderr.contains("\(command[0]): threads 1, OpenBLAS threads 1\n"), "\(r.stderr)")
      #expect(plain.stderr.contains("threads \(cores), OpenBLAS threads 2\n"), "\(plain.stderr)")
    }
  }

  /// Without --threads a tool uses the CPUs its affinity mask allows (what
  /// taskset, a cgroup cpuset or Slurm's CPU binding leaves it), and so does
  /// OpenBLAS: pinned to one CPU of this machine, one thread each.
  @Test(arguments: [["nms", "m.h5"], ["csls", "m.h5", "m.h5"]])
  func theAffinityMaskBoundsTheDefault(command: [String]) throws {
    let dir = try temporaryDirectory()
    let tool = toolDirectory.appendingPathComponent(command[0]).path
    let r = try runProcess(
      URL(fileURLWithPath: "/usr/bin/taskset"), ["-c", "0", tool] + command.dropFirst() + ["-v"],
      in: dir, unsetting: shardJobVariables.union(["OPENBLAS_NUM_THREADS"]))
    let note = Self.blasFree.contains(command) ? "threads 1\n" : "threads 1, OpenBLAS threads 1\n"
    #expect(r.stderr.contains("\(command[0]): \(note)"), "\(r.stderr)")
  }
}
