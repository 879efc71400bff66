import Glibc

/// The settings of a projected gradient descent attack (see `PGD`).
public struct PGDOptions: Sendable, Equatable {
  /// The norm whose ball of radius ε bounds the perturbation.
  public enum Norm: String, CaseIterable, Sendable {
    /// ‖x' − x‖∞ ≤ ε; steps follow sign(g).
    case inf
    /// ‖x' − x‖₂ ≤ ε; steps follow g/‖g‖₂.
    case l2 = "2"
  }

  /// The loss the attack ascends.
  public enum Loss: String, CaseIterable, Sendable {
    /// Cross-entropy at softmax(z/T): away from the label, or towards the target.
    case ce
    /// The negated logit margin −m (`LogitMargin`).
    case margin
  }

  /// Madry et al.'s number of steps.
  public static let defaultSteps = 40
  /// The step size is this times ε/steps unless given (Madry et al.: 2.5).
  public static let defaultStepFactor: Float = 2.5
  /// L∞, as in Madry et al.
  public static let defaultNorm = Norm.inf
  /// Cross-entropy, as in Madry et al.
  public static let defaultLoss = Loss.ce

  /// The norm of the ball.
  public var norm: Norm
  /// The radius of the ball (> 0).
  public var epsilon: Float
  /// The step size α (> 0); nil: 2.5·ε/steps.
  public var step: Float?
  /// Gradient steps taken (≥ 1), all of them.
  public var steps: Int
  /// Start from a uniform draw in the ball instead of x.
  public var randomStart: Bool
  /// The loss ascended.
  public var loss: Loss
  /// The cross-entropy is taken at softmax(z/T) (> 0).
  public var temperature: Float
  /// The bounds of every feature (nil: none).
  public var clip: ClosedRange<Float>?

  public init(
    epsilon: Float, norm: Norm = defaultNorm, step: Float? = nil, steps: Int = defaultSteps,
    randomStart: Bool = false, loss: Loss = defaultLoss, temperature: Float = 1,
    clip: ClosedRange<Float>? = 0...1
  ) {
    self.epsilon = epsilon
    self.norm = norm
    self.step = step
    self.steps = steps
    self.randomStart = randomStart
    self.loss = loss
    self.temperature = temperature
    self.clip = clip
  }

  /// The step size α for radius `epsilon`: `step`, or 2.5·ε/steps.
  public func stepSize(epsilon: Float) -> Float {
    step ?? Self.defaultStepFactor * epsilon / Float(steps)
  }
}

/// Projected gradient descent (Madry et al. 2018): steepest ascent of a loss L
/// within a ball of radius ε around x.
///
/// With g = ∇ₓL(x_k) and Π the projection onto {x' : ‖x' − x‖ ≤ ε} followed by
/// clipping each feature to the allowed range:
///
/// - L∞: x_{k+1} = Π(x_k + α·sign(g)), where Π clamps each δ_i = x'_i − x_i
///   to [−ε, ε];
/// - L2: x_{k+1} = Π(x_k + α·g/‖g‖₂) (a row with g = 0 stays), where Π scales
///   δ = x' − x by min(1, ε/‖δ‖₂).
///
/// x_0 is x, or with a random start x_0 = Π(x + δ₀) with δ₀ uniform in the
/// ball: uniform in [−ε, ε]^d for L∞; for L2, ε·u^(1/d) times the direction of
/// d standard normals, u uniform in [0, 1).
///
/// L is, with z the logits and p = softmax(z/T), for the row's label y or
/// target t:
///
/// - cross-entropy, untargeted: L = CE(p, y), ∂L/∂z = (p − e_y)/T;
/// - cross-entropy, targeted: L = −CE(p, t), ∂L/∂z = −(p − e_t)/T;
/// - margin: L = −m with m the `LogitMargin` of the goal, ∂L/∂z = e_minus − e_plus,
///   so that ascent drives m below 0, where the goal is reached.
///
/// Each row's loss is its own (not averaged over rows). All steps are taken
/// and the last iterate is returned, even when an earlier one reached the goal
/// and the last does not.
public enum PGD {
  /// One outcome per ε in `epsilons`, the other settings from `options`
  /// (whose own `epsilon` is not used).
  ///
  /// Rows the model classifies correctly are attacked (for a targeted goal
  /// too); the others stay as they are. A row succeeds when it was attacked
  /// and the model's prediction at the final x' reaches `goal`. Row r's random
  /// start draws from its own stream of `seed`, `streams[r]` (default: r),
  /// the same for every ε. Gradients are computed on blocks of attacked rows:
  /// those whose streams lie in the same interval
  /// [k·blockRows, (k+1)·blockRows), so a shard whose first stream is a multiple
  /// of `blockRows` computes exactly what the whole run computes for its rows.
  /// The blocks run on the BLAS workers, each with one-thread products, so the
  /// adversarial rows do not depend on the number of threads either.
  public static func attack(
    _ network: Network, x: FloatTensor, labels: [Int64], goal: AttackGoal, epsilons: [Float],
    options: PGDOptions, seed: UInt64, streams: [Int]? = nil, blockRows: Int = 256
  ) throws -> [AttackOutcome] {
    let n = x.rowCount, w = x.rowWidth
    let streams = streams ?? Array(0..<n)
    guard streams.count == n else {
      throw RetortError.usage("has \(streams.count) rows, x has \(n)", quantity: "streams")
    }
    let classes = network.outputWidth
    try validate(options, epsilons: epsilons, blockRows: blockRows)
    try validate(labels: labels, goal: goal, rows: n, classes: classes)
    let before = SoftTargets.argmax(network.predict(x))
    let attacked = (0..<n).map { before[$0] == Int(labels[$0]) }
    let candidates = (0..<n).filter { attacked[$0] }
    var blocks = [[Int]]()
    for r in candidates {
      if let last = blocks.last?.last, streams[last] / blockRows == streams[r] / blockRows {
        blocks[blocks.count - 1].append(r)
      } else {
        blocks.append([r])
      }
    }
    return epsilons.map { eps in
      var adversarial = x
      adversarial.scalars.withUnsafeMutableBufferPointer { buffer in
        let out = UnsafeSendable(buffer.baseAddress)
        // Blocks write disjoint rows.
        forEachOnBLASWorkers(blocks.count, network: network) { b, net in
          let rows = blocks[b]
          let block = run(
            &net, x: x.gather(rows), rows: rows, labels: labels, goal: goal, epsilon: eps,
            options: options, seed: seed, streams: streams)
          block.scalars.withUnsafeBufferPointer { source in
            for (i, r) in rows.enumerated() {
              (out.value! + r * w).update(from: source.baseAddress! + i * w, count: w)
            }
          }
        }
      }
      let after = SoftTargets.argmax(network.predict(adversarial))
      return AttackOutcome(
        adversarial: adversarial, attacked: attacked,
        succeeded: (0..<n).map {
          attacked[$0] && goal.isReached(after[$0], row: $0, label: labels[$0])
        })
    }
  }

