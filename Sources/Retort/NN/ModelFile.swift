/// Networks in model files: one HDF5 group (`model` by default) readable with h5py alone.
///
/// The group's attributes: `architecture` (the comma-list description),
/// `input_shape` (int64 list, the shape of one input row), `parameter_count`,
/// `format` = `retort-network` and `format_version` = 1. Each layer K with
/// parameters or state has datasets `<group>/layerK/<name>` (K counts every
/// layer, activations included: `784-100-10` stores layer0 and layer2):
/// - dense: `W` [in, out] and `b` [out]; y = x·W + b.
/// - conv3x3: `W` [F, C, 3, 3] and `b` [F] (PyTorch's Conv2d layout, padding 1).
/// - bn: `gamma`, `beta`, `running_mean`, `running_var`, each [C]; at inference
///   y = gamma·(x − running_mean)/√(running_var + 1e-5) + beta per channel.
/// Then y = relu(x·W0 + b0)·W2 + b2 in NumPy for `784-100-10`.
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
      for s in layer.state { try writer.write("\(group)/layer\(i)/\(s.name)", s.value) }
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
      RetortError.data("not a Retort model: \(what)", file: file.label)
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
    // A damaged attribute can claim any shape: every dimension positive and the
    // row no larger than 2^31 scalars, before anything is sized by it.
    let width = inputShape.reduce((1, false)) { acc, d in
      let (p, overflow) = acc.0.multipliedReportingOverflow(by: max(d, 0))
      return (p, acc.1 || overflow)
    }
    guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 >= 1 }), !width.1, width.0 <= 1 << 31
    else {
      throw bad("group '\(group)' has an impossible 'input_shape' \(inputShape)")
    }
    let architecture: Architecture
    do { architecture = try Architecture(parsing: text) } catch let error as RetortError {
      throw bad(error.message)
    }
    // Layers are allocated before their datasets are read: weights that even
    // deflate could not have packed into this file are refused first.
    let (packable, overflow) = file.fileSize.multipliedReportingOverflow(
      by: TensorFile.largestDeflateRatio)
    if let footprint = architecture.footprint(for: inputShape), !overflow,
      footprint.storedScalars > packable
    {
      throw bad(
        "group '\(group)' claims \(footprint.storedScalars) weights, more than the file of "
          + "\(file.fileSize) bytes could hold")
    }
    do {
      return try Network(architecture, inputShape: inputShape) { index, layer in
        func load(_ name: String, _ expected: [Int]) throws -> FloatTensor {
          let value = try file.readFloat("\(group)/layer\(index)/\(name)")
          guard value.shape == expected else {
            throw bad(
              "layer\(index) (\(layer.spec)) has \(name) \(value.shape), its architecture needs "
                + "\(expected)")
          }
          return value
        }
        for j in layer.parameters.indices {
          let p = layer.parameters[j]
          layer.parameters[j].value = try load(p.name, p.value.shape)
        }
        for j in layer.state.indices {
          let s = layer.state[j]
          layer.state[j].value = try load(s.name, s.value.shape)
        }
      }
    } catch let error as RetortError where error.kind == .usage {
      throw bad(error.message)
    }
  }
}
