import CHDF5
import Glibc

/// An HDF5 file opened for reading: from a path, or from standard input as a
/// file image (`-`).
///
/// Every failure becomes a `RetortError` that names the file and dataset.
public final class TensorFile {
  /// The path as given, or `-` for standard input; `label` is how messages name it.
  public let path: String
  public var label: String { path == "-" ? "standard input" : path }
  private let fid: hid_t
  private var closed = false
  /// The file's size in bytes: what no dataset's claims may exceed.
  let fileSize: Int
  /// The file image, kept alive while HDF5 reads from it.
  private var image: UnsafeMutableRawBufferPointer?
  /// Dataset names by role, as the input argument gave them (`labels` →
  /// `labels_train`); see `dataset(for:)`.
  public var roles: [String: String] = [:]

  /// Opens `path`, or standard input when `path` is `-`.
  public convenience init(path: String) throws {
    if path == "-" {
      if isatty(0) != 0 {
        throw RetortError.usage(
          "refusing to read HDF5 from a terminal: give an input file or redirect standard input")
      }
      let bytes = try readAllOfStandardInput()
      try self.init(image: bytes, label: "-")
    } else {
      try self.init(filePath: path)
    }
  }

  private init(filePath: String) throws {
    var status = stat()
    guard stat(filePath, &status) == 0 else {
      throw RetortError.noInput("no such file", file: filePath)
    }
    guard status.st_mode & S_IFMT != S_IFDIR else {
      throw RetortError.noInput("is a directory", file: filePath)
    }
    guard access(filePath, R_OK) == 0 else {
      throw RetortError.noInput("cannot read file", file: filePath)
    }
    let isHDF5 = HDF5.reading(filePath) { H5Fis_hdf5(filePath) > 0 }
    guard isHDF5 else { throw RetortError.data("not an HDF5 file (or truncated)", file: filePath) }
    let id = HDF5.reading(filePath) {
      H5Fopen(filePath, retort_h5f_acc_rdonly(), retort_h5p_default())
    }
    guard id >= 0 else {
      throw RetortError.data("cannot open HDF5 file (damaged or truncated)", file: filePath)
    }
    var st = stat()
    self.fileSize = stat(filePath, &st) == 0 ? Int(st.st_size) : 0
    self.path = filePath
    self.fid = id
  }

  /// Opens an HDF5 file image held in memory; `label` names it in messages.
  public init(image bytes: [UInt8], label: String) throws {
    let name = label == "-" ? "standard input" : label
    guard bytes.count >= 8, bytes.starts(with: [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])
    else {
      throw RetortError.data(
        bytes.isEmpty ? "empty input, expected HDF5: \(name)" : "not HDF5 data: \(name)")
    }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
    buffer.copyMemory(
      from: UnsafeRawBufferPointer(
        start: bytes.withUnsafeBytes { $0.baseAddress }, count: bytes.count))
    let id = HDF5.reading(name) {
      H5LTopen_file_image(buffer.baseAddress, bytes.count, retort_image_flags())
    }
    guard id >= 0 else {
      buffer.deallocate()
      throw RetortError.data("cannot open HDF5 data (damaged or truncated)", file: name)
    }
    // A truncated image can open; reading the root group's links detects most damage.
    self.path = label
    self.fid = id
    self.fileSize = bytes.count
    self.image = buffer
  }

  /// Closes the file now; reading it afterwards fails. Tools close their
  /// inputs before committing an output, so that a damaged file that makes
  /// the HDF5 library fail while closing cannot follow a committed output.
  public func close() {
    guard !closed else { return }
    closed = true
    HDF5.reading(label, size: fileSize) { _ = H5Fclose(fid) }
  }

  deinit {
    close()
    image?.deallocate()
  }

  // MARK: Listing

  /// Every dataset in the file, depth first in name order; root-level
  /// datasets without the leading slash (`x`, `model/layer0/W`).
  public func datasetNames() throws -> [String] { try objectNames().datasets }

