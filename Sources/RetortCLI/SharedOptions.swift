import ArgumentParser
import Retort

/// `--no-carry`, for filter tools that copy their input's other datasets along.
public struct CarryOptions: ParsableArguments {
  @Flag(name: .long, help: "Do not copy the input's other datasets into the output.")
  public var noCarry = false

  public init() {}
}

/// The box conventions that `nms` and `ohem-select` share.
public struct BoxOptions: ParsableArguments {
  @Option(name: .long, help: "Box format: xyxy, xywh or cxcywh.")
  public var format: BoxFormat = .xyxy

  @Flag(name: .long, help: "Widths and heights +1 (the original Fast R-CNN pixel convention).")
  public var legacyPlusOne = false

  public init() {}
}

extension BoxFormat: ExpressibleByArgument {}
