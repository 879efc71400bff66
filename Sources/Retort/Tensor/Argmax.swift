extension Tensor where Scalar == Float {
  /// The column of each row's largest entry, argmax_j x_ij, the lowest j on ties.
  ///
  /// Entries are compared with `>` from j = 0 up, so an equal later entry and a
  /// NaN never replace the best so far. A row of width 0 gives 0.
  public func rowArgmax() -> [Int] {
    let c = rowWidth
    return scalars.withUnsafeBufferPointer { s in
      (0..<rowCount).map { r in
        let o = r * c
        var best = 0
        for j in 1..<max(c, 1) where s[o + j] > s[o + best] { best = j }
        return best
      }
    }
  }
}
