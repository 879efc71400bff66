/// Networks in model files: one HDF5 group (`model` by default) readable with h5py alone.
///
/// The group's attributes: `architecture` (the comma-list description),
/// `input_shape` (int64 list, the shape of one input row), `parameter_count`,
/// `format` = `retort-network` and `format_version` = 1. Each layer K with
/// parameters has datasets `<group>/layerK/W` [in, out] and `<group>/layerK/b`
/// [out] (K counts every layer, activations included: `784-100-10` stores
/// layer0 and layer2). Then y = relu(x·W0 + b0)·W2 + b2 in NumPy.
extension Network {
  static let formatName = "retort-network"
  static let formatVersion: Int64 = 1

  /// Writes this network as group `group` of `writer`, with `attributes`
  /// (e.g. the training temperature) added to the group's own.
  public func write(
    to writer: TensorFileWriter, group: String = "model", attributes: [String: AttributeValue] = [:]
  ) throws {
    try writer.createGroup(group)
    for (i, layer) in layers.enumerated() {
      for p in layer.parameters { try writer.write("\(group)/layer\(i)/\(p.name)", p.value) }
    }
    var all = attributes
    all["architecture"] = .text(architecture.description)
    all["input_shape"] = .integers(inputShape.map(Int64.init))
    all["parameter_count"] = .integer(Int64(parameterCount))
    all["format"] = .text(Self.formatName)
    all["format_version"] = .integer(Self.formatVersion)
    for (key, value) in all.sorted(by: { $0.key < $1.key }) {
      try writer.setAttribute(key, value, on: group)
    }
  }

  /// The network stored as group `group` of `file`; a missing or inconsistent
  /// group is a data error naming the file. Its dropout generator is seeded with 0.
  public static func read(from file: TensorFile, group: String = "model") throws -> Network {
    func bad(_ what: String) -> RetortError {
      RetortError.data("not a Retort model: \(what): \(file.label)")
    }
    guard let attributes = try? file.attributes(of: group) else { throw bad("no group '\(group)'") }
    guard case .text(let text)? = attributes["architecture"] else {
      throw bad("group '\(group)' has no 'architecture' attribute")
    }
    let inputShape: [Int]
    switch attributes["input_shape"] {
    case .integers(let v)?: inputShape = v.map { Int($0) }
    case .integer(let v)?: inputShape = [Int(v)]
    default: throw bad("group '\(group)' has no 'input_shape' attribute")
    }
    let architecture: Architecture
    do { architecture = try Architecture(parsing: text) } catch let error as RetortError {
      throw bad(error.message)
    }
    do {
      return try Network(architecture, inputShape: inputShape) { index, inputs, outputs in
        let w = try file.readFloat("\(group)/layer\(index)/W")
        let b = try file.readFloat("\(group)/layer\(index)/b")
        guard w.shape == [inputs, outputs], b.shape == [outputs] else {
          throw bad(
            "layer\(index) has W \(w.shape) and b \(b.shape), its architecture needs [\(inputs), \(outputs)] and [\(outputs)]"
          )
        }
        return Dense(weights: w, bias: b)
      }
    } catch let error as RetortError where error.kind == .usage {
      throw bad(error.message)
    }
  }
}
