extension DelimitedText.Table {
  /// The table split into features [N, columns − 1] and the int64 labels of
  /// `column` (0-based; negative counts from the end), which must hold whole
  /// numbers.
  public func splittingLabels(column: Int) throws -> (features: FloatTensor, labels: IndexTensor) {
    let columns = values.shape[1]
    let c = column < 0 ? columns + column : column
    guard (0..<columns).contains(c) else {
      throw RetortError.usage("label column \(column) is outside the \(columns) columns")
    }
    var x = [Float](), labels = [Int64]()
    for r in 0..<values.shape[0] {
      for (j, v) in values.row(r).enumerated() {
        if j != c {
          x.append(v)
          continue
        }
        guard v.rounded() == v else {
          throw RetortError.data("row \(r + 1): label \(v) is not a whole number")
        }
        labels.append(Int64(v))
      }
    }
    return (
      FloatTensor(shape: [labels.count, columns - 1], scalars: x),
      IndexTensor(shape: [labels.count], scalars: labels)
    )
  }
}
