import Glibc

/// The process's environment variables by name, as
/// `ProcessInfo.processInfo.environment` gave them: every `NAME=value`
/// entry of `environ` split at its first `=` (an entry without one is
/// skipped; of a name set twice, the later entry wins).
package func environmentVariables() -> [String: String] {
  var variables = [String: String]()
  var entry: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
  while let pointer = entry, let cString = pointer.pointee {
    let text = String(cString: cString)
    if let equals = text.firstIndex(of: "=") {
      variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
    }
    entry = pointer + 1
  }
  return variables
}
