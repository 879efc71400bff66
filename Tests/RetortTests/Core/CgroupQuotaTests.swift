import Foundation
import Testing

@testable import Retort

/// A cgroup v2 CPU quota against hand-worked cases, on a fake cgroup tree.
@Suite struct CgroupQuotaTests {
  /// A temporary cgroup root with `cpu.max` files at the given paths.
  func tree(_ files: [String: String]) throws -> String {
    let root = FileManager.default.temporaryDirectory
      .appendingPathComponent("retort-cgroup-\(UUID().uuidString)").path
    for (path, text) in files {
      let folder = root + path
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      try text.write(toFile: folder + "/cpu.max", atomically: true, encoding: .utf8)
    }
    return root
  }

  @Test func theSmallestQuotaAlongThePathRoundedUp() throws {
    let list = "12:cpu:/ignored\n0::/a/b\n"
    // 1.5 CPUs → 2; the parent's "max" is no quota.
    let nested = try tree(["/a": "max 100000\n", "/a/b": "150000 100000\n"])
    #expect(cgroupV2CPULimit(cgroupList: list, root: nested) == 2)
    // A parent's 1 CPU bounds a child without a quota.
    let parent = try tree(["/a": "100000 100000\n", "/a/b": "max 100000\n"])
    #expect(cgroupV2CPULimit(cgroupList: list, root: parent) == 1)
    // The root's own file counts too (a container's namespace root).
    let atRoot = try tree(["": "400000 100000\n", "/a/b": "250000 50000\n"])
    #expect(cgroupV2CPULimit(cgroupList: list, root: atRoot) == 4)
    #expect(cgroupV2CPULimit(cgroupList: "0::/\n", root: atRoot) == 4)
  }

  @Test func noQuotaIsNil() throws {
    let none = try tree(["/a": "max 100000\n", "/a/b": "max 100000\n"])
    #expect(cgroupV2CPULimit(cgroupList: "0::/a/b\n", root: none) == nil)
    #expect(cgroupV2CPULimit(cgroupList: "0::/a/b\n", root: "/nonexistent-cgroup-root") == nil)
    // Only cgroup v1 lines, or text that is not a quota.
    #expect(cgroupV2CPULimit(cgroupList: "4:memory:/x\n1:cpu:/\n", root: none) == nil)
    let junk = try tree(["/a": "lots\n", "/a/b": "0 100000\n"])
    #expect(cgroupV2CPULimit(cgroupList: "0::/a/b\n", root: junk) == nil)
  }
}
