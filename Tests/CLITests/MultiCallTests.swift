import Foundation
import RetortTestSupport
import Testing

/// The tools are one binary: each name is a link to `retort-tools`, which
/// runs the tool it is started as, or the tool its first argument names.
@Suite("one binary") struct MultiCallTests {
  @Test func everyNameRunsItsToolAndTheBinaryTakesAToolArgument() throws {
    let binary = toolDirectory.appendingPathComponent("retort-tools")
    for name in toolNames {
      let link = try FileManager.default.destinationOfSymbolicLink(
        atPath: toolDirectory.appendingPathComponent(name).path)
      #expect(link.hasSuffix("retort-tools"), "\(name) -> \(link)")
      let help = try run(name, ["--help"])
      #expect(help.status == 0 && help.text.contains("USAGE: \(name)"), "\(name): \(help.text)")
    }
    let direct = try runProcess(
      binary, ["nms", "--version"], environment: ["OPENBLAS_NUM_THREADS": "1"])
    #expect(direct.status == 0)
    #expect(direct.text == (try run("nms", ["--version"])).text)
    // An error names the tool, as when run under its own name.
    let refused = try runProcess(binary, ["csls", "--top", "0", "a.h5", "b.h5"])
    #expect(refused.status == 64 && refused.stderr.hasPrefix("csls: "), "\(refused.stderr)")
    for arguments in [[], ["--version"], ["bogus", "x"]] {
      let usage = try runProcess(binary, arguments)
      #expect(usage.status == 64, "\(arguments): \(usage.stderr)")
      #expect(
        usage.stderr.hasPrefix("retort-tools: usage: ") && usage.stderr.contains("ohem-select"),
        "\(usage.stderr)")
      #expect(usage.stdout.isEmpty)
    }
  }
}
