// swift-tools-version:6.0
import PackageDescription

// Each tool's command, in Sources/<tool>; the tools are one multi-call binary,
// retort-tools, that Scripts/setup links under each tool's name.
let tools = [
  "tensor": "TensorCommand", "softlabel": "SoftLabelCommand", "distill": "DistillCommand",
  "nms": "NMSCommand", "ohem-select": "OHEMSelectCommand", "csls": "CSLSCommand",
  "procrustes": "ProcrustesCommand", "protonet": "ProtonetCommand", "align-adv": "AlignAdvCommand",
].sorted { $0.key < $1.key }

let package = Package(
  name: "Retort",
  products: [
    .library(name: "Retort", targets: ["Retort"]),
    .library(name: "retort", type: .dynamic, targets: ["RetortC"]),
    .executable(name: "retort-tools", targets: ["retort-tools"]),
  ],
  // Only for its generate-manual tool, which writes man/man1 from the tools'
  // --experimental-dump-help (Scripts/man); no target links ArgumentParser.
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial"),
    // OpenBLAS and LAPACKE are loaded when first needed (dlopen), not linked.
    .target(name: "CLazyBLAS"),
    .target(name: "CLazyLAPACKE", cSettings: [.unsafeFlags(["-I/usr/include/x86_64-linux-gnu"])]),
    .target(name: "CRetortGuard"),
    .target(name: "CRetortMath"),
    .target(name: "CRetortSystem"),
    .target(
      name: "Retort", dependencies: [
        "CHDF5", "CLazyBLAS", "CLazyLAPACKE", "CRetortGuard", "CRetortMath", "CRetortSystem",
      ]),
    // The C library carries the Swift runtime, so that it loads where no
    // Swift toolchain is installed; its soname is what packages install. It
    // exports only retort.h's functions (exports.map).
    .target(
      name: "RetortC", dependencies: ["Retort"], exclude: ["exports.map"],
      linkerSettings: [
        .unsafeFlags([
          "-static-stdlib", "-Xlinker", "-soname=libretort.so.0", "-use-ld=lld", "-Xlinker", "-z",
          "-Xlinker", "pack-relative-relocs", "-Xlinker",
          "--version-script=\(Context.packageDirectory)/Sources/RetortC/exports.map",
        ])
      ]),
    .target(name: "RetortFuzzTarget", dependencies: ["Retort"]),
    // The tools' command-line parser (ArgumentParser's API, without Foundation).
    .target(name: "RetortArguments"),
    .target(
      name: "RetortCLI",
      dependencies: [
        "Retort", "CRetortGuard", "RetortArguments",
      ]),
    .target(name: "RetortTestSupport", path: "Tests/Support"),
    .testTarget(name: "RetortTests", dependencies: ["Retort", "RetortTestSupport"]),
    .testTarget(name: "RetortArgumentsTests", dependencies: ["RetortArguments"]),
    .testTarget(
      name: "CLITests",
      dependencies: ["Retort", "RetortCLI", "RetortTestSupport", "retort-tools"]),
    // lld packs the binary's 42,000 relative relocations (RELR, glibc 2.36):
    // 1 MB less to map and read at every start. The binary exports no symbols
    // (SwiftPM asks for --export-dynamic), so the linker drops the public
    // functions of the core that no tool calls: 0.3 MB.
    .executableTarget(
      name: "retort-tools", dependencies: ["Retort"] + tools.map { .target(name: $0.value) },
      linkerSettings: [
        .unsafeFlags([
          "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker",
          "--no-export-dynamic",
        ])
      ]),
  ]
    + tools.map {
      .target(
        name: $0.value,
        dependencies: ["Retort", "RetortCLI", "RetortArguments"],
        path: "Sources/\($0.key)")
    }
)
