import Foundation
import RetortTestSupport
import Testing

@Suite("C library and Python binding") struct InteropTests {
  var library: String { toolDirectory.appendingPathComponent("libretort.so").path }

  @Test func cExampleCompilesLinksAndRuns() throws {
    let dir = try temporaryDirectory()
    let example = dir.appendingPathComponent("nms-example")
    let cc = try runProcess(
      URL(fileURLWithPath: "/usr/bin/env"),
      [
        "cc", repositoryRoot.appendingPathComponent("Scripts/examples/nms.c").path,
        "-I", repositoryRoot.appendingPathComponent("include").path, "-L", toolDirectory.path,
        "-lretort", "-Wl,-rpath," + toolDirectory.path, "-lm", "-o", example.path,
      ])
    #expect(cc.status == 0, "\(cc.stderr)")
    let r = try runProcess(example, [])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.text.contains("kept 2: 3 2\n"), "\(r.text)")
    // The bad box's line: the example's label, the code, and what the message names.
    let bad = r.text.split(separator: "\n").first { $0.hasPrefix("bad box: code 65: ") }
    #expect(
      bad.map { $0.contains("row 0") && $0.contains("boxes") && $0.contains("nan") } == true,
      "\(r.text)")
  }

  /// The library exports the functions retort.h declares and nothing else (no
  /// Swift symbol of the core or of the runtime linked into it).
  @Test func libraryExportsOnlyTheHeadersFunctions() throws {
    let header = try String(
      contentsOf: repositoryRoot.appendingPathComponent("include/retort.h"), encoding: .utf8)
    let declared = Set(
      header.split(separator: "\n").compactMap { line -> String? in
        guard !line.hasPrefix(" "), !line.hasPrefix("#"), let open = line.firstIndex(of: "(")
        else { return nil }
        let name = line[..<open].split(whereSeparator: { " *".contains($0) }).last
        return name.flatMap { $0.hasPrefix("retort_") ? String($0) : nil }
      })
    let nm = try runProcess(
      URL(fileURLWithPath: "/usr/bin/env"), ["nm", "-D", "--defined-only", library])
    #expect(nm.status == 0, "\(nm.stderr)")
    let exported = Set(
      nm.text.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) })
    let undeclared = exported.subtracting(declared).sorted()
    #expect(declared.count >= 10, "\(declared.sorted())")
    #expect(undeclared.isEmpty, "\(undeclared.count) undeclared exports: \(undeclared.prefix(5))")
    #expect(declared.isSubset(of: exported), "\(declared.subtracting(exported))")
  }

  /// The binding against numpy/scipy references and against the CLI on the same data.
  @Test func pythonBindingMatchesReferencesAndTheTools() throws {
    let dir = try temporaryDirectory()
    let nmsTool = toolDirectory.appendingPathComponent("nms").path
    let r = try pythonReport(
      rotatedPairs + """
        import os, sys, subprocess, h5py, numpy as np, scipy.linalg
        os.environ['RETORT_LIB'] = '\(library)'
        sys.path.insert(0, '\(repositoryRoot.appendingPathComponent("bindings/python").path)')
        import retort
        rng = np.random.default_rng(0)
        found = {}
        # softlabel against numpy, with CWTM weights.
        z = rng.normal(0, 5, (50, 7)).astype(np.float32)
        p, w = retort.softlabel(z, T=3, confidence_weights=True)
        e = np.exp((z - z.max(1, keepdims=True)) / 3.0); ref = e / e.sum(1, keepdims=True)
        found.update(softlabel_error=np.abs(p - ref).max(), cwtm_mean=w.mean())
        # nms through the binding equals nms through the tool on the same file.
        c = rng.uniform(0, 100, (30, 2))[rng.integers(0, 30, 500)]
        b = np.hstack([c, c + rng.uniform(5, 20, (500, 2))]).astype(np.float32)
        s = rng.uniform(0, 1, 500).astype(np.float32); img = rng.integers(0, 3, 500)
        with h5py.File('d.h5', 'w') as f: f['boxes'], f['scores'], f['image'] = b, s, img
        subprocess.run(['\(nmsTool)', '--iou', '0.45', 'd.h5', '-o', 'k.h5'], check=True)
        found.update(nms_binding=retort.nms(b, s, iou=0.45, image=img),
                     nms_tool=h5py.File('k.h5')['keep'][:])
        # ohem without NMS: the 5 highest-loss rows of each image.
        loss = rng.uniform(0, 1, 500).astype(np.float32)
        keep = retort.ohem_select(loss, image=img, per_image=5, nms=False)
        ref = np.concatenate([np.nonzero(img == i)[0][np.argsort(-loss[img == i], \
        kind='stable')[:5]] for i in range(3)])
        found.update(ohem=keep, ohem_numpy=ref)
        # prototypes and classify against numpy.
        x = rng.normal(size=(40, 5)).astype(np.float32); y = rng.integers(3, 7, 40)
        P, C = retort.prototypes(x, y)
        found.update(classes=C, classes_numpy=np.unique(y),
                     prototype_error=np.abs(P - [x[y == k].mean(0) for k in C]).max())
        lp, pred = retort.classify(x, P, C)
        d = ((x[:, None].astype(np.float64) - P[None]) ** 2).sum(-1)
        found.update(predicted=pred, predicted_numpy=C[d.argmin(1)],
                     probability_sum_error=np.abs(np.exp(lp).sum(1) - 1).max())
        # procrustes against scipy (R maps rows: x @ R ≈ y, so W = R.T).
        q = haar_rotation(rng, 6); src = rng.normal(size=(60, 6))
        tgt = rotate(rng, src, q, 0, unit=False)
        pairs = np.stack([np.arange(60), np.arange(60)], 1)
        W = retort.procrustes(src, tgt, pairs)
        R, _ = scipy.linalg.orthogonal_procrustes(src, tgt)
        found.update(procrustes_error=np.abs(W - R.T).max())
        # csls nearest neighbours against numpy.
        a = rng.normal(size=(80, 6)); a /= np.linalg.norm(a, axis=1, keepdims=True)
        t = rng.normal(size=(90, 6)); t /= np.linalg.norm(t, axis=1, keepdims=True)
        nb, sc = retort.csls(a, t, k=5, top=3, queries=[0, 7, 79])
        sim = a @ t.T
        rs = np.sort(sim, 1)[:, -5:].mean(1); rt = np.sort(sim.T, 1)[:, -5:].mean(1)
        cs = 2 * sim - rs[:, None] - rt[None]
        found.update(csls=nb.ravel(),
                     csls_numpy=np.argsort(-cs[[0, 7, 79]], 1, kind='stable')[:, :3].ravel())
        # bad inputs raise with the library's message, never crash.
        errors = []
        for call in [lambda: retort.nms(np.zeros((2, 3)), [1, 2]),
                     lambda: retort.nms([[0, 0, 1, 1]], [np.nan]),
                     lambda: retort.softlabel([[1.0, np.inf]]),
                     lambda: retort.softlabel([[1.0, 2.0]], T=0),
                     lambda: retort.procrustes(src, tgt, [[0, 999]]),
                     lambda: retort.csls(a, t[:, :5]),
                     lambda: retort.nms([['0', '0', '1', '1']], [1.0]),
                     lambda: retort.nms([[0, 0, 1, 1]], [1.0], image=[0.5]),
                     lambda: retort.nms([[0, 0, 1, 1], [0, 0, 1]], [1.0, 2.0])]:
            try: call(); errors.append('no error')
            except retort.RetortError as e: errors.append(e.code)
        report(errors=errors, **found)
        """, in: dir)
    #expect(r.number("softlabel_error") <= 1e-6)
    expectApproximatelyEqual(r.number("cwtm_mean"), 1, absoluteTolerance: 1e-5)
    #expect(r.integers("nms_binding") == r.integers("nms_tool"))
    #expect(r.integers("ohem") == r.integers("ohem_numpy"))
    #expect(r.integers("classes") == r.integers("classes_numpy"))
    #expect(r.number("prototype_error") <= 1e-6)
    #expect(r.integers("predicted") == r.integers("predicted_numpy"))
    #expect(r.number("probability_sum_error") <= 1e-5)
    #expect(r.number("procrustes_error") < 1e-4)
    #expect(r.integers("csls") == r.integers("csls_numpy"))
    #expect(r.fields["errors"] as? [Int] == [64, 65, 65, 64, 65, 64, 64, 64, 64], "\(r.fields)")
  }
}

