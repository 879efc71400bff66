import Foundation
import RetortTestSupport
import Testing

/// Runs one of the scripts in Scripts/cluster (or any program, given a path)
/// in `directory`, with the tools' folder as RETORT_BIN, one BLAS thread and
/// the Slurm client commands pointed at the default local cluster's
/// configuration (`environment` may override it); stops it after `timeout`
/// seconds. Returns the status and stdout + stderr.
func clusterScript(
  _ name: String, _ arguments: [String], in directory: URL? = nil,
  environment: [String: String] = [:], timeout: TimeInterval = 120
)
  throws -> (status: Int32, output: String)
{
  let executable =
    name.hasPrefix("/")
    ? URL(fileURLWithPath: name)
    : repositoryRoot.appendingPathComponent("Scripts/cluster/\(name)")
  let env = [
    "RETORT_BIN": toolDirectory.path, "OPENBLAS_NUM_THREADS": "1",
    "SLURM_CONF": LocalCluster.configuration(of: "retort"),
  ].merging(environment) { $1 }
  let r = try runProcess(
    executable, arguments, stdin: nil, in: directory, environment: env,
    mergingStderr: true, timeout: timeout)
  if r.timedOut {
    Issue.record("\(name) \(arguments.joined(separator: " ")) did not finish in \(Int(timeout)) s")
  }
  return (r.status, r.stderr)
}

/// The local one-node cluster of Scripts/cluster/local-cluster.
enum LocalCluster {
  /// The slurm.conf of the local cluster `name` (`local-cluster conf`).
  static func configuration(of name: String) -> String {
    "/run/retort-cluster/\(name)/slurm.conf"
  }

  /// Starts the cluster once, when the test that needs it is planned; it
  /// installs nothing (Scripts/test installs Slurm and munge first, with
  /// Scripts/setup --slurm). False, with the reason printed, only where this
  /// machine cannot run the daemons: the script exits 69 then (not root, Slurm
  /// not installed). Any other failure leaves the test enabled, so that it
  /// fails and shows why.
  static let available: Bool = {
    guard let r = try? clusterScript("local-cluster", ["start"], timeout: 600) else {
      print("SlurmTests: skipped: Scripts/cluster/local-cluster cannot be run")
      return false
    }
    if r.status == 69 {
      print("SlurmTests: skipped: this machine cannot run Slurm here: \(r.output)")
      _ = try? clusterScript("local-cluster", ["stop"])
      return false
    }
    return true
  }()

  /// Polls squeue until none of `jobs` is left, at most `timeout` seconds;
  /// cancels them when they take longer. True when they all left in time.
  static func wait(
    for jobs: [String], timeout: TimeInterval, environment: [String: String] = [:]
  ) throws -> Bool {
    let list = jobs.joined(separator: ",")
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      let q = try clusterScript(
        "/usr/bin/squeue", ["-h", "-j", list], environment: environment, timeout: 30)
      if q.status == 0 && q.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
        return true
      }
      Thread.sleep(forTimeInterval: 1)
    }
    _ = try clusterScript("/usr/bin/scancel", jobs, environment: environment, timeout: 30)
    return false
  }

  /// The state Slurm reports for a job (COMPLETED, FAILED, CANCELLED, ...).
  static func state(of job: String, environment: [String: String] = [:]) throws -> String {
    let r = try clusterScript(
      "/usr/bin/scontrol", ["show", "job", job], environment: environment, timeout: 30)
    let field = r.output.split(separator: " ").first { $0.hasPrefix("JobState=") }
    return field.map { String($0.dropFirst("JobState=".count)) } ?? "unknown: \(r.output)"
  }
}

