import Foundation
import Testing

/// The job run a shard records (`shard_job`, `shard_attempt`) and `tensor
/// merge` refusing shards of different runs: what a requeued or resubmitted
/// Slurm array leaves in one folder.
@Suite("shard job runs") struct ShardJobTests {
  /// A folder with `t.h5`, 10 rows of logits.
  func logits() throws -> URL {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      with h5py.File('t.h5', 'w') as f: f['logits'] = np.zeros((10, 3), np.float32)
      """, in: dir)
    return dir
  }

  /// Writes shard `i`/`n` of `softlabel t.h5` to `name` in `environment`.
  func shard(_ i: Int, of n: Int, _ name: String, _ environment: [String: String], in dir: URL)
    throws
  {
    let r = try run(
      "softlabel", ["t.h5", "--shard", "\(i)/\(n)", "-o", name], in: dir, environment: environment)
    #expect(r.status == 0, "\(name): \(r.stderr)")
  }

  /// `shard_job` (or `-` when absent) and `shard_attempt` of `file`, as h5py
  /// reads them, with their types.
  func jobMarks(_ file: String, in dir: URL) throws -> String {
    try python(
      """
      import h5py
      a = h5py.File('\(file)', 'r').attrs
      job = a.get('shard_job', '-')
      print(job, type(job).__name__, a['shard_attempt'], a['shard_attempt'].dtype)
      """, in: dir
    ).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  static let environments: [([String: String], String)] = [
    ([:], "- str 0 int64"),
    (["SLURM_JOB_ID": "7"], "7 str 0 int64"),
    (["SLURM_JOB_ID": "7", "SLURM_ARRAY_JOB_ID": "6"], "6 str 0 int64"),
    (["SLURM_JOB_ID": "7", "SLURM_ARRAY_JOB_ID": "6", "RETORT_SHARD_JOB": "r5"], "r5 str 0 int64"),
    (["RETORT_SHARD_JOB": "", "SLURM_JOB_ID": "7"], "7 str 0 int64"),
    (["SLURM_JOB_ID": "7", "SLURM_RESTART_COUNT": "2"], "7 str 2 int64"),
  ]

  @Test(arguments: environments) func shardsRecordTheirJobRun(
    environment: [String: String], expected: String
  ) throws {
    let dir = try logits()
    try shard(1, of: 2, "s.h5", environment, in: dir)
    #expect(try jobMarks("s.h5", in: dir) == expected, "\(environment)")
  }

  /// A shard of a shard keeps the first tool's job run, whatever its own environment.
  @Test func inheritedShardsKeepTheInputsJobRun() throws {
    let dir = try logits()
    try shard(0, of: 2, "p.h5", ["SLURM_JOB_ID": "41", "SLURM_RESTART_COUNT": "1"], in: dir)
    let r = try run(
      "softlabel", ["--from-probs", "p.h5", "-o", "s.h5"], in: dir,
      environment: ["SLURM_JOB_ID": "99"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try jobMarks("s.h5", in: dir) == "41 str 1 int64")
  }

  @Test(arguments: ["x", "-1", ""]) func aBadRestartCountIsAUsageError(count: String) throws {
    let dir = try logits()
    let r = try run(
      "softlabel", ["t.h5", "--shard", "0/2", "-o", "s.h5"], in: dir,
      environment: ["SLURM_RESTART_COUNT": count])
    #expect(r.status == 64)
    #expect(
      r.stderr
        == "softlabel: environment variable SLURM_RESTART_COUNT must be a non-negative integer, "
        + "got '\(count)'\n")
    #expect(try files(in: dir) == ["t.h5"])
  }

  @Test func mergeRefusesShardsOfOtherRuns() throws {
    let dir = try logits()
    let job = ["SLURM_ARRAY_JOB_ID": "790"]
    for i in 0..<3 { try shard(i, of: 3, "a\(i).h5", job, in: dir) }
    try shard(1, of: 3, "b1.h5", ["SLURM_ARRAY_JOB_ID": "812"], in: dir)
    try shard(1, of: 3, "n1.h5", [:], in: dir)
    try shard(2, of: 3, "r2.h5", job.merging(["SLURM_RESTART_COUNT": "1"]) { $1 }, in: dir)
    for i in [0, 1, 2, 4, 5] { try shard(i, of: 6, "c\(i).h5", [:], in: dir) }
    // Shards claiming 2^62 parts (a damaged count must not size an allocation).
    _ = try python(
      """
      import h5py, numpy as np, shutil
      for i in (0, 1):
          shutil.copy(f'a{i}.h5', f'h{i}.h5')
          with h5py.File(f'h{i}.h5', 'a') as f: f.attrs['shard_count'] = np.int64(2**62)
      """, in: dir)
    let before = try files(in: dir)
    let refusals: [([String], String)] = [
      (["a0.h5", "b1.h5", "a2.h5"], "b1.h5 was written by job 812, a0.h5 by job 790"),
      (["n1.h5", "a0.h5", "a2.h5"], "a0.h5 was written by job 790, n1.h5 without a job id"),
      (["a0.h5", "n1.h5", "a2.h5"], "n1.h5 was written without a job id, a0.h5 by job 790"),
      (
        ["a0.h5", "a1.h5", "a2.h5", "r2.h5"],
        "shard 2/3 is given twice (attempts 0 and 1): a2.h5 and r2.h5"
      ),
      (["a0.h5", "a1.h5", "a1.h5"], "shard 1/3 is given twice: a1.h5 and a1.h5"),
      (["a2.h5", "a0.h5"], "shard 1/3 is missing (2 of 3 given: a2.h5, a0.h5)"),
      (
        ["c0.h5", "c1.h5", "c2.h5", "c4.h5", "c5.h5"],
        "shard 3/6 is missing (5 of 6 given: c0.h5, c1.h5, ..., c5.h5)"
      ),
      (
        ["h0.h5", "h1.h5"],
        "shard 2/4611686018427387904 is missing (2 of 4611686018427387904 given: h0.h5, h1.h5)"
      ),
    ]
    for (inputs, message) in refusals {
      let r = try run("tensor", ["merge"] + inputs + ["-o", "m.h5"], in: dir)
      #expect(r.status == 65, "\(inputs)")
      #expect(r.stderr == "tensor: \(message)\n")
      #expect(r.stdout.isEmpty)
      #expect(try files(in: dir) == before, "\(inputs) left files")
    }
  }

  /// A requeued task replaced its own file: attempts differ between indices.
  @Test func mergeTakesOneJobsShardsOfDifferentAttempts() throws {
    let dir = try logits()
    let job = ["SLURM_JOB_ID": "812"]
    try shard(0, of: 3, "p0.h5", job, in: dir)
    try shard(1, of: 3, "p1.h5", job.merging(["SLURM_RESTART_COUNT": "2"]) { $1 }, in: dir)
    try shard(2, of: 3, "p2.h5", job.merging(["SLURM_RESTART_COUNT": "1"]) { $1 }, in: dir)
    let r = try run("tensor", ["merge", "p2.h5", "p0.h5", "p1.h5", "-o", "m.h5"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let kept = try python(
      """
      import h5py
      f = h5py.File('m.h5', 'r')
      print(sorted(k for k in f.attrs if k.startswith('shard_')), f['probs'].shape)
      """, in: dir)
    #expect(kept == "[] (10, 3)\n")
  }
}
