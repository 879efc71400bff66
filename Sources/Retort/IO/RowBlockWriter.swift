import CHDF5

/// A numeric dataset written in row blocks, first rows first, so that a
/// row-wise tool holds one block of its output rather than all of it.
public final class RowBlockWriter {
  public let name: String
  /// The dataset's shape; its first dimension is the row count.
  public let shape: [Int]
  /// Rows written so far.
  public private(set) var rowsWritten = 0
  private let did: hid_t
  private let label: String
  /// The in-memory type of the values appended (float32 for `append`).
  private let memoryType: hid_t
  private let elementSize: Int
  private var open = true

  fileprivate init(
    did: hid_t, name: String, shape: [Int], label: String, memoryType: hid_t, elementSize: Int
  ) {
    self.did = did
    self.name = name
    self.shape = shape
    self.label = label
    self.memoryType = memoryType
    self.elementSize = elementSize
  }

  deinit { close() }

  /// Writes `block` (rows of this dataset's row shape) as the next rows.
  public func append(_ block: FloatTensor) throws {
    precondition(Array(block.shape.dropFirst()) == Array(shape.dropFirst()) && elementSize == 4)
    try block.scalars.withUnsafeBytes { try append(rows: block.shape.first ?? 0, bytes: $0) }
  }

  /// Writes `rows` rows of float32 `values` (rows × the row shape's size).
  public func append(rows: Int, values: UnsafeBufferPointer<Float>) throws {
    precondition(elementSize == 4)
    try append(rows: rows, bytes: UnsafeRawBufferPointer(values))
  }

  /// Writes `values` as the next rows of this one-dimensional int64 dataset.
  public func append(_ values: [Int64]) throws {
    precondition(shape.count == 1 && elementSize == 8)
    try values.withUnsafeBytes { try append(rows: values.count, bytes: $0) }
  }

  /// Writes `rows` rows given as raw values of the memory type.
  func append(rows: Int, bytes: UnsafeRawBufferPointer) throws {
    precondition(open && bytes.count == rows * shape.dropFirst().reduce(elementSize, *))
    guard rowsWritten + rows <= shape[0] else {
      throw RetortError.software(
        "dataset '\(name)' of \(shape[0]) rows given \(rowsWritten + rows) rows")
    }
    guard rows > 0, bytes.count > 0 else { return }
    let status = HDF5.locked {
      let fileSpace = H5Dget_space(did)
      defer { H5Sclose(fileSpace) }
      var start = [hsize_t](repeating: 0, count: shape.count)
      start[0] = hsize_t(rowsWritten)
      var count = shape.map { hsize_t($0) }
      count[0] = hsize_t(rows)
      H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &count, nil)
      let memSpace = H5Screate_simple(Int32(count.count), &count, nil)
      defer { H5Sclose(memSpace) }
      return H5Dwrite(
        did, memoryType, memSpace, fileSpace, retort_h5p_default(), bytes.baseAddress)
    }
    guard status >= 0 else { throw RetortError.io("cannot write dataset '\(name)' to \(label)") }
    rowsWritten += rows
  }

  /// Closes the dataset once every row is written.
  public func finish() throws {
    guard rowsWritten == shape[0] else {
      throw RetortError.software(
        "dataset '\(name)' finished after \(rowsWritten) of \(shape[0]) rows")
    }
    close()
  }

  private func close() {
    guard open else { return }
    open = false
    HDF5.locked { _ = H5Dclose(did) }
  }
}

extension TensorFileWriter {
  /// Creates float32 dataset `name` of `shape` with `attributes`, to be
  /// written in row blocks; call `finish()` on it before `commit()`.
  public func rowBlocks(
    _ name: String, shape: [Int], attributes: [String: AttributeValue] = [:]
  ) throws -> RowBlockWriter {
    try rowBlocks(
      name, shape: shape, fileType: retort_h5t_ieee_f32le(), memoryType: retort_h5t_native_float(),
      attributes: attributes)
  }

  /// Creates int64 dataset `name` of `count` values, to be written in blocks
  /// (`append(_: [Int64])`); call `finish()` on it before `commit()`.
  public func indexRowBlocks(_ name: String, count: Int) throws -> RowBlockWriter {
    try rowBlocks(
      name, shape: [count], fileType: retort_h5t_std_i64le(),
      memoryType: retort_h5t_native_int64())
  }

  /// Creates dataset `name` of `shape` stored as `fileType`, whose blocks come
  /// as `memoryType` (neither is closed here).
  func rowBlocks(
    _ name: String, shape: [Int], fileType: hid_t, memoryType: hid_t,
    attributes: [String: AttributeValue] = [:]
  ) throws -> RowBlockWriter {
    ensureOpen()
    precondition(!shape.isEmpty)
    let elementSize = HDF5.locked { H5Tget_size(memoryType) }
    let did = HDF5.locked {
      var dims = shape.map { hsize_t($0) }
      let sid = H5Screate_simple(Int32(dims.count), &dims, nil)
      defer { H5Sclose(sid) }
      let dcpl = datasetCreationList(shape: shape, bytes: shape.reduce(elementSize, *))
      defer { H5Pclose(dcpl) }
      let lcpl = linkCreationList()
      defer { H5Pclose(lcpl) }
      return H5Dcreate2(fid, HDF5.absolute(name), fileType, sid, lcpl, dcpl, retort_h5p_default())
    }
    guard did >= 0 else { throw RetortError.io("cannot create dataset '\(name)' in \(label)") }
    let writer = RowBlockWriter(
      did: did, name: name, shape: shape, label: label, memoryType: memoryType,
      elementSize: elementSize)
    for (key, value) in attributes.sorted(by: { $0.key < $1.key }) {
      try setAttribute(key, value, on: name)
    }
    return writer
  }
}
