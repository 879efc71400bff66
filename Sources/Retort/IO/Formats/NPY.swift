import Glibc

/// NumPy's `.npy` format (versions 1–3): read any numeric array, write float32
/// and int64 little-endian arrays in C order.
public enum NPY {
  static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

  /// Parses an `.npy` file's bytes; `label` names it in errors. Floats become
  /// float32, integers and booleans int64; Fortran order is turned into C order.
  public static func decode(_ bytes: [UInt8], label: String) throws -> TensorValue {
    func bad(_ why: String) -> RetortError { .data("not a readable .npy file (\(why)): \(label)") }
    guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw bad("no NUMPY magic") }
    let major = bytes[6]
    let headerLength: Int
    let headerStart: Int
    switch major {
    case 1:
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      headerStart = 10
    case 2, 3:
      guard bytes.count >= 12 else { throw bad("truncated header") }
      headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
      headerStart = 12
    default: throw bad("version \(major)")
    }
    guard bytes.count >= headerStart + headerLength else { throw bad("truncated header") }
    let header = String(decoding: bytes[headerStart..<headerStart + headerLength], as: UTF8.self)
    guard let descr = field("descr", in: header), let order = field("fortran_order", in: header),
      let shapeText = field("shape", in: header)
    else { throw bad("header without descr, fortran_order or shape") }
    let shape = try shapeText.trimming(["(", ")", "[", "]", " "])
      .split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
      .map { part -> Int in
        guard let n = Int(part), n >= 0 else { throw bad("shape \(shapeText)") }
        return n
      }
    let d = descr.trimming(["'", "\"", " "])
    guard d.count >= 3, let size = Int(d.dropFirst(2)) else { throw bad("dtype \(d)") }
    let endian = d.first!, kind = d.dropFirst().first!
    let bigEndian = endian == ">"
    let count = shape.reduce(1, *)
    let dataStart = headerStart + headerLength
    let available = bytes.count - dataStart
    guard available >= count * size else {
      throw bad("\(count * size) data bytes expected, \(available) present (truncated?)")
    }
    func scalar(_ i: Int) -> UInt64 {
      var v: UInt64 = 0
      let base = dataStart + i * size
      for b in 0..<size {
        let byte = UInt64(bytes[base + (bigEndian ? size - 1 - b : b)])
        v |= byte << (8 * UInt64(b))
      }
      return v
    }
    var value: TensorValue
    switch (kind, size) {
    case ("f", 2):
      value = .float(
        Tensor(
          shape: shape, scalars: (0..<count).map { Float(Float16(bitPattern: UInt16(scalar($0)))) })
      )
    case ("f", 4):
      value = .float(
        Tensor(shape: shape, scalars: (0..<count).map { Float(bitPattern: UInt32(scalar($0))) }))
    case ("f", 8):
      value = .float(
        Tensor(shape: shape, scalars: (0..<count).map { Float(Double(bitPattern: scalar($0))) }))
    case ("i", 1), ("i", 2), ("i", 4), ("i", 8):
      let shift = UInt64(64 - 8 * size)
      value = .int(
        Tensor(
          shape: shape,
          scalars: (0..<count).map { Int64(bitPattern: scalar($0) << shift) >> Int64(shift) }))
    case ("u", 1), ("u", 2), ("u", 4), ("b", 1):
      value = .int(Tensor(shape: shape, scalars: (0..<count).map { Int64(scalar($0)) }))
    case ("u", 8):
      let values = (0..<count).map { scalar($0) }
      if let big = values.first(where: { $0 > UInt64(Int64.max) }) {
        throw bad("uint64 value \(big) exceeds int64")
      }
      value = .int(Tensor(shape: shape, scalars: values.map { Int64($0) }))
    default: throw bad("unsupported dtype \(d)")
    }
    if order.hasPrefix("True") && shape.count > 1 {
      value = value.fortranToC(shape: shape)
    }
    return value
  }

  /// The text of `key`'s value in a Python dict literal header.
  static func field(_ key: String, in header: String) -> String? {
    guard let k = header.firstRange(ofText: "'\(key)'") ?? header.firstRange(ofText: "\"\(key)\"")
    else { return nil }
    var rest = header[k.upperBound...].drop { $0 == " " || $0 == ":" }
    if rest.first == "(" || rest.first == "[" {
      guard let close = rest.firstIndex(where: { $0 == ")" || $0 == "]" }) else { return nil }
      return String(rest[...close])
    }
    if let end = rest.firstIndex(of: ",") ?? rest.firstIndex(of: "}") { rest = rest[..<end] }
    return rest.trimmingSpaces()
  }

  /// Encodes a float32 or int64 tensor as a version 1.0 `.npy` file.
  public static func encode(_ value: TensorValue) throws -> [UInt8] {
    let shape = value.shape
    let shapeText =
      shape.count == 1
      ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    let descr: String
    switch value {
    case .float: descr = "<f4"
    case .int: descr = "<i8"
    case .strings:
      throw RetortError.data("holds strings, which .npy cannot hold; export them as text")
    }
    var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
    let unpadded = 10 + header.utf8.count + 1
    header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    var out = magic + [1, 0, UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)]
    out += Array(header.utf8)
    switch value {
    case .float(let t): t.scalars.withUnsafeBytes { out += $0 }
    case .int(let t): t.scalars.withUnsafeBytes { out += $0 }
    case .strings: break
    }
    return out
  }
}

extension TensorValue {
  /// Reorders values stored in Fortran (column-major) order into C order.
  func fortranToC(shape: [Int]) -> TensorValue {
    let count = shape.reduce(1, *)
    var index = [Int](repeating: 0, count: count)
    var cStrides = [Int](repeating: 1, count: shape.count)
    var fStrides = [Int](repeating: 1, count: shape.count)
    for a in stride(from: shape.count - 2, through: 0, by: -1) {
      cStrides[a] = cStrides[a + 1] * shape[a + 1]
    }
    for a in 1..<shape.count { fStrides[a] = fStrides[a - 1] * shape[a - 1] }
    for c in 0..<count {
      var rest = c, f = 0
      for a in 0..<shape.count {
        f += (rest / cStrides[a]) * fStrides[a]
        rest %= cStrides[a]
      }
      index[c] = f
    }
    switch self {
    case .float(let t): return .float(Tensor(shape: shape, scalars: index.map { t.scalars[$0] }))
    case .int(let t): return .int(Tensor(shape: shape, scalars: index.map { t.scalars[$0] }))
    case .strings: return self
    }
  }
}