  /// Every dataset and every group below the root, each list in name order,
  /// without the leading slash.
  public func objectNames() throws -> (datasets: [String], groups: [String]) {
    final class Walk {
      var names: [String] = []
      var groups: [String] = []
      var undecodable = false
    }
    var found = [String]()
    var groups = [String]()
    var pending = ["/"]
    try HDF5.reading(label, size: fileSize) {
      while let group = pending.popLast() {
        let walk = Walk()
        let box = Unmanaged.passUnretained(walk).toOpaque()
        let gid = H5Gopen2(fid, group, retort_h5p_default())
        guard gid >= 0 else { throw RetortError.data("cannot read group '\(group)'", file: label) }
        defer { H5Gclose(gid) }
        var index: hsize_t = 0
        let status = H5Literate(
          gid, H5_INDEX_NAME, H5_ITER_INC, &index,
          { g, name, _, data in
            let walk = Unmanaged<Walk>.fromOpaque(data!).takeUnretainedValue()
            var info = H5O_info_t()
            guard
              H5Oget_info_by_name2(g, name!, &info, UInt32(H5O_INFO_BASIC), retort_h5p_default())
                >= 0
            else { return -1 }
            // A name that is not UTF-8 could not be named back to HDF5.
            guard let n = String(validatingCString: name!) else {
              walk.undecodable = true
              return 0
            }
            if info.type == H5O_TYPE_DATASET { walk.names.append(n) }
            if info.type == H5O_TYPE_GROUP { walk.groups.append(n) }
            return 0
          }, box)
        guard status >= 0 else {
          throw RetortError.data("damaged or truncated HDF5 data", file: label)
        }
        guard !walk.undecodable else {
          throw RetortError.data(
            "has an object name that is not UTF-8 in group '\(group)' (damaged "
              + "header?)", file: label)
        }
        let prefix = group == "/" ? "" : HDF5.display(group) + "/"
        found += walk.names.map { prefix + $0 }
        groups += walk.groups.map { prefix + $0 }
        pending += walk.groups.reversed().map { (group == "/" ? "/" : group + "/") + $0 }
      }
    }
    return (found.sorted(), groups.sorted())
  }

  /// Whether a dataset `name` exists (with or without the leading slash).
  public func contains(_ name: String) -> Bool {
    HDF5.reading(label, size: fileSize) {
      let abs = HDF5.absolute(name)
      var path = ""
      for part in abs.split(separator: "/") {
        path += "/" + part
        guard H5Lexists(fid, path, retort_h5p_default()) > 0 else { return false }
      }
      var info = H5O_info_t()
      guard H5Oget_info_by_name2(fid, abs, &info, UInt32(H5O_INFO_BASIC), retort_h5p_default()) >= 0
      else { return false }
      return info.type == H5O_TYPE_DATASET
    }
  }

  /// The error for a dataset that is not there, listing the ones that are.
  func missing(_ name: String) -> RetortError {
    let present = (try? datasetNames()) ?? []
    let list = present.isEmpty ? "it has no datasets" : "it has: " + present.joined(separator: ", ")
    return RetortError.noInput(
      "is not in the file (\(list))", dataset: HDF5.display(name), file: label)
  }

  /// Opens dataset `name`, runs `body` with its id, and closes it.
  private func withDataset<T>(_ name: String, _ body: (hid_t) throws -> T) throws -> T {
    guard contains(name) else { throw missing(name) }
    return try HDF5.reading(label, size: fileSize) {
      let did = H5Dopen2(fid, HDF5.absolute(name), retort_h5p_default())
      guard did >= 0 else { throw RetortError.data("cannot open dataset '\(name)'", file: label) }
      defer { H5Dclose(did) }
      return try body(did)
    }
  }

  // MARK: Reading

