/// The roles of a file's datasets: a tool reads `labels`, `image` or `words`
/// by role, and the user may give any dataset that role
/// (`data.h5:labels=labels_train`).
extension TensorFile {
  /// The dataset that plays `role`: the one named for it, or `role` itself.
  public func dataset(for role: String) -> String { roles[role] ?? role }

  /// Whether the file has the dataset of `role`; one named for the role
  /// that the file lacks is an error, never a silent absence.
  public func has(role: String) throws -> Bool {
    if let named = roles[role], !contains(named) { throw missing(named) }
    return contains(dataset(for: role))
  }
}
