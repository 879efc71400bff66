import Foundation
import RetortTestSupport
import Testing

@Suite("procrustes without parallel data") struct SelfLearningToolTests {
  /// 2,000 clustered points in 50 dimensions and a uniformly random rotation
  /// of them (plus noise), target rows shuffled, no words: the unsupervised
  /// start and self-learning find the rotation.
  @Test func unsupervisedSelfLearningFindsARandomRotation() throws {
    let dir = try temporaryDirectory()
    _ = try python(
      rotatedPairs + """
        import h5py
        rng = np.random.default_rng(11)
        x = cloud(rng, 2000, 50, 40)
        q = haar_rotation(rng, 50)
        perm = rng.permutation(2000)
        y = rotate(rng, x, q, 0.002)[perm]
        with h5py.File('src.h5', 'w') as f: f['embeddings'] = x.astype(np.float32)
        with h5py.File('tgt.h5', 'w') as f: f['embeddings'] = y.astype(np.float32)
        np.save('q.npy', q); np.save('perm.npy', perm)
        """, in: dir)
    let r = try run(
      "procrustes",
      [
        "src.h5", "tgt.h5", "--seed-dict", "unsupervised", "--self-learning",
        "--stochastic-interval", "10", "--log", "log.jsonl", "-o", "W.h5",
      ], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let check = try pythonReport(
      """
      import h5py, json, numpy as np
      W = h5py.File('W.h5')['W'][:]; q = np.load('q.npy'); perm = np.load('perm.npy')
      x = h5py.File('src.h5')['embeddings'][:]; y = h5py.File('tgt.h5')['embeddings'][:]
      found = ((x @ W.T) @ y.T).argmax(1)
      truth = np.argsort(perm)          # source row i is target row truth[i]
      log = [json.loads(l) for l in open('log.jsonl')]
      steps = [l for l in log if 'objective' in l]
      report(error=float(np.abs(W - q).max()), p1=float(np.mean(found == truth)),
             first=log[0]['initial_dictionary_size'], keep=[s['keep_probability'] for s in steps])
      """, in: dir)
    #expect(check.number("error") < 0.01)
    #expect(check.number("p1") >= 0.99)
    #expect(check.number("first") == 4000)
    let keep = check.numbers("keep")
    #expect(keep.first == 0.1 && keep.last == 1)
  }
}
