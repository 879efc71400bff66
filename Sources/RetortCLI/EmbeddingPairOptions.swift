import Retort
import RetortArguments

/// What the alignment tools read first: SRC and TGT embeddings (rows by
/// frequency) and the normalisation chain applied to both on load.
public struct EmbeddingPairOptions: ParsableArguments {
  @Argument(
    help: ArgumentHelp("Source embeddings, rows by frequency.", valueName: "src[:embeddings]"))
  public var source: InputSpec

  @Argument(
    help: ArgumentHelp("Target embeddings, rows by frequency.", valueName: "tgt[:embeddings]"))
  public var target: InputSpec

  @OptionGroup public var normalization: NormalizationOptions

  public init() {}

  /// Both sides, normalised by --normalize or else `fallback` (see
  /// `EmbeddingInput.pair`).
  public func read(
    in context: ToolContext, rows: Range<Int>? = nil, normalizingAfterRows: Bool = false,
    defaultNormalization fallback: Normalization = Normalization([.unit])
  ) throws -> (source: EmbeddingInput, target: EmbeddingInput) {
    try EmbeddingInput.pair(
      source, target, in: context, normalization: normalization.chain(default: fallback), rows: rows,
      normalizingAfterRows: normalizingAfterRows)
  }
}
