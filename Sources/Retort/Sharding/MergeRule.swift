/// How `tensor merge` combines one dataset of a job's shards, named by the
/// dataset's `merge` attribute: rows concatenated in shard order (no
/// attribute), each row's k largest values over the shards (`topk`, for CSLS
/// radii), or concatenated and scaled to mean 1 (`mean1`, for CWTM weights).
public enum MergeRule: String, Sendable {
  case concatenate
  case topk
  case mean1

  /// The rule a dataset's attributes name (concatenation without `merge`).
  public init(attributes: [String: AttributeValue]) throws {
    switch attributes["merge"] {
    case nil: self = .concatenate
    case .text(let name)?:
      guard let rule = MergeRule(rawValue: name), rule != .concatenate else {
        throw RetortError.data("unknown merge rule '\(name)'")
      }
      self = rule
    case let other?: throw RetortError.data("unknown merge rule \(other)")
    }
  }

  /// The shards' parts of one dataset, combined; `labels` name the parts'
  /// files in errors.
  public func combine(_ parts: [TensorValue], labels: [String]) throws -> TensorValue {
    switch self {
    case .concatenate:
      return try TensorValue.concatenatingRows(parts, labels: labels)
    case .topk:
      let tensors = try zip(parts, labels).map { p, l in try p.floats(in: l) }
      return .float(try CSLSRadii.mergeTargetTopK(tensors))
    case .mean1:
      let all = try TensorValue.concatenatingRows(parts, labels: labels).floats(in: labels[0])
      return .float(
        FloatTensor(shape: all.shape, scalars: SoftTargets.normalizedToMeanOne(all.scalars)))
    }
  }
}

extension TensorValue {
  /// Parts of one kind with the same trailing dimensions, rows concatenated;
  /// `labels` name the parts' files in errors.
  public static func concatenatingRows(_ parts: [TensorValue], labels: [String]) throws
    -> TensorValue
  {
    guard let first = parts.first else { throw RetortError.data("no parts to merge") }
    let tail = Array(first.shape.dropFirst())
    for (part, label) in zip(parts, labels)
    where Array(part.shape.dropFirst()) != tail || part.shape.isEmpty {
      throw RetortError.data("has shape \(part.shape) in \(label), \(first.shape) in \(labels[0])")
    }
    let items = Array(zip(parts, labels))
    switch first {
    case .float: return .float(.concatenatingRows(try items.map { try $0.floats(in: $1) }))
    case .int: return .int(.concatenatingRows(try items.map { try $0.integers(in: $1) }))
    case .strings: return .strings(Array(try items.map { try $0.strings(in: $1) }.joined()))
    }
  }

  /// The float tensor this is; a data error naming `label` for another kind.
  public func floats(in label: String) throws -> FloatTensor {
    guard case .float(let t) = self else { throw kindError(label) }
    return t
  }

  /// The integer tensor this is; a data error naming `label` for another kind.
  public func integers(in label: String) throws -> IndexTensor {
    guard case .int(let t) = self else { throw kindError(label) }
    return t
  }

  /// The strings this is; a data error naming `label` for another kind.
  public func strings(in label: String) throws -> [String] {
    guard case .strings(let s) = self else { throw kindError(label) }
    return s
  }

  private func kindError(_ label: String) -> RetortError {
    RetortError.data("holds a different kind of values in \(label)")
  }
}