@Suite("installation") struct InstallationTests {
  @Test func setupInstallsToolsLibraryManPagesAndCompletions() throws {
    let prefix = try temporaryDirectory()
    let setup = try runProcess(
      repositoryRoot.appendingPathComponent("Scripts/setup"),
      ["--no-build", "--prefix", prefix.path], environment: ["RETORT_BIN": toolDirectory.path])
    #expect(setup.status == 0, "\(setup.stderr)")
    let expected = [
      "bin/csls", "bin/tensor", "lib/libretort.so", "include/retort.h", "share/man/man1/csls.1",
      "share/man/man1/retort-tools.1",
      "share/bash-completion/completions/nms", "share/zsh/site-functions/_distill",
      "share/fish/vendor_completions.d/protonet.fish", "share/retort/python/retort.py",
    ]
    for path in expected {
      #expect(
        FileManager.default.fileExists(atPath: prefix.appendingPathComponent(path).path),
        "\(path) missing")
    }
    // The installed binding finds the installed library through RETORT_PREFIX.
    let check = try pythonReport(
      """
      import os, sys
      os.environ.pop('RETORT_LIB', None); os.environ['RETORT_PREFIX'] = '\(prefix.path)'
      sys.path.insert(0, '\(prefix.path)/share/retort/python')
      import retort
      report(version=retort.version(), kept=retort.nms([[0, 0, 1, 1], [0, 0, 1, 1]], [0.5, 0.9]))
      """, in: prefix)
    #expect(check.string("version") == "0.1.0")
    #expect(check.integers("kept") == [1])
    let completion = try String(
      contentsOf: prefix.appendingPathComponent("share/bash-completion/completions/nms"),
      encoding: .utf8)
    #expect(completion.contains("--legacy-plus-one"))
  }

  /// The installed tools and library run with the Swift runtime's folder of
  /// the toolchain hidden (a tmpfs mounted over it in a private mount
  /// namespace), and `ldd` finds no Swift library in them.
  @Test func installedToolsRunWithoutTheSwiftToolchain() throws {
    let prefix = try temporaryDirectory()
    let setup = try runProcess(
      repositoryRoot.appendingPathComponent("Scripts/setup"),
      ["--no-build", "--prefix", prefix.path], environment: ["RETORT_BIN": toolDirectory.path])
    #expect(setup.status == 0, "\(setup.stderr)")
    let script = #"""
      set -e
      runtime="$(dirname "$(readlink -f "$(command -v swift)")")/../lib/swift"
      [ -d "$runtime" ] || { echo "no toolchain runtime folder" >&2; exit 0; }
      if ldd "$P/bin/nms" "$P/bin/tensor" "$P/lib/libretort.so" | grep -i swift; then exit 1; fi
      cat > version.py <<'PY'
      import ctypes, os
      lib = ctypes.CDLL(os.environ['P'] + '/lib/libretort.so')
      lib.retort_version.restype = ctypes.c_char_p
      print(lib.retort_version().decode())
      PY
      cat > hidden.sh <<'SH'
      mount -t tmpfs none "$runtime"
      [ -z "$(ls "$runtime")" ]
      "$P/bin/nms" --version
      printf '1 2\na 1 2\n' > m.vec
      "$P/bin/tensor" import m.vec -o m.h5
      "$P/bin/tensor" info -v m.h5 | grep '^blas: OpenBLAS core'
      python3 version.py
      SH
      export runtime
      unshare --mount --propagation private sh -e hidden.sh
      """#
    let r = try runProcess(
      URL(fileURLWithPath: "/bin/bash"), ["-c", script], in: prefix,
      environment: ["P": prefix.path])
    if r.status != 0, r.stderr.contains("unshare") {
      print("installation: no mount namespace here (\(r.stderr)); hidden-toolchain run skipped")
      return
    }
    #expect(r.status == 0, "\(r.stderr)")
    #expect(
      r.text.hasPrefix("0.1.0\nblas: OpenBLAS core ") && r.text.hasSuffix("\n0.1.0\n"), "\(r.text)")
  }
}
