import Foundation
import RetortTestSupport
import Testing

/// A three-node local cluster (Scripts/cluster/local-cluster --nodes 3), each
/// node in its own network namespace; the tests start and stop it and check
/// that nothing of it is left.
struct ThreeNodeCluster {
  static let name = "rfail"
  let environment = ["SLURM_CONF": LocalCluster.configuration(of: name)]

  /// False, with the reason printed, only where this machine cannot run the
  /// cluster (the script exits 69: not root, no Slurm, no network namespaces).
  static let available: Bool = {
    guard let r = try? clusterScript("local-cluster", ["--name", name, "--nodes", "3", "start"]) else {
      print("ClusterFailureTests: skipped: Scripts/cluster/local-cluster cannot be run")
      return false
    }
    _ = try? clusterScript("local-cluster", ["--name", name, "stop"])
    if r.status == 69 {
      print("ClusterFailureTests: skipped: this machine cannot run the cluster: \(r.output)")
      return false
    }
    return true
  }()

  func script(_ arguments: [String]) throws -> (status: Int32, output: String) {
    try clusterScript("local-cluster", ["--name", Self.name] + arguments, environment: environment)
  }

  func start() throws {
    let r = try clusterScript(
      "local-cluster", ["--name", Self.name, "--nodes", "3", "start"], environment: environment,
      timeout: 300)
    try #require(r.status == 0, "\(r.output)")
  }

  /// Stops the cluster and records anything it left: a namespace, the
  /// bridge, its folder, a process started from its configuration.
  func stopAndCheckNothingIsLeft() throws {
    let stop = try script(["stop"])
    #expect(stop.status == 0, "\(stop.output)")
    let left = try clusterScript(
      "/bin/sh",
      [
        "-c",
        """
        ip netns list | grep 'rc-\(Self.name)-' || true
        ip link show rc-\(Self.name) 2>/dev/null || true
        ls -d /run/retort-cluster/\(Self.name) 2>/dev/null || true
        pgrep -af '/run/retort-cluster/[\(Self.name.prefix(1))]\(Self.name.dropFirst())/' || true
        """,
      ])
    #expect(left.output.isEmpty, "left behind by the cluster:\n\(left.output)")
  }

  func run(_ program: String, _ arguments: [String], in dir: URL? = nil) throws -> String {
    let r = try clusterScript(program, arguments, in: dir, environment: environment, timeout: 60)
    try #require(r.status == 0, "\(program) \(arguments): \(r.output)")
    return r.output
  }

  /// squeue lines `ID STATE NODE RUNSECONDS` of the cluster's jobs.
  func queue() throws -> [[String]] {
    try run("/usr/bin/squeue", ["-h", "-o", "%i %t %N %M"]).split(separator: "\n").map {
      $0.split(separator: " ").map(String.init)
    }
  }

  /// The state of `node` (idle, down*, alloc, ...).
  func state(of node: String) throws -> String {
    try run("/usr/bin/sinfo", ["-h", "-n", node, "-o", "%t"]).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Polls `condition` once a second for at most `seconds`.
  func waitUntil(_ seconds: Int, _ condition: () throws -> Bool) throws -> Bool {
    for _ in 0..<seconds {
      if try condition() { return true }
      Thread.sleep(forTimeInterval: 1)
    }
    return try condition()
  }
}

@Suite("Slurm on three nodes: a lost node and a cancelled task", .serialized)
struct ClusterFailureTests {
  let cluster = ThreeNodeCluster()