  /// Shape and stored type of dataset `name`. A shape larger than the file
  /// could hold is a data error here, before anything is sized by it.
  public func info(_ name: String) throws -> DatasetInfo {
    try withDataset(name) { did in
      let tid = H5Dget_type(did)
      let sid = H5Dget_space(did)
      defer {
        H5Tclose(tid)
        H5Sclose(sid)
      }
      let rank = Int(H5Sget_simple_extent_ndims(sid))
      guard rank <= HDF5.maxRank else {
        throw RetortError.data(
          "claims rank \(rank), more than HDF5's \(HDF5.maxRank) (damaged header)",
          dataset: HDF5.display(name), file: label)
      }
      let (kind, typeName) = HDF5.describe(type: tid)
      let info = DatasetInfo(
        name: HDF5.display(name), shape: HDF5.dimensions(space: sid), kind: kind, typeName: typeName
      )
      try checkClaim(did, info)
      return info
    }
  }

  /// Dataset `name` (only `rows` of it, when given) as float32, int64 or
  /// strings, by its stored class.
  public func read(_ name: String, rows: Range<Int>? = nil) throws -> TensorValue {
    switch try info(name).kind {
    case .float: .float(try readFloat(name, rows: rows))
    case .integer: .int(try readInt(name, rows: rows))
    case .string:
      .strings(
        try {
          let all = try readStrings(name)
          return rows.map { Array(all[$0]) } ?? all
        }())
    case .other:
      throw RetortError.data(
        "has a type Retort cannot read", dataset: HDF5.display(name), file: label)
    }
  }

  /// Dataset `name` converted to float32; `rows` reads only those rows.
  public func readFloat(_ name: String, rows: Range<Int>? = nil) throws -> FloatTensor {
    let (shape, values): ([Int], [Float]) = try readNumbers(
      name, rows: rows, memType: retort_h5t_native_float(), zero: 0)
    return FloatTensor(shape: shape, scalars: values)
  }

  /// Dataset `name` as float32, refusing NaN and infinities (naming the row).
  public func readFiniteFloat(_ name: String, rows: Range<Int>? = nil) throws -> FloatTensor {
    let t = try readFloat(name, rows: rows)
    do { try requireFinite(t, dataset: HDF5.display(name)) } catch var e as RetortError {
      e.row = e.row.map { $0 + (rows?.lowerBound ?? 0) }
      throw e.naming(label)
    }
    return t
  }

  /// Dataset `name` (only `rows` of it, when given) converted to float64.
  public func readDoubles(_ name: String, rows: Range<Int>? = nil) throws -> [Double] {
    try readNumbers(name, rows: rows, memType: retort_h5t_native_double(), zero: Double(0)).1
  }

  /// Dataset `name` as int64; float data is accepted only when every value is whole.
  public func readInt(_ name: String, rows: Range<Int>? = nil) throws -> IndexTensor {
    let info = try info(name)
    if info.kind == .float {
      let (shape, values): ([Int], [Double]) = try readNumbers(
        name, rows: rows, memType: retort_h5t_native_double(), zero: 0)
      guard let bad = values.firstIndex(where: { $0.rounded() != $0 || abs($0) > 9e15 }) else {
        return IndexTensor(shape: shape, scalars: values.map { Int64($0) })
      }
      throw RetortError.data(
        "must hold integers, value \(values[bad]) at index \(bad)", dataset: info.name, file: label)
    }
    let (shape, values): ([Int], [Int64]) = try readNumbers(
      name, rows: rows, memType: retort_h5t_native_int64(), zero: 0)
    return IndexTensor(shape: shape, scalars: values)
  }

