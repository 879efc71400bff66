/// Checks that `x` is a non-empty [N, D] matrix of finite numbers; `name`
/// says which input it is in the error.
func checkEmbeddings(_ x: FloatTensor, _ name: String) throws {
  guard x.rank == 2 else {
    throw RetortError.data("\(name) has shape \(x.shape), expected [N, D]")
  }
  guard x.shape[0] > 0, x.shape[1] > 0 else {
    throw RetortError.data("\(name) is empty (shape \(x.shape))")
  }
  if let bad = x.firstNonFinite() {
    throw RetortError.data("\(name) row \(bad / x.shape[1]) holds NaN or infinity")
  }
}

/// Checks two embedding matrices and that their rows have the same dimension.
func checkEmbeddingPair(
  _ a: FloatTensor, _ aName: String, _ b: FloatTensor, _ bName: String
) throws {
  try checkEmbeddings(a, aName)
  try checkEmbeddings(b, bName)
  guard a.shape[1] == b.shape[1] else {
    throw RetortError.data(
      "dimensions differ: \(aName) has \(a.shape[1]), \(bName) has \(b.shape[1])")
  }
}

/// Checks a neighbour count against the number of candidates.
func checkNeighborCount(_ k: Int, _ what: String, candidates: Int, _ name: String) throws {
  guard k >= 1, k <= candidates else {
    throw RetortError.usage(
      "\(what) must be between 1 and the \(candidates) rows of \(name), got \(k)")
  }
}

/// Checks a dictionary: a non-empty int64 [M, 2] of (source row, target row)
/// pairs inside the two vocabularies.
func checkPairs(_ pairs: IndexTensor, sourceRows: Int, targetRows: Int) throws {
  guard pairs.rank == 2, pairs.shape[1] == 2 else {
    throw RetortError.data("pairs has shape \(pairs.shape), expected [M, 2]")
  }
  guard pairs.shape[0] > 0 else { throw RetortError.data("the dictionary is empty") }
  for p in 0..<pairs.shape[0] {
    let (s, t) = (pairs[p, 0], pairs[p, 1])
    if s < 0 || s >= sourceRows {
      throw RetortError.data(
        "pair \(p) (\(s), \(t)): source row \(s) is out of range 0..<\(sourceRows)")
    }
    if t < 0 || t >= targetRows {
      throw RetortError.data(
        "pair \(p) (\(s), \(t)): target row \(t) is out of range 0..<\(targetRows)")
    }
  }
}
