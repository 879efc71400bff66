/// A linear map of embedding rows, as `procrustes` and `align-adv` write it:
/// a matrix W [D_out, D] that takes a row x of dimension D to W·x, so a block
/// X of rows becomes X·Wᵀ (`Procrustes.map`'s convention). W need not be
/// square or orthogonal.
public struct EmbeddingMap: Sendable {
  /// The side of a mapping file: which space its matrix maps.
  public enum Side: String, CaseIterable, Sendable {
    /// The source space: dataset `W`.
    case source
    /// The target space, for files that map both sides into a shared space:
    /// dataset `W_tgt`.
    case target

    /// The dataset that holds this side's map.
    public var dataset: String {
      switch self {
      case .source: "W"
      case .target: "W_tgt"
      }
    }
  }

  /// The map [D_out, D], finite.
  public let matrix: FloatTensor
  /// The dataset the map was read from, for messages.
  public let dataset: String

  /// D: the dimension of the rows the map takes.
  public var inputDimension: Int { matrix.shape[1] }
  /// D_out: the dimension of the mapped rows.
  public var outputDimension: Int { matrix.shape[0] }

  /// A map from a non-empty, finite [D_out, D] matrix read from `dataset`.
  public init(_ matrix: FloatTensor, dataset: String = Side.source.dataset) throws {
    guard matrix.rank == 2, matrix.shape[0] > 0, matrix.shape[1] > 0 else {
      throw RetortError.data(
        "must be a non-empty [D_out, D] matrix, it is \(matrix.shape)", dataset: dataset)
    }
    try requireFinite(matrix, dataset: dataset)
    self.matrix = matrix
    self.dataset = dataset
  }

  /// Reads a map from `file`: dataset `name` when given, else the dataset of
  /// `side`. A file without `W_tgt` has no target map: a data error that
  /// names the file. Errors name the file.
  public static func read(
    from file: TensorFile, dataset name: String? = nil, side: Side = .source
  ) throws -> EmbeddingMap {
    let dataset = name ?? side.dataset
    if name == nil, side == .target, !file.contains(dataset) {
      let names = (try? file.datasetNames().joined(separator: ", ")) ?? ""
      throw RetortError.data(
        "the mapping file has no target map '\(dataset)' (it has: \(names))", file: file.label)
    }
    let w = try file.readFiniteFloat(dataset)
    do { return try EmbeddingMap(w, dataset: dataset) } catch let e as RetortError {
      throw e.naming(file.label)
    }
  }

  /// The normalisation chain recorded with the map in `file` (the text
  /// attribute `normalization` of `dataset`, which `procrustes` writes), or
  /// nil when none is recorded. An unreadable chain is a data error naming
  /// the file.
  public static func recordedNormalization(in file: TensorFile, dataset: String = "W") throws
    -> Normalization?
  {
    guard file.contains(dataset), case .text(let name)? = try file.attributes(of: dataset)["normalization"]
    else { return nil }
    guard let chain = try? Normalization(parsing: name) else {
      throw RetortError.data(
        "records an unknown normalisation '\(name)'", dataset: dataset, file: file.label)
    }
    return chain
  }

  /// Checks that rows of dimension `d` fit the map; the message names the
  /// map's file `mapLabel` and the embeddings' file `rowsLabel` with both
  /// dimensions.
  public func checkDimension(_ d: Int, mapFile mapLabel: String, rowsFile rowsLabel: String)
    throws
  {
    guard d == inputDimension else {
      throw RetortError.data(
        "the map '\(dataset)' of \(mapLabel) is [\(outputDimension), \(inputDimension)] "
          + "and takes rows of D = \(inputDimension), the embeddings of \(rowsLabel) have "
          + "D = \(d)")
    }
  }

  /// Writes the mapped rows `rows` of `x` (rows·Wᵀ) to `out`, which holds
  /// `rows.count × outputDimension` floats, with one sgemm.
  public func map(_ x: FloatTensor, rows: Range<Int>, into out: UnsafeMutablePointer<Float>) {
    precondition(x.rank == 2 && x.shape[1] == inputDimension, "rows do not fit the map")
    precondition(rows.clamped(to: 0..<x.shape[0]) == rows, "rows outside the matrix")
    let (d, dOut) = (inputDimension, outputDimension)
    x.scalars.withUnsafeBufferPointer { px in
      matrix.scalars.withUnsafeBufferPointer { pw in
        sgemm(
          transposeB: true, m: rows.count, n: dOut, k: d,
          a: px.baseAddress! + rows.lowerBound * d, lda: d, b: pw.baseAddress!, ldb: d,
          c: out, ldc: dOut)
      }
    }
  }

  /// Maps the rows of `x` in blocks of at most `blockRows` rows and calls
  /// `body` with each block's rows and its mapped values (row-major,
  /// `outputDimension` per row), in order. Only one block of output is held.
  public func forEachBlock(
    of x: FloatTensor, blockRows: Int,
    _ body: (Range<Int>, UnsafeBufferPointer<Float>) throws -> Void
  ) rethrows {
    precondition(blockRows >= 1, "blocks need at least one row")
    let n = x.shape[0]
    var buffer = [Float](repeating: 0, count: min(blockRows, n) * outputDimension)
    for start in stride(from: 0, to: n, by: blockRows) {
      let rows = start..<min(start + blockRows, n)
      try buffer.withUnsafeMutableBufferPointer { out in
        map(x, rows: rows, into: out.baseAddress!)
        try body(rows, UnsafeBufferPointer(rebasing: out[0..<rows.count * outputDimension]))
      }
    }
  }

  /// Every mapped row, [N, D_out], computed in blocks of `blockRows` rows
  /// straight into the result.
  public func mapped(_ x: FloatTensor, blockRows: Int) -> FloatTensor {
    precondition(blockRows >= 1, "blocks need at least one row")
    let n = x.shape[0]
    var result = FloatTensor(repeating: 0, shape: [n, outputDimension])
    result.scalars.withUnsafeMutableBufferPointer { out in
      for start in stride(from: 0, to: n, by: blockRows) {
        let rows = start..<min(start + blockRows, n)
        map(x, rows: rows, into: out.baseAddress! + start * outputDimension)
      }
    }
    return result
  }
}