  /// The csls two-phase job and an OHEM job, 6 shards each over 3 nodes. The
  /// shard steps run through wrappers that keep each task 8 s after its tool
  /// wrote the shard, so that node2 dies (every process of it killed, as a
  /// crash would) while its tasks run. Slurm marks it down and requeues its
  /// tasks; node2 comes back; the second attempt replaces the first one's
  /// shard, and the merged results equal one unsharded run.
  @Test(.enabled(if: ThreeNodeCluster.available), .timeLimit(.minutes(20)))
  func lostNodeIsRequeuedAndMergesEqualOneRun() throws {
    try cluster.start()
    defer { try? cluster.stopAndCheckNothingIsLeft() }
    let dir = try temporaryDirectory()
    try writeShardingData(in: dir, words: 3000, dimension: 32, images: 40, perImage: 500)
    let slow = dir.appendingPathComponent("slow-tools")
    try FileManager.default.createDirectory(at: slow, withIntermediateDirectories: true)
    for tool in ["csls", "ohem-select", "tensor"] {
      let wrapper =
        tool == "tensor"
        ? "#!/bin/sh\nexec '\(toolDirectory.path)/tensor' \"$@\"\n"
        : "#!/bin/sh\n'\(toolDirectory.path)/\(tool)' \"$@\" || exit $?\nsleep 8\n"
      let url = slow.appendingPathComponent(tool)
      try wrapper.write(to: url, atomically: true, encoding: .utf8)
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }
    let jobs = [
      "SHARDS": "6", "CPUS": "1", "MEM": "300M", "MERGE_MEM": "300M",
      "RETORT_BIN": slow.path,
    ].merging(cluster.environment) { $1 }
    let csls = try clusterScript(
      "csls-submit", [], in: dir,
      environment: jobs.merging([
        "SRC": "src.h5", "TGT": "tgt.h5", "MAP": "W.h5", "WORK": "csls-work", "OUT": "neighbours.h5",
      ]) { $1 })
    try #require(csls.status == 0, "\(csls.output)")
    let ohem = try clusterScript(
      "ohem-submit", [], in: dir,
      environment: jobs.merging(["ROIS": "rois.h5", "WORK": "ohem-work", "OUT": "hard.h5"]) { $1 })
    try #require(ohem.status == 0, "\(ohem.output)")
    let cslsJobs = csls.output.split(separator: "\n").map(String.init)
    let ohemJobs = ohem.output.split(separator: "\n").map(String.init)
    try #require(cslsJobs.count == 4 && ohemJobs.count == 2)

    // node2 dies once tasks of it have run for 3 s (their tools are done,
    // their wrappers sleep).
    let busy = try cluster.waitUntil(120) {
      try cluster.queue().contains { $0.count == 4 && $0[1] == "R" && $0[2] == "node2" && $0[3] >= "0:03" }
    }
    let queue = try cluster.queue()
    try #require(busy, "no task ran on node2: \(queue)")
    // Array tasks only: their shards carry the attempt.
    let lost = try cluster.queue().filter { $0[1] == "R" && $0[2] == "node2" && $0[0].contains("_") }
      .map { $0[0] }
    _ = try cluster.script(["fail", "node2"])
    let down = try cluster.waitUntil(90) { try cluster.state(of: "node2").hasPrefix("down") }
    let node2 = try cluster.state(of: "node2")
    #expect(down, "node2 is not down 90 s after it died: \(node2)")
    _ = try cluster.script(["revive", "node2"])

    let finished = try LocalCluster.wait(
      for: cslsJobs + ohemJobs, timeout: 600, environment: cluster.environment)
    #expect(finished, "the jobs did not finish in 10 minutes")
    for job in [cslsJobs.last!, ohemJobs.last!] {
      let state = try LocalCluster.state(of: job, environment: cluster.environment)
      if state != "COMPLETED" { Issue.record("job \(job): \(state)\n\(try logs(in: dir))") }
    }
    #expect(try cluster.waitUntil(60) { try cluster.state(of: "node2") == "idle" })

    // Each task that was lost ran twice; its shard is the second attempt's.
    for task in lost {
      let info = try cluster.run("/usr/bin/scontrol", ["-o", "show", "job", task])
      #expect(info.contains("Restarts=1"), "\(task) was not requeued: \(info)")
    }
    let marks = try python(
      """
      import glob, h5py
      for name in sorted(glob.glob('*-work/*-*-*.h5')):
          with h5py.File(name, 'r') as f:
              job = f.attrs['shard_job']
              print(name, job.decode() if isinstance(job, bytes) else job, int(f.attrs['shard_attempt']))
      """, in: dir)
    let attempts = marks.split(separator: "\n").filter { $0.hasSuffix(" 1") }
    #expect(attempts.count == lost.count, "shards of a second attempt:\n\(marks)\nlost: \(lost)")
    #expect(!marks.contains(".tmp-"))

    let one = try run(
      "csls",
      ["src.h5", "tgt.h5", "--map", "W.h5", "-k", "10", "--top", "10", "-o", "one-neighbours.h5"],
      in: dir)
    #expect(one.status == 0, "\(one.stderr)")
    let oneHard = try run(
      "ohem-select", ["--per-image", "64", "--iou", "0.7", "rois.h5", "-o", "one-hard.h5"], in: dir)
    #expect(oneHard.status == 0, "\(oneHard.stderr)")
    try expectSameDatasets("one-neighbours.h5", "neighbours.h5", in: dir)
    try expectSameDatasets("one-hard.h5", "hard.h5", in: dir)
    let leftovers = try FileManager.default.subpathsOfDirectory(atPath: dir.path).filter {
      $0.contains(".tmp-")
    }
    #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
  }

