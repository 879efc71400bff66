import Retort
import RetortCLI

/// The teachers' outputs: one [N, C] dataset per input, all of one shape.
struct TeacherInputs {
  let files: [TensorFile]
  let names: [String]
  let rows: Int
  let classes: Int
  /// The fingerprint of the input rows the teachers' values were computed
  /// from (`rows_fingerprint`, as `distill predict` records it), when known.
  let rowsFingerprint: String?

  init(_ specs: [InputSpec], defaultName: String, in context: ToolContext) throws {
    files = try specs.map { try context.open($0) }
    names = specs.map { $0.dataset(or: defaultName) }
    var shape: [Int]? = nil
    for (file, name) in zip(files, names) {
      let info = try file.info(name)
      guard info.shape.count == 2, info.shape[1] > 0 else {
        throw RetortError.data(
          "must be [N, C], it is \(info.shape)", dataset: name, file: file.label)
      }
      guard info.shape[0] > 0 else {
        throw RetortError.data("is empty", dataset: name, file: file.label)
      }
      if let shape, shape != info.shape {
        throw RetortError.data(
          "is \(info.shape) in \(file.label), \(shape) in \(files[0].label)", dataset: name)
      }
      shape = info.shape
    }
    rows = shape![0]
    classes = shape![1]
    var known: (fingerprint: String, file: TensorFile)?
    for (file, name) in zip(files, names) {
      guard case .text(let fingerprint)? = try file.attributes(of: name)["rows_fingerprint"] else {
        continue
      }
      if let known, known.fingerprint != fingerprint {
        throw RetortError.data(
          "was computed from other input rows in \(file.label) than in \(known.file.label) "
            + "(rows_fingerprint \(fingerprint), \(known.fingerprint)): teachers of different data",
          dataset: name)
      }
      known = (fingerprint, file)
    }
    rowsFingerprint = known?.fingerprint
  }

  /// The teachers' mean probabilities over `rows`, `block` rows at a time,
  /// handed to `body` with the block's first row; `probabilities` turns a
  /// block of one teacher (its first row and file given) into probabilities
  /// in place. Memory holds one block per teacher.
  func forEachBlockMean(
    of rows: Range<Int>, block: Int,
    probabilities: (inout FloatTensor, Int, TensorFile) throws -> Void,
    body: (_ mean: FloatTensor, _ firstRow: Int) throws -> Void
  ) throws {
    for start in stride(from: rows.lowerBound, to: rows.upperBound, by: block) {
      let blockRows = start..<min(rows.upperBound, start + block)
      if files.count == 1 {  // one teacher's probabilities are their own mean
        var p = try files[0].readFiniteFloat(names[0], rows: blockRows)
        try probabilities(&p, start, files[0])
        try body(p, start)
        continue
      }
      var ensemble = TeacherEnsemble(rows: blockRows.count, classes: classes, members: files.count)
      for (file, name) in zip(files, names) {
        var p = try file.readFiniteFloat(name, rows: blockRows)
        try probabilities(&p, start, file)
        ensemble.add(p)
      }
      try body(ensemble.mean, start)
    }
  }
}
