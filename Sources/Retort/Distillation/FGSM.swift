import FoundationEssentials
import Glibc

/// The fast gradient sign method (Goodfellow et al. 2015):
/// x' = clip(x + ε·sign(∇ₓ CE(softmax(z(x)/T), y))).
public enum FGSM {
  /// Adversarial examples of `x` for each ε in `epsilons`, with their statistics.
  /// A row succeeds when the model classified it correctly and misclassifies x'.
  /// `clip` bounds the features (nil: no bound).
  public static func attack(
    _ network: Network, x: FloatTensor, labels: [Int64], epsilons: [Float], temperature: Float = 1,
    clip: ClosedRange<Float>? = 0...1, blockRows: Int = 512
  ) -> [AttackOutcome] {
    var net = network
    let n = x.rowCount, w = x.rowWidth
    var signs = [Float](repeating: 0, count: x.count)
    for start in stride(from: 0, to: n, by: blockRows) {
      let rows = start..<min(n, start + blockRows)
      let g = net.lossInputGradient(
        x.rows(rows), labels: Array(labels[rows]), temperature: temperature)
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
      let attacked = (0..<n).map { before[$0] == Int(labels[$0]) }
      return AttackOutcome(
        adversarial: adv, attacked: attacked,
        succeeded: (0..<n).map { attacked[$0] && after[$0] != Int(labels[$0]) })
    }
  }
}
