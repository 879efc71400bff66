import Glibc

/// `format` filled in with `arguments` as C's `printf` does it (in the C
/// locale: a point before decimals), for the numeric conversions the tools
/// print (`%.6g`, `%02d`, `%.1f`, `%04x`).
public func cFormat(_ format: String, _ arguments: CVarArg...) -> String {
  let length = withVaList(arguments) { vsnprintf(nil, 0, format, $0) }
  guard length >= 0 else { return format }
  var buffer = [CChar](repeating: 0, count: Int(length) + 1)
  _ = withVaList(arguments) { vsnprintf(&buffer, buffer.count, format, $0) }
  return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
