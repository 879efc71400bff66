/// Row indices 0..<count in a seeded random order (`SeededGenerator.shuffle`),
/// cut into mini-batches of `batchSize`; the last batch holds the remainder.
public func shuffledBatches(count: Int, batchSize: Int, generator: inout SeededGenerator) -> [[Int]]
{
  precondition(batchSize > 0, "batch size \(batchSize) ≤ 0")
  var order = Array(0..<count)
  generator.shuffle(&order)
  return stride(from: 0, to: count, by: batchSize).map {
    Array(order[$0..<min(count, $0 + batchSize)])
  }
}

extension Network {
  /// One epoch of mini-batch training on the rows of `x`; returns the mean loss
  /// over rows (each batch's mean loss weighted by its size).
  ///
  /// For each batch, in the order drawn from `generator`: zero the gradients,
  /// forward in training mode, `loss(outputs, rows)` (rows are the batch's
  /// row indices into `x`, to pick its targets), backward, `optimizer.step`.
  public mutating func trainEpoch<O: Optimizer>(
    _ x: FloatTensor, batchSize: Int, optimizer: inout O, generator: inout SeededGenerator,
    loss: (_ outputs: FloatTensor, _ rows: [Int]) -> LossResult
  ) -> Float {
    var total: Double = 0
    for rows in shuffledBatches(count: x.rowCount, batchSize: batchSize, generator: &generator) {
      zeroGradients()
      let outputs = forward(x.gather(rows), training: true)
      let result = loss(outputs, rows)
      accumulateGradients(result.gradient)
      optimizer.step(&self)
      total += Double(result.loss) * Double(rows.count)
    }
    return x.rowCount > 0 ? Float(total / Double(x.rowCount)) : 0
  }
}
