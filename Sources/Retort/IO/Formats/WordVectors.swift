import Glibc

/// Word vectors in fastText's `.vec` text format: an optional first line
/// `count dim`, then one `word v1 ... vD` line per word.
public struct WordVectors: Equatable, Sendable {
  public var words: [String]
  /// One row per word, [words.count, dim].
  public var embeddings: FloatTensor

  public init(words: [String], embeddings: FloatTensor) {
    self.words = words
    self.embeddings = embeddings
  }

  /// The result of parsing: vectors (first occurrence of each word kept) and
  /// the words dropped as later duplicates.
  public struct Parsed {
    public var vectors: WordVectors
    public var duplicates: [String]
  }

  /// Parses `.vec` text. `bytes` must end with a NUL byte (as `readWholeFile`
  /// gives). Lines are parsed in parallel on `threads` threads. Errors name the
  /// line: wrong number of values, a value that is not a finite number, a word
  /// that is not UTF-8, or fewer/more lines than the header's count.
  public static func parse(_ bytes: [UInt8], label: String, threads: Int = availableCores) throws
    -> Parsed
  {
    precondition(bytes.last == 0, "WordVectors.parse needs a NUL-terminated buffer")
    let end = bytes.count - 1
    return try bytes.withUnsafeBufferPointer { buf in
      let base = buf.baseAddress!
      // The header, if the first line is two integers.
      let firstEnd = (0..<end).first { base[$0] == 10 } ?? end
      let firstFields = String(decoding: buf[0..<firstEnd], as: UTF8.self)
        .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
      var declaredCount: Int? = nil
      var dim: Int
      var bodyStart = 0
      var firstLine = 1
      if firstFields.count == 2, let c = Int(firstFields[0]), let d = Int(firstFields[1]) {
        guard d > 0 else {
          throw RetortError.data("line 1: dimension \(d) must be positive", file: label)
        }
        declaredCount = c
        dim = d
        bodyStart = min(firstEnd + 1, end)
        firstLine = 2
      } else {
        dim = firstFields.count - 1
        guard dim > 0 else {
          throw RetortError.data("line 1: expected 'count dim' or 'word v1 ... vD'", file: label)
        }
      }
      // Chunks of whole lines.
      let chunkCount = max(1, min(threads * 8, (end - bodyStart) / (1 << 16) + 1))
      var bounds = [bodyStart]
      for c in 1..<chunkCount {
        var p = max(bodyStart + (end - bodyStart) * c / chunkCount, bounds.last!)
        while p < end && base[p] != 10 { p += 1 }
        bounds.append(min(p + 1, end))
      }
      bounds.append(end)
      var results = [ChunkResult?](repeating: nil, count: chunkCount)
      var failures = [ChunkFailure?](repeating: nil, count: chunkCount)
      results.withUnsafeMutableBufferPointer { out in
        failures.withUnsafeMutableBufferPointer { fail in
          let out = UnsafeSendable(out), fail = UnsafeSendable(fail), base = UnsafeSendable(base)
          parallelFor(chunkCount, threads: threads) { c in
            do {
              out.value[c] = try parseChunk(
                base.value, from: bounds[c], to: bounds[c + 1], dim: dim)
            } catch let f as ChunkFailure {
              fail.value[c] = f
            } catch {}
          }
        }
      }
      if let c = failures.firstIndex(where: { $0 != nil }), let f = failures[c] {
        let line = firstLine + (bodyStart..<f.offset).reduce(0) { base[$1] == 10 ? $0 + 1 : $0 }
        throw RetortError.data(f.message, line: line, file: label)
      }
      let total = results.reduce(0) { $0 + $1!.words.count }
      if let declaredCount, declaredCount != total {
        throw RetortError.data(
          "header says \(declaredCount) words, the file has \(total) (truncated?)", file: label)
      }
      var seen = [String: Int](minimumCapacity: total)
      var words = [String]()
      var values = [Float]()
      var duplicates = [String]()
      words.reserveCapacity(total)
      values.reserveCapacity(total * dim)
      for chunk in results.map({ $0! }) {
        for (i, w) in chunk.words.enumerated() {
          if seen[w] != nil {
            duplicates.append(w)
            continue
          }
          seen[w] = words.count
          words.append(w)
          values.append(contentsOf: chunk.values[i * dim..<(i + 1) * dim])
        }
      }
      return Parsed(
        vectors: WordVectors(
          words: words, embeddings: Tensor(shape: [words.count, dim], scalars: values)),
        duplicates: duplicates)
    }
  }

  private struct ChunkResult {
    var words: [String] = []
    var values: [Float] = []
  }

  private struct ChunkFailure: Error {
    let offset: Int
    let message: String
  }

