import Glibc
import Retort
import RetortArguments

/// Word embeddings as the alignment tools read them: `embeddings` [N, D]
/// (finite) and, when present, `words` [N].
public struct EmbeddingInput {
  public let file: TensorFile
  public var vectors: FloatTensor
  public let words: [String]?

  /// The rows of the whole file (`rows` may read fewer).
  public let totalRows: Int

  /// Reads `spec` (default dataset `embeddings`; only `rows`, clamped to the file, when given) and
  /// applies `normalization`. A chain that centres or scales columns needs
  /// every row, so then every row is read and normalised before `rows` are kept.
  public init(
    _ spec: InputSpec, in context: ToolContext, normalization: Normalization,
    rows: Range<Int>? = nil
  ) throws {
    try self.init(
      context.open(spec), dataset: spec.dataset(or: "embeddings"), normalization: normalization,
      rows: rows)
  }

  /// Reads dataset `name` of the open `file`, as `init(_:in:normalization:rows:)` does.
  public init(
    _ file: TensorFile, dataset name: String, normalization: Normalization, rows: Range<Int>? = nil
  ) throws {
    self.file = file
    let total = try file.info(name).shape.first ?? 0
    totalRows = total
    let rows = rows.map { $0.clamped(to: 0..<total) }
    let wholeFile = normalization.needsAllRows
    vectors = try file.readFiniteFloat(name, rows: wholeFile ? nil : rows)
    guard vectors.rank == 2, vectors.rowCount > 0, vectors.shape[1] > 0 else {
      throw RetortError.data(
        "must be a non-empty [N, D] matrix, it is \(vectors.shape)", dataset: name, file: file.label
      )
    }
    let wordsName = try file.wordsDataset(beside: name)
    if file.contains(wordsName) {
      let w = try file.readStrings(wordsName)
      guard w.count == totalRows else {
        throw RetortError.data(
          "'\(wordsName)' has \(w.count) entries, '\(name)' has \(totalRows) rows",
          file: file.label)
      }
      words = rows.map { Array(w[$0]) } ?? w
    } else {
      words = nil
    }
    normalization.apply(to: &vectors)
    if wholeFile, let rows { vectors = vectors.rows(rows) }
  }

  /// Source and target embeddings of one dimension, normalised by
  /// `normalization`. With `rows`, only those rows are kept; the chain is
  /// applied to the kept rows when `normalizingAfterRows` (as MUSE's
  /// `--max_vocab`), else to all rows before they are kept.
  public static func pair(
    _ source: InputSpec, _ target: InputSpec, in context: ToolContext, normalization: Normalization,
    rows: Range<Int>? = nil, normalizingAfterRows: Bool = false
  ) throws -> (source: EmbeddingInput, target: EmbeddingInput) {
    let onLoad = normalizingAfterRows ? Normalization([]) : normalization
    var src = try EmbeddingInput(source, in: context, normalization: onLoad, rows: rows)
    var tgt = try EmbeddingInput(target, in: context, normalization: onLoad, rows: rows)
    if normalizingAfterRows {
      normalization.apply(to: &src.vectors)
      normalization.apply(to: &tgt.vectors)
    }
    try checkDimensions(src, tgt)
    return (src, tgt)
  }

  /// Checks that `source` and `target` have vectors of one dimension.
  public static func checkDimensions(_ source: EmbeddingInput, _ target: EmbeddingInput) throws {
    guard source.vectors.shape[1] == target.vectors.shape[1] else {
      throw RetortError.data(
        "source vectors have \(source.vectors.shape[1]) dimensions, "
          + "target \(target.vectors.shape[1]): \(source.file.label), \(target.file.label)"
      )
    }
  }

  /// The words, or an error saying which file lacks them and what needs them.
  public func requireWords(for purpose: String) throws -> [String] {
    guard let words else {
      throw RetortError.data("\(purpose) needs a 'words' dataset", file: file.label)
    }
    return words
  }
}

