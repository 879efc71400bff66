import Testing

@testable import Retort

@Suite("Attack goals and the logit margin") struct AttackGoalTests {
  /// Logits (1, 5, 3, 5): worked by hand.
  @Test func marginByHand() {
    let z: ArraySlice<Float> = [1, 5, 3, 5]
    // Untargeted, label 2: m = z_2 − max(1, 5, 5) = 3 − 5; the max is class 1 (lowest index).
    let u = LogitMargin(z, goal: .untargeted, row: 0, label: 2)
    #expect(u == LogitMargin(value: -2, plus: 2, minus: 1))
    // Untargeted, label 1: m = 5 − max(1, 3, 5) = 0, not reached; ∂m/∂z = e_1 − e_3.
    let tie = LogitMargin(z, goal: .untargeted, row: 0, label: 1)
    #expect(tie == LogitMargin(value: 0, plus: 1, minus: 3))
    // Targeted at 0 (row 1 of the targets): m = max(5, 3, 5) − 1 = 4; ∂m/∂z = e_1 − e_0.
    let t = LogitMargin(z, goal: .targeted([3, 0]), row: 1, label: 2)
    #expect(t == LogitMargin(value: 4, plus: 1, minus: 0))
  }

  /// A slice that does not start at 0 (a row of a larger tensor).
  @Test func marginOfARowSlice() {
    let z = FloatTensor(shape: [2, 3], scalars: [9, 9, 9, 0, 2, 1])
    let m = LogitMargin(z.row(1), goal: .targeted([2, 2]), row: 1, label: 1)
    #expect(m == LogitMargin(value: 1, plus: 1, minus: 2))
  }

  @Test func goalReached() {
    #expect(AttackGoal.untargeted.isReached(3, row: 0, label: 2))
    #expect(!AttackGoal.untargeted.isReached(2, row: 0, label: 2))
    #expect(AttackGoal.targeted([4, 7]).isReached(7, row: 1, label: 0))
    #expect(!AttackGoal.targeted([4, 7]).isReached(4, row: 1, label: 0))
    #expect(AttackGoal.targeted([4, 7, 5]).rows([2, 0]) == .targeted([5, 4]))
  }
}
