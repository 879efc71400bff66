import RetortTestSupport
import Testing

@testable import Retort

/// Convolution, batch norm and max pooling: finite-difference gradients (with
/// `NNLayerTests.check`) and forward values against NumPy/SciPy in float64.
struct NNImageLayerTests {
  static func tensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> FloatTensor {
    FloatTensor(shape: shape, scalars: randomValues(shape.reduce(1, *), seed: seed, scale: scale))
  }

  static func conv(c: Int, h: Int, w: Int, f: Int, seed: UInt64) -> Conv3x3 {
    Conv3x3(
      channels: c, height: h, width: w, weights: tensor([f, c, 3, 3], seed: seed),
      bias: tensor([f], seed: seed + 1))
  }

  /// Distinct values 0.05 apart in a seeded order, so that no pooling window
  /// has a near-tie that a finite-difference step could flip.
  static func distinctValues(_ n: Int, seed: UInt64) -> [Float] {
    var g = SeededGenerator(seed: seed)
    var v = (0..<n).map { Float($0) * 0.05 - Float(n) * 0.025 }
    g.shuffle(&v)
    return v
  }

  @Test func convolutionGradients() {
    let layer = Self.conv(c: 2, h: 4, w: 5, f: 3, seed: 1)
    NNLayerTests().check(layer, x: Self.tensor([2, 2 * 4 * 5], seed: 3))
  }

  @Test func batchNormGradients() {
    var image = BatchNorm(channels: 2, spatial: 6)
    image.parameters[0].value = FloatTensor(shape: [2], scalars: [1.5, -0.7])
    image.parameters[1].value = FloatTensor(shape: [2], scalars: [0.2, 0.3])
    image.state[1].value = FloatTensor(shape: [2], scalars: [0.5, 2])
    let x = Self.tensor([3, 12], seed: 4, scale: 2)
    NNLayerTests().check(image, x: x, training: true)
    NNLayerTests().check(image, x: x, training: false)
    NNLayerTests().check(
      BatchNorm(rowShape: [5]), x: Self.tensor([4, 5], seed: 5), training: true)
  }

  @Test func maxPoolGradients() {
    let x = FloatTensor(shape: [2, 2 * 5 * 4], scalars: Self.distinctValues(80, seed: 6))
    NNLayerTests().check(MaxPool2(channels: 2, height: 5, width: 4), x: x)
  }

  /// A plain image, and thin ones whose shifted rows are mostly or all outside.
  @Test(arguments: [[5, 6], [1, 4], [3, 1], [2, 2], [1, 1]])
  func convolutionMatchesSciPy(image: [Int]) throws {
    let (b, c, h, w, f) = (2, 3, image[0], image[1], 4)
    let layer = Self.conv(c: c, h: h, w: w, f: f, seed: 7)
    let x = Self.tensor([b, c * h * w], seed: 8)
    let script = """
      import sys, numpy as np
      from scipy.signal import correlate2d
      x, w, b = [np.array(l.split(), dtype=np.float32).astype(np.float64)
                 for l in sys.stdin.read().strip().split("\\n")]
      x = x.reshape(\(b), \(c), \(h), \(w)); w = w.reshape(\(f), \(c), 3, 3)
      y = np.array([[b[f] + sum(correlate2d(x[n, c], w[f, c], mode="same") for c in range(\(c)))
                     for f in range(\(f))] for n in range(\(b))])
      print(" ".join(repr(float(v)) for v in y.ravel()))
      """
    let input = [x.scalars, layer.weights.scalars, layer.bias.scalars]
      .map { rowsText($0, columns: $0.count) }.joined(separator: "\n")
    let reference = numbers(try runPython(script, input: input))
    expectApproximatelyEqual(
      layer(x).scalars, reference, absoluteTolerance: 1e-5, relativeTolerance: 1e-5)
    var blocked = layer
    blocked.blockScalars = 1  // one sample per block
    #expect(blocked(x) == layer(x))
  }

  @Test(arguments: [[3, 3], [1, 4], [4, 1], [2, 2]])
  func convolutionGradientsInBlocks(image: [Int]) {
    let hw = image[0] * image[1]
    var layer = Self.conv(c: 1, h: image[0], w: image[1], f: 2, seed: 9)
    layer.blockScalars = 2 * 9 * hw  // two samples per block, three blocks
    NNLayerTests().check(layer, x: Self.tensor([5, hw], seed: 10))
  }

