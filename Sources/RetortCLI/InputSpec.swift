import ArgumentParser
import Foundation
import Retort

/// An input argument `FILE[:DATASET]`: a path (or `-` for standard input) and
/// optionally the dataset to use instead of the tool's default name.
/// `:DATASET` alone also means standard input (the parser would take
/// `-:DATASET` for an option unless it follows `--`).
public struct InputSpec: ExpressibleByArgument, Equatable, Sendable {
  public let path: String
  public let dataset: String?

  public init(path: String, dataset: String? = nil) {
    self.path = path
    self.dataset = dataset
  }

  /// Splits at the last `:` unless the whole argument names an existing file.
  public init?(argument: String) {
    if argument.isEmpty { return nil }
    if argument == "-" || FileManager.default.fileExists(atPath: argument) {
      self.init(path: argument)
      return
    }
    guard let colon = argument.lastIndex(of: ":") else {
      self.init(path: argument)
      return
    }
    let path = String(argument[..<colon])
    let name = String(argument[argument.index(after: colon)...])
    guard !name.isEmpty else { return nil }
    self.init(path: path.isEmpty ? "-" : path, dataset: name)
  }

  /// The dataset to read: the one named in the argument, or `defaultName`.
  public func dataset(or defaultName: String) -> String { dataset ?? defaultName }
}