  /// The attack at `options.epsilon`.
  public static func attack(
    _ network: Network, x: FloatTensor, labels: [Int64], goal: AttackGoal, options: PGDOptions,
    seed: UInt64, streams: [Int]? = nil, blockRows: Int = 256
  ) throws -> AttackOutcome {
    try attack(
      network, x: x, labels: labels, goal: goal, epsilons: [options.epsilon], options: options,
      seed: seed, streams: streams, blockRows: blockRows)[0]
  }

  /// PGD on the rows `x` (rows `rows` of the whole input) at radius `epsilon`.
  private static func run(
    _ net: inout Network, x: FloatTensor, rows: [Int], labels: [Int64], goal: AttackGoal,
    epsilon: Float, options: PGDOptions, seed: UInt64, streams: [Int]
  ) -> FloatTensor {
    let w = x.rowWidth
    let alpha = options.stepSize(epsilon: epsilon)
    var current = x
    if options.randomStart {
      for (i, r) in rows.enumerated() {
        var generator = SeededGenerator(seed: seed, row: streams[r])
        let delta = randomStart(
          width: w, norm: options.norm, epsilon: epsilon, generator: &generator)
        let o = i * w
        for j in 0..<w { current.scalars[o + j] += delta[j] }
      }
      projectRows(&current, around: x, options: options, epsilon: epsilon)
    }
    for _ in 0..<options.steps {
      let g = inputGradient(
        &net, current, rows: rows, labels: labels, goal: goal, options: options)
      current.scalars.withUnsafeMutableBufferPointer { buffer in
        g.scalars.withUnsafeBufferPointer { gradient in
          for i in 0..<rows.count {
            let (row, g) = (buffer.baseAddress! + i * w, gradient.baseAddress! + i * w)
            switch options.norm {
            case .inf:
              for j in 0..<w {
                let s: Float = g[j] > 0 ? 1 : (g[j] < 0 ? -1 : 0)
                row[j] += alpha * s
              }
            case .l2:
              var sum = 0.0
              for j in 0..<w { sum += Double(g[j]) * Double(g[j]) }
              let norm = sum.squareRoot()
              guard norm > 0 else { continue }
              let scale = Double(alpha) / norm
              for j in 0..<w { row[j] += Float(scale * Double(g[j])) }
            }
          }
        }
      }
      projectRows(&current, around: x, options: options, epsilon: epsilon)
    }
    return current
  }

  /// `project` on every row of `rows` around the same row of `x`.
  private static func projectRows(
    _ rows: inout FloatTensor, around x: FloatTensor, options: PGDOptions, epsilon: Float
  ) {
    let w = x.rowWidth
    rows.scalars.withUnsafeMutableBufferPointer { moved in
      x.scalars.withUnsafeBufferPointer { original in
        for i in 0..<x.rowCount {
          project(
            moved.baseAddress! + i * w, around: original.baseAddress! + i * w, count: w,
            norm: options.norm, epsilon: epsilon, clip: options.clip)
        }
      }
    }
  }

