import Foundation
import RetortTestSupport
import Testing

@testable import Retort

/// A [rows, columns] matrix of standard normal samples, rows scaled to unit
/// length when `unit`.
func randomMatrix(_ rows: Int, _ columns: Int, seed: UInt64, unit: Bool = true) -> FloatTensor {
  var g = SeededGenerator(seed: seed)
  var x = FloatTensor(
    shape: [rows, columns], scalars: (0..<rows * columns).map { _ in Float(g.normal()) })
  if unit { unitRows(&x) }
  return x
}

/// A random D×D rotation: the orthogonal factor U·Vᵀ of a Gaussian matrix.
func randomRotation(_ d: Int, seed: UInt64) throws -> FloatTensor {
  let g = randomMatrix(d, d, seed: seed, unit: false)
  let (u, _, vt) = try svd(g.scalars.map { Double($0) }, rows: d, columns: d)
  var w = [Float](repeating: 0, count: d * d)
  for i in 0..<d {
    for j in 0..<d {
      w[i * d + j] = Float((0..<d).reduce(0.0) { $0 + u[i * d + $1] * vt[$1 * d + j] })
    }
  }
  return FloatTensor(shape: [d, d], scalars: w)
}

/// Python source that defines `name` as a float64 numpy array equal to `t`.
func pyArray(_ name: String, _ t: FloatTensor) -> String {
  "\(name) = np.array([\(t.scalars.map { "\($0)" }.joined(separator: ","))], "
    + "dtype=np.float64).reshape(\(t.shape.map(String.init).joined(separator: ",")))\n"
}

/// Python source that defines `name` as an int64 numpy array equal to `t`.
func pyArray(_ name: String, _ t: IndexTensor) -> String {
  "\(name) = np.array([\(t.scalars.map { "\($0)" }.joined(separator: ","))], "
    + "dtype=np.int64).reshape(\(t.shape.map(String.init).joined(separator: ",")))\n"
}

/// Runs a numpy script after `import numpy as np` and the given definitions
/// (read from standard input, so large arrays fit), and returns the numbers
/// it prints.
func numpyNumbers(_ definitions: String, _ script: String) throws -> [Double] {
  numbers(
    try runPython("import numpy as np, sys\nexec(sys.stdin.read())\n" + script, input: definitions))
}

/// A synthetic alignment pair, the fixture of the core alignment tests:
/// target row `truth[i]` is source row i rotated, y = Q·x, plus `noise` times
/// standard normal samples, made unit length when `unitTarget`.
struct RotatedPair {
  var source: FloatTensor
  var target: FloatTensor
  var rotation: FloatTensor
  /// Source row i is target row `truth[i]`.
  var truth: [Int]

  /// The pair of `source` and its rotation by `rotation`, the noise drawn from `noiseSeed`.
  init(
    source: FloatTensor, rotation: FloatTensor, noise: Float, noiseSeed: UInt64,
    unitTarget: Bool = true
  ) throws {
    let n = source.shape[0]
    let samples = randomMatrix(n, source.shape[1], seed: noiseSeed, unit: false)
    var y = try Procrustes.map(source, by: rotation)
    for i in y.scalars.indices { y.scalars[i] += noise * samples.scalars[i] }
    if unitTarget { unitRows(&y) }
    self.source = source
    self.target = y
    self.rotation = rotation
    self.truth = Array(0..<n)
  }

  /// Shuffles the target rows with `generator`; `truth` follows them.
  mutating func shuffleTarget(using generator: inout SeededGenerator) {
    var order = Array(0..<truth.count)
    generator.shuffle(&order)  // new target row r is old target row order[r]
    var moved = [Int](repeating: 0, count: order.count)
    for (row, old) in order.enumerated() { moved[old] = row }
    truth = truth.map { moved[$0] }
    target = target.gather(order)
  }
}