  private func readNumbers<T>(_ name: String, rows: Range<Int>?, memType: hid_t, zero: T) throws
    -> ([Int], [T])
  {
    let info = try info(name)
    guard info.kind == .float || info.kind == .integer else {
      throw RetortError.data(
        "is \(info.typeName), expected numbers", dataset: info.name, file: label)
    }
    return try withDataset(name) { did in
      var shape = info.shape
      let fileSpace = H5Dget_space(did)
      defer { H5Sclose(fileSpace) }
      var memSpace = retort_h5s_all()
      var selected = fileSpace
      if let rows {
        guard !shape.isEmpty, rows.lowerBound >= 0, rows.upperBound <= shape[0] else {
          throw RetortError.data(
            "rows \(rows) out of range for dataset '\(info.name)' of shape \(shape)", file: label)
        }
        shape[0] = rows.count
        var start = [hsize_t](repeating: 0, count: shape.count)
        start[0] = hsize_t(rows.lowerBound)
        var count = shape.map { hsize_t($0) }
        H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &count, nil)
        memSpace = H5Screate_simple(Int32(count.count), &count, nil)
        selected = fileSpace
      }
      defer { if memSpace != retort_h5s_all() { H5Sclose(memSpace) } }
      var values = [T](repeating: zero, count: shape.reduce(1, *))
      if values.isEmpty { return (shape, values) }
      let status = values.withUnsafeMutableBytes {
        H5Dread(
          did, memType, memSpace, rows == nil ? retort_h5s_all() : selected, retort_h5p_default(),
          $0.baseAddress)
      }
      guard status >= 0 else {
        throw RetortError.data(
          "cannot read dataset '\(info.name)' (damaged or truncated data)", file: label)
      }
      return (shape, values)
    }
  }

  /// Dataset `name` as strings (variable- or fixed-length, UTF-8 or ASCII).
  public func readStrings(_ name: String) throws -> [String] {
    let info = try info(name)
    guard info.kind == .string else {
      throw RetortError.data(
        "is \(info.typeName), expected strings", dataset: info.name, file: label)
    }
    return try withDataset(name) { did in
      let tid = H5Dget_type(did)
      let sid = H5Dget_space(did)
      defer {
        H5Tclose(tid)
        H5Sclose(sid)
      }
      let n = Int(H5Sget_simple_extent_npoints(sid))
      if n == 0 { return [] }
      if H5Tis_variable_str(tid) > 0 {
        let mt = HDF5.variableStringType()
        defer { H5Tclose(mt) }
        let fileSize = fileSize
        let strings = try HDF5.isolated(label, size: fileSize) {
          var total: hsize_t = 0
          guard H5Dvlen_get_buf_size(did, mt, sid, &total) >= 0, total <= fileSize else {
            throw RetortError.data(
              "claims strings longer than the file (damaged data)", dataset: info.name,
              file: label)
          }
          var ptrs = [UnsafeMutablePointer<CChar>?](repeating: nil, count: n)
          guard
            H5Dread(did, mt, retort_h5s_all(), retort_h5s_all(), retort_h5p_default(), &ptrs) >= 0
          else { throw RetortError.data("cannot read dataset '\(info.name)'", file: label) }
          return ptrs.map { $0.map { String(cString: $0) } ?? "" }
        }
        guard strings.count == n else {
          throw RetortError.data("cannot read dataset '\(info.name)'", file: label)
        }
        return strings.map { $0 ?? "" }
      }
      let size = H5Tget_size(tid)
      var bytes = [UInt8](repeating: 0, count: size * n)
      guard H5Dread(did, tid, retort_h5s_all(), retort_h5s_all(), retort_h5p_default(), &bytes) >= 0
      else {
        throw RetortError.data("cannot read dataset '\(info.name)'", file: label)
      }
      return (0..<n).map { HDF5.fixedString(bytes[$0 * size..<($0 + 1) * size]) }
    }
  }

  /// More than deflate can shrink any data (about 1,032 times), so that no
  /// stored size is refused that a real compressed file could hold.
  static let largestDeflateRatio = 1100

  /// Refuses, before anything is allocated, a dataset whose header claims
  /// more data than the file could hold: more stored bytes (elements × the
  /// stored element size) than the file's size for contiguous or compact
  /// storage, or than 1,100 times it for chunked storage (deflate shrinks
  /// data at most about 1,032 times).
  private func checkClaim(_ did: hid_t, _ info: DatasetInfo) throws {
    let tid = H5Dget_type(did)
    let dcpl = H5Dget_create_plist(did)
    defer {
      H5Tclose(tid)
      H5Pclose(dcpl)
    }
    let element = max(1, H5Tget_size(tid))
    let layout = H5Pget_layout(dcpl)
    let factor = layout == H5D_CHUNKED || layout == H5D_VIRTUAL ? Self.largestDeflateRatio : 1
    let limit = fileSize.multipliedReportingOverflow(by: factor)
    let claimed = HDF5.count(info.shape).map { $0.multipliedReportingOverflow(by: element) }
    if let claimed, !claimed.overflow,
      limit.overflow || claimed.partialValue <= limit.partialValue
    {
      return
    }
    let count = HDF5.count(info.shape).map(String.init) ?? "more than \(Int.max)"
    throw RetortError.data(
      "claims \(count) elements of \(element) bytes (shape \(info.shape)), more than the file"
        + " of \(fileSize) bytes could hold (damaged header)", dataset: info.name, file: label)
  }

  // MARK: Attributes

  /// The attributes of dataset or group `name` (`/` is the file's root).
  public func attributes(of name: String = "/") throws -> [String: AttributeValue] {
    try HDF5.reading(label, size: fileSize) {
      let oid = H5Oopen(fid, HDF5.absolute(name), retort_h5p_default())
      guard oid >= 0 else { throw missing(name) }
      defer { H5Oclose(oid) }
      do { return try HDF5.readAttributes(of: oid, label: label, limit: fileSize) } catch let e as RetortError {
        throw e.kind == .data && e.file == nil ? e.naming(label) : e
      }
    }
  }

  /// The `history` lines of the file, oldest first.
  public func history() -> [String] {
    guard case .text(let h)? = try? attributes()["history"] else { return [] }
    return h.split(separator: "\n").map(String.init)
  }

  /// Dataset `name` as stored, for carrying it into an output: its shape, a
  /// native copy of its numeric type (the caller closes it; byte order and
  /// float16 become native) and its values in that type (`info` has checked
  /// the claim against the file's size).
  func readStoredNumbers(_ name: String, rows: Range<Int>? = nil) throws -> (
    shape: [Int], type: hid_t, bytes: [UInt8]
  ) {
    let info = try info(name)
    guard info.kind == .float || info.kind == .integer else {
      throw RetortError.data(
        "is \(info.typeName), expected numbers", dataset: info.name, file: label)
    }
    return try withDataset(name) { did in
      let stored = H5Dget_type(did)
      defer { H5Tclose(stored) }
      let native = H5Tget_native_type(stored, H5T_DIR_ASCEND)
      guard native >= 0 else {
        throw RetortError.data("has a type Retort cannot read", dataset: info.name, file: label)
      }
      var shape = info.shape
      var (memSpace, fileSpace) = (retort_h5s_all(), retort_h5s_all())
      if let rows {
        precondition(!shape.isEmpty && rows.upperBound <= shape[0])
        shape[0] = rows.count
        var start = [hsize_t](repeating: 0, count: shape.count)
        start[0] = hsize_t(rows.lowerBound)
        var count = shape.map { hsize_t($0) }
        fileSpace = H5Dget_space(did)
        H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &count, nil)
        memSpace = H5Screate_simple(Int32(count.count), &count, nil)
      }
      defer {
        if rows != nil {
          H5Sclose(memSpace)
          H5Sclose(fileSpace)
        }
      }
      var bytes = [UInt8](repeating: 0, count: (HDF5.count(shape) ?? 0) * H5Tget_size(native))
      if !bytes.isEmpty,
        H5Dread(did, native, memSpace, fileSpace, retort_h5p_default(), &bytes) < 0
      {
        H5Tclose(native)
        throw RetortError.data(
          "cannot read dataset '\(info.name)' (damaged or truncated data)", file: label)
      }
      return (shape, native, bytes)
    }
  }
}
