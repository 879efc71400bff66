import Foundation
import Testing

/// The repository's root (for the header, the C example and the binding).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

@Suite("C library and Python binding") struct InteropTests {
  var library: String { toolDirectory.appendingPathComponent("libretort.so").path }

  @Test func cExampleCompilesLinksAndRuns() throws {
    let dir = try temporaryDirectory()
    let cc = Process()
    cc.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    cc.arguments = [
      "cc", repositoryRoot.appendingPathComponent("Scripts/examples/nms.c").path,
      "-I", repositoryRoot.appendingPathComponent("include").path, "-L", toolDirectory.path,
      "-lretort", "-Wl,-rpath," + toolDirectory.path, "-lm", "-o", dir.appendingPathComponent("nms-example").path,
    ]
    try cc.run()
    cc.waitUntilExit()
    #expect(cc.terminationStatus == 0)
    let out = Pipe()
    let example = Process()
    example.executableURL = dir.appendingPathComponent("nms-example")
    example.standardOutput = out
    try example.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    example.waitUntilExit()
    #expect(example.terminationStatus == 0)
    #expect(text.contains("kept 2: 3 2\n"))
    #expect(text.contains("bad box: code 65: box 0 has a non-finite coordinate (nan)"))
  }

  /// The binding against numpy/scipy references and against the CLI on the same data.
  @Test func pythonBindingMatchesReferencesAndTheTools() throws {
    let dir = try temporaryDirectory()
    let nmsTool = toolDirectory.appendingPathComponent("nms").path
    let out = try python("""
      import os, sys, subprocess, h5py, numpy as np, scipy.linalg
      os.environ['RETORT_LIB'] = '\(library)'
      sys.path.insert(0, '\(repositoryRoot.appendingPathComponent("bindings/python").path)')
      import retort
      rng = np.random.default_rng(0)
      ok = []
      # softlabel against numpy, with CWTM weights.
      z = rng.normal(0, 5, (50, 7)).astype(np.float32)
      p, w = retort.softlabel(z, T=3, confidence_weights=True)
      e = np.exp((z - z.max(1, keepdims=True)) / 3.0); ref = e / e.sum(1, keepdims=True)
      ok.append(np.abs(p - ref).max() < 1e-6 and abs(w.mean() - 1) < 1e-5)
      # nms through the binding equals nms through the tool on the same file.
      c = rng.uniform(0, 100, (30, 2))[rng.integers(0, 30, 500)]
      b = np.hstack([c, c + rng.uniform(5, 20, (500, 2))]).astype(np.float32)
      s = rng.uniform(0, 1, 500).astype(np.float32); img = rng.integers(0, 3, 500)
      with h5py.File('d.h5', 'w') as f: f['boxes'], f['scores'], f['image'] = b, s, img
      subprocess.run(['\(nmsTool)', '--iou', '0.45', 'd.h5', '-o', 'k.h5'], check=True)
      ok.append(np.array_equal(retort.nms(b, s, iou=0.45, image=img), h5py.File('k.h5')['keep'][:]))
      # ohem without NMS: the 5 highest-loss rows of each image.
      loss = rng.uniform(0, 1, 500).astype(np.float32)
      keep = retort.ohem_select(loss, image=img, per_image=5, nms=False)
      ref = np.concatenate([np.nonzero(img == i)[0][np.argsort(-loss[img == i], kind='stable')[:5]] for i in range(3)])
      ok.append(np.array_equal(keep, ref))
      # prototypes and classify against numpy.
      x = rng.normal(size=(40, 5)).astype(np.float32); y = rng.integers(3, 7, 40)
      P, C = retort.prototypes(x, y)
      ok.append(np.array_equal(C, np.unique(y)) and np.allclose(P, [x[y == k].mean(0) for k in C], atol=1e-6))
      lp, pred = retort.classify(x, P, C)
      d = ((x[:, None].astype(np.float64) - P[None]) ** 2).sum(-1)
      ok.append(np.array_equal(pred, C[d.argmin(1)]) and np.allclose(np.exp(lp).sum(1), 1, atol=1e-5))
      # procrustes against scipy (R maps rows: x @ R ≈ y, so W = R.T).
      q, _ = np.linalg.qr(rng.normal(size=(6, 6))); src = rng.normal(size=(60, 6)); tgt = src @ q.T
      pairs = np.stack([np.arange(60), np.arange(60)], 1)
      W = retort.procrustes(src, tgt, pairs)
      R, _ = scipy.linalg.orthogonal_procrustes(src, tgt)
      ok.append(np.abs(W - R.T).max() < 1e-4)
      # csls nearest neighbours against numpy.
      a = rng.normal(size=(80, 6)); a /= np.linalg.norm(a, axis=1, keepdims=True)
      t = rng.normal(size=(90, 6)); t /= np.linalg.norm(t, axis=1, keepdims=True)
      nb, sc = retort.csls(a, t, k=5, top=3, queries=[0, 7, 79])
      sim = a @ t.T
      rs = np.sort(sim, 1)[:, -5:].mean(1); rt = np.sort(sim.T, 1)[:, -5:].mean(1)
      cs = 2 * sim - rs[:, None] - rt[None]
      ok.append(np.array_equal(nb, np.argsort(-cs[[0, 7, 79]], 1, kind='stable')[:, :3]))
      # bad inputs raise with the library's message, never crash.
      errors = []
      for call in [lambda: retort.nms(np.zeros((2, 3)), [1, 2]),
                   lambda: retort.nms([[0, 0, 1, 1]], [np.nan]),
                   lambda: retort.softlabel([[1.0, np.inf]]),
                   lambda: retort.softlabel([[1.0, 2.0]], T=0),
                   lambda: retort.procrustes(src, tgt, [[0, 999]]),
                   lambda: retort.csls(a, t[:, :5])]:
          try: call(); errors.append('no error')
          except retort.RetortError as e: errors.append(e.code)
      print([bool(v) for v in ok], errors)
      """, in: dir)
    #expect(out == "[True, True, True, True, True, True, True] [64, 65, 65, 64, 65, 64]\n")
  }
}

