import Foundation
import Retort

/// Attributes every output carries that differ from run to run: the root's
/// `history` (it has the time) and `retort_version`.
let maskedRootAttributes: Set<String> = ["history", "retort_version"]

/// An expected dataset too large to keep whole keeps every `stride`-th value
/// of its row-major scalars, with these attributes giving stride, shape and type.
enum Sampled {
  static let stride = "retort_expect_stride"
  static let shape = "retort_expect_shape"
  static let type = "retort_expect_type"
  static let names: Set<String> = [stride, shape, type]
  /// Datasets with more values than this are sampled down to about 1,000.
  static let limit = 10_000
}

/// Differences between HDF5 file `actual` and the expectation `expected`:
/// dataset names, kinds, stored types, shapes, values (floats within
/// `tolerance`) and the attributes of the root, groups and datasets.
func hdf5Differences(actual: String, expected: String, tolerance: Tolerance) -> [String] {
  do {
    let a = try TensorFile(path: actual)
    let e = try TensorFile(path: expected)
    let aNames = try a.datasetNames()
    let eNames = try e.datasetNames()
    guard aNames == eNames else { return ["datasets \(aNames), expected \(eNames)"] }
    var found = attributeDifferences(
      try a.attributes(), try e.attributes(), masking: maskedRootAttributes, at: "/", tolerance)
    for group in Set(eNames.flatMap(parentGroups)).sorted() {
      found += attributeDifferences(
        try a.attributes(of: group), try e.attributes(of: group), masking: [], at: group, tolerance)
    }
    for name in eNames { found += try datasetDifferences(name, a, e, tolerance) }
    return found
  } catch {
    return ["cannot compare \(actual) with \(expected): \(error)"]
  }
}

/// The groups above a dataset path: `a/b/c` has `a` and `a/b`.
private func parentGroups(_ name: String) -> [String] {
  let parts = name.split(separator: "/").dropLast()
  return parts.indices.map { parts[...$0].joined(separator: "/") }
}

private func datasetDifferences(
  _ name: String, _ a: TensorFile, _ e: TensorFile,
  _ tolerance: Tolerance
) throws -> [String] {
  let eAttributes = try e.attributes(of: name)
  var found = attributeDifferences(
    try a.attributes(of: name), eAttributes, masking: Sampled.names, at: name, tolerance)
  let aInfo = try a.info(name)
  let eInfo = try e.info(name)
  var stride = 1
  var shape = eInfo.shape
  var type = eInfo.typeName
  if case .integer(let s)? = eAttributes[Sampled.stride] { stride = Int(s) }
  if case .integers(let s)? = eAttributes[Sampled.shape] { shape = s.map { Int($0) } }
  if case .text(let t)? = eAttributes[Sampled.type] { type = t }
  guard aInfo.kind == eInfo.kind, aInfo.typeName == type, aInfo.shape == shape else {
    return found + ["\(name): \(aInfo.typeName) \(aInfo.shape), expected \(type) \(shape)"]
  }
  let aValues = sample(try a.read(name), stride)
  let eValues = try e.read(name)
  found += valueDifferences(aValues, eValues, at: name, tolerance)
  return found
}

/// Every `stride`-th scalar of `value` in row-major order (all of them for 1).
func sample(_ value: TensorValue, _ stride: Int) -> TensorValue {
  guard stride > 1 else { return value }
  func pick<T>(_ all: [T]) -> [T] {
    Swift.stride(from: 0, to: all.count, by: stride).map { all[$0] }
  }
  switch value {
  case .float(let t):
    let s = pick(t.scalars)
    return .float(FloatTensor(shape: [s.count], scalars: s))
  case .int(let t):
    let s = pick(t.scalars)
    return .int(IndexTensor(shape: [s.count], scalars: s))
  case .strings(let s): return .strings(pick(s))
  }
}

/// The first few values that differ, and how many do.
private func valueDifferences(
  _ a: TensorValue, _ e: TensorValue, at name: String,
  _ tolerance: Tolerance
) -> [String] {
  var bad = [Int]()
  var show: (Int) -> String = { _ in "" }
  switch (a, e) {
  case (.float(let x), .float(let y)) where x.scalars.count == y.scalars.count:
    bad = x.scalars.indices.filter {
      !tolerance.accepts(Double(x.scalars[$0]), Double(y.scalars[$0]))
    }
    show = { "\(x.scalars[$0]), expected \(y.scalars[$0])" }
  case (.int(let x), .int(let y)) where x.scalars.count == y.scalars.count:
    bad = x.scalars.indices.filter { x.scalars[$0] != y.scalars[$0] }
    show = { "\(x.scalars[$0]), expected \(y.scalars[$0])" }
  case (.strings(let x), .strings(let y)) where x.count == y.count:
    bad = x.indices.filter { x[$0] != y[$0] }
    show = { "'\(x[$0])', expected '\(y[$0])'" }
  default:
    return ["\(name): values of another kind or count than expected"]
  }
  return bad.prefix(3).map { "\(name)[\($0)]: \(show($0))" }
    + (bad.count > 3 ? ["\(name): \(bad.count) values differ"] : [])
}

/// Attributes that are missing, extra or different (reals within `tolerance`).
private func attributeDifferences(
  _ a: [String: AttributeValue], _ e: [String: AttributeValue], masking masked: Set<String>,
  at object: String, _ tolerance: Tolerance
) -> [String] {
  let aKeys = Set(a.keys).subtracting(masked)
  let eKeys = Set(e.keys).subtracting(masked)
  guard aKeys == eKeys else {
    return ["\(object): attributes \(aKeys.sorted()), expected \(eKeys.sorted())"]
  }
  return eKeys.sorted().compactMap { key in
    let same: Bool
    switch (a[key]!, e[key]!) {
    case (.real(let x), .real(let y)): same = tolerance.accepts(x, y)
    case (.reals(let x), .reals(let y)):
      same = x.count == y.count && zip(x, y).allSatisfy { tolerance.accepts($0, $1) }
    case (let x, let y): same = x == y
    }
    return same ? nil : "\(object) attribute \(key): \(a[key]!), expected \(e[key]!)"
  }
}
