import Foundation

/// The fast gradient sign method (Goodfellow et al. 2015):
/// x' = clip(x + ε·sign(∇ₓ CE(softmax(z(x)/T), y))).
public enum FGSM {
  /// Adversarial examples of `x` for each ε in `epsilons`, with their statistics.
  /// A row succeeds when the model classified it correctly and misclassifies x'.
  /// `clip` bounds the features (nil: no bound).
  public static func attack(
    _ network: Network, x: FloatTensor, labels: [Int64], epsilons: [Float], temperature: Float = 1,
    clip: ClosedRange<Float>? = 0...1, blockRows: Int = 512
  ) -> [(adversarial: FloatTensor, statistics: AttackStatistics)] {
    var net = network
    let n = x.rowCount, w = x.rowWidth
    var signs = [Float](repeating: 0, count: x.count)
    for start in stride(from: 0, to: n, by: blockRows) {
      let rows = start..<min(n, start + blockRows)
      let g = net.lossInputGradient(x.rows(rows), labels: Array(labels[rows]), temperature: temperature)
      for (i, v) in g.scalars.enumerated() {
        signs[start * w + i] = v > 0 ? 1 : (v < 0 ? -1 : 0)
      }
    }
    let before = SoftTargets.argmax(network.predict(x))
    return epsilons.map { eps in
      var adv = x
      for i in adv.scalars.indices {
        var v = x.scalars[i] + eps * signs[i]
        if let clip { v = min(max(v, clip.lowerBound), clip.upperBound) }
        adv.scalars[i] = v
      }
      let after = SoftTargets.argmax(network.predict(adv))
      var stats = AttackStatistics()
      for r in 0..<n where before[r] == Int(labels[r]) {
        stats.attacked += 1
        if after[r] != Int(labels[r]) { stats.addSuccess(original: x.row(r), adversarial: adv.row(r)) }
      }
      return (adv, stats)
    }
  }
}
