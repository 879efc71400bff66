import Glibc

/// The fast gradient sign method (Goodfellow et al. 2015):
/// x' = clip(x + ε·sign(∇ₓ CE(softmax(z(x)/T), y))).
public enum FGSM {
  /// Adversarial examples of `x` for each ε in `epsilons`, with their statistics.
  /// A row succeeds when the model classified it correctly and misclassifies x'.
  /// `clip` bounds the features (nil: no bound).
  public static func attack(
    _ network: Network, x: FloatTensor, labels: [Int64], epsilons: [Float], temperature: Float = 1,
    clip: ClosedRange<Float>? = 0...1, blockRows: Int = 256
  ) -> [AttackOutcome] {
    let n = x.rowCount, w = x.rowWidth
    let blocks = (n + blockRows - 1) / blockRows
    var signs = [Float](repeating: 0, count: x.count)
    var before = [Int](repeating: 0, count: n)
    signs.withUnsafeMutableBufferPointer { signBuffer in
      before.withUnsafeMutableBufferPointer { beforeBuffer in
        let (out, predicted) = (
          UnsafeSendable(signBuffer.baseAddress), UnsafeSendable(beforeBuffer.baseAddress)
        )
        // Blocks write disjoint rows.
        forEachOnBLASWorkers(blocks, network: network) { b, net in
          let rows = b * blockRows..<min(n, (b + 1) * blockRows)
          let (g, z) = net.lossInputGradient(
            x.rows(rows), labels: Array(labels[rows]), temperature: temperature)
          for (i, v) in g.scalars.enumerated() {
            out.value![rows.lowerBound * w + i] = v > 0 ? 1 : (v < 0 ? -1 : 0)
          }
          for (i, k) in SoftTargets.argmax(z).enumerated() {
            predicted.value![rows.lowerBound + i] = k
          }
        }
      }
    }
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