  private static func parseChunk(
    _ base: UnsafePointer<UInt8>, from start: Int, to stop: Int, dim: Int
  ) throws -> ChunkResult {
    var result = ChunkResult()
    result.values.reserveCapacity((stop - start) / 8)
    var p = start
    while p < stop {
      let lineStart = p
      while p < stop && (base[p] == 32 || base[p] == 9 || base[p] == 13) { p += 1 }
      if p < stop && base[p] == 10 {
        p += 1
        continue
      }  // blank line
      if p >= stop { break }
      let wordStart = p
      while p < stop && base[p] != 32 && base[p] != 9 && base[p] != 10 && base[p] != 13 { p += 1 }
      guard
        let word = String(
          validating: UnsafeBufferPointer(start: base + wordStart, count: p - wordStart),
          as: UTF8.self)
      else { throw ChunkFailure(offset: lineStart, message: "the word is not valid UTF-8") }
      try base.withMemoryRebound(to: CChar.self, capacity: stop + 1) { chars in
        var cursor = UnsafeMutablePointer(mutating: chars + p)
        for j in 0..<dim {
          let separator = UInt8(bitPattern: cursor.pointee)
          guard separator == 32 || separator == 9 else {
            throw ChunkFailure(
              offset: lineStart, message: "'\(word)' has \(j) values, expected \(dim)")
          }
          var next: UnsafeMutablePointer<CChar>? = nil
          let v = parseFloat(cursor, &next)
          let after = UInt8(bitPattern: next!.pointee)
          guard next! != cursor, chars.distance(to: next!) <= stop,
            after == 32 || after == 9 || after == 10 || after == 13 || after == 0
          else {
            throw ChunkFailure(
              offset: lineStart, message: "'\(word)' has \(j) values, expected \(dim)")
          }
          guard v.isFinite else {
            throw ChunkFailure(
              offset: lineStart, message: "value \(j + 1) of '\(word)' is not a finite number")
          }
          result.values.append(v)
          cursor = next!
        }
        p = chars.distance(to: cursor)
      }
      while p < stop && (base[p] == 32 || base[p] == 9 || base[p] == 13) { p += 1 }
      guard p >= stop || base[p] == 10 else {
        throw ChunkFailure(offset: lineStart, message: "'\(word)' has more than \(dim) values")
      }
      p += 1
      result.words.append(word)
    }
    return result
  }

  /// Writes the vectors as `.vec` text with its `count dim` header.
  public func write(to out: AtomicOutput) throws {
    let dim = embeddings.rowWidth
    try Self.writeHeader(count: words.count, dimension: dim, to: out)
    for (i, w) in words.enumerated() {
      var line = w
      for v in embeddings.row(i) { line += " " + shortDecimal(v) }
      try out.write(line + "\n")
    }
  }

  /// Writes the `.vec` header line `count dim`.
  public static func writeHeader(count: Int, dimension: Int, to out: AtomicOutput) throws {
    try out.write("\(count) \(dimension)\n")
  }

  /// Writes one `word v1 ... vD` line per word, the values of row i being
  /// `values[i·D ..< (i+1)·D]`, formatted as `write(to:)` formats them (the
  /// shortest decimal that reads back as the same float32). Lines are
  /// formatted on `threads` threads a few hundred at a time, so the text held
  /// at once stays small whatever the number of rows.
  public static func writeLines(
    words: ArraySlice<String>, values: UnsafeBufferPointer<Float>, dimension: Int,
    threads: Int = 1, to out: AtomicOutput
  ) throws {
    precondition(values.count == words.count * dimension, "one row of values per word")
    let chunk = 256
    let chunks = (words.count + chunk - 1) / chunk
    let group = max(1, threads) * 4
    let first = words.startIndex
    for groupStart in stride(from: 0, to: chunks, by: group) {
      let count = min(group, chunks - groupStart)
      var texts = [String](repeating: "", count: count)
      texts.withUnsafeMutableBufferPointer { texts in
        let texts = UnsafeSendable(texts), values = UnsafeSendable(values)
        parallelFor(count, threads: threads) { c in
          let start = (groupStart + c) * chunk
          var text = ""
          for i in start..<min(start + chunk, words.count) {
            text += words[first + i]
            for v in values.value[i * dimension..<(i + 1) * dimension] {
              text += " " + shortDecimal(v)
            }
            text += "\n"
          }
          texts.value[c] = text
        }
      }
      for text in texts { try out.write(text) }
    }
  }
}

/// Parses a float at `p` (after spaces) like `strtof`, setting `end` past it.
///
/// Short decimals, at most 7 significant digits and a power of ten up to 10¹⁰
/// (what `.vec` files hold), take an exact fast path: the digits and the power
/// are exact in Float, so one division or multiplication rounds correctly.
/// Everything else goes to `strtof`.
@inline(__always)
func parseFloat(_ p: UnsafeMutablePointer<CChar>, _ end: inout UnsafeMutablePointer<CChar>?)
  -> Float
{
  var q = p
  while q.pointee == 32 || q.pointee == 9 { q += 1 }
  var negative = false
  if q.pointee == 45 {
    negative = true
    q += 1
  } else if q.pointee == 43 {
    q += 1
  }
  var mantissa: UInt32 = 0
  var digits = 0, fractionDigits = 0, digitCharacters = 0
  while q.pointee >= 48 && q.pointee <= 57 {
    mantissa = mantissa &* 10 &+ UInt32(q.pointee - 48)
    if mantissa != 0 { digits += 1 }
    digitCharacters += 1
    q += 1
  }
  if q.pointee == 46 {
    q += 1
    while q.pointee >= 48 && q.pointee <= 57 {
      mantissa = mantissa &* 10 &+ UInt32(q.pointee - 48)
      if mantissa != 0 { digits += 1 }
      fractionDigits += 1
      digitCharacters += 1
      q += 1
    }
  }
  let c = q.pointee
  guard digitCharacters > 0, digits <= 7, fractionDigits <= 10,
    c != 101, c != 69, c != 120, c != 88
  else { return strtof(p, &end) }
  end = q
  let value = Float(mantissa) / exactPowersOfTen[fractionDigits]
  return negative ? -value : value
}

private let exactPowersOfTen: [Float] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10]
