import Foundation
import Testing

/// Files that were not made for Retort, as h5py users write them: each tool
/// reads them through `FILE:DATASET,ROLE=NAME` and gives what it gives on the
/// same data under Retort's default names.
@Suite("named datasets") struct NamedDatasetTests {
  /// 40 video frames of boxes with `image_index`: without the role nms pools
  /// the frames and says so; with it, the keep equals a numpy greedy NMS per
  /// frame and the run on a file whose column is called `image`.
  @Test func nmsReadsImageIndexAsTheImage() throws {
    let dir = try temporaryDirectory()
    let numpy = try pythonReport(
      """
      import h5py, numpy as np
      rng = np.random.default_rng(5)
      n = 600
      frame = np.sort(rng.integers(0, 40, n))
      c = rng.uniform(0, 60, (n, 2))
      boxes = np.hstack([c, c + rng.uniform(15, 40, (n, 2))]).astype(np.float32)
      scores = rng.uniform(0, 1, n).astype(np.float32)
      with h5py.File('frames.h5', 'w') as f:
          f['boxes'], f['scores'], f['image_index'] = boxes, scores, frame
      with h5py.File('renamed.h5', 'w') as f:
          f['boxes'], f['scores'], f['image'] = boxes, scores, frame
      area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
      def greedy(rows):
          keep = []
          for i in sorted(rows, key=lambda i: (-scores[i], i)):
              w = np.clip(np.minimum(boxes[keep, 2], boxes[i, 2]) - np.maximum(boxes[keep, 0], boxes[i, 0]), 0, None)
              h = np.clip(np.minimum(boxes[keep, 3], boxes[i, 3]) - np.maximum(boxes[keep, 1], boxes[i, 1]), 0, None)
              iou = w * h / (area[keep] + area[i] - w * h)
              if not np.any(iou > 0.5): keep.append(i)
          return keep
      per_frame = [i for g in range(40) for i in greedy(np.nonzero(frame == g)[0].tolist())]
      report(keep=per_frame, pooled=len(greedy(list(range(n)))))
      """, in: dir)
    let pooled = try run("nms", ["--iou", "0.5", "frames.h5", "-o", "pooled.h5"], in: dir)
    #expect(pooled.status == 0)
    #expect(pooled.stderr.contains("no 'image'") && pooled.stderr.contains("image=image_index"))
    let pooledKeep = try keep("pooled.h5", in: dir)
    #expect(pooledKeep.count == Int(numpy.number("pooled")))
    #expect(pooledKeep.count < numpy.integers("keep").count)
    let named = try run(
      "nms", ["--iou", "0.5", "frames.h5:image=image_index", "-o", "named.h5"], in: dir)
    #expect(named.status == 0 && named.stderr.isEmpty, "\(named.stderr)")
    #expect(try keep("named.h5", in: dir) == numpy.integers("keep"))
    #expect(try run("nms", ["--iou", "0.5", "renamed.h5", "-o", "ref.h5"], in: dir).status == 0)
    #expect(try keep("named.h5", in: dir) == keep("ref.h5", in: dir))
  }

