import Foundation
import RetortTestSupport
import Testing

/// The digits fixture shipped with the package.
let digits = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("fixtures/digits")

@Suite("softlabel and distill") struct DistillToolTests {
  @Test func softlabelMatchesNumpyForEnsembles() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      rng = np.random.default_rng(0)
      for i in range(2):
          with h5py.File(f't{i}.h5', 'w') as f:
              f['logits'] = (rng.normal(size=(50, 4)) * 300).astype(np.float32)
              f['labels'] = np.arange(50) % 4
      """, in: dir)
    let r = try run(
      "softlabel", ["-T", "7.5", "t0.h5", "t1.h5", "--confidence-weights", "-o", "p.h5"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    // Blocks of 7 rows (each read while the one before is computed) give the same bytes.
    for (output, inputs) in [
      ("p7.h5", ["t0.h5", "t1.h5", "--confidence-weights", "--block", "7"]),
      ("one.h5", ["t0.h5"]), ("one7.h5", ["t0.h5", "--block", "7"]),
    ] {
      let blocked = try run("softlabel", ["-T", "7.5"] + inputs + ["-o", output], in: dir)
      #expect(blocked.status == 0, "\(blocked.stderr)")
    }
    let check = try pythonReport(
      """
      import h5py, numpy as np
      def sm(z):
          z = z.astype(np.float64) / 7.5; z -= z.max(1, keepdims=True); \
      e = np.exp(z); return e / e.sum(1, keepdims=True)
      p = (sm(h5py.File('t0.h5')['logits'][:]) + sm(h5py.File('t1.h5')['logits'][:])) / 2
      f = h5py.File('p.h5')
      w = p.max(1) / p.max(1).mean()
      one = h5py.File('one.h5')['probs'][:]
      report(probs_error=np.abs(f['probs'][:] - p).max(),
             weight_error=np.abs(f['weight'][:] - w).max(),
             one_error=np.abs(one - sm(h5py.File('t0.h5')['logits'][:])).max(),
             blocked_same=all(h5py.File(a)[d][:].tobytes() == h5py.File(b)[d][:].tobytes()
                              for a, b, d in [('p7.h5', 'p.h5', 'probs'), ('p7.h5', 'p.h5', 'weight'),
                                              ('one7.h5', 'one.h5', 'probs')]),
             temperature=f['probs'].attrs['temperature'], labels=f['labels'][:5],
             has_logits='logits' in f)
      """, in: dir)
    #expect(check.number("probs_error") < 1e-6)
    #expect(check.number("one_error") < 1e-6)
    #expect(check.flag("blocked_same"))
    #expect(check.number("weight_error") < 1e-5)
    #expect(check.number("temperature") == 7.5)
    #expect(check.integers("labels") == [0, 1, 2, 3, 0])
    #expect(check.flag("has_logits") == false)
  }

  @Test func softlabelDarkPermutationIsSeededAndKeepsArgmax() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      """
      import h5py, numpy as np
      with h5py.File('t.h5', 'w') as f:
          f['logits'] = np.random.default_rng(1).normal(size=(30, 6)).astype(np.float32)
      """, in: dir)
    for name in ["a", "b"] {
      #expect(
        try run(
          "softlabel", ["--permute-dark", "--seed", "4", "t.h5", "-o", "\(name).h5"], in: dir
        ).status == 0)
    }
    #expect(try run("softlabel", ["t.h5", "-o", "plain.h5"], in: dir).status == 0)
    let check = try pythonReport(
      """
      import h5py, numpy as np
      a, b, p = (h5py.File(n + '.h5')['probs'][:] for n in 'a b plain'.split())
      report(seeded_runs_differ_by=np.abs(a - b).max(),
             argmax_changed=int((a.argmax(1) != p.argmax(1)).sum()),
             sorted=np.sort(a, 1).ravel(), sorted_plain=np.sort(p, 1).ravel(),
             permuted_differ_by=np.abs(a - p).max())
      """, in: dir)
    #expect(check.number("seeded_runs_differ_by") == 0)
    #expect(check.number("argmax_changed") == 0)
    expectApproximatelyEqual(
      check.numbers("sorted"), check.numbers("sorted_plain"), absoluteTolerance: 1e-8,
      relativeTolerance: 1e-5)
    #expect(check.number("permuted_differ_by") > 0)
  }

  @Test func distillationPipelineRunsAsWritten() throws {
    let dir = try temporaryDirectory()
    let train = digits.appendingPathComponent("train.h5").path,
      test = digits.appendingPathComponent("test.h5").path
    let teacher = try run(
      "distill",
      [
        "train", "--arch", "64-64-10", "--epochs", "20", "--lr", "0.01", "-T", "5", train, "-o",
        "teacher.h5",
      ], in: dir)
    #expect(teacher.status == 0, "\(teacher.stderr)")
    let predicted = try run("distill", ["predict", "-m", "teacher.h5", train], in: dir)
    #expect(predicted.status == 0, "\(predicted.stderr)")
    let soft = try run("softlabel", ["-T", "5"], stdin: predicted.stdout, in: dir)
    #expect(soft.status == 0, "\(soft.stderr)")
    let student = try run(
      "distill",
      [
        "train", "--targets", "soft", "-T", "5", "--epochs", "20", "--lr", "0.01", "--arch",
        "64-64-10", "-", "-o", "student.h5",
      ], stdin: soft.stdout, in: dir)
    #expect(student.status == 0, "\(student.stderr)")
    for model in ["teacher.h5", "student.h5"] {
      let e = try run("distill", ["eval", "-m", model, test], in: dir)
      let report = try JSONSerialization.jsonObject(with: e.stdout) as! [String: Any]
      #expect(Set(report.keys) == ["accuracy", "nll", "ece", "examples"])
      // An MLP on these digits reaches about 0.95; require 0.85 after 20 short epochs.
      #expect((report["accuracy"] as! Double) >= 0.85, "\(model): \(report)")
    }
    let model = try pythonReport(
      """
      import h5py
      f = h5py.File('student.h5')
      report(architecture=f['model'].attrs['architecture'],
             temperature=f['model'].attrs['temperature'],
             shape=f['model/layer0/W'].shape)
      """, in: dir)
    #expect(model.string("architecture") == "dense:64,relu,dense:10")
    #expect(model.number("temperature") == 5)
    #expect(model.integers("shape") == [64, 64])
  }

  @Test func trainingRepeatsExactlyWithTheSameSeed() throws {
    let dir = try temporaryDirectory()
    let train = digits.appendingPathComponent("train.h5").path
    for name in ["a", "b"] {
      let r = try run(
        "distill",
        [
          "train", "--arch", "64-16-10", "--epochs", "2", "--dropout", "0.2", "--seed", "3",
          "--threads", "1", train, "-o", "\(name).h5",
        ], in: dir)
      #expect(r.status == 0, "\(r.stderr)")
    }
    let same = try pythonReport(
      """
      import h5py, numpy as np
      a, b = h5py.File('a.h5'), h5py.File('b.h5')
      names = []
      a.visit(lambda n: names.append(n) if isinstance(a[n], h5py.Dataset) else None)
      report(datasets=names, differing=[n for n in names if not np.array_equal(a[n][:], b[n][:])],
             architecture=a['model'].attrs['architecture'])
      """, in: dir)
    #expect(!same.strings("datasets").isEmpty)
    #expect(same.strings("differing") == [])
    #expect(same.string("architecture") == "dense:16,relu,dropout:0.2,dense:10")
  }

  @Test func bornAgainWritesGenerationsAndEnsemble() throws {
    let dir = try temporaryDirectory()
    let train = digits.appendingPathComponent("train.h5").path,
      test = digits.appendingPathComponent("test.h5").path
    let r = try run(
      "distill",
      [
        "train", "--arch", "64-32-10", "--epochs", "3", "--generations", "2", "--variant", "dkpp",
        train, "-o", "ban.h5",
      ], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    for args in [["--generation", "0"], ["--generation", "2"], ["--ensemble"]] {
      let e = try run("distill", ["eval", "-m", "ban.h5"] + args + [test], in: dir)
      #expect(e.status == 0, "\(args): \(e.stderr)")
    }
    expectFailure(
      try run("distill", ["eval", "-m", "ban.h5", "--generation", "5", test], in: dir),
      tool: "distill", status: 65, naming: "ban.h5", "generation 5")
  }

  @Test func attacksReportAndWriteAdversarialExamples() throws {
    let dir = try temporaryDirectory()
    let train = digits.appendingPathComponent("train.h5").path,
      test = digits.appendingPathComponent("test.h5").path
    #expect(
      try run(
        "distill",
        ["train", "--arch", "64-32-10", "--epochs", "10", "--lr", "0.01", train, "-o", "m.h5"],
        in: dir
      ).status == 0)
    let fgsm = try run(
      "distill",
      ["attack", "-m", "m.h5", "--method", "fgsm", "--eps", "0.1,0.3", test, "-o", "adv.h5"],
      in: dir)
    #expect(fgsm.status == 0, "\(fgsm.stderr)")
    let report = try JSONSerialization.jsonObject(with: fgsm.stdout) as! [String: Any]
    #expect(report["eps"] as? [Double] == [0.1, 0.3])
    let rates = report["success_rate"] as! [Double]
    #expect(rates[1] >= rates[0] && rates[1] > 0.5)
    #expect((report["gradient_amplitude"] as! Double) > 0)
    let check = try pythonReport(
      """
      import h5py, numpy as np
      f, t = h5py.File('adv.h5'), h5py.File('\(test)')
      report(datasets=sorted(f.keys()), linf=np.abs(f['x_eps0.3'][:] - t['x'][:]).max())
      """, in: dir)
    #expect(
      check.strings("datasets") == [
        "amplitude", "attacked", "l0_eps0.1", "l0_eps0.3", "l2_eps0.1", "l2_eps0.3", "labels",
        "linf_eps0.1", "linf_eps0.3", "succeeded_eps0.1", "succeeded_eps0.3", "x_eps0.1",
        "x_eps0.3",
      ])
    expectApproximatelyEqual(check.number("linf"), 0.3, absoluteTolerance: 5e-6)
    let jsma = try run(
      "distill",
      ["attack", "-m", "m.h5", "--method", "jsma", "--limit", "40", test, "-o", "jsma.h5"],
      in: dir)
    #expect(jsma.status == 0, "\(jsma.stderr)")
    let j = try JSONSerialization.jsonObject(with: jsma.stdout) as! [String: Any]
    #expect((j["examples"] as! Int) == 40)
    #expect((j["mean_l0"] as! Double) <= 0.145 * 64)
    // mean_l0_capped: over the attacked rows, a failure counted at ⌊0.145 · 64⌋ = 9 features.
    let capped = try pythonReport(
      """
      import h5py, numpy as np
      f = h5py.File('jsma.h5')
      a, s, l0 = f['attacked'][:] == 1, f['succeeded'][:] == 1, f['l0'][:]
      report(capped=np.where(s, l0, 9.0)[a].mean(), failures=int((a & ~s).sum()),
             budget=float(f.attrs['l0_budget']))
      with h5py.File('bad-budget.h5', 'w') as g:
          for k in f: g[k] = f[k][:]
          for k, v in f.attrs.items(): g.attrs[k] = v
          g.attrs['l0_budget'] = -1.0
      with h5py.File('short.h5', 'w') as g:  # one attempt's outcome for many attempts
          for k in f: g[k] = f[k][:1] if k == 'succeeded' else f[k][:]
          for k, v in f.attrs.items(): g.attrs[k] = v
      """, in: dir)
    #expect(capped.number("budget") == 9)
    #expect(capped.number("failures") > 0, "no failed attempt: the cap is not exercised")
    expectApproximatelyEqual(  // the report's numbers have 6 significant digits
      j["mean_l0_capped"] as! Double, capped.number("capped"), relativeTolerance: 1e-5)
    let summary = try run("distill", ["attack", "--summarize", "jsma.h5"], in: dir)
    let s = try JSONSerialization.jsonObject(with: summary.stdout) as! [String: Any]
    #expect(s["mean_l0_capped"] as? Double == j["mean_l0_capped"] as? Double)
    expectFailure(
      try run("distill", ["attack", "--summarize", "bad-budget.h5"], in: dir),
      tool: "distill", status: 65, naming: "bad-budget.h5", "l0_budget")
    expectFailure(
      try run("distill", ["attack", "--summarize", "short.h5"], in: dir),
      tool: "distill", status: 65, naming: "short.h5", "'succeeded'", "1 entries")
  }

  @Test func badInputsAreReported() throws {
    let dir = try temporaryDirectory()
    let train = digits.appendingPathComponent("train.h5").path
    _ = try python(
      """
      import h5py, numpy as np
      with h5py.File('badlabel.h5', 'w') as f:
          f['x'] = np.zeros((4, 64), np.float32); f['labels'] = np.array([0, 1, 10, 2])
      with h5py.File('badprobs.h5', 'w') as f:
          f['probs'] = np.array([[0.5, 0.5], [0.7, 0.2]], np.float32)
      with h5py.File('nan.h5', 'w') as f:
          f['logits'] = np.array([[0.5, np.nan]], np.float32)
      """, in: dir)
    expectFailure(
      try run("distill", ["train", "--arch", "64-8-10", "badlabel.h5", "-o", "m.h5"], in: dir),
      tool: "distill", status: 65, naming: "badlabel.h5", "'labels'", "row 2", "10")
    expectFailure(
      try run("distill", ["train", "--arch", "100-8-10", train, "-o", "m.h5"], in: dir),
      tool: "distill", status: 65,
      naming: "--arch", "dense:8,relu,dense:10", "100", "64")
    expectFailure(
      try run("softlabel", ["--from-probs", "badprobs.h5", "-o", "p.h5"], in: dir),
      tool: "softlabel", status: 65, naming: "badprobs.h5", "'probs'", "row 1", "0.9")
    expectFailure(
      try run("softlabel", ["nan.h5", "-o", "p.h5"], in: dir),
      tool: "softlabel", status: 65, naming: "nan.h5", "'logits'", "nan", "row 0")
    // Refused when the options are validated, before any file is read.
    let zeroT = try run("softlabel", ["-T", "0", "nan.h5", "-o", "p.h5"], in: dir)
    #expect(zeroT.status == 64, "\(zeroT.stderr)")
    #expect(zeroT.stderr.contains("-T") && zeroT.stderr.contains("0.0"), "\(zeroT.stderr)")
    #expect(zeroT.stdout.isEmpty)
    let zeroTrain = try run(
      "distill", ["train", "--arch", "64-10", "-T", "-1", train, "-o", "m.h5"], in: dir)
    #expect(zeroTrain.status == 64)
    #expect(try files(in: dir) == ["badlabel.h5", "badprobs.h5", "nan.h5"])
  }
}
