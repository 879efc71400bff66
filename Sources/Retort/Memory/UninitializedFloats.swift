/// An array of `count` floats, every one of which `fill` must write.
func uninitializedFloats(
  _ count: Int, _ fill: (UnsafeSendable<UnsafeMutablePointer<Float>>) -> Void
) -> [Float] {
  [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
    if let base = buffer.baseAddress { fill(UnsafeSendable(base)) }
    initialized = count
  }
}
