import Glibc

/// The settings of the Carlini–Wagner L2 attack; the defaults are the paper's.
public struct CarliniWagnerOptions: Sendable, Equatable {
  /// κ: how far past the goal's boundary the logit margin must go (m ≤ −κ).
  public var confidence: Float = 0
  /// Rounds of the binary search over the constant c.
  public var binarySteps = 9
  /// c in the first round.
  public var initialConst: Float = 1e-3
  /// Adam iterations per round, at most.
  public var maxIterations = 1000
  /// Adam's step size on the variables w.
  public var learningRate: Float = 1e-2
  /// The box the features live in.
  public var clip: ClosedRange<Float> = 0...1

  public init(
    confidence: Float = 0, binarySteps: Int = 9, initialConst: Float = 1e-3,
    maxIterations: Int = 1000, learningRate: Float = 1e-2, clip: ClosedRange<Float> = 0...1
  ) {
    self.confidence = confidence
    self.binarySteps = binarySteps
    self.initialConst = initialConst
    self.maxIterations = maxIterations
    self.learningRate = learningRate
    self.clip = clip
  }

  public static let defaults = CarliniWagnerOptions()
}

/// The L2 attack of Carlini and Wagner (2017).
///
/// Features stay in the box [lo, hi] through the change of variables
/// x' = lo + (hi − lo)·(tanh(w) + 1)/2. Each row minimises
/// ‖x' − x‖₂² + c·max(m(x'), −κ) over w with Adam, m being the `LogitMargin`
/// of the network's raw outputs, and a binary search per row looks for the
/// smallest c that reaches the goal. Of every x' seen that reaches the goal
/// with m ≤ −κ, the one closest to x is kept.
public enum CarliniWagner {
  /// Adversarial examples of `x`. Rows the network classifies correctly are
  /// attacked, `blockRows` of them optimised together (memory grows with
  /// `blockRows` × features); the others are left as they are. A row succeeds
  /// when the network's prediction for the kept x' reaches `goal`; a row that
  /// does not keeps x' = x.
  public static func attack(
    _ network: Network, x: FloatTensor, labels: [Int64], goal: AttackGoal,
    options: CarliniWagnerOptions = .defaults, blockRows: Int = 128
  ) throws -> AttackOutcome {
    try validate(
      network, x: x, labels: labels, goal: goal, options: options, blockRows: blockRows)
    let n = x.rowCount, d = x.rowWidth
    let before = SoftTargets.argmax(network.predict(x))
    let attacked = (0..<n).map { before[$0] == Int(labels[$0]) }
    let candidates = (0..<n).filter { attacked[$0] }
    var adversarial = x
    var net = network
    for start in stride(from: 0, to: candidates.count, by: blockRows) {
      let rows = Array(candidates[start..<min(candidates.count, start + blockRows)])
      let (best, found) = attackBlock(
        &net, x: x.gather(rows), labels: rows.map { labels[$0] }, goal: goal.rows(rows),
        options: options)
      for (k, r) in rows.enumerated() where found[k] {
        adversarial.scalars.replaceSubrange(r * d..<(r + 1) * d, with: best.row(k))
      }
    }
    let after = SoftTargets.argmax(network.predict(adversarial))
    var succeeded = [Bool](repeating: false, count: n)
    for r in 0..<n where attacked[r] {
      succeeded[r] = goal.isReached(after[r], row: r, label: labels[r])
      // An x' found on the boundary that a differently blocked prediction
      // puts back on the wrong side counts as not found.
      if !succeeded[r] {
        adversarial.scalars.replaceSubrange(r * d..<(r + 1) * d, with: x.row(r))
      }
    }
    return AttackOutcome(adversarial: adversarial, attacked: attacked, succeeded: succeeded)
  }

