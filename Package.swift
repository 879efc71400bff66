// swift-tools-version:6.0
import PackageDescription

let tools = ["tensor", "softlabel", "distill", "nms", "ohem-select", "csls", "procrustes", "protonet", "align-adv"]

let package = Package(
  name: "Retort",
  products: [
    .library(name: "Retort", targets: ["Retort"]),
    .library(name: "retort", type: .dynamic, targets: ["RetortC"]),
  ] + tools.map { .executable(name: $0, targets: [$0]) },
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial"),
    .systemLibrary(name: "CBLAS", pkgConfig: "openblas"),
    .systemLibrary(name: "CLAPACKE", pkgConfig: "lapacke"),
    .target(name: "CRetortGuard"),
    .target(name: "Retort", dependencies: ["CHDF5", "CBLAS", "CLAPACKE", "CRetortGuard"]),
    // The C library carries the Swift runtime, so that it loads where no
    // Swift toolchain is installed; its soname is what packages install.
    .target(
      name: "RetortC", dependencies: ["Retort"],
      linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xlinker", "-soname=libretort.so.0"])]),
    .target(name: "RetortFuzzTarget", dependencies: ["Retort"]),
    .target(
      name: "RetortCLI",
      dependencies: [
        "Retort", "CRetortGuard",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .target(name: "RetortTestSupport", path: "Tests/Support"),
    .testTarget(name: "RetortTests", dependencies: ["Retort", "RetortTestSupport"]),
    .testTarget(
      name: "CLITests",
      dependencies: ["Retort", "RetortCLI", "RetortTestSupport"] + tools.map { .target(name: $0) }),
  ] + tools.map {
    .executableTarget(
      name: $0,
      dependencies: [
        "Retort", "RetortCLI",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ])
  }
)