/// Options for the embedding normalisation that the alignment tools share.
public struct NormalizationOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "Normalisation chain applied to both sides on load: steps unit (or renorm), center, "
        + "unitdim, centeremb, comma-separated, e.g. 'center,unit' (MUSE) or 'unit,center,unit' "
        + "(VecMap); 'none' for none (default: unit, or what the command's mapping or recipe "
        + "records).",
      valueName: "chain"))
  public var normalize: String?

  public init() {}

  public func validate() throws {
    guard let normalize else { return }
    do { _ = try Normalization(parsing: normalize) } catch let e as RetortError {
      throw e.asValidationError(["normalization": "--normalize"])
    }
  }

  /// The chain given, else `fallback` (unit length unless a mapping file or
  /// a recipe says otherwise).
  public func chain(default fallback: Normalization = Normalization([.unit])) -> Normalization {
    normalize.flatMap { try? Normalization(parsing: $0) } ?? fallback
  }

  /// The chain given, else unit length.
  public var chain: Normalization { chain() }
}

extension TensorFile {
  /// The words of the rows of dataset `name`: the dataset named for the role
  /// `words`, else `words` beside `name` (`en/words` for `en/embeddings`)
  /// when there is one, else the root `words`.
  public func wordsDataset(beside name: String) throws -> String {
    if roles["words"] != nil {
      _ = try has(role: "words")
      return dataset(for: "words")
    }
    if let slash = name.lastIndex(of: "/") {
      let sibling = String(name[..<slash]) + "/words"
      if contains(sibling) { return sibling }
    }
    return "words"
  }
}

/// A dictionary as row pairs: an HDF5 file with `pairs` [M, 2] (or the
/// dataset `spec` names), or a text file of `source target` word pairs
/// looked up in the two vocabularies.
public func readDictionary(
  _ spec: InputSpec, source: EmbeddingInput, target: EmbeddingInput
) throws -> (pairs: IndexTensor, total: Int, dropped: Int) {
  let path = spec.path
  let bytes = try readWholeFile(path)
  if bytes.starts(with: [0x89, 0x48, 0x44, 0x46]) {
    let file = try TensorFile(image: Array(bytes.dropLast()), label: path)
    let name = spec.dataset(or: "pairs")
    let pairs = try file.readInt(name)
    guard pairs.rank == 2, pairs.shape[1] == 2 else {
      throw RetortError.data("must be [M, 2], it is \(pairs.shape)", dataset: name, file: path)
    }
    try checkVocabularies(of: file, dataset: name, source: source, target: target)
    for (p, v) in pairs.scalars.enumerated() {
      let limit = p % 2 == 0 ? source.vectors.rowCount : target.vectors.rowCount
      guard v >= 0 && v < limit else {
        throw RetortError.data(
          "pair \(p / 2) has row \(v), outside the \(limit) "
            + "\(p % 2 == 0 ? "source" : "target") rows",
          file: path)
      }
    }
    return (pairs, pairs.rowCount, 0)
  }
  if spec.dataset != nil || !spec.roles.isEmpty {
    throw RetortError.usage("\(path) is a word-pair text file: it has no datasets to name")
  }
  let text = String(decoding: bytes.dropLast(), as: UTF8.self)
  let words = try WordPairs.parse(text, label: path)
  let (pairs, dropped) = WordPairs.indices(
    of: words, source: try source.requireWords(for: "a text dictionary"),
    target: try target.requireWords(for: "a text dictionary"))
  return (pairs, words.count, dropped)
}

/// Refuses pairs whose recorded vocabularies (`source_words`, `target_words`
/// fingerprints, from `tensor import`) are not those of `source` and
/// `target`: an en→fr dictionary given for fr→en, or for other embeddings.
func checkVocabularies(
  of file: TensorFile, dataset: String, source: EmbeddingInput, target: EmbeddingInput
) throws {
  let recorded = try file.attributes(of: dataset)
  for (key, side, input) in [
    ("source_words", "source", source), ("target_words", "target", target),
  ] {
    guard case .text(let made)? = recorded[key], let words = input.words else { continue }
    let here = Fingerprint.of(words: words)
    if made != here {
      throw RetortError.data(
        "was built for another \(side) vocabulary (words \(made)) than \(input.file.label)'s "
          + "(words \(here)); the pairs index other rows", dataset: dataset, file: file.label)
    }
  }
}