  /// The objective ‖x' − x‖₂² + c·max(m(x'), −κ) of each row of `w` (the
  /// attack's variables, in the shape of `original`), its gradient with
  /// respect to w, the margin m, the squared distance ‖x' − x‖₂² and x'.
  ///
  /// ∂/∂x' = 2(x' − x) + c·[m > −κ]·∂m/∂x', with ∂m/∂x' from one backward pass
  /// of e_plus − e_minus; then ∂x'/∂w = (hi − lo)/2·(1 − tanh²(w)).
  static func objective(
    _ network: inout Network, w: FloatTensor, original: FloatTensor, labels: [Int64],
    goal: AttackGoal, const: [Float], options: CarliniWagnerOptions
  ) -> (
    loss: [Float], gradient: FloatTensor, margin: [Float], distance: [Float],
    adversarial: FloatTensor
  ) {
    let b = w.rowCount, d = w.rowWidth
    let lo = options.clip.lowerBound, hi = options.clip.upperBound
    let half = (hi - lo) / 2
    var adversarial = w
    var slope = [Float](repeating: 0, count: w.count)
    for i in w.scalars.indices {
      let t = tanh(w.scalars[i])
      adversarial.scalars[i] = min(max(lo + half * (t + 1), lo), hi)
      slope[i] = half * (1 - t * t)
    }
    let z = network.forward(adversarial, training: false)
    let c = z.rowWidth
    let kappa = options.confidence
    var outputGradient = FloatTensor(repeating: 0, shape: [b, c])
    var loss = [Float](repeating: 0, count: b)
    var margin = loss, distance = loss
    for r in 0..<b {
      let m = LogitMargin(z.row(r), goal: goal, row: r, label: labels[r])
      var sum = 0.0
      for i in r * d..<(r + 1) * d {
        let e = Double(adversarial.scalars[i]) - Double(original.scalars[i])
        sum += e * e
      }
      margin[r] = m.value
      distance[r] = Float(sum)
      loss[r] = Float(sum + Double(const[r]) * Double(max(m.value, -kappa)))
      if m.value > -kappa {
        outputGradient.scalars[r * c + m.plus] += const[r]
        outputGradient.scalars[r * c + m.minus] -= const[r]
      }
    }
    let marginGradient = network.backward(outputGradient, accumulate: false)
    var gradient = w
    for i in gradient.scalars.indices {
      let dx = 2 * (adversarial.scalars[i] - original.scalars[i]) + marginGradient.scalars[i]
      gradient.scalars[i] = dx * slope[i]
    }
    return (loss, gradient, margin, distance, adversarial)
  }

  /// Whether margin `m` counts as reaching the goal with confidence κ: m ≤ −κ,
  /// and m < 0 (a tie with κ = 0 does not reach the goal, as in `LogitMargin`).
  static func reaches(_ m: Float, confidence: Float) -> Bool { m < 0 && m <= -confidence }

  /// The attack on one block of rows (all of them attacked): the closest x'
  /// found for each row and whether one was found.
  private static func attackBlock(
    _ network: inout Network, x: FloatTensor, labels: [Int64], goal: AttackGoal,
    options: CarliniWagnerOptions
  ) -> (adversarial: FloatTensor, found: [Bool]) {
    let b = x.rowCount, d = x.rowWidth
    let lo = Double(options.clip.lowerBound), hi = Double(options.clip.upperBound)
    var start = x
    for i in start.scalars.indices {
      let u = (2 * (Double(x.scalars[i]) - lo) / (hi - lo) - 1) * (1 - 1e-6)
      start.scalars[i] = Float(atanh(u))
    }
    let (beta1, beta2, epsilon): (Float, Float, Float) = (0.9, 0.999, 1e-8)
    let period = max(1, options.maxIterations / 10)
    var lower = [Float](repeating: 0, count: b)
    var upper = [Float](repeating: 1e10, count: b)
    var const = [Float](repeating: options.initialConst, count: b)
    var best = x
    var bestDistance = [Float](repeating: .infinity, count: b)
    for _ in 0..<options.binarySteps {
      var w = start
      var m1 = [Float](repeating: 0, count: x.count), m2 = m1
      var reached = [Bool](repeating: false, count: b)
      var previous = [Float](repeating: .infinity, count: b)
      var active = Array(0..<b)
      for iteration in 0..<options.maxIterations where !active.isEmpty {
        let f = objective(
          &network, w: w.gather(active), original: x.gather(active),
          labels: active.map { labels[$0] }, goal: goal.rows(active),
          const: active.map { const[$0] }, options: options)
        let check = iteration % period == 0
        let update = iteration + 1 < options.maxIterations
        let t = Float(iteration + 1)
        let (c1, c2) = (1 - pow(beta1, t), 1 - pow(beta2, t))
        var next = [Int]()
        for (k, r) in active.enumerated() {
          if reaches(f.margin[k], confidence: options.confidence) {
            reached[r] = true
            if f.distance[k] < bestDistance[r] {
              bestDistance[r] = f.distance[k]
              best.scalars.replaceSubrange(r * d..<(r + 1) * d, with: f.adversarial.row(k))
            }
          }
          if check {
            // The paper's early abort: no progress since the last check.
            if iteration > 0 && !(f.loss[k] < 0.9999 * previous[r]) { continue }
            previous[r] = f.loss[k]
          }
          next.append(r)
          guard update else { continue }
          for j in 0..<d {
            let (i, g) = (r * d + j, f.gradient.scalars[k * d + j])
            m1[i] = beta1 * m1[i] + (1 - beta1) * g
            m2[i] = beta2 * m2[i] + (1 - beta2) * g * g
            let step = (m1[i] / c1) / ((m2[i] / c2).squareRoot() + epsilon)
            w.scalars[i] -= options.learningRate * step
          }
        }
        active = next
      }
      for r in 0..<b {
        if reached[r] {
          upper[r] = min(upper[r], const[r])
          const[r] = (lower[r] + upper[r]) / 2
        } else {
          lower[r] = max(lower[r], const[r])
          const[r] = upper[r] < 1e10 ? (lower[r] + upper[r]) / 2 : const[r] * 10
        }
      }
    }
    return (best, bestDistance.map { $0.isFinite })
  }

