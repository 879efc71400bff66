/// The mean of several teachers' probabilities, p̄ = Σ_m (1/M)·p_m, summed
/// one teacher and one block of rows at a time (each term is multiplied by
/// 1/M before it is added, in teacher order, so blocks give the bytes of a
/// whole run).
public struct TeacherEnsemble: Sendable {
  /// The mean so far, [N, C].
  public private(set) var mean: FloatTensor
  private let share: Float

  /// An empty sum for `members` teachers over `rows` × `classes`.
  public init(rows: Int, classes: Int, members: Int) {
    precondition(members >= 1)
    mean = FloatTensor(repeating: 0, shape: [rows, classes])
    share = 1 / Float(members)
  }

  /// Adds one teacher's probabilities for the rows starting at `row`.
  public mutating func add(_ probs: FloatTensor, atRow row: Int = 0) {
    let c = mean.rowWidth
    precondition(probs.rowWidth == c && row + probs.rowCount <= mean.rowCount)
    let share = share
    mean.scalars.withUnsafeMutableBufferPointer { out in
      probs.scalars.withUnsafeBufferPointer { p in
        let dst = out.baseAddress! + row * c
        for i in 0..<p.count { dst[i] += p[i] * share }
      }
    }
  }
}