/// Writes embeddings src.h5 and tgt.h5 (`words` × `dimension`), a rotation
/// W.h5, a query list q.h5, RoIs rois.h5 (`images` × `perImage`, sorted by
/// image, with loss, boxes and image) and inputs x.h5 (600 × 20, 3 classes)
/// into `directory`.
func writeShardingData(
  in directory: URL, words: Int, dimension: Int, images: Int,
  perImage: Int
) throws {
  _ = try python(
    rotatedPairs + """
      import h5py
      rng = np.random.default_rng(11)
      n, d = \(words), \(dimension)
      base = rng.normal(size=(n, d))
      w = haar_rotation(rng, d)
      src = rotate(rng, base, w.T, 0, unit=False)
      with h5py.File('src.h5', 'w') as f: f['embeddings'] = src.astype(np.float32)
      with h5py.File('tgt.h5', 'w') as f:
          f['embeddings'] = (base + rng.normal(0, 0.3, (n, d))).astype(np.float32)
      with h5py.File('W.h5', 'w') as f: f['W'] = w.T.astype(np.float32)
      with h5py.File('q.h5', 'w') as f: f['queries'] = rng.choice(n, n // 3, replace=False)
      m, per = \(images), \(perImage)
      image = np.repeat(np.arange(m), per)
      centre = rng.uniform(0, 600, (m * 8, 2))[image * 8 + rng.integers(0, 8, m * per)]
      corner = centre + rng.normal(0, 12, (m * per, 2))
      size = rng.uniform(20, 120, (m * per, 2))
      with h5py.File('rois.h5', 'w') as f:
          f['boxes'] = np.hstack([corner, corner + size]).astype(np.float32)
          f['loss'] = rng.exponential(1.0, m * per).astype(np.float32)
          f['image'] = image
      with h5py.File('x.h5', 'w') as f:
          f['x'] = rng.uniform(0, 1, (600, 20)).astype(np.float32)
          f['labels'] = rng.integers(0, 3, 600)
      """, in: directory)
}

@Suite("Job scripts: Slurm arrays and GNU parallel", .serialized) struct SlurmTests {
  /// 3,000 x 32 embeddings, 40 images x 500 RoIs and 600 inputs for a small
  /// teacher, four shards each, through csls-submit, ohem-submit and
  /// predict-softlabel-submit on a one-node cluster; the merged results must
  /// be what one unsharded run writes.
  @Test(.enabled(if: LocalCluster.available), .timeLimit(.minutes(20)))
  func shardedJobArraysMatchOneRun() throws {
    defer { _ = try? clusterScript("local-cluster", ["stop"]) }
    let start = try clusterScript("local-cluster", ["start"], timeout: 600)
    try #require(start.status == 0, "\(start.output)")
    let dir = try temporaryDirectory()
    try writeShardingData(in: dir, words: 3000, dimension: 32, images: 40, perImage: 500)
    let small = ["SHARDS": "4", "CPUS": "1", "MEM": "500M", "MERGE_MEM": "500M"]
    let csls = try clusterScript(
      "csls-submit", [], in: dir,
      environment: small.merging([
        "SRC": "src.h5", "TGT": "tgt.h5", "MAP": "W.h5", "WORK": "csls-work",
        "OUT": "neighbours.h5",
      ]) { $1 })
    try #require(csls.status == 0, "\(csls.output)")
    let ohem = try clusterScript(
      "ohem-submit", [], in: dir,
      environment: small.merging(["ROIS": "rois.h5", "WORK": "ohem-work", "OUT": "hard.h5"]) { $1 })
    try #require(ohem.status == 0, "\(ohem.output)")
    let teacher = try run(
      "distill",
      [
        "train", "--arch", "20-32-3", "--epochs", "2", "--threads",
        "1", "x.h5", "-o", "teacher.h5",
      ], in: dir)
    try #require(teacher.status == 0, "\(teacher.stderr)")
    let soft = try clusterScript(
      "predict-softlabel-submit", [], in: dir,
      environment: small.merging([
        "MODEL": "teacher.h5", "DATA": "x.h5", "TEMPERATURE": "4",
        "SOFTLABEL_OPTIONS": "--confidence-weights --permute-dark", "WORK": "softlabel-work",
        "OUT": "soft.h5",
      ]) { $1 })
    try #require(soft.status == 0, "\(soft.output)")
    let cslsJobs = csls.output.split(separator: "\n").map(String.init)
    let ohemJobs = ohem.output.split(separator: "\n").map(String.init)
    let softJobs = soft.output.split(separator: "\n").map(String.init)
    #expect(
      cslsJobs.count == 4 && ohemJobs.count == 2 && softJobs.count == 2,
      "\(csls.output) \(ohem.output) \(soft.output)")

