import Retort
import RetortCLI

/// The training rows of `spec`: `x` [N, ...] with `labels`, `probs` (for
/// soft or mixed targets) and `weight` when the file has them, and the
/// fingerprint of `x` (checked against the soft targets' `rows_fingerprint`,
/// recorded by the model as `trained_on`).
func readTrainingSet(
  _ spec: InputSpec, targets: ClassifierTrainingOptions.Targets, in context: ToolContext
) throws -> (file: TensorFile, set: ClassifierTrainingSet, fingerprint: String) {
  let file = try context.open(spec)
  let name = spec.dataset(or: "x")
  let x = try file.readFiniteFloat(name)
  guard x.rank >= 2 else {
    throw RetortError.data(
      "must be [N, features...], it is \(x.shape)", dataset: name, file: file.label)
  }
  let fingerprint = Fingerprint.of(x)
  var set = ClassifierTrainingSet(x: x)
  if try file.has(role: "labels") {
    set.labels = try file.readInt(file.dataset(for: "labels")).scalars
  } else if targets != .soft {
    throw RetortError.noInput(
      "has no 'labels', which --targets \(targets.rawValue) needs (name another as "
        + "DATA:labels=NAME)", file: file.label)
  }
  if targets != .hard {
    let probsName = file.dataset(for: "probs")
    set.probs = try file.readFiniteFloat(probsName)
    if case .text(let rows)? = try file.attributes(of: probsName)["rows_fingerprint"],
      rows != fingerprint
    {
      throw RetortError.data(
        "was computed from other rows than '\(name)' (rows_fingerprint \(rows), '\(name)' "
          + "\(fingerprint)): soft targets of another split?", dataset: probsName,
        file: file.label)
    }
  }
  if try file.has(role: "weight") {
    set.weights = try file.readFiniteFloat(file.dataset(for: "weight")).scalars
  }
  return (file, set, fingerprint)
}

/// Validation rows of `spec`: `x` with rows of `width` features, and `labels`.
func readValidationSet(
  _ spec: InputSpec, width: Int, in context: ToolContext
) throws -> (x: FloatTensor, labels: [Int64]) {
  let file = try context.open(spec)
  let x = try file.readFiniteFloat(spec.dataset(or: "x"))
  let labelsName = file.dataset(for: "labels")
  let labels = try file.readInt(labelsName).scalars
  guard x.rowWidth == width, labels.count == x.rowCount else {
    throw RetortError.data(
      "validation '\(spec.dataset(or: "x"))' \(x.shape) and '\(labelsName)' do not match the training data",
      file: file.label)
  }
  return (x, labels)
}

extension EpochReport {
  /// The JSON-lines record of the epoch.
  var fields: [String: Any] {
    var out: [String: Any] = [
      "generation": generation, "epoch": epoch, "loss": loss, "seconds": seconds,
    ]
    if let v = validation {
      out["val_loss"] = v.nll
      out["val_accuracy"] = v.accuracy
    }
    return out
  }
}
