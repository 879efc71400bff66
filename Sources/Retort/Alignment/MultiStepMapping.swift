import Glibc

/// Which side's whitening a de-whitening step restores.
public enum WhiteningSide: String, CaseIterable, Sendable {
  case src, trg
}

/// The steps of the multi-step framework of Artetxe, Labaka and Agirre (AAAI
/// 2018) around the orthogonal mapping. The defaults are plain orthogonal
/// mapping.
public struct MultiStepOptions: Equatable, Sendable {
  /// Whiten each side over the dictionary's rows: X ← X·(XᵀX)^(-1/2).
  public var whiten = false
  /// Scale the shared dimensions by σ^a, σ the singular values of the
  /// orthogonal step, for the source (a) and the target.
  public var sourceReweight = 0.0
  public var targetReweight = 0.0
  /// Restore the source's or the target's whitened-away covariance, in the
  /// shared space; nil leaves it whitened.
  public var sourceDewhiten: WhiteningSide?
  public var targetDewhiten: WhiteningSide?
  /// Keep the first this many shared dimensions (0: all).
  public var dimensions = 0

  public init() {}

  /// Whether nothing beyond the orthogonal mapping is asked for, so that a
  /// single map W from source to target is the whole result.
  public var isOrthogonalOnly: Bool { self == MultiStepOptions() }
}

/// Maps of both sides into one shared space: a source row x becomes
/// `source`·x, a target row z becomes `target`·z (rows are X·Wᵀ).
public struct SharedSpaceMapping: Sendable {
  /// [D_out, D]: dataset `W` of a mapping file.
  public var source: FloatTensor
  /// [D_out, D]: dataset `W_tgt` of a mapping file.
  public var target: FloatTensor
}

/// The multi-step mapping of Artetxe et al. (2018) from dictionary pairs.
///
/// With X, Z the dictionary's source and target rows (repeats kept), in
/// double precision: whitening W₁ = (XᵀX)^(-1/2) (and likewise for Z); the
/// orthogonal step U·Σ·Vᵀ = (X·W₁ₓ)ᵀ(Z·W₁ᵤ), mapping the source by U and the
/// target by V; re-weighting by Σ^a; de-whitening by Uᵀ·W₁ₓ⁻¹·U (source
/// covariance) or Vᵀ·W₁ᵤ⁻¹·V (target covariance); then the first
/// `dimensions` columns. The source's map is W₁ₓ·U·Σ^a·(de-whitening), and
/// its transpose is returned, so that mapped rows are X·Wᵀ.
public enum MultiStepMapping {
  public static func solve(
    source: FloatTensor, target: FloatTensor, pairs: IndexTensor, options: MultiStepOptions
  ) throws -> SharedSpaceMapping {
    try checkEmbeddingPair(source, "source", target, "target")
    try checkPairs(pairs, sourceRows: source.shape[0], targetRows: target.shape[0])
    let d = source.shape[1]
    guard options.dimensions >= 0 && options.dimensions <= d else {
      throw RetortError.usage(
        "must be in 0...\(d) (the embeddings' D), got \(options.dimensions)",
        quantity: "dimensions")
    }
    for (value, name) in [
      (options.sourceReweight, "sourceReweight"), (options.targetReweight, "targetReweight"),
    ] where !value.isFinite {
      throw RetortError.usage("must be finite, got \(value)", quantity: name)
    }
    let x = gatheredRows(source, pairs, column: 0)
    let z = gatheredRows(target, pairs, column: 1)
    let identity = SquareMatrix.identity(d)
    let (wx1, wx1Inverse) = options.whiten ? try whitening(x, d, side: "source") : (identity, identity)
    let (wz1, wz1Inverse) = options.whiten ? try whitening(z, d, side: "target") : (identity, identity)
    let m = pairs.shape[0]
    let xw = dgemm(x, wx1.values, m: m, n: d, k: d)
    let zw = dgemm(z, wz1.values, m: m, n: d, k: d)
    let (u, sigma, vt) = try svd(dgemm(xw, zw, m: d, n: d, k: m, transposeA: true), rows: d, columns: d)
    let wx2 = SquareMatrix(d, u)
    let wz2 = SquareMatrix(d, vt).transposed
    func dewhitening(_ side: WhiteningSide?) -> SquareMatrix {
      switch side {
      case nil: identity
      case .src: wx2.transposed * wx1Inverse * wx2
      case .trg: wz2.transposed * wz1Inverse * wz2
      }
    }
    let sourceMap =
      wx1 * wx2 * .diagonal(sigma.map { pow($0, options.sourceReweight) })
      * dewhitening(options.sourceDewhiten)
    let targetMap =
      wz1 * wz2 * .diagonal(sigma.map { pow($0, options.targetReweight) })
      * dewhitening(options.targetDewhiten)
    let kept = options.dimensions == 0 ? d : options.dimensions
    return SharedSpaceMapping(
      source: sourceMap.transposedColumns(kept), target: targetMap.transposedColumns(kept))
  }

