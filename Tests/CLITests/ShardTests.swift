import Foundation
import Testing

/// Runs `tool arguments... --shard i/n -o part-i.h5` for every i, merges the
/// parts in a shuffled order, and returns the merged file's name.
func shardedRun(_ tool: String, _ arguments: [String], shards n: Int, name: String, in dir: URL)
  throws -> String
{
  for i in 0..<n {
    let r = try run(tool, arguments + ["--shard", "\(i)/\(n)", "-o", "\(name)-\(i).h5"], in: dir)
    #expect(r.status == 0, "\(tool) shard \(i): \(r.stderr)")
  }
  let parts = (0..<n).reversed().map { "\(name)-\($0).h5" }
  let merged = try run("tensor", ["merge"] + parts + ["-o", "\(name).h5"], in: dir)
  #expect(merged.status == 0, "merge: \(merged.stderr)")
  return "\(name).h5"
}

@Suite("sharded runs") struct ShardTests {
  @Test func softlabelPredictAndProtonetShardsMergeToTheWholeRun() throws {
    let dir = try temporaryDirectory()
    let train = digits.appendingPathComponent("train.h5").path
    _ = try python(
      """
      import h5py, numpy as np
      with h5py.File('t.h5', 'w') as f:
          f['logits'] = np.random.default_rng(0).normal(0, 3, (103, 7)).astype(np.float32)
          f['labels'] = np.arange(103) % 7
      """, in: dir)
    let args = ["-T", "3", "--permute-dark", "--confidence-weights", "--seed", "5", "t.h5"]
    #expect(try run("softlabel", args + ["-o", "whole.h5"], in: dir).status == 0)
    let merged = try shardedRun("softlabel", args, shards: 4, name: "soft", in: dir)
    try expectSameDatasets("whole.h5", merged, in: dir, datasets: ["labels", "probs", "weight"])
    #expect(
      try run(
        "distill", ["train", "--arch", "64-16-10", "--epochs", "1", train, "-o", "m.h5"], in: dir
      ).status == 0)
    #expect(
      try run("distill", ["predict", "-m", "m.h5", train, "-o", "pwhole.h5"], in: dir).status == 0)
    let predicted = try shardedRun(
      "distill", ["predict", "-m", "m.h5", train], shards: 3, name: "pred", in: dir)
    try expectSameDatasets("pwhole.h5", predicted, in: dir, datasets: ["labels", "logits", "x"])
    #expect(try run("protonet", ["embed", train, "-o", "ewhole.h5"], in: dir).status == 0)
    let embedded = try shardedRun("protonet", ["embed", train], shards: 2, name: "emb", in: dir)
    try expectSameDatasets("ewhole.h5", embedded, in: dir, datasets: ["embeddings", "labels"])
    let history = try run("tensor", ["info", "emb.h5"], in: dir).text
    #expect(
      history.contains("--shard 0/2") && history.contains("--shard 1/2")
        && history.contains("tensor merge"))
  }

  /// softlabel after a sharded predict stays a shard: CWTM and DKPP match the whole run.
  @Test func softlabelAfterShardedPredictIsAShard() throws {
    let dir = try temporaryDirectory()
    let train = digits.appendingPathComponent("train.h5").path
    #expect(
      try run(
        "distill", ["train", "--arch", "64-16-10", "--epochs", "1", train, "-o", "m.h5"], in: dir
      ).status == 0)
    let soft = ["-T", "4", "--confidence-weights", "--permute-dark", "--seed", "3", "--no-carry"]
    let whole = try run("distill", ["predict", "-m", "m.h5", train], in: dir)
    #expect(
      try run("softlabel", soft + ["-o", "swhole.h5"], stdin: whole.stdout, in: dir).status == 0)
    for i in 0..<3 {
      let part = try run("distill", ["predict", "-m", "m.h5", "--shard", "\(i)/3", train], in: dir)
      let r = try run("softlabel", soft + ["-o", "s-\(i).h5"], stdin: part.stdout, in: dir)
      #expect(r.status == 0, "\(r.stderr)")
    }
    let merged = try run(
      "tensor", ["merge", "s-2.h5", "s-0.h5", "s-1.h5", "-o", "smerged.h5"], in: dir)
    #expect(merged.status == 0, "\(merged.stderr)")
    try expectSameDatasets("swhole.h5", "smerged.h5", in: dir, datasets: ["probs", "weight"])
  }

  @Test func nmsAndOHEMShardByWholeImages() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      rng = np.random.default_rng(1)
      n = 1200
      img = np.sort(rng.integers(0, 9, n))
      c = rng.uniform(0, 300, (40, 2))[rng.integers(0, 40, n)]
      with h5py.File('r.h5', 'w') as f:
          f['boxes'] = np.hstack([c, c + rng.uniform(20, 50, (n, 2))]).astype(np.float32)
          f['scores'] = rng.uniform(0, 1, n).astype(np.float32)
          f['loss'] = rng.uniform(0, 1, n).astype(np.float32)
          f['image'], f['classes'] = img, rng.integers(0, 3, n)
      with h5py.File('unsorted.h5', 'w') as f:
          f['boxes'] = np.zeros((3, 4), np.float32); f['scores'] = np.ones(3, np.float32); \
      f['image'] = np.array([1, 0, 1])
      """, in: dir)
    #expect(try run("nms", ["--iou", "0.4", "r.h5", "-o", "nwhole.h5"], in: dir).status == 0)
    let kept = try shardedRun("nms", ["--iou", "0.4", "r.h5"], shards: 4, name: "nms", in: dir)
    try expectSameDatasets("nwhole.h5", kept, in: dir)
    #expect(
      try run("ohem-select", ["--per-image", "16", "r.h5", "-o", "owhole.h5"], in: dir).status == 0)
    let hard = try shardedRun(
      "ohem-select", ["--per-image", "16", "r.h5"], shards: 3, name: "ohem", in: dir)
    try expectSameDatasets("owhole.h5", hard, in: dir)
    expectFailure(
      try run("nms", ["--shard", "0/2", "unsorted.h5", "-o", "u.h5"], in: dir),
      tool: "nms", status: 65, naming: "unsorted.h5", "'image'", "row 1")
  }

  @Test func cslsInTwoPhasesEqualsTheWholeRun() throws {
    let dir = try temporaryDirectory()
    try writeRotatedPair(in: dir)
    let whole = try run(
      "csls", ["src.h5", "tgt.h5", "-k", "5", "--top", "4", "-o", "cwhole.h5"], in: dir)
    #expect(whole.status == 0, "\(whole.stderr)")
    let radii = try shardedRun(
      "csls", ["src.h5", "tgt.h5", "-k", "5", "--phase", "radii"], shards: 3, name: "radii", in: dir
    )
    let merged = try shardedRun(
      "csls", ["src.h5", "tgt.h5", "-k", "5", "--top", "4", "--radii", radii], shards: 4,
      name: "nb", in: dir)
    try expectSameDatasets(
      "cwhole.h5", merged, in: dir, datasets: ["neighbors", "queries", "scores"])
  }

  @Test func attackShardsSummarizeLikeTheWholeRun() throws {
    let dir = try temporaryDirectory()
    let train = digits.appendingPathComponent("train.h5").path,
      test = digits.appendingPathComponent("test.h5").path
    #expect(
      try run(
        "distill",
        ["train", "--arch", "64-32-10", "--epochs", "5", "--lr", "0.01", train, "-o", "m.h5"],
        in: dir
      ).status == 0)
    // JSMA on every target (rows expand to attempts), and PGD from seeded random starts.
    let attacks = [
      ["--method", "jsma", "--target", "all", "--limit", "30"],
      ["--method", "pgd", "--random-start", "--eps", "0.05", "--steps", "5", "--limit", "60"],
    ]
    for (k, method) in attacks.enumerated() {
      let args = ["attack", "-m", "m.h5"] + method + ["--seed", "2", test]
      let whole = try run("distill", args + ["-o", "awhole\(k).h5"], in: dir)
      let merged = try shardedRun("distill", args, shards: 3, name: "adv\(k)", in: dir)
      let summary = try run("distill", ["attack", "--summarize", merged], in: dir)
      #expect(summary.status == 0, "\(summary.stderr)")
      let a = try JSONSerialization.jsonObject(with: whole.stdout) as! [String: Any]
      let b = try JSONSerialization.jsonObject(with: summary.stdout) as! [String: Any]
      // mean_l2 is left out: the summary reads the float32 l2 column back.
      for key in ["success_rate", "mean_l0", "attacked", "examples"] {
        #expect("\(a[key]!)" == "\(b[key]!)", "\(method[1]) \(key): \(a[key]!) vs \(b[key]!)")
      }
      try expectSameDatasets("awhole\(k).h5", merged, in: dir)
    }
  }

  @Test func mergeChecksTheShardsOfOneJob() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      with h5py.File('t.h5', 'w') as f: f['logits'] = np.zeros((10, 3), np.float32)
      """, in: dir)
    for i in 0..<3 {
      #expect(
        try run("softlabel", ["t.h5", "--shard", "\(i)/3", "-o", "p\(i).h5"], in: dir).status == 0)
    }
    #expect(
      try run("softlabel", ["-T", "2", "t.h5", "--shard", "2/3", "-o", "other.h5"], in: dir).status
        == 0)
    expectFailure(
      try run("tensor", ["merge", "p0.h5", "p2.h5", "-o", "m.h5"], in: dir),
      tool: "tensor", status: 65, naming: "1/3")
    expectFailure(
      try run("tensor", ["merge", "p0.h5", "p1.h5", "p1.h5", "-o", "m.h5"], in: dir),
      tool: "tensor", status: 65, naming: "1/3", "p1.h5")
    expectFailure(
      try run("tensor", ["merge", "p0.h5", "p1.h5", "other.h5", "-o", "m.h5"], in: dir),
      tool: "tensor", status: 65, naming: "other.h5", "p0.h5")
    expectFailure(
      try run("tensor", ["merge", "p0.h5", "t.h5", "-o", "m.h5"], in: dir),
      tool: "tensor", status: 65, naming: "t.h5")
  }
}