  /// Two clusters of other names run side by side (their own folders,
  /// ports and subnets); a job on each runs on the node asked for, under
  /// that node's host name and address.
  @Test(.enabled(if: ThreeNodeCluster.available), .timeLimit(.minutes(5)))
  func twoClustersRunSideBySideWithTheirOwnHosts() throws {
    try cluster.start()
    defer { try? cluster.stopAndCheckNothingIsLeft() }
    let other = ["SLURM_CONF": LocalCluster.configuration(of: "rside")]
    defer { _ = try? clusterScript("local-cluster", ["--name", "rside", "stop"], environment: other) }
    let start = try clusterScript(
      "local-cluster", ["--name", "rside", "--nodes", "2", "start"], environment: other, timeout: 300)
    try #require(start.status == 0, "\(start.output)")
    let dir = try temporaryDirectory()
    for (environment, node) in [(cluster.environment, "node3"), (other, "node2")] {
      let submit = try clusterScript(
        "/usr/bin/sbatch",
        [
          "--parsable", "-w", node, "-o", "\(dir.path)/%j.out",
          "--wrap", "hostname; ip -brief -4 addr show eth0",
        ], in: dir, environment: environment)
      try #require(submit.status == 0, "\(submit.output)")
      let job = submit.output.trimmingCharacters(in: .whitespacesAndNewlines)
      #expect(try LocalCluster.wait(for: [job], timeout: 120, environment: environment))
      let output = try String(contentsOf: dir.appendingPathComponent("\(job).out"), encoding: .utf8)
      let conf = try String(contentsOfFile: environment["SLURM_CONF"]!, encoding: .utf8)
      let address = try #require(
        conf.split(separator: "\n").first { $0.hasPrefix("NodeName=\(node) ") }?
          .split(separator: " ").first { $0.hasPrefix("NodeAddr=") }?.dropFirst("NodeAddr=".count))
      let lines = output.split(separator: "\n")
      #expect(lines.first == Substring(node), "\(output)")
      #expect(lines.last?.contains(" \(address)/24") == true, "\(output) vs \(address)")
    }
    let ports = try [cluster.environment, other].map { environment in
      try String(contentsOfFile: environment["SLURM_CONF"]!, encoding: .utf8)
        .split(separator: "\n").filter { $0.hasPrefix("SlurmctldPort=") || $0.hasPrefix("NodeName=node1 ") }
    }
    #expect(ports[0] != ports[1] && ports[0].count == 2, "\(ports)")
    let stop = try clusterScript("local-cluster", ["--name", "rside", "stop"], environment: other)
    #expect(stop.status == 0, "\(stop.output)")
  }

  /// scancel sends SIGTERM to a running task: the tool removes its temporary
  /// output, and no shard, whole or partial, is left.
  @Test(.enabled(if: ThreeNodeCluster.available), .timeLimit(.minutes(10)))
  func cancelledTaskLeavesNoShard() throws {
    try cluster.start()
    defer { try? cluster.stopAndCheckNothingIsLeft() }
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      rng = np.random.default_rng(3)
      with h5py.File('images.h5', 'w') as f:
          f['x'] = rng.uniform(0, 1, (12000, 28, 28)).astype(np.float32)
          f['labels'] = np.arange(12000) % 40
      """, in: dir)
    let conv = (0..<4).map { _ in "conv3x3:64,bn,relu,maxpool2" }.joined(separator: ",") + ",flatten"
    let model = try run(
      "protonet",
      [
        "train", "--arch", conv, "--way", "5", "--shot", "1", "--query", "1", "--episodes", "1",
        "images.h5", "-o", "model.h5",
      ], in: dir)
    #expect(model.status == 0, "\(model.stderr)")
    let script = """
      #!/usr/bin/env bash
      #SBATCH --requeue
      set -euo pipefail
      step_name=embed.sbatch
      source "$CLUSTER_SCRIPTS/task.sh"
      protonet embed -m "$MODEL" --shard "$SLURM_ARRAY_TASK_ID/$SHARDS" --threads 1 "$DATA" \\
        -o "$(own_shard embedded)"
      """
    try script.write(to: dir.appendingPathComponent("embed.sbatch"), atomically: true, encoding: .utf8)
    let work = dir.appendingPathComponent("work")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    let exports = [
      "ALL", "CLUSTER_SCRIPTS=\(repositoryRoot.path)/Scripts/cluster", "SHARDS=3",
      "WORK=\(work.path)", "MODEL=\(dir.path)/model.h5", "DATA=\(dir.path)/images.h5",
      "RETORT_BIN=\(toolDirectory.path)",
    ].joined(separator: ",")
    let job = try cluster.run(
      "/usr/bin/sbatch",
      [
        "--parsable", "--array", "0-2", "--cpus-per-task", "1", "--mem", "500M",
        "--export", exports, "--output", "\(work.path)/%A_%a.log", "embed.sbatch",
      ], in: dir
    ).trimmingCharacters(in: .whitespacesAndNewlines)

    func temporaries() throws -> [String] {
      try FileManager.default.contentsOfDirectory(atPath: work.path).filter { $0.contains(".tmp-") }
    }
    let writing = try cluster.waitUntil(120) { try !temporaries().isEmpty }
    let queue = try cluster.queue()
    try #require(writing, "no task began to write: \(queue)")
    _ = try cluster.run("/usr/bin/scancel", [job])
    let ended = try LocalCluster.wait(for: [job], timeout: 120, environment: cluster.environment)
    #expect(ended)
    let state = try LocalCluster.state(of: job, environment: cluster.environment)
    #expect(state == "CANCELLED", "\(state)")
    let shards = try FileManager.default.contentsOfDirectory(atPath: work.path).filter {
      $0.contains("embedded")
    }
    #expect(shards.isEmpty, "left by the cancelled tasks: \(shards)")
  }
}
