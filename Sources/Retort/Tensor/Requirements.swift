/// The checks that the core, the file readers and the C interface share:
/// each throws a `RetortError` whose fields name what failed (the dataset or
/// quantity, the row), phrased one way everywhere.

/// Throws a data error naming the first row of `t` (rows of `rowWidth`
/// values; 1 for a vector) that holds NaN or an infinity.
public func requireFinite(_ t: FloatTensor, dataset: String? = nil, quantity: String? = nil) throws
{
  guard let i = t.firstNonFinite() else { return }
  try requireFinite(
    t.scalars, at: i, width: t.rank >= 2 ? t.rowWidth : 1, dataset: dataset, quantity: quantity)
}

/// Throws a data error naming the first entry of `values` that is NaN or an infinity.
public func requireFinite(_ values: [Float], dataset: String? = nil, quantity: String? = nil) throws
{
  guard let i = values.firstIndex(where: { !$0.isFinite }) else { return }
  try requireFinite(values, at: i, width: 1, dataset: dataset, quantity: quantity)
}

private func requireFinite(
  _ values: [Float], at i: Int, width: Int, dataset: String?, quantity: String?
) throws {
  throw RetortError.data(
    "holds a value that is not finite (\(values[i]))", dataset: dataset, row: i / max(width, 1),
    quantity: quantity)
}

/// Throws a data error unless `t` is a non-empty [N, D] matrix (with `columns`
/// columns when given).
public func requireMatrix(
  _ t: FloatTensor, columns: Int? = nil, dataset: String? = nil, quantity: String? = nil
) throws {
  let expected = "[N, \(columns.map(String.init) ?? "D")]"
  guard t.rank == 2, columns.map({ $0 == t.shape[1] }) ?? true else {
    throw RetortError.data(
      "has shape \(t.shape), expected \(expected)", dataset: dataset, quantity: quantity)
  }
  guard t.shape[0] > 0, t.shape[1] > 0 else {
    throw RetortError.data("is empty (shape \(t.shape))", dataset: dataset, quantity: quantity)
  }
}

/// Throws a usage error unless `value` is finite and positive.
public func requirePositive(_ value: Float, quantity: String) throws {
  guard value > 0, value.isFinite else {
    throw RetortError.usage("must be positive, got \(value)", quantity: quantity)
  }
}

/// Throws a data error naming the first of `indices` outside 0..<`count`
/// (its position is the row; `quantity` says what they index, e.g. `queries`).
public func requireIndices(_ indices: [Int], below count: Int, quantity: String) throws {
  guard let bad = indices.firstIndex(where: { $0 < 0 || $0 >= count }) else { return }
  throw RetortError.data(
    "is row \(indices[bad]), outside 0..<\(count)", row: bad, quantity: quantity)
}
