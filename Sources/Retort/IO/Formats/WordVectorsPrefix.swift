extension WordVectors {
  /// The first `words` vectors of a NUL-terminated `.vec` buffer, as a new
  /// NUL-terminated buffer for `parse`: the header, if there is one, says
  /// how many vectors the prefix holds (fewer when the file has fewer).
  public static func prefix(_ bytes: [UInt8], words: Int) -> [UInt8] {
    precondition(bytes.last == 0, "WordVectors.prefix needs a NUL-terminated buffer")
    let end = bytes.count - 1
    var lineEnds = [Int]()
    var p = 0
    while p < end && lineEnds.count <= words {
      while p < end && bytes[p] != 10 { p += 1 }
      lineEnds.append(p)
      p += 1
    }
    let first = String(decoding: bytes[0..<lineEnds[0]], as: UTF8.self)
      .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
    let hasHeader = first.count == 2 && Int(first[0]) != nil && Int(first[1]) != nil
    let bodyLines = lineEnds.count - (hasHeader ? 1 : 0)
    let kept = min(words, bodyLines)
    let cut = min(end, lineEnds[kept + (hasHeader ? 1 : 0) - 1] + 1)
    guard hasHeader else { return Array(bytes[0..<cut]) + [0] }
    let header = Array("\(kept) \(first[1])\n".utf8)
    return header + bytes[min(cut, lineEnds[0] + 1)..<cut] + [0]
  }
}
