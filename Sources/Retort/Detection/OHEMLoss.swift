/// The per-RoI loss that OHEM ranks: softmax cross-entropy of `logits` [N, C]
/// against `labels` [N], plus `bboxLoss` [N] when given.
///
/// loss_i = −log softmax(z_i)[y_i] (+ bbox_i), with the log-softmax computed
/// stably. Throws `RetortError.data` naming the first row with a non-finite
/// logit or box loss, or a label outside 0..<C, and for mismatched lengths.
public func ohemLoss(logits: FloatTensor, labels: [Int64], bboxLoss: [Float]? = nil) throws
  -> [Float]
{
  guard logits.rank == 2 else {
    throw RetortError.data("has shape \(logits.shape), expected [N, C]", dataset: "logits")
  }
  let n = logits.rowCount
  let c = logits.shape[1]
  try checkCount(labels, name: "labels", rows: n, of: "logits")
  try checkCount(bboxLoss, name: "bbox_loss", rows: n, of: "logits")
  if let k = logits.firstNonFinite() {
    throw RetortError.data(
      "holds a value that is not finite (\(logits.scalars[k]))", dataset: "logits", row: k / c)
  }
  if let i = labels.firstIndex(where: { $0 < 0 || $0 >= c }) {
    throw RetortError.data("is \(labels[i]), outside 0..<\(c)", dataset: "labels", row: i)
  }
  if let bboxLoss { try checkFinite(bboxLoss, name: "bbox_loss") }
  let logProbs = logits.logSoftmax()
  return (0..<n).map { i in
    -logProbs[i, Int(labels[i])] + (bboxLoss?[i] ?? 0)
  }
}
