/// A dense, row-major tensor: a shape and one contiguous array of scalars.
///
/// The first axis indexes items (rows). `row(_:)` and `rows(_:)` hand out
/// views into the storage without copying it.
public struct Tensor<Scalar>: Equatable where Scalar: Equatable {
  public var shape: [Int] { _shape }
  @usableFromInline var _shape: [Int]
  /// The scalars in row-major order; `scalars.count == shape.reduce(1, *)`
  /// always holds.
  ///
  /// Elements are written in place, in O(1) (`t.scalars[i] = v`,
  /// `t.scalars.withUnsafeMutableBufferPointer`); a change of their number
  /// (an append, or assigning an array of another count) is a precondition
  /// failure: make a new tensor with `init(shape:scalars:)` instead.
  public var scalars: [Scalar] {
    @inlinable get { _scalars }
    @inlinable _modify {
      let count = _scalars.count
      defer {
        precondition(
          _scalars.count == count,
          "tensor of shape \(_shape) holds \(count) scalars, not \(_scalars.count)")
      }
      yield &_scalars
    }
  }
  @usableFromInline var _scalars: [Scalar]

  /// A tensor of the given shape over `scalars` (row-major).
  @inlinable
  public init(shape: [Int], scalars: [Scalar]) {
    precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
    precondition(
      shape.reduce(1, *) == scalars.count,
      "shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
    self._shape = shape
    self._scalars = scalars
  }

  /// A tensor of the given shape with every scalar equal to `value`.
  @inlinable
  public init(repeating value: Scalar, shape: [Int]) {
    self.init(shape: shape, scalars: Array(repeating: value, count: shape.reduce(1, *)))
  }

  @inlinable
  public var rank: Int { shape.count }
  /// Number of items: the first dimension (1 for a scalar).
  @inlinable
  public var rowCount: Int { shape.first ?? 1 }
  /// Scalars per row: the product of all dimensions after the first.
  @inlinable
  public var rowWidth: Int { shape.dropFirst().reduce(1, *) }
  @inlinable
  public var count: Int { scalars.count }

  /// Row `i` as a view into the storage.
  @inlinable
  public func row(_ i: Int) -> ArraySlice<Scalar> {
    let w = rowWidth
    return scalars[i * w..<(i + 1) * w]
  }

  /// Rows `range` as a new tensor sharing nothing with this one.
  @inlinable
  public func rows(_ range: Range<Int>) -> Tensor {
    var s = shape
    s[0] = range.count
    let w = rowWidth
    return Tensor(shape: s, scalars: Array(scalars[range.lowerBound * w..<range.upperBound * w]))
  }

  /// The rows at `indices`, in that order.
  @inlinable
  public func gather(_ indices: some Collection<Int>) -> Tensor {
    var s = shape
    s[0] = indices.count
    let w = rowWidth
    var out = [Scalar]()
    out.reserveCapacity(indices.count * w)
    for i in indices { out.append(contentsOf: scalars[i * w..<(i + 1) * w]) }
    return Tensor(shape: s, scalars: out)
  }

  /// The same scalars under another shape with the same number of scalars.
  @inlinable
  public func reshaped(_ newShape: [Int]) -> Tensor {
    Tensor(shape: newShape, scalars: scalars)
  }

  /// Rows of several tensors with equal trailing dimensions, one after another.
  public static func concatenatingRows(_ parts: [Tensor]) -> Tensor {
    precondition(!parts.isEmpty)
    var s = parts[0].shape
    s[0] = parts.reduce(0) { $0 + $1.rowCount }
    return Tensor(shape: s, scalars: Array(parts.map(\.scalars).joined()))
  }

  @inlinable
  public subscript(_ i: Int, _ j: Int) -> Scalar {
    get { scalars[i * shape[1] + j] }
    set { scalars[i * shape[1] + j] = newValue }
  }
}

public typealias FloatTensor = Tensor<Float>
public typealias IndexTensor = Tensor<Int64>

extension Tensor: Sendable where Scalar: Sendable {}

extension Tensor where Scalar == Float {
  /// The index of the first non-finite scalar, if any.
  public func firstNonFinite() -> Int? {
    // A NaN or an infinity has every exponent bit set: the largest exponent
    // field of a chunk (a reduction that vectorises) says whether to look.
    let exponent: UInt32 = 0x7f80_0000
    return scalars.withUnsafeBufferPointer { p in
      for start in stride(from: 0, to: p.count, by: 4096) {
        let chunk = start..<min(start + 4096, p.count)
        var largest: UInt32 = 0
        for i in chunk { largest = max(largest, p[i].bitPattern & exponent) }
        if largest == exponent { return chunk.first { !p[$0].isFinite } }
      }
      return nil
    }
  }
}

/// A dataset's contents as Retort handles it: float32, int64 or UTF-8 strings.
public enum TensorValue: Equatable, Sendable {
  case float(FloatTensor)
  case int(IndexTensor)
  case strings([String])

  public var shape: [Int] {
    switch self {
    case .float(let t): t.shape
    case .int(let t): t.shape
    case .strings(let s): [s.count]
    }
  }
  public var rowCount: Int { shape.first ?? 1 }

  /// The rows at `indices` (in that order) of whichever kind this is.
  public func gather(_ indices: [Int]) -> TensorValue {
    switch self {
    case .float(let t): .float(t.gather(indices))
    case .int(let t): .int(t.gather(indices))
    case .strings(let s): .strings(indices.map { s[$0] })
    }
  }

  /// The same numbers in `newShape` (of the same count); strings stay as they are.
  public func reshaped(_ newShape: [Int]) -> TensorValue {
    switch self {
    case .float(let t): .float(t.reshaped(newShape))
    case .int(let t): .int(t.reshaped(newShape))
    case .strings: self
    }
  }
}
