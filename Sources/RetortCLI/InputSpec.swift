import Glibc
import Retort
import RetortArguments

/// An input argument `FILE[:DATASET][,ROLE=NAME...]`: a path (or `-` for
/// standard input), optionally the dataset to use instead of the tool's
/// default name, and the datasets that play the tool's other roles when the
/// file spells them differently (`data.h5:x_train,labels=labels_train`,
/// `dets.h5:image=image_index`). `:DATASET` alone also means standard input
/// (the parser would take `-:DATASET` for an option unless it follows `--`).
public struct InputSpec: ExpressibleByArgument, Equatable, Sendable {
  public let path: String
  public let dataset: String?
  /// Dataset names by role (`labels` → `labels_train`).
  public let roles: [String: String]

  public init(path: String, dataset: String? = nil, roles: [String: String] = [:]) {
    self.path = path
    self.dataset = dataset
    self.roles = roles
  }

  /// Splits at the last `:` unless the whole argument names an existing file,
  /// then the part after it at commas into the dataset and `ROLE=NAME` pairs.
  public init?(argument: String) {
    if argument.isEmpty { return nil }
    if argument == "-" || fileExists(argument) {
      self.init(path: argument)
      return
    }
    guard let colon = argument.lastIndex(of: ":") else {
      self.init(path: argument)
      return
    }
    let path = String(argument[..<colon])
    var dataset: String?
    var roles = [String: String]()
    for part in argument[argument.index(after: colon)...].split(
      separator: ",", omittingEmptySubsequences: false)
    {
      let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      if pair.count == 1 {
        guard !part.isEmpty, dataset == nil else { return nil }
        dataset = String(part)
      } else {
        let role = String(pair[0])
        guard !role.isEmpty, !pair[1].isEmpty, roles[role] == nil else { return nil }
        roles[role] = String(pair[1])
      }
    }
    self.init(path: path.isEmpty ? "-" : path, dataset: dataset, roles: roles)
  }

  /// How `--help` shows a default input (every default is a plain path, `-`).
  public var defaultValueDescription: String { path }

  /// The dataset to read: the one named in the argument, the one named for
  /// the role `defaultName`, or `defaultName`.
  public func dataset(or defaultName: String) -> String {
    dataset ?? roles[defaultName] ?? defaultName
  }

  /// Whether the argument names the dataset of role `defaultName` (plainly or
  /// as `ROLE=NAME`).
  public func names(_ defaultName: String) -> Bool {
    dataset != nil || roles[defaultName] != nil
  }
}
