import CHDF5

/// The value of an HDF5 attribute as Retort reads and writes it.
public enum AttributeValue: Equatable, Sendable, CustomStringConvertible {
  case integer(Int64)
  case real(Double)
  case text(String)
  case integers([Int64])
  case reals([Double])

  public var description: String {
    switch self {
    case .integer(let v): "\(v)"
    case .real(let v): "\(v)"
    case .text(let v): v
    case .integers(let v): "[" + v.map(String.init).joined(separator: ", ") + "]"
    case .reals(let v): "[" + v.map { "\($0)" }.joined(separator: ", ") + "]"
    }
  }

  /// The value as a number when it is one scalar number.
  public var number: Double? {
    switch self {
    case .integer(let v): Double(v)
    case .real(let v): v
    default: nil
    }
  }
}

extension HDF5 {
  /// All attributes of the object `obj` of the file `label`, by name. An
  /// attribute whose values would take more than `limit` bytes (more than
  /// the file holds) is a data error; one of a type Retort does not read is
  /// left out. Variable-length strings are read in a child process
  /// (`isolated`), all of the object's in one.
  static func readAttributes(of obj: hid_t, label: String, limit: Int) throws
    -> [String: AttributeValue]
  {
    var result = [String: AttributeValue]()
    var variable = [(index: hsize_t, name: String)]()
    var info = H5O_info_t()
    guard H5Oget_info2(obj, &info, UInt32(H5O_INFO_NUM_ATTRS)) >= 0 else { return result }
    for i in 0..<info.num_attrs {
      guard let aid = openAttribute(obj, i) else { continue }
      defer { H5Aclose(aid) }
      let len = H5Aget_name(aid, 0, nil)
      var buf = [CChar](repeating: 0, count: Int(len) + 1)
      H5Aget_name(aid, buf.count, &buf)
      let name = String(decoding: buf.prefix(Int(len)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
      switch try readAttribute(aid, name: name, limit: limit) {
      case .value(let v): result[name] = v
      case .variableString: variable.append((i, name))
      case .unread: break
      }
    }
    guard !variable.isEmpty else { return result }
    let texts = try isolated(label, size: limit) {
      variable.map { attribute in
        guard let aid = openAttribute(obj, attribute.index) else { return nil }
        defer { H5Aclose(aid) }
        return readVariableString(aid)
      }
    }
    guard texts.count == variable.count else {
      throw RetortError(.data, "corrupt HDF5 input (the HDF5 library failed reading it)", file: label)
    }
    for (attribute, text) in zip(variable, texts) {
      if let text { result[attribute.name] = .text(text) }
    }
    return result
  }

  private static func openAttribute(_ obj: hid_t, _ index: hsize_t) -> hid_t? {
    let aid = H5Aopen_by_idx(
      obj, ".", H5_INDEX_NAME, H5_ITER_INC, index, retort_h5p_default(), retort_h5p_default())
    return aid >= 0 ? aid : nil
  }

  /// What `readAttribute` found.
  private enum AttributeRead {
    case value(AttributeValue)
    /// A variable-length string, left for `isolated`.
    case variableString
    /// A type Retort does not read, or a failed read.
    case unread
  }

  private static func readAttribute(_ aid: hid_t, name: String, limit: Int) throws
    -> AttributeRead
  {
    let tid = H5Aget_type(aid)
    let sid = H5Aget_space(aid)
    defer {
      H5Tclose(tid)
      H5Sclose(sid)
    }
    let n = Int(H5Sget_simple_extent_npoints(sid))
    let (bytes, overflow) = max(n, 0).multipliedReportingOverflow(by: max(1, H5Tget_size(tid)))
    guard n >= 0, !overflow, bytes <= limit else {
      throw RetortError.data(
        "attribute '\(name)' claims \(n) values, more than the file could hold")
    }
    let scalar = dimensions(space: sid).reduce(1, *) == 1 && n == 1
    switch H5Tget_class(tid) {
    case H5T_INTEGER:
      var v = [Int64](repeating: 0, count: n)
      guard H5Aread(aid, retort_h5t_native_int64(), &v) >= 0 else { return .unread }
      return .value(scalar ? .integer(v[0]) : .integers(v))
    case H5T_FLOAT:
      var v = [Double](repeating: 0, count: n)
      guard H5Aread(aid, retort_h5t_native_double(), &v) >= 0 else { return .unread }
      return .value(scalar ? .real(v[0]) : .reals(v))
    case H5T_STRING:
      guard n >= 1 else { return .value(.text("")) }
      if H5Tis_variable_str(tid) > 0 { return .variableString }
      let size = H5Tget_size(tid)
      var bytes = [UInt8](repeating: 0, count: size * n)
      guard H5Aread(aid, tid, &bytes) >= 0 else { return .unread }
      return .value(.text(fixedString(bytes[0..<size])))
    default:
      return .unread
    }
  }

  /// The first value of a variable-length string attribute; nil when it
  /// cannot be read. Only in a child process (`isolated`).
  private static func readVariableString(_ aid: hid_t) -> String? {
    let sid = H5Aget_space(aid)
    let mt = variableStringType()
    defer {
      H5Tclose(mt)
      H5Sclose(sid)
    }
    let n = Int(H5Sget_simple_extent_npoints(sid))
    guard n >= 1 else { return nil }
    var ptrs = [UnsafeMutablePointer<CChar>?](repeating: nil, count: n)
    guard H5Aread(aid, mt, &ptrs) >= 0 else { return nil }
    return ptrs[0].map { String(cString: $0) } ?? ""
  }

  /// A fixed-length string without its NUL or space padding.
  static func fixedString(_ bytes: ArraySlice<UInt8>) -> String {
    let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
    var s = String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    while s.last == " " { s.removeLast() }
    return s
  }

  /// Writes (or replaces) the attribute `name` on the object `obj`.
  static func writeAttribute(_ name: String, _ value: AttributeValue, on obj: hid_t) throws {
    if H5Aexists(obj, name) > 0 { H5Adelete(obj, name) }
    func write<T>(_ values: [T], memType: hid_t, fileType: hid_t, scalar: Bool) -> herr_t {
      var dims = [hsize_t(values.count)]
      let sid = scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dims, nil)
      defer { H5Sclose(sid) }
      let aid = H5Acreate2(obj, name, fileType, sid, retort_h5p_default(), retort_h5p_default())
      guard aid >= 0 else { return -1 }
      defer { H5Aclose(aid) }
      return values.withUnsafeBufferPointer { H5Awrite(aid, memType, $0.baseAddress!) }
    }
    let status: herr_t
    switch value {
    case .integer(let v):
      status = write(
        [v], memType: retort_h5t_native_int64(), fileType: retort_h5t_std_i64le(), scalar: true)
    case .real(let v):
      status = write(
        [v], memType: retort_h5t_native_double(), fileType: retort_h5t_native_double(), scalar: true
      )
    case .integers(let v):
      status = write(
        v, memType: retort_h5t_native_int64(), fileType: retort_h5t_std_i64le(), scalar: false)
    case .reals(let v):
      status = write(
        v, memType: retort_h5t_native_double(), fileType: retort_h5t_native_double(), scalar: false)
    case .text(let v):
      let t = variableStringType()
      defer { H5Tclose(t) }
      status = v.withCString { cs in write([cs], memType: t, fileType: t, scalar: true) }
    }
    if status < 0 { throw RetortError.io("cannot write attribute '\(name)'") }
  }
}
