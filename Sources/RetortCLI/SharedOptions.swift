import Glibc
import Retort
import RetortArguments

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

/// A comma-separated list of finite numbers, such as `--eps 0.1,0.3`.
public struct NumberList: ExpressibleByArgument, Equatable, Sendable {
  public let values: [Float]

  public init(values: [Float]) { self.values = values }

  public init?(argument: String) {
    let parsed = argument.split(separator: ",", omittingEmptySubsequences: false).map {
      Float($0.trimmingSpaces())
    }
    guard !parsed.isEmpty, parsed.allSatisfy({ $0?.isFinite == true }) else { return nil }
    values = parsed.map { $0! }
  }

  public var defaultValueDescription: String { values.map(shortDecimal).joined(separator: ",") }
}

/// The output options of a filter tool: `-o` and `--deflate`, `--shard`, and
/// `--no-carry`.
public struct FilterOutputOptions: ParsableArguments {
  @OptionGroup public var output: OutputOptions
  @OptionGroup public var sharding: ShardOptions
  @OptionGroup public var carry: CarryOptions

  public init() {}

  /// The part of `--shard`, if any.
  public var shard: ShardSpec? { sharding.shard }
}
