import Glibc

/// Whether something exists at `path`, symbolic links followed (`stat`
/// succeeds), as `FileManager.fileExists(atPath:)` answered.
package func fileExists(_ path: String) -> Bool {
  var status = stat()
  return stat(path, &status) == 0
}

/// `path` cut at its last `/`, trailing slashes ignored: the folder that
/// holds the last component and that component.
///
///     a/b.h5 → (a, b.h5)    b.h5 → (., b.h5)    /b.h5 → (/, b.h5)
///     a/b/   → (a, b)       a//b → (a, b)       /     → (/, /)
///
/// The folder is relative when `path` is (`.` for a bare name), so it names
/// the same place as long as the working directory does not change.
package func splitPath(_ path: String) -> (folder: String, name: String) {
  let slash = UInt8(ascii: "/")
  var bytes = Array(path.utf8)
  while bytes.count > 1 && bytes.last == slash { bytes.removeLast() }
  guard let cut = bytes.lastIndex(of: slash) else {
    return (".", String(decoding: bytes, as: UTF8.self))
  }
  var folderEnd = cut
  while folderEnd > 0 && bytes[folderEnd - 1] == slash { folderEnd -= 1 }
  let name = cut + 1 < bytes.count ? String(decoding: bytes[(cut + 1)...], as: UTF8.self) : "/"
  let folder = folderEnd == 0 ? "/" : String(decoding: bytes[..<folderEnd], as: UTF8.self)
  return (folder, name)
}

/// The extension of `path`'s last component, by `URL.pathExtension`'s rule:
/// the text after the component's last `.`; "" when there is no `.`, the
/// component starts with its only `.` or with `..`, ends with `.`, or the
/// extension holds a space or a bidirectional-text mark.
///
///     a/words.vec → vec    x.tar.gz → gz    .vec → ""    a. → ""    a.b c → ""
package func pathExtension(of path: String) -> String {
  let name = Array(splitPath(path).name.utf8)
  let dot = UInt8(ascii: ".")
  guard name.last != dot, !name.starts(with: [dot, dot]), let last = name.lastIndex(of: dot),
    last != 0
  else { return "" }
  let ext = String(decoding: name[(last + 1)...], as: UTF8.self)
  return ext.unicodeScalars.contains(where: invalidExtensionScalars.contains) ? "" : ext
}

/// What an extension may not hold (as in swift-foundation): a space, `/`,
/// and the marks that reorder bidirectional text.
private let invalidExtensionScalars: Set<Unicode.Scalar> = [
  " ", "/", "\u{061C}", "\u{200E}", "\u{200F}", "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}",
  "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}",
]
