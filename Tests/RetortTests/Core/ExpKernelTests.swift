import CRetortMath
import Foundation
import Glibc
import Testing

/// The vectorised exponentials of the softmax against glibc's own `expf`,
/// bit for bit: softlabel's output must not change with the kernel.
/// (`Scripts/experiments/expf-exhaustive` checks all 2^32 inputs.)
@Suite("Vectorised softmax kernels") struct ExpKernelTests {
  /// Every 4,099th bit pattern, the patterns around glibc's overflow and
  /// underflow bounds, around ±0 and 1, and the special values.
  static let inputs: [Float] = {
    var patterns = Array(stride(from: UInt32(0), through: UInt32.max - 4098, by: 4099))
    for bound: Float in [0x1.62e42ep6, -0x1.9fe368p6, 88, -88, 1, -1, 0x1p-126, -0x1p-126] {
      let b = Int64(bound.bitPattern)
      patterns += (b - 2000...b + 2000).map { UInt32(truncatingIfNeeded: $0) }
    }
    patterns += Array(0...2000) + Array(0x8000_0000...0x8000_07d0)
    var values = patterns.map(Float.init(bitPattern:))
    values += [.infinity, -.infinity, .nan, -.nan, .signalingNaN, .leastNonzeroMagnitude]
    return values
  }()

  @Test(arguments: ["avx512", "avx2", "glibc"])
  func kernelGivesGlibcBits(kernel: String) {
    let x = Self.inputs
    var y = [Float](repeating: 0, count: x.count)
    retort_expf_array(kernel, x, x.count, &y)
    var mismatches = 0
    for (v, e) in zip(x, y) where expf(v).bitPattern != e.bitPattern {
      if mismatches < 3 { Issue.record("\(kernel): expf(\(v)) is \(expf(v)), the kernel gives \(e)") }
      mismatches += 1
    }
    #expect(mismatches == 0, "\(mismatches) of \(x.count) differ")
  }

  /// retort_exp_sum against the scalar loop it replaces, in place and not,
  /// for rows shorter than, equal to and longer than its group of 16.
  @Test(arguments: [0, 1, 15, 16, 17, 100, 1000])
  func rowSumsLikeTheScalarLoop(n: Int) {
    var generator = SystemRandomNumberGenerator()
    let z = (0..<n).map { _ in Float.random(in: -40...40, using: &generator) }
    let (maximum, scale) = (z.max() ?? 0, Float(1) / 3)
    var expected = [Float](repeating: 0, count: n)
    var expectedSum: Float = 0
    for j in 0..<n {
      expected[j] = expf((z[j] - maximum) * scale)
      expectedSum += expected[j]
    }
    var p = [Float](repeating: -1, count: n)
    let sum = retort_exp_sum(z, n, maximum, scale, &p)
    var inPlace = z
    let inPlaceSum = inPlace.withUnsafeMutableBufferPointer {
      retort_exp_sum($0.baseAddress, n, maximum, scale, $0.baseAddress)
    }
    #expect(sum.bitPattern == expectedSum.bitPattern)
    #expect(inPlaceSum.bitPattern == expectedSum.bitPattern)
    #expect(p.map(\.bitPattern) == expected.map(\.bitPattern))
    #expect(inPlace.map(\.bitPattern) == expected.map(\.bitPattern))
  }

  /// retort_row_max against Swift's `max` from −∞, bit for bit: NaN skipped,
  /// the later of +0 and −0 kept, rows of every length up to 40.
  @Test func rowMaximumLikeSwiftMax() {
    var generator = SystemRandomNumberGenerator()
    let specials: [Float] = [.nan, 0, -0.0, -.infinity, .infinity, -1, 1]
    for n in 0...40 {
      for _ in 0..<200 {
        let z = (0..<n).map { _ in
          Bool.random(using: &generator)
            ? specials.randomElement(using: &generator)!
            : Float.random(in: -1...1, using: &generator)
        }
        let expected = z.reduce(-Float.infinity) { max($0, $1) }
        let got = retort_row_max(z, n)
        #expect(got.bitPattern == expected.bitPattern, "\(z): \(got), expected \(expected)")
      }
    }
    #expect(retort_row_max([-0.0, 0, -0.0, 0, 0, 0, 0, 0, 0, -0.0] as [Float], 10).sign == .minus)
    #expect(retort_row_max([0, -0.0, 0, 0, 0, 0, 0, 0, 0, -0.0, 0] as [Float], 11).sign == .plus)
  }

  /// The kernel follows the processor's flags as the kernel lists them.
  @Test func kernelMatchesTheProcessor() throws {
    let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
    let line = try #require(cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") })
    let flags = Set(line.split(separator: " ").map(String.init))
    let expected =
      !flags.isSuperset(of: ["avx2", "fma"]) ? "glibc" : flags.contains("avx512f") ? "avx512" : "avx2"
    #expect(String(cString: retort_exp_kernel()) == expected)
  }
}