  /// W₁ = (MᵀM)^(-1/2) and its inverse from the SVD of the m×d rows M.
  static func whitening(_ rows: [Double], _ d: Int, side: String) throws -> (
    SquareMatrix, SquareMatrix
  ) {
    let m = rows.count / d
    let (_, s, vt) = try svd(rows, rows: m, columns: d)
    let largest = s.first ?? 0
    guard s.count == d, let smallest = s.last, smallest > largest * 1e-10 else {
      throw RetortError.data(
        "whitening needs the dictionary's \(side) rows to span all \(d) dimensions; "
          + "they span fewer (\(m) pairs)")
    }
    let v = SquareMatrix(d, vt).transposed
    let vtMatrix = SquareMatrix(d, vt)
    return (
      v * .diagonal(s.map { 1 / $0 }) * vtMatrix,
      v * .diagonal(s) * vtMatrix
    )
  }

  /// The rows of `x` named by column `column` of `pairs`, in double precision.
  static func gatheredRows(_ x: FloatTensor, _ pairs: IndexTensor, column: Int) -> [Double] {
    let (m, d) = (pairs.shape[0], x.shape[1])
    var rows = [Double](repeating: 0, count: m * d)
    for p in 0..<m {
      let r = Int(pairs[p, column])
      for j in 0..<d { rows[p * d + j] = Double(x[r, j]) }
    }
    return rows
  }
}

/// A small dense d×d matrix in double precision, row-major.
struct SquareMatrix {
  let size: Int
  var values: [Double]

  init(_ size: Int, _ values: [Double]) {
    precondition(values.count == size * size, "a \(size)×\(size) matrix needs \(size * size) values")
    (self.size, self.values) = (size, values)
  }

  static func identity(_ d: Int) -> SquareMatrix { diagonal([Double](repeating: 1, count: d)) }

  static func diagonal(_ entries: [Double]) -> SquareMatrix {
    let d = entries.count
    var v = [Double](repeating: 0, count: d * d)
    for i in 0..<d { v[i * d + i] = entries[i] }
    return SquareMatrix(d, v)
  }

  var transposed: SquareMatrix {
    var v = values
    for i in 0..<size {
      for j in 0..<size { v[j * size + i] = values[i * size + j] }
    }
    return SquareMatrix(size, v)
  }

  /// The first `columns` columns, transposed: a [columns, size] float tensor.
  func transposedColumns(_ columns: Int) -> FloatTensor {
    var out = [Float](repeating: 0, count: columns * size)
    for j in 0..<columns {
      for i in 0..<size { out[j * size + i] = Float(values[i * size + j]) }
    }
    return FloatTensor(shape: [columns, size], scalars: out)
  }

  static func * (a: SquareMatrix, b: SquareMatrix) -> SquareMatrix {
    SquareMatrix(a.size, dgemm(a.values, b.values, m: a.size, n: a.size, k: a.size))
  }
}
