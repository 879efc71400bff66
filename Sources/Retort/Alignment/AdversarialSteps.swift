/// One orthogonalisation step of MUSE: W ← (1 + β)·W − β·(W·Wᵀ)·W.
///
/// For W = U·diag(s)·Vᵀ each singular value becomes (1 + β)·s − β·s³ and the
/// singular vectors stay: s = 1 is the fixed point, a smaller s grows and a
/// larger one shrinks (for small β), so an orthogonal W stays as it is.
public func orthogonalize(_ w: inout FloatTensor, beta: Float) {
  precondition(w.rank == 2 && w.shape[0] == w.shape[1], "orthogonalize: W must be square")
  guard beta != 0 else { return }
  let gram = matmul(w, w, transposeB: true)
  let cubic = matmul(gram, w)
  w.scalars.withUnsafeMutableBufferPointer { p in
    for i in p.indices { p[i] = (1 + beta) * p[i] - beta * cubic.scalars[i] }
  }
}

/// A discriminator batch: `sourceRows` (before mapping) and the inputs
/// x = [source·Wᵀ ; target] with labels 1 for the mapped source rows, 0 for target.
struct AdversarialBatch {
  var sourceRows: FloatTensor
  var inputs: FloatTensor
  var labels: [Float]

  /// Draws `size` source and `size` target rows uniformly among the first
  /// `sourceLimit` and `targetLimit` rows (source first, then target).
  init(
    source: FloatTensor, target: FloatTensor, mapping w: FloatTensor, size: Int,
    sourceLimit: Int, targetLimit: Int, generator: inout SeededGenerator
  ) {
    let s = (0..<size).map { _ in generator.index(below: sourceLimit) }
    let t = (0..<size).map { _ in generator.index(below: targetLimit) }
    self.init(sourceRows: source.gather(s), targetRows: target.gather(t), mapping: w)
  }

  init(sourceRows: FloatTensor, targetRows: FloatTensor, mapping w: FloatTensor) {
    self.sourceRows = sourceRows
    inputs = .concatenatingRows([matmul(sourceRows, w, transposeB: true), targetRows])
    labels =
      [Float](repeating: 1, count: sourceRows.rowCount)
      + [Float](repeating: 0, count: targetRows.rowCount)
  }
}

/// What one discriminator step saw before it updated the weights.
struct DiscriminatorStepResult {
  var loss: Float
  /// Rows classified right: a source logit ≥ 0 (σ ≥ ½), a target logit < 0.
  var correct: Int
}

/// One discriminator step as MUSE's `dis_step`: forward with dropout, BCE
/// against labels 1 − ε (mapped source) and ε (target), backward, SGD step,
/// then clipping when `clip` > 0.
func discriminatorStep(
  _ network: inout Network, batch: AdversarialBatch, smoothing: Float, optimizer: inout SGD,
  clip: Float
) -> DiscriminatorStepResult {
  network.zeroGradients()
  let logits = network.forward(batch.inputs, training: true)
  let result = BinaryCrossEntropy.sigmoid(
    logits: logits, labels: batch.labels, smoothing: smoothing)
  network.accumulateGradients(result.gradient)
  optimizer.step(&network)
  if clip > 0 {
    network.updateParameters { _, p in
      for i in p.value.scalars.indices {
        p.value.scalars[i] = min(clip, max(-clip, p.value.scalars[i]))
      }
    }
  }
  let correct = zip(logits.scalars, batch.labels).filter { ($0 >= 0) == ($1 == 1) }.count
  return DiscriminatorStepResult(loss: result.loss, correct: correct)
}

/// The mapping's loss on a batch and its gradient ∂loss/∂W, the discriminator frozen.
///
/// As MUSE's `mapping_step`: the discriminator runs without dropout, the labels
/// are flipped (mapped source ε, target 1 − ε), and the loss is the BCE over
/// all 2B rows. Only the mapped rows m_b = W·x_b depend on W, so with
/// G = ∂loss/∂m [B, D] from the network's input gradient, ∂loss/∂W = Gᵀ·X.
func mappingLossAndGradient(
  _ network: inout Network, batch: AdversarialBatch, smoothing: Float
) -> (loss: Float, gradient: FloatTensor) {
  let logits = network.forward(batch.inputs, training: false)
  let result = BinaryCrossEntropy.sigmoid(
    logits: logits, labels: batch.labels.map { 1 - $0 }, smoothing: smoothing)
  let inputGradient = network.backward(result.gradient, accumulate: false)
  let mappedGradient = inputGradient.rows(0..<batch.sourceRows.rowCount)
  return (result.loss, matmul(mappedGradient, batch.sourceRows, transposeA: true))
}
