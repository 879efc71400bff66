import Foundation
import RetortTestSupport
import Testing

@testable import Retort

@Suite("Normalisation") struct NormalizationTests {
  /// MUSE's and VecMap's chains against numpy; a zero row stays zero.
  @Test(arguments: [
    "center,renorm", "unit,center,unit", "renorm", "center", "unitdim", "centeremb,unit",
    "unit,unitdim,centeremb",
  ])
  func chainsAgainstNumpy(chain: String) throws {
    var x = randomMatrix(9, 5, seed: 91, unit: false)
    for j in 0..<5 { x[4, j] = 0 }
    let y = try Normalization(parsing: chain).applied(to: x)
    let ref = try numpyNumbers(
      pyArray("x", x),
      """
      for step in '\(chain)'.split(','):
          if step == 'center': x = x - x.mean(0)
          elif step == 'centeremb': x = x - x.mean(1, keepdims=True)
          elif step == 'unitdim':
              n = np.linalg.norm(x, axis=0, keepdims=True); x = x / np.where(n > 0, n, 1)
          else:
              n = np.linalg.norm(x, axis=1, keepdims=True); x = x / np.where(n > 0, n, 1)
      print(*x.ravel())
      """)
    expectApproximatelyEqual(y.scalars, ref, absoluteTolerance: 1e-5)
  }

  @Test func zeroRowsStayZero() throws {
    let y = try Normalization(parsing: "unit").applied(
      to: FloatTensor(shape: [2, 2], scalars: [0, 0, 3, 4]))
    #expect(y.scalars == [0, 0, 0.6, 0.8])
  }

  @Test func parsing() throws {
    #expect(try Normalization(parsing: "unit,center,unit").steps == [.unit, .center, .unit])
    #expect(try Normalization(parsing: "").steps.isEmpty)
    #expect(try Normalization(parsing: "none").steps.isEmpty)
    #expect(try Normalization(parsing: "renorm,unitdim").name == "unit,unitdim")
    #expect(Normalization([]).name == "none")
    #expect(try Normalization(parsing: "unit,unitdim").needsAllRows)
    #expect(try !Normalization(parsing: "unit,centeremb").needsAllRows)
    expectError(.usage, quantity: "normalization") {
      try Normalization(parsing: "center,whiten")
    }
    expectError(.usage, quantity: "normalization") {
      try Normalization(parsing: "center,")
    }
  }
}
