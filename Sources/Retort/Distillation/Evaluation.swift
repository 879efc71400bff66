import Glibc

/// Accuracy, negative log-likelihood and calibration of a classifier's logits.
public struct ClassificationReport: Equatable, Sendable {
  public var accuracy: Double
  /// Mean −log p(y|x) over the rows.
  public var nll: Double
  /// Expected calibration error over `bins` equal-width confidence bins
  /// (Guo et al. 2017): Σ_b (n_b/N)·|accuracy_b − confidence_b|.
  public var ece: Double
  public var count: Int

  /// Evaluates logits [N, C] against labels at temperature T (softmax(z/T)).
  public init(logits: FloatTensor, labels: [Int64], temperature: Float = 1, bins: Int = 15) {
    let (n, c) = (logits.rowCount, logits.rowWidth)
    let logProbs = logits.logSoftmax(temperature: temperature)
    var correct = 0
    var nll = 0.0
    var binCount = [Int](repeating: 0, count: bins)
    var binCorrect = [Int](repeating: 0, count: bins)
    var binConfidence = [Double](repeating: 0, count: bins)
    for (r, best) in logProbs.rowArgmax().enumerated() {
      let y = Int(labels[r])
      let hit = best == y
      if hit { correct += 1 }
      nll -= Double(logProbs.scalars[r * c + y])
      let confidence = exp(Double(logProbs.scalars[r * c + best]))
      let b = min(bins - 1, Int(confidence * Double(bins)))
      binCount[b] += 1
      binConfidence[b] += confidence
      if hit { binCorrect[b] += 1 }
    }
    var ece = 0.0
    for b in 0..<bins where binCount[b] > 0 {
      let k = Double(binCount[b])
      ece += k / Double(n) * abs(Double(binCorrect[b]) / k - binConfidence[b] / k)
    }
    self.accuracy = n > 0 ? Double(correct) / Double(n) : 0
    self.nll = n > 0 ? nll / Double(n) : 0
    self.ece = ece
    self.count = n
  }
}

/// Checks labels against the number of classes; throws naming the first bad row.
public func checkLabels(_ labels: [Int64], classes: Int, dataset: String = "labels") throws {
  if let r = labels.firstIndex(where: { $0 < 0 || $0 >= classes }) {
    throw RetortError.data(
      "is \(labels[r]), outside the \(classes) classes 0..<\(classes)", dataset: dataset, row: r)
  }
}
