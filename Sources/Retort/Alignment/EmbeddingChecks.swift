/// Checks that `x` is a non-empty [N, D] matrix of finite numbers; `name`
/// says which input it is in the error.
func checkEmbeddings(_ x: FloatTensor, _ name: String) throws {
  try requireMatrix(x, quantity: name)
  try requireFinite(x, quantity: name)
}

/// Checks two embedding matrices and that their rows have the same dimension.
func checkEmbeddingPair(
  _ a: FloatTensor, _ aName: String, _ b: FloatTensor, _ bName: String
) throws {
  try checkEmbeddings(a, aName)
  try checkEmbeddings(b, bName)
  guard a.shape[1] == b.shape[1] else {
    throw RetortError.data(
      "has \(b.shape[1]) dimensions, \(aName) has \(a.shape[1])", quantity: bName)
  }
}

/// Checks a neighbour count against the number of candidates.
func checkNeighborCount(_ k: Int, _ what: String, candidates: Int, _ name: String) throws {
  guard k >= 1, k <= candidates else {
    throw RetortError.usage(
      "must be between 1 and the \(candidates) rows of \(name), got \(k)", quantity: what)
  }
}

/// Checks a dictionary: a non-empty int64 [M, 2] of (source row, target row)
/// pairs inside the two vocabularies.
func checkPairs(_ pairs: IndexTensor, sourceRows: Int, targetRows: Int) throws {
  guard pairs.rank == 2, pairs.shape[1] == 2 else {
    throw RetortError.data("has shape \(pairs.shape), expected [M, 2]", dataset: "pairs")
  }
  guard pairs.shape[0] > 0 else { throw RetortError.data("is empty", dataset: "pairs") }
  for p in 0..<pairs.shape[0] {
    let (s, t) = (pairs[p, 0], pairs[p, 1])
    if s < 0 || s >= sourceRows {
      throw RetortError.data(
        "has source row \(s), outside 0..<\(sourceRows)", dataset: "pairs", row: p)
    }
    if t < 0 || t >= targetRows {
      throw RetortError.data(
        "has target row \(t), outside 0..<\(targetRows)", dataset: "pairs", row: p)
    }
  }
}
