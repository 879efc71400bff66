/// How translations are retrieved: plain nearest neighbours by cosine, CSLS,
/// or one of the `InvertedRetrieval` rules.
public enum Retrieval: Equatable, Sendable {
  case nn
  /// CSLS with radii over the `k` nearest neighbours in the other space.
  case csls(k: Int)
  case inverted(InvertedRetrieval)
}

/// Word translation precision as MUSE reports it.
public struct TranslationAccuracy: Equatable, Sendable {
  /// Fractions of queries with a gold translation among the top 1, 5, 10.
  public var p1: Double
  public var p5: Double
  public var p10: Double
  /// Fraction of dictionary pairs whose two words are in the vocabularies.
  public var coverage: Double
  /// Distinct source words evaluated.
  public var queries: Int
}

/// P@1, P@5, P@10 of a word-pair dictionary against the vocabularies.
///
/// A query (a distinct source word with at least one pair inside the
/// vocabularies) counts as correct at k when ANY of its gold targets is among
/// its k best retrieved targets. Rows are unit length; `source` already mapped.
public func evaluateTranslation(
  source: FloatTensor, target: FloatTensor, sourceWords: [String], targetWords: [String],
  dictionary: [(String, String)], retrieval: Retrieval, options: SearchOptions = .init()
) throws -> TranslationAccuracy {
  guard !dictionary.isEmpty else { throw RetortError.data("is empty", quantity: "dictionary") }
  guard sourceWords.count == source.rowCount, targetWords.count == target.rowCount else {
    throw RetortError.data(
      "words and embeddings differ in length: source \(sourceWords.count) vs "
        + "\(source.rowCount), target \(targetWords.count) vs \(target.rowCount)")
  }
  let (pairs, dropped) = WordPairs.indices(of: dictionary, source: sourceWords, target: targetWords)
  guard pairs.shape[0] > 0 else {
    throw RetortError.data(
      "has no pair with both words in the vocabularies", quantity: "dictionary")
  }
  return try evaluateTranslation(
    source: source, target: target, pairs: pairs, dictionaryPairs: dictionary.count,
    droppedPairs: dropped, retrieval: retrieval, options: options)
}

/// P@1, P@5, P@10 of gold (source row, target row) pairs. Coverage is the
/// share of the `dictionaryPairs` (the dictionary's pairs, repeats included;
/// nil: coverage 1) not dropped for a word outside the vocabularies
/// (`droppedPairs`).
public func evaluateTranslation(
  source: FloatTensor, target: FloatTensor, pairs: IndexTensor, dictionaryPairs: Int? = nil,
  droppedPairs: Int = 0, retrieval: Retrieval, options: SearchOptions = .init()
) throws -> TranslationAccuracy {
  try checkEmbeddingPair(source, "source", target, "target")
  try checkPairs(pairs, sourceRows: source.shape[0], targetRows: target.shape[0])
  var gold = [Int: Set<Int64>]()
  for p in 0..<pairs.shape[0] { gold[Int(pairs[p, 0]), default: []].insert(pairs[p, 1]) }
  let queries = gold.keys.sorted()
  let top = min(10, target.shape[0])
  let found: Neighbors
  switch retrieval {
  case .nn:
    found = topKRows(source.gather(queries), target, k: top, options: options)
  case .csls(let k):
    let radii = try CSLSRadii(source: source, target: target, k: k, options: options)
    found = try cslsNeighbors(
      source: source, target: target, radii: radii, queries: queries, top: top, options: options)
  case .inverted(let rule):
    found = try rule.neighbors(
      source: source, target: target, queries: queries, top: top, options: options)
  }
  func precision(at k: Int) -> Double {
    let hits = queries.indices.filter { q in
      (0..<min(k, top)).contains { gold[queries[q]]!.contains(found.indices[q, $0]) }
    }
    return Double(hits.count) / Double(queries.count)
  }
  return TranslationAccuracy(
    p1: precision(at: 1), p5: precision(at: 5), p10: precision(at: 10),
    coverage: dictionaryPairs.map { Double($0 - droppedPairs) / Double($0) } ?? 1,
    queries: queries.count)
}
