import Glibc

/// Classifier model files as `distill train` writes them.
///
/// `/model` holds the final network (the last generation). With born-again
/// generations, `/generations/g0` … `/generations/gK` hold every generation
/// and the root attribute `ensemble` lists the members of their ensemble
/// (generations 1…K). Each network group carries `temperature` (the training
/// temperature) and `generation`; the root attribute `trained_on` holds the
/// fingerprint of the training rows (`Fingerprint.of`), when known.
public enum ClassifierModelFile {
  /// Which network(s) of a model file to run.
  public enum Selection: Equatable, Sendable {
    case final
    case generation(Int)
    case ensemble
  }

  /// Writes `networks` (generation 0 first) trained at `temperature` on rows
  /// whose fingerprint is `trainedOn`.
  public static func write(
    _ networks: [Network], to writer: TensorFileWriter, temperature: Float,
    trainedOn: String? = nil
  ) throws {
    precondition(!networks.isEmpty)
    if let trainedOn { try writer.setAttribute("trained_on", .text(trainedOn)) }
    let last = networks.count - 1
    try networks[last].write(
      to: writer, group: "model",
      attributes: ["temperature": .real(Double(temperature)), "generation": .integer(Int64(last))])
    guard networks.count > 1 else { return }
    for (k, net) in networks.enumerated() {
      try net.write(
        to: writer, group: "generations/g\(k)",
        attributes: ["temperature": .real(Double(temperature)), "generation": .integer(Int64(k))])
    }
    let members = (1...last).map { "generations/g\($0)" }.joined(separator: ",")
    try writer.setAttribute("ensemble", .text(members))
  }

  /// The fingerprint of the rows the model in `file` was trained on, when recorded.
  public static func trainingRows(_ file: TensorFile) throws -> String? {
    guard case .text(let rows)? = try file.attributes()["trained_on"] else { return nil }
    return rows
  }

  /// The networks that `selection` names in `file`.
  public static func read(_ file: TensorFile, selection: Selection = .final) throws -> [Network] {
    switch selection {
    case .final:
      return [try Network.read(from: file, group: "model")]
    case .generation(let k):
      guard k >= 0, (try? file.attributes(of: "generations/g\(k)")) != nil else {
        throw RetortError.data("no generation \(k) in the model", file: file.label)
      }
      return [try Network.read(from: file, group: "generations/g\(k)")]
    case .ensemble:
      guard case .text(let members)? = try file.attributes()["ensemble"] else {
        throw RetortError.data(
          "no ensemble of born-again generations in the model", file: file.label)
      }
      return try members.split(separator: ",").map {
        try Network.read(from: file, group: String($0))
      }
    }
  }

  /// The logits of the selected network(s) for `x`, divided by `temperature`:
  /// one network's outputs, or for several the log of their mean probabilities.
  /// Logits that overflow float32 are a data error naming the row of
  /// `dataset` (rows of `x` counted from `firstRow`).
  public static func logits(
    _ networks: [Network], x: FloatTensor, temperature: Float = 1, dataset: String = "x",
    firstRow: Int = 0
  ) throws -> FloatTensor {
    var z = networks.count == 1 ? networks[0].predict(x) : BornAgain.ensembleLogits(networks, x: x)
    if temperature != 1 {
      for i in z.scalars.indices { z.scalars[i] /= temperature }
    }
    if let bad = z.scalars.firstIndex(where: { !$0.isFinite }) {
      let largest = x.scalars.lazy.map(abs).max() ?? 0
      throw RetortError.data(
        "gives logits that are not finite (inputs as large as \(largest) overflow float32 "
          + "inside the network)", dataset: dataset, row: firstRow + bad / max(z.rowWidth, 1))
    }
    return z
  }
}