  private static func validate(
    _ network: Network, x: FloatTensor, labels: [Int64], goal: AttackGoal,
    options: CarliniWagnerOptions, blockRows: Int
  ) throws {
    for (value, name) in [
      (options.binarySteps, "binarySteps"), (options.maxIterations, "maxIterations"),
      (blockRows, "blockRows"),
    ] where value < 1 {
      throw RetortError.usage("must be at least 1, got \(value)", quantity: name)
    }
    try requirePositive(options.initialConst, quantity: "initialConst")
    try requirePositive(options.learningRate, quantity: "learningRate")
    guard options.confidence >= 0, options.confidence.isFinite else {
      throw RetortError.usage(
        "must be finite and at least 0, got \(options.confidence)", quantity: "confidence")
    }
    let (lo, hi) = (options.clip.lowerBound, options.clip.upperBound)
    guard lo < hi, lo.isFinite, hi.isFinite else {
      throw RetortError.usage(
        "must be a finite range of positive width, got \(lo)...\(hi)", quantity: "clip")
    }
    let classes = network.outputWidth
    guard classes >= 2 else {
      throw RetortError.usage(
        "needs at least 2 classes, the network has \(classes)", quantity: "network")
    }
    let n = x.rowCount
    guard x.rank >= 1, x.rowWidth == network.inputWidth else {
      throw RetortError.data(
        "has rows of \(x.rowWidth) features, the network takes \(network.inputWidth)",
        dataset: "x")
    }
    guard labels.count == n else {
      throw RetortError.data("has \(labels.count) rows, x has \(n)", dataset: "labels")
    }
    if let r = labels.firstIndex(where: { $0 < 0 || $0 >= classes }) {
      throw RetortError.data(
        "is class \(labels[r]), outside 0..<\(classes)", dataset: "labels", row: r)
    }
    if let i = x.scalars.firstIndex(where: { !options.clip.contains($0) }) {
      throw RetortError.data(
        "holds \(x.scalars[i]), outside the box \(lo)...\(hi)", dataset: "x",
        row: i / max(x.rowWidth, 1))
    }
    if case .targeted(let targets) = goal {
      guard targets.count == n else {
        throw RetortError.usage("has \(targets.count) rows, x has \(n)", quantity: "target")
      }
      for (r, t) in targets.enumerated() {
        if t < 0 || t >= classes {
          throw RetortError.usage(
            "is class \(t), outside 0..<\(classes)", row: r, quantity: "target")
        }
        if t == labels[r] {
          throw RetortError.usage("is the row's label \(t)", row: r, quantity: "target")
        }
      }
    }
  }
}