  /// MNIST as Keras users store it: `x_train` and `labels_train`.
  @Test func distillTrainsOnXTrainAndLabelsTrain() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      rng = np.random.default_rng(2)
      x = rng.normal(size=(120, 6)).astype(np.float32)
      y = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
      with h5py.File('keras.h5', 'w') as f:
          f['x_train'], f['labels_train'] = x, y
      with h5py.File('plain.h5', 'w') as f:
          f['x'], f['labels'] = x, y
      """, in: dir)
    let args = ["--arch", "6-8-2", "--epochs", "3", "--seed", "4", "--threads", "1"]
    let hard = try run("distill", ["train", "keras.h5:x_train", "-o", "m0.h5"] + args, in: dir)
    expectFailure(hard, tool: "distill", status: 66, naming: ["labels", "keras.h5"])
    let a = try run(
      "distill", ["train", "keras.h5:x_train,labels=labels_train", "-o", "m1.h5"] + args, in: dir)
    #expect(a.status == 0, "\(a.stderr)")
    let b = try run("distill", ["train", "plain.h5", "-o", "m2.h5"] + args, in: dir)
    #expect(b.status == 0, "\(b.stderr)")
    let e1 = try run(
      "distill", ["eval", "-m", "m1.h5", "keras.h5:x_train,labels=labels_train"], in: dir)
    let e2 = try run("distill", ["eval", "-m", "m2.h5", "plain.h5"], in: dir)
    #expect(e1.status == 0 && !e1.text.isEmpty, "\(e1.stderr)")
    #expect(e1.text == e2.text)
  }

  /// Word vectors in groups (`en/embeddings`, `en/words`): the words beside
  /// the chosen embeddings are the vocabulary; a dictionary under another
  /// name and a plain word list of queries are read as named.
  @Test func alignmentToolsReadGroupedEmbeddings() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      rng = np.random.default_rng(8)
      x = rng.normal(size=(60, 5)).astype(np.float32)
      q, _ = np.linalg.qr(rng.normal(size=(5, 5)))
      y = (x @ q.T).astype(np.float32)
      en = np.array([f'e{i}' for i in range(60)], dtype=object)
      fr = np.array([f'f{i}' for i in range(60)], dtype=object)
      with h5py.File('both.h5', 'w') as f:
          f['en/embeddings'], f['en/words'] = x, en
          f['fr/embeddings'], f['fr/words'] = y, fr
          f['words'] = np.array([f'root{i}' for i in range(60)], dtype=object)
      for name, e, w in (('en.h5', x, en), ('fr.h5', y, fr)):
          with h5py.File(name, 'w') as f:
              f['embeddings'], f['words'] = e, w
      with h5py.File('dico.h5', 'w') as f:
          f['train_pairs'] = np.stack([np.arange(40), np.arange(40)], 1)
      open('test.txt', 'w').write(''.join(f'e{i} f{i}\\n' for i in range(40, 60)))
      open('queries.txt', 'w').write(''.join(f'e{i}\\n' for i in range(40, 45)))
      """, in: dir)
    let fit = try run(
      "procrustes",
      [
        "both.h5:en/embeddings", "both.h5:fr/embeddings", "--dict", "dico.h5:train_pairs",
        "-o", "W1.h5",
      ], in: dir)
    #expect(fit.status == 0, "\(fit.stderr)")
    let ref = try run(
      "procrustes", ["en.h5", "fr.h5", "--dict", "dico.h5:train_pairs", "-o", "W2.h5"], in: dir)
    #expect(ref.status == 0, "\(ref.stderr)")
    try expectSameDatasets("W1.h5", "W2.h5", in: dir, tolerance: 1e-5)
    let grouped = try run(
      "csls",
      ["both.h5:en/embeddings", "both.h5:fr/embeddings", "--map", "W1.h5", "--eval", "test.txt"],
      in: dir)
    let flat = try run("csls", ["en.h5", "fr.h5", "--map", "W2.h5", "--eval", "test.txt"], in: dir)
    #expect(grouped.status == 0 && grouped.text.contains("\"p@1\""), "\(grouped.stderr)")
    #expect(grouped.text == flat.text)
    let listed = try run(
      "csls",
      ["en.h5", "fr.h5", "--map", "W2.h5", "--queries", "queries.txt", "--top", "1", "--text"],
      in: dir)
    #expect(listed.status == 0, "\(listed.stderr)")
    let lines = listed.text.split(separator: "\n").map {
      $0.split(separator: "\t").prefix(2).joined(separator: " ")
    }
    #expect(lines == (40..<45).map { "e\($0) f\($0)" })
  }

  /// Class ids are 'classes' in nms and ohem-select alike ('labels' still
  /// serve ohem-select when a file has no 'classes').
  @Test func ohemPerClassReadsClassesAsNmsDoes() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      rng = np.random.default_rng(11)
      n = 80
      c = rng.uniform(0, 30, (n, 2))
      boxes = np.hstack([c, c + 20]).astype(np.float32)
      loss = rng.uniform(size=n).astype(np.float32); cls = rng.integers(0, 2, n)
      for name, extra in (('c.h5', {'classes': cls, 'labels': np.zeros(n, int)}), ('l.h5', {'labels': cls})):
          with h5py.File(name, 'w') as f:
              f['boxes'], f['loss'] = boxes, loss
              for k, v in extra.items(): f[k] = v
      """, in: dir)
    var keeps = [String]()
    for (name, perClass) in [("c.h5", true), ("l.h5", true), ("c.h5", false)] {
      let r = try run(
        "ohem-select",
        ["--per-image", "20", name, "-o", "k.h5"] + (perClass ? ["--per-class"] : []),
        in: dir)
      #expect(r.status == 0, "\(r.stderr)")
      keeps.append(try run("tensor", ["head", "k.h5:keep", "-n", "100"], in: dir).text)
    }
    #expect(keeps[0] == keeps[1])
    #expect(keeps[0] != keeps[2])
  }

  /// softlabel, protonet, tensor map and align-adv on renamed and grouped
  /// datasets write what they write for Retort's default names.
  @Test func otherToolsGiveTheSameResultOnRenamedDatasets() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      rng = np.random.default_rng(13)
      x = rng.normal(size=(40, 6)).astype(np.float32); y = np.arange(40) % 4
      z = rng.normal(size=(40, 5)).astype(np.float32)
      e = rng.normal(size=(80, 6)).astype(np.float32); f_ = rng.normal(size=(80, 6)).astype(np.float32)
      we = np.array([f'e{i}' for i in range(80)], dtype=object)
      wf = np.array([f'f{i}' for i in range(80)], dtype=object)
      with h5py.File('other.h5', 'w') as f:
          f['x_train'], f['labels_train'], f['teacher_out'] = x, y, z
          f['en/embeddings'], f['en/words'], f['fr/embeddings'], f['fr/words'] = e, we, f_, wf
      with h5py.File('plain.h5', 'w') as f:
          f['x'], f['labels'], f['logits'] = x, y, z
      for name, m, w in (('en.h5', e, we), ('fr.h5', f_, wf)):
          with h5py.File(name, 'w') as f: f['embeddings'], f['words'] = m, w
      q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
      with h5py.File('W.h5', 'w') as f: f['W'] = q.astype(np.float32)
      """, in: dir)
    let pairs: [([String], [String], [String])] = [
      (["softlabel", "-T", "3", "--no-carry"], ["other.h5:logits=teacher_out"], ["plain.h5"]),
      (
        ["protonet", "train", "--arch", "6-8", "--way", "2", "--shot", "2", "--query", "2",
         "--episodes", "4", "--threads", "1"],
        ["other.h5:x_train,labels=labels_train"], ["plain.h5"]
      ),
      (["tensor", "map", "W.h5"], ["other.h5:en/embeddings"], ["en.h5"]),
      (
        ["align-adv", "--epochs", "1", "--epoch-size", "64", "--batch-size", "16",
         "--dis-hidden", "8", "--dis-most-frequent", "50", "--threads", "1"],
        ["other.h5:en/embeddings", "other.h5:fr/embeddings"], ["en.h5", "fr.h5"]
      ),
    ]
    for (command, named, plain) in pairs {
      let a = try run(command[0], Array(command.dropFirst()) + named + ["-o", "a.h5"], in: dir)
      let b = try run(command[0], Array(command.dropFirst()) + plain + ["-o", "b.h5"], in: dir)
      #expect(a.status == 0 && b.status == 0, "\(command[0]): \(a.stderr) \(b.stderr)")
      try expectSameDatasets("a.h5", "b.h5", in: dir, tolerance: 0)
    }
  }

  @Test func badRolesAreOneLineErrorsWithNoOutput() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      with h5py.File('d.h5', 'w') as f:
          f['boxes'] = np.array([[0, 0, 1, 1]], np.float32); f['scores'] = np.ones(1, np.float32)
      with h5py.File('e.h5', 'w') as f:
          f['embeddings'] = np.eye(3, dtype=np.float32)
          f['words'] = np.array(['a', 'b', 'c'], dtype=object)
      open('two.txt', 'w').write('a b\\n')
      """, in: dir)
    expectFailure(
      try run("nms", ["d.h5:imag=frame", "-o", "out.h5"], in: dir), tool: "nms", status: 64,
      naming: "imag=", "image")
    expectFailure(
      try run("nms", ["d.h5:image=frame", "-o", "out.h5"], in: dir), tool: "nms", status: 66,
      naming: "frame", "d.h5")
    expectFailure(
      try run("softlabel", ["-T", "2", "d.h5:labels=scores", "-o", "out.h5"], in: dir),
      tool: "softlabel", status: 64, naming: "labels=")
    expectFailure(
      try run("procrustes", ["e.h5", "e.h5", "--dict", "two.txt:pairs", "-o", "W.h5"], in: dir),
      tool: "procrustes", status: 64, naming: "two.txt")
    #expect(try files(in: dir) == ["d.h5", "e.h5", "two.txt"])
    #expect(try run("nms", ["d.h5:scores,", "-o", "out.h5"], in: dir).status == 64)
    expectFailure(
      try run("csls", ["e.h5", "e.h5", "-k", "1", "--queries", "two.txt"], in: dir), tool: "csls",
      status: 65,
      naming: "two.txt", "line 1")
  }

  /// The `keep` of an nms output.
  func keep(_ file: String, in dir: URL) throws -> [Int] {
    try run("tensor", ["export", "\(file):keep", "--format", "csv", "-o", "-"], in: dir).text
      .split(separator: "\n").map { Int($0) ?? -1 }
  }
}
