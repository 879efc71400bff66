import Glibc

/// Born-again networks (Furlanello et al. 2018): generation 0 learns from the
/// data's own targets, generation k+1 from generation k's soft labels at the
/// training temperature, with the same architecture.
public enum BornAgain {
  /// How a generation's soft labels are turned into the next one's targets.
  public enum Variant: String, Sendable, CaseIterable {
    /// The teacher's probabilities as they are.
    case plain
    /// Confidence-weighted by teacher max (CWTM): rows weighted by the
    /// teacher's top probability, normalised to mean 1.
    case cwtm
    /// Dark-knowledge with permuted predictions (DKPP): non-argmax
    /// probabilities permuted within each row.
    case dkpp
  }

  /// Trains `generations` + 1 networks: generation 0 on `data`, each later one
  /// on its predecessor's soft labels (mixed with the labels when the options
  /// say `mixed`, else soft).
  public static func train(
    _ options: ClassifierTrainingOptions, data: ClassifierTrainingSet, generations: Int,
    variant: Variant = .plain, validation: (x: FloatTensor, labels: [Int64])? = nil,
    generator: inout SeededGenerator, onBatch: (Int) -> Void = { _ in },
    onEpoch: (EpochReport) -> Void = { _ in }
  ) throws -> [Network] {
    var networks = [
      try trainClassifier(
        options, data: data, validation: validation, generation: 0, generator: &generator,
        onBatch: onBatch, onEpoch: onEpoch)
    ]
    var studentOptions = options
    studentOptions.targets = options.targets == .mixed ? .mixed : .soft
    for k in stride(from: 1, through: generations, by: 1) {
      var probs = networks[k - 1].predict(data.x)
      SoftTargets.softmaxInPlace(&probs, temperature: options.temperature)
      var student = data
      switch variant {
      case .plain: break
      case .cwtm: student.weights = SoftTargets.confidenceWeights(probs)
      case .dkpp: SoftTargets.permuteDark(&probs, seed: generator.next())
      }
      student.probs = probs
      networks.append(
        try trainClassifier(
          studentOptions, data: student, validation: validation, generation: k,
          generator: &generator, onBatch: onBatch, onEpoch: onEpoch))
    }
    return networks
  }

  /// The ensemble's logits: log of the members' mean probabilities at T = 1.
  public static func ensembleLogits(_ networks: [Network], x: FloatTensor) -> FloatTensor {
    precondition(!networks.isEmpty)
    var ensemble = TeacherEnsemble(
      rows: x.rowCount, classes: networks[0].outputWidth, members: networks.count)
    for net in networks {
      var p = net.predict(x)
      SoftTargets.softmaxInPlace(&p, temperature: 1)
      ensemble.add(p)
    }
    var mean = ensemble.mean
    for i in mean.scalars.indices {
      mean.scalars[i] = log(max(mean.scalars[i], .leastNormalMagnitude))
    }
    return mean
  }
}