    // Meanwhile, the unsharded runs.
    let one = try run(
      "csls",
      [
        "src.h5", "tgt.h5", "--map", "W.h5", "-k", "10", "--top", "10",
        "--threads", "1", "-o", "one-neighbours.h5",
      ], in: dir)
    #expect(one.status == 0, "\(one.stderr)")
    let oneHard = try run(
      "ohem-select",
      [
        "--per-image", "64", "--iou", "0.7", "rois.h5",
        "-o", "one-hard.h5",
      ], in: dir)
    #expect(oneHard.status == 0, "\(oneHard.stderr)")
    let oneSoft = try clusterScript(
      "/bin/sh",
      [
        "-c",
        """
        distill predict -m teacher.h5 --threads 1 x.h5 \\
          | softlabel -T 4 --confidence-weights --permute-dark --threads 1 -o one-soft.h5
        """,
      ], in: dir, environment: ["PATH": "\(toolDirectory.path):/usr/bin:/bin"])
    #expect(oneSoft.status == 0, "\(oneSoft.output)")

    let finished = try LocalCluster.wait(for: cslsJobs + ohemJobs + softJobs, timeout: 600)
    #expect(finished, "the jobs did not finish in 10 minutes")
    for job in [cslsJobs.last, ohemJobs.last, softJobs.last].compactMap({ $0 }) {
      let state = try LocalCluster.state(of: job)
      if state != "COMPLETED" { Issue.record("job \(job): \(state)\n\(try logs(in: dir))") }
    }
    try expectSameDatasets("one-neighbours.h5", "neighbours.h5", in: dir)
    try expectSameDatasets("one-hard.h5", "hard.h5", in: dir)
    try expectSameDatasets("one-soft.h5", "soft.h5", in: dir)
  }

  /// The GNU parallel variants on one machine: three shards, two at a time;
  /// csls with a query list this time.
  @Test(.enabled(if: canRunGNUParallel)) func parallelVariantsMatchOneRun() throws {
    let dir = try temporaryDirectory()
    try writeShardingData(in: dir, words: 1000, dimension: 16, images: 10, perImage: 200)
    let csls = try clusterScript(
      "parallel-csls",
      [
        "-j", "2", "--shards", "3", "--map", "W.h5", "--queries", "q.h5",
        "--top", "5", "src.h5", "tgt.h5", "-o", "neighbours.h5",
      ], in: dir)
    #expect(csls.status == 0, "\(csls.output)")
    let ohem = try clusterScript(
      "parallel-ohem",
      [
        "-j", "2", "--shards", "3", "--per-image", "16", "rois.h5",
        "-o", "hard.h5",
      ], in: dir)
    #expect(ohem.status == 0, "\(ohem.output)")
    let one = try run(
      "csls",
      [
        "src.h5", "tgt.h5", "--map", "W.h5", "--queries", "q.h5",
        "--top", "5", "-o", "one-neighbours.h5",
      ], in: dir)
    #expect(one.status == 0, "\(one.stderr)")
    let oneHard = try run(
      "ohem-select", ["--per-image", "16", "rois.h5", "-o", "one-hard.h5"],
      in: dir)
    #expect(oneHard.status == 0, "\(oneHard.stderr)")
    try expectSameDatasets("one-neighbours.h5", "neighbours.h5", in: dir)
    try expectSameDatasets("one-hard.h5", "hard.h5", in: dir)
  }
}

/// GNU parallel is there, or the scripts can install it (root with apt).
let canRunGNUParallel: Bool = {
  let check = "parallel --version | grep -q 'GNU parallel'"
  let present = (try? clusterScript("/bin/sh", ["-c", check]))?.status == 0
  let installable =
    getuid() == 0
    && FileManager.default.isExecutableFile(atPath: "/usr/bin/apt-get")
  if !present && !installable {
    print("SlurmTests: skipped: no GNU parallel, and not root with apt")
  }
  return present || installable
}()

/// The jobs' logs, for a failure message.
func logs(in directory: URL) throws -> String {
  try clusterScript("/bin/sh", ["-c", "tail -n 5 */logs/*.log"], in: directory).output
}
