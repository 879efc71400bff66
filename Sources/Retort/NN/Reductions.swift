// Sums over contiguous floats in eight interleaved lanes, so that they
// vectorise (a plain loop must keep the order of its additions), an
// element-wise add eight at a time, and the eight-float loads and stores.

/// y[i] += x[i] for i in 0..<n (each element as the scalar loop would add it).
@inline(__always)
func laneAdd(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int) {
  var i = 0
  while i + 8 <= n {
    storeLanes(loadLanes(y + i) + loadLanes(x + i), y + i)
    i += 8
  }
  while i < n {
    y[i] += x[i]
    i += 1
  }
}

/// Σ x[i] for i in 0..<n.
@inline(__always)
func laneSum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
  laneReduce(n, { i in loadLanes(x + i) }, { i in x[i] })
}

/// Σ y[i]·((x[i] − m)·s) for i in 0..<n: the dot product of y with x normalised.
@inline(__always)
func laneDotNormalized(
  _ y: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int, mean m: Float,
  inverseStd s: Float
) -> Float {
  laneReduce(
    n,
    { i in loadLanes(y + i) * ((loadLanes(x + i) - SIMD8(repeating: m)) * SIMD8(repeating: s)) },
    { i in y[i] * ((x[i] - m) * s) })
}

/// Σ (x[i] − c)² for i in 0..<n.
@inline(__always)
func laneSquaredDeviations(_ x: UnsafePointer<Float>, _ n: Int, from c: Float) -> Float {
  laneReduce(
    n,
    { i in
      let d = loadLanes(x + i) - SIMD8(repeating: c)
      return d * d
    },
    { i in (x[i] - c) * (x[i] - c) })
}

/// Eight floats from unaligned memory.
@inline(__always)
func loadLanes(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

/// Eight floats to unaligned memory.
@inline(__always)
func storeLanes(_ value: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
  UnsafeMutableRawPointer(p).storeBytes(of: value, as: SIMD8<Float>.self)
}

/// The sum of `lanes(i)` over blocks of eight starting at i, then of `tail(i)`
/// over the rest.
@inline(__always)
private func laneReduce(
  _ n: Int, _ lanes: (Int) -> SIMD8<Float>, _ tail: (Int) -> Float
) -> Float {
  var acc = SIMD8<Float>()
  var i = 0
  while i + 8 <= n {
    acc += lanes(i)
    i += 8
  }
  var s = acc.sum()
  while i < n {
    s += tail(i)
    i += 1
  }
  return s
}