  /// ∂L/∂x of each row of `x` (rows `rows` of the whole input), L its own loss.
  private static func inputGradient(
    _ net: inout Network, _ x: FloatTensor, rows: [Int], labels: [Int64], goal: AttackGoal,
    options: PGDOptions
  ) -> FloatTensor {
    let z = net.forward(x, training: false)
    let c = z.rowWidth
    var g = FloatTensor(repeating: 0, shape: [rows.count, c])
    switch options.loss {
    case .ce:
      let t = options.temperature
      let p = z.softmax(temperature: t)
      let sign: Float
      if case .targeted = goal { sign = -1 } else { sign = 1 }
      for (i, r) in rows.enumerated() {
        let anchor = goal.anchor(row: r, label: labels[r])
        for j in 0..<c {
          let q: Float = j == anchor ? 1 : 0
          g.scalars[i * c + j] = sign * (p.scalars[i * c + j] - q) / t
        }
      }
    case .margin:
      for (i, r) in rows.enumerated() {
        let m = LogitMargin(z.row(i), goal: goal, row: r, label: labels[r])
        g.scalars[i * c + m.minus] += 1
        g.scalars[i * c + m.plus] -= 1
      }
    }
    return net.backward(g, accumulate: false)
  }

  /// A uniform draw δ₀ from the ball of radius `epsilon`: d uniforms for L∞;
  /// for L2 d normals (the direction), then one uniform u (radius ε·u^(1/d)).
  static func randomStart(
    width d: Int, norm: PGDOptions.Norm, epsilon: Float, generator: inout SeededGenerator
  ) -> [Float] {
    let eps = Double(epsilon)
    switch norm {
    case .inf:
      return (0..<d).map { _ in Float(eps * (2 * generator.uniform() - 1)) }
    case .l2:
      let v = (0..<d).map { _ in generator.normal() }
      let length = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      let radius = eps * pow(generator.uniform(), 1 / Double(d))
      guard length > 0 else { return [Float](repeating: 0, count: d) }
      return v.map { Float(radius * $0 / length) }
    }
  }

  /// Moves the `count` floats of `row` into the ball of radius `epsilon`
  /// around those of `x`, then into `clip`.
  static func project(
    _ row: UnsafeMutablePointer<Float>, around x: UnsafePointer<Float>, count d: Int,
    norm: PGDOptions.Norm, epsilon: Float, clip: ClosedRange<Float>?
  ) {
    switch norm {
    case .inf:
      for j in 0..<d { row[j] = x[j] + min(max(row[j] - x[j], -epsilon), epsilon) }
    case .l2:
      var sum = 0.0
      for j in 0..<d {
        let delta = Double(row[j]) - Double(x[j])
        sum += delta * delta
      }
      let length = sum.squareRoot()
      if length > Double(epsilon) {
        let scale = Double(epsilon) / length
        for j in 0..<d { row[j] = Float(Double(x[j]) + scale * (Double(row[j]) - Double(x[j]))) }
      }
    }
    if let clip {
      for j in 0..<d { row[j] = min(max(row[j], clip.lowerBound), clip.upperBound) }
    }
  }

  private static func validate(_ options: PGDOptions, epsilons: [Float], blockRows: Int) throws {
    for eps in epsilons where !(eps > 0 && eps.isFinite) {
      throw RetortError.usage("must be positive and finite, got \(eps)", quantity: "epsilon")
    }
    guard options.steps >= 1 else {
      throw RetortError.usage("must be at least 1, got \(options.steps)", quantity: "steps")
    }
    if let step = options.step, !(step > 0 && step.isFinite) {
      throw RetortError.usage("must be positive and finite, got \(step)", quantity: "step")
    }
    let t = options.temperature
    guard t > 0 && t.isFinite else {
      throw RetortError.usage("must be positive and finite, got \(t)", quantity: "temperature")
    }
    guard blockRows >= 1 else {
      throw RetortError.usage("must be at least 1, got \(blockRows)", quantity: "blockRows")
    }
  }

  private static func validate(labels: [Int64], goal: AttackGoal, rows n: Int, classes: Int)
    throws
  {
    guard labels.count == n else {
      throw RetortError.data("has \(labels.count) values, x has \(n) rows", dataset: "labels")
    }
    if let r = labels.firstIndex(where: { $0 < 0 || $0 >= classes }) {
      throw RetortError.data(
        "is \(labels[r]), outside 0..<\(classes)", dataset: "labels", row: r)
    }
    guard case .targeted(let targets) = goal else { return }
    guard targets.count == n else {
      throw RetortError.usage("has \(targets.count) values, x has \(n) rows", quantity: "target")
    }
    for (r, t) in targets.enumerated() {
      if t < 0 || t >= classes {
        throw RetortError.usage("is \(t), outside 0..<\(classes)", row: r, quantity: "target")
      }
      if t == labels[r] {
        throw RetortError.usage("is \(t), the row's label", row: r, quantity: "target")
      }
    }
  }
}