@Suite("installation") struct InstallationTests {
  @Test func setupInstallsToolsLibraryManPagesAndCompletions() throws {
    let prefix = try temporaryDirectory()
    let setup = Process()
    setup.executableURL = repositoryRoot.appendingPathComponent("Scripts/setup")
    setup.arguments = ["--no-build", "--prefix", prefix.path]
    var env = ProcessInfo.processInfo.environment
    env["RETORT_BIN"] = toolDirectory.path
    setup.environment = env
    setup.standardError = FileHandle.nullDevice
    try setup.run()
    setup.waitUntilExit()
    #expect(setup.terminationStatus == 0)
    let expected = [
      "bin/csls", "bin/tensor", "lib/libretort.so", "include/retort.h", "share/man/man1/csls.1",
      "share/bash-completion/completions/nms", "share/zsh/site-functions/_distill",
      "share/fish/vendor_completions.d/protonet.fish", "share/retort/python/retort.py",
    ]
    for path in expected {
      #expect(FileManager.default.fileExists(atPath: prefix.appendingPathComponent(path).path), "\(path) missing")
    }
    // The installed binding finds the installed library through RETORT_PREFIX.
    let check = try python("""
      import os, sys
      os.environ.pop('RETORT_LIB', None); os.environ['RETORT_PREFIX'] = '\(prefix.path)'
      sys.path.insert(0, '\(prefix.path)/share/retort/python')
      import retort
      print(retort.version(), retort.nms([[0, 0, 1, 1], [0, 0, 1, 1]], [0.5, 0.9]).tolist())
      """, in: prefix)
    #expect(check == "0.1.0 [1]\n")
    let completion = try String(contentsOf: prefix.appendingPathComponent("share/bash-completion/completions/nms"), encoding: .utf8)
    #expect(completion.contains("--legacy-plus-one"))
  }
}