  /// A small case, and one of 256 planes that the layer splits over its workers.
  @Test(arguments: [[2, 3, 5, 7], [4, 64, 6, 5]])
  func maxPoolMatchesNumPy(dimensions: [Int]) throws {
    let (b, c, h, w) = (dimensions[0], dimensions[1], dimensions[2], dimensions[3])
    let x = Self.tensor([b, c * h * w], seed: 11)
    let script = """
      import sys, numpy as np
      x = np.array(sys.stdin.read().split(), dtype=np.float32).reshape(\(b), \(c), \(h), \(w))
      x = x[:, :, :\(h / 2 * 2), :\(w / 2 * 2)].reshape(\(b), \(c), \(h / 2), 2, \(w / 2), 2)
      print(" ".join(repr(float(v)) for v in x.max(axis=(3, 5)).ravel()))
      """
    let reference = numbers(try runPython(script, input: rowsText(x.scalars, columns: w)))
    let y = MaxPool2(channels: c, height: h, width: w)(x)
    #expect(y.shape == [b, c * (h / 2) * (w / 2)])
    expectApproximatelyEqual(y.scalars, reference)  // exactly
  }

  @Test func maxPoolRoutesGradientToTheMaximum() {
    // One 2×3 image: the window [[1, 4], [3, 2]] pools to 4; the odd column is dropped.
    var layer = MaxPool2(channels: 1, height: 2, width: 3)
    var g = SeededGenerator(seed: 0)
    let y = layer.forward(
      FloatTensor(shape: [1, 6], scalars: [1, 4, 9, 3, 2, 9]), training: false, generator: &g)
    #expect(y.scalars == [4])
    let dx = layer.backward(FloatTensor(shape: [1, 1], scalars: [2.5]), accumulate: true)
    #expect(dx.scalars == [0, 2.5, 0, 0, 0, 0])
  }

  @Test func maxPoolBreaksTiesToTheFirstAndKeepsATopLeftNaN() {
    // Four 2×2 windows side by side (one 2×8 image): all equal → top-left;
    // [[1, 2], [2, 2]] → top-right; a NaN top-left stays; a NaN elsewhere loses.
    let nan = Float.nan
    var layer = MaxPool2(channels: 1, height: 2, width: 8)
    var g = SeededGenerator(seed: 0)
    let y = layer.forward(
      FloatTensor(shape: [1, 16], scalars: [5, 5, 1, 2, nan, 7, 1, nan, 5, 5, 2, 2, 8, 9, 3, 2]),
      training: false, generator: &g)
    #expect(y.scalars[0] == 5 && y.scalars[1] == 2 && y.scalars[2].isNaN && y.scalars[3] == 3)
    let dx = layer.backward(FloatTensor(shape: [1, 4], scalars: [1, 2, 3, 4]), accumulate: true)
    #expect(dx.scalars == [1, 0, 0, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0])
  }

  /// Two training steps then inference, as torch.nn.BatchNorm2d would compute
  /// them (biased variance to normalise, unbiased for the running variance).
  @Test func batchNormMatchesNumPy() throws {
    let (b, c, s) = (4, 3, 6)
    var layer = BatchNorm(channels: c, spatial: s)
    layer.parameters[0].value = FloatTensor(shape: [c], scalars: [0.5, 1, 2])
    layer.parameters[1].value = FloatTensor(shape: [c], scalars: [-1, 0, 1])
    let x1 = Self.tensor([b, c * s], seed: 12, scale: 3)
    let x2 = FloatTensor(shape: [b, c * s], scalars: x1.scalars.map { 2 * $0 + 1 })
    var g = SeededGenerator(seed: 0)
    let y1 = layer.forward(x1, training: true, generator: &g)
    _ = layer.forward(x2, training: true, generator: &g)
    let inference = layer(x1)
    let script = """
      import sys, numpy as np
      x1 = np.array(sys.stdin.read().split(), dtype=np.float32).astype(np.float64)
      x1 = x1.reshape(\(b), \(c), \(s)); x2 = 2 * x1 + 1
      gamma = np.array([0.5, 1, 2])[None, :, None]; beta = np.array([-1, 0, 1])[None, :, None]
      rm, rv = np.zeros(\(c)), np.ones(\(c))
      def train(x):
          global rm, rv
          mu, var = x.mean(axis=(0, 2)), x.var(axis=(0, 2))
          rm = 0.9 * rm + 0.1 * mu
          rv = 0.9 * rv + 0.1 * x.var(axis=(0, 2), ddof=1)
          return gamma * (x - mu[None, :, None]) / np.sqrt(var[None, :, None] + 1e-5) + beta
      y1 = train(x1); train(x2)
      inf = gamma * (x1 - rm[None, :, None]) / np.sqrt(rv[None, :, None] + 1e-5) + beta
      print(" ".join(repr(float(v)) for v in np.concatenate([y1.ravel(), rm, rv, inf.ravel()])))
      """
    let reference = numbers(try runPython(script, input: rowsText(x1.scalars, columns: s)))
    let mine =
      y1.scalars + layer.state[0].value.scalars + layer.state[1].value.scalars
      + inference.scalars
    expectApproximatelyEqual(mine, reference, absoluteTolerance: 1e-5, relativeTolerance: 1e-5)
  }
}
