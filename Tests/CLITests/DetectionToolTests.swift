import Foundation
import Testing

@Suite("nms and ohem-select") struct DetectionToolTests {
  /// Two images, two classes, clustered boxes; a numpy greedy NMS per group
  /// (written here, independently of Retort) gives the expected keep.
  @Test func nmsMatchesNumpyPerImageAndClass() throws {
    let dir = try temporaryDirectory()
    let numpy = try pythonReport(
      """
      import h5py, numpy as np
      rng = np.random.default_rng(3)
      n = 400
      c = rng.uniform(0, 200, (8, 2))[rng.integers(0, 8, n)]
      wh = rng.uniform(10, 40, (n, 2))
      corner = c + rng.normal(0, 4, (n, 2))
      boxes = np.hstack([corner, corner + wh]).astype(np.float32)
      scores = np.round(rng.uniform(0, 1, n), 2).astype(np.float32)
      image, classes = rng.integers(0, 2, n), rng.integers(0, 2, n)
      with h5py.File('d.h5', 'w') as f:
          f['boxes'], f['scores'], f['image'], f['classes'] = boxes, scores, image, classes
          f['extra'] = np.arange(n, dtype=np.float32)
      def nms(idx, thr):
          order = sorted(idx, key=lambda i: (-scores[i], i)); keep = []
          for i in order:
              ok = True
              for j in keep:
                  x1, y1 = max(boxes[i,0], boxes[j,0]), max(boxes[i,1], boxes[j,1])
                  x2, y2 = min(boxes[i,2], boxes[j,2]), min(boxes[i,3], boxes[j,3])
                  inter = max(0.0, x2 - x1) * max(0.0, y2 - y1)
                  area = lambda k: (boxes[k,2] - boxes[k,0]) * (boxes[k,3] - boxes[k,1])
                  if inter / (area(i) + area(j) - inter) > thr: ok = False; break
              if ok: keep.append(i)
          return keep
      keep = []
      for im in range(2):
          for cl in range(2):
              keep += nms([i for i in range(n) if image[i] == im and classes[i] == cl], 0.4)
      report(keep=keep)
      """, in: dir)
    let r = try run("nms", ["--iou", "0.4", "d.h5", "-o", "k.h5"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let keep = try run("tensor", ["export", "k.h5:keep", "--format", "csv", "-o", "-"], in: dir)
      .text
    #expect(keep.split(separator: "\n").map { Int($0) ?? -1 } == numpy.integers("keep"))
    // --emit: the kept rows of every N-row dataset, in keep order.
    let e = try run("nms", ["--iou", "0.4", "--emit", "d.h5", "-o", "e.h5"], in: dir)
    #expect(e.status == 0, "\(e.stderr)")
    let emitted = try pythonReport(
      """
      import h5py, numpy as np
      e, d = h5py.File('e.h5'), h5py.File('d.h5')
      k = e['keep'][:]
      names = ['boxes', 'scores', 'image', 'classes', 'extra']
      report(kept=len(k), wrong=[n for n in names if not np.array_equal(e[n][:], d[n][:][k])])
      """, in: dir)
    #expect(emitted.number("kept") > 0)
    #expect(emitted.strings("wrong") == [])
  }

  @Test func ohemSelectsHardestRowsPerImageThroughAPipe() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      with h5py.File('r.h5', 'w') as f:
          f['loss'] = np.array([0.1, 0.9, 0.5, 0.7, 0.3, 0.8], np.float32)
          f['image'] = np.array([0, 0, 0, 1, 1, 1])
      with h5py.File('l.h5', 'w') as f:
          f['logits'] = np.array([[2, 0], [0, 2], [1, 1]], np.float32)
          f['labels'] = np.array([0, 0, 1])
      """, in: dir)
    let r = try run("ohem-select", ["--per-image", "2", "r.h5"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let text = try run(
      "tensor", ["export", ":keep", "--format", "csv", "-o", "-"], stdin: r.stdout, in: dir
    ).text
    #expect(text == "1\n2\n5\n3\n")
    let w = try run(
      "tensor", ["export", "--format", "csv", "-o", "-", "--", "-:weight"], stdin: r.stdout, in: dir
    ).text
    #expect(w == "0\n1\n1\n1\n0\n1\n")
    // From logits: CE = log(1 + e^-2), log(1 + e^2), log 2; the hardest is row 1.
    let l = try run("ohem-select", ["--per-image", "1", "l.h5", "-o", "o.h5"], in: dir)
    #expect(l.status == 0, "\(l.stderr)")
    #expect(
      try run("tensor", ["export", "o.h5:keep", "--format", "csv", "-o", "-"], in: dir).text
        == "1\n")
  }

  @Test func emptyInputGivesEmptyKeep() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      with h5py.File('e.h5', 'w') as f:
          f['boxes'] = np.zeros((0, 4), np.float32); f['scores'] = np.zeros(0, np.float32)
      """, in: dir)
    let r = try run("nms", ["e.h5", "-o", "k.h5"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try run("tensor", ["info", "k.h5"], in: dir).text.contains("keep  int64  [0]"))
  }

  @Test func badDetectionsAreReported() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      with h5py.File('flip.h5', 'w') as f:
          f['boxes'] = np.array([[0, 0, 1, 1], [5, 0, 3, 1]], np.float32); \
      f['scores'] = np.ones(2, np.float32)
      with h5py.File('nan.h5', 'w') as f:
          f['boxes'] = np.array([[0, 0, 1, 1], [0, 0, 1, 1]], np.float32); \
      f['scores'] = np.array([1, np.inf], np.float32)
      with h5py.File('short.h5', 'w') as f:
          f['boxes'] = np.zeros((2, 4), np.float32); f['scores'] = np.ones(3, np.float32)
      with h5py.File('noloss.h5', 'w') as f:
          f['boxes'] = np.zeros((2, 4), np.float32)
      """, in: dir)
    expectFailure(
      try run("nms", ["flip.h5", "-o", "k.h5"], in: dir),
      tool: "nms", status: 65, naming: "flip.h5", "'boxes'", "row 1", "x2", "x1")
    expectFailure(
      try run("nms", ["nan.h5", "-o", "k.h5"], in: dir),
      tool: "nms", status: 65, naming: "nan.h5", "'scores'", "row 1", "inf")
    expectFailure(
      try run("nms", ["short.h5", "-o", "k.h5"], in: dir),
      tool: "nms", status: 65, naming: "short.h5", "'scores'", "[3]", "[2]")
    expectFailure(
      try run("nms", ["--iou", "1.5", "flip.h5", "-o", "k.h5"], in: dir),
      tool: "nms", status: 64, naming: "--iou", "1.5")
    expectFailure(
      try run("ohem-select", ["noloss.h5", "-o", "k.h5"], in: dir),
      tool: "ohem-select", status: 66,
      naming: "noloss.h5", "'loss'", "'logits'", "'labels'", "boxes")
    #expect(!(try files(in: dir)).contains("k.h5"))
  }
}
