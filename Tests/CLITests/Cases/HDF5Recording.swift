import Foundation
import Retort

/// Records HDF5 file `actual` as the expectation `expected`: a plain copy when
/// every dataset is small, else a file whose datasets over `Sampled.limit`
/// values keep every k-th value (see `Sampled`), the rest copied unchanged.
func recordHDF5(actual: String, as expected: String) throws {
  try? FileManager.default.removeItem(atPath: expected)
  let file = try TensorFile(path: actual)
  let names = try file.datasetNames()
  let large = try names.filter { try file.info($0).shape.reduce(1, *) > Sampled.limit }
  if large.isEmpty {
    try FileManager.default.copyItem(atPath: actual, toPath: expected)
    return
  }
  let writer = try TensorFileWriter(.path(expected))
  for name in names {
    let parts = name.split(separator: "/").dropLast()
    for end in parts.indices {
      let group = parts[...end].joined(separator: "/")
      try writer.createGroup(group)
      for (key, value) in try file.attributes(of: group) {
        try writer.setAttribute(key, value, on: group)
      }
    }
    guard large.contains(name) else {
      try writer.copy(name, from: file)
      continue
    }
    let info = try file.info(name)
    let stride = (info.shape.reduce(1, *) + 999) / 1000
    var attributes = try file.attributes(of: name)
    attributes[Sampled.stride] = .integer(Int64(stride))
    attributes[Sampled.shape] = .integers(info.shape.map { Int64($0) })
    attributes[Sampled.type] = .text(info.typeName)
    try writer.write(name, sample(try file.read(name), stride), attributes: attributes)
  }
  for (key, value) in try file.attributes() { try writer.setAttribute(key, value) }
  try writer.commit()
}
