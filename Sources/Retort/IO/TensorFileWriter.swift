import CHDF5
import Glibc

/// An HDF5 file being written: to a temporary file beside its target that is
/// renamed on `commit()`, or in memory and copied to standard output (or to
/// the device, FIFO or socket a path names) on `commit()`. A writer dropped
/// without `commit()` leaves nothing behind.
public final class TensorFileWriter {
  public enum Destination: Equatable, Sendable {
    case path(String)
    case standardOutput
  }

  public let destination: Destination
  /// Deflate level (0–9) for large datasets written to a file; 0 (the
  /// default) writes them uncompressed. Nothing written to a pipe is compressed.
  public var deflateLevel: Int = 0
  var fid: hid_t
  private let file: AtomicFile?
  /// The device, FIFO or socket that `-o` named, written on `commit()`.
  private let direct: String?
  private var finished = false

  /// Datasets copied through that are larger than this go in blocks of rows.
  static let copyBlockBytes = 16 << 20

  /// Datasets larger than this many bytes are chunked and compressed.
  static let compressionThreshold = 1 << 20

  public var label: String {
    switch destination {
    case .path(let p): p
    case .standardOutput: "standard output"
    }
  }

  public init(_ destination: Destination) throws {
    self.destination = destination
    var target: OutputTarget?
    var path = ""
    if case .path(let given) = destination {
      path = given
      target = try OutputTarget.resolve(given)
    }
    switch target {
    case .replace(let resolved):
      let dir = splitPath(resolved).folder
      let file = AtomicFile(path: resolved, label: path)
      let id = HDF5.locked {
        H5Fcreate(
          file.temporaryPath, retort_h5f_acc_excl(), retort_h5p_default(), retort_h5p_default())
      }
      guard id >= 0 else {
        file.discard()
        let reason =
          fileExists(dir)
          ? "permission denied or read-only" : "no such directory"
        throw RetortError.cannotCreate("cannot create output (\(reason))", file: path)
      }
      fid = id
      self.file = file
      direct = nil
    case .direct, nil:
      // Standard output, a device, a FIFO or a socket: built in memory.
      let id: hid_t = HDF5.locked {
        let fapl = H5Pcreate(retort_h5p_file_access())
        defer { H5Pclose(fapl) }
        H5Pset_fapl_core(fapl, 1 << 20, false)
        return H5Fcreate("retort-stdout.h5", retort_h5f_acc_trunc(), retort_h5p_default(), fapl)
      }
      guard id >= 0 else {
        throw RetortError.software("cannot create an HDF5 file image in memory")
      }
      fid = id
      file = nil
      if case .direct(let resolved) = target { direct = resolved } else { direct = nil }
      deflateLevel = 0
    }
  }

  deinit {
    if !finished {
      HDF5.locked { _ = H5Fclose(fid) }
      file?.discard()
    }
  }

  func ensureOpen() {
    precondition(!finished, "TensorFileWriter used after commit()")
  }

  /// Creates a dataset link creation list that also creates missing groups.
  func linkCreationList() -> hid_t {
    let lcpl = H5Pcreate(retort_h5p_link_create())
    H5Pset_create_intermediate_group(lcpl, 1)
    return lcpl
  }

  /// Writes `value` as dataset `name` (float32, int64 or UTF-8 strings) with `attributes`.
  public func write(
    _ name: String, _ value: TensorValue, attributes: [String: AttributeValue] = [:]
  ) throws {
    switch value {
    case .float(let t):
      try t.scalars.withUnsafeBytes {
        try writeNumbers(
          name, shape: t.shape, bytes: $0, memType: retort_h5t_native_float(),
          fileType: retort_h5t_ieee_f32le())
      }
    case .int(let t):
      try t.scalars.withUnsafeBytes {
        try writeNumbers(
          name, shape: t.shape, bytes: $0, memType: retort_h5t_native_int64(),
          fileType: retort_h5t_std_i64le())
      }
    case .strings(let s):
      try writeStrings(name, s)
    }
    for (key, v) in attributes.sorted(by: { $0.key < $1.key }) {
      try setAttribute(key, v, on: name)
    }
  }

  /// Writes a float32 dataset.
  public func write(_ name: String, _ t: FloatTensor, attributes: [String: AttributeValue] = [:])
    throws
  {
    try write(name, .float(t), attributes: attributes)
  }

  /// Writes an int64 dataset.
  public func write(_ name: String, _ t: IndexTensor, attributes: [String: AttributeValue] = [:])
    throws
  {
    try write(name, .int(t), attributes: attributes)
  }

  /// The creation list of a dataset of `shape` holding `bytes`: chunked by
  /// rows, shuffled and deflated when compression is on and it is large.
  func datasetCreationList(shape: [Int], bytes: Int) -> hid_t {
    let dcpl = H5Pcreate(retort_h5p_dataset_create())
    if deflateLevel > 0, bytes > Self.compressionThreshold, let first = shape.first, first > 0 {
      let rowBytes = max(1, bytes / first)
      var chunk = shape.map { hsize_t($0) }
      chunk[0] = hsize_t(max(1, min(first, Self.compressionThreshold / rowBytes)))
      H5Pset_chunk(dcpl, Int32(chunk.count), &chunk)
      H5Pset_shuffle(dcpl)
      H5Pset_deflate(dcpl, UInt32(deflateLevel))
    }
    return dcpl
  }

  private func writeNumbers(
    _ name: String, shape: [Int], bytes: UnsafeRawBufferPointer, memType: hid_t, fileType: hid_t
  ) throws {
    ensureOpen()
    try HDF5.locked {
      var dims = shape.map { hsize_t($0) }
      let sid = H5Screate_simple(Int32(dims.count), &dims, nil)
      defer { H5Sclose(sid) }
      let dcpl = datasetCreationList(shape: shape, bytes: bytes.count)
      defer { H5Pclose(dcpl) }
      let lcpl = linkCreationList()
      defer { H5Pclose(lcpl) }
      let did = H5Dcreate2(
        fid, HDF5.absolute(name), fileType, sid, lcpl, dcpl, retort_h5p_default())
      guard did >= 0 else { throw RetortError.io("cannot create dataset '\(name)' in \(label)") }
      defer { H5Dclose(did) }
      if bytes.count > 0,
        H5Dwrite(
          did, memType, retort_h5s_all(), retort_h5s_all(), retort_h5p_default(), bytes.baseAddress)
          < 0
      {
        throw RetortError.io("cannot write dataset '\(name)' to \(label)")
      }
    }
  }

  private func writeStrings(_ name: String, _ strings: [String]) throws {
    ensureOpen()
    let cStrings = strings.map { strdup($0) }
    defer { cStrings.forEach { free($0) } }
    try HDF5.locked {
      var dims = [hsize_t(strings.count)]
      let sid = H5Screate_simple(1, &dims, nil)
      let tid = HDF5.variableStringType()
      let lcpl = linkCreationList()
      defer {
        H5Sclose(sid)
        H5Tclose(tid)
        H5Pclose(lcpl)
      }
      let did = H5Dcreate2(
        fid, HDF5.absolute(name), tid, sid, lcpl, retort_h5p_default(), retort_h5p_default())
      guard did >= 0 else { throw RetortError.io("cannot create dataset '\(name)' in \(label)") }
      defer { H5Dclose(did) }
      if !strings.isEmpty,
        cStrings.withUnsafeBufferPointer({
          H5Dwrite(
            did, tid, retort_h5s_all(), retort_h5s_all(), retort_h5p_default(), $0.baseAddress)
        }) < 0
      {
        throw RetortError.io("cannot write dataset '\(name)' to \(label)")
      }
    }
  }

  /// Creates group `name` (and its parents) if it does not exist.
  public func createGroup(_ name: String) throws {
    ensureOpen()
    try HDF5.locked {
      let abs = HDF5.absolute(name)
      if abs == "/" || H5Lexists(fid, abs, retort_h5p_default()) > 0 { return }
      let lcpl = linkCreationList()
      defer { H5Pclose(lcpl) }
      let gid = H5Gcreate2(fid, abs, lcpl, retort_h5p_default(), retort_h5p_default())
      guard gid >= 0 else { throw RetortError.io("cannot create group '\(name)' in \(label)") }
      H5Gclose(gid)
    }
  }

  /// Sets attribute `key` on the dataset or group `object` (`/` is the root).
  public func setAttribute(_ key: String, _ value: AttributeValue, on object: String = "/") throws {
    ensureOpen()
    try HDF5.locked {
      let oid = H5Oopen(fid, HDF5.absolute(object), retort_h5p_default())
      guard oid >= 0 else {
        throw RetortError.software("no object '\(object)' to put attribute '\(key)' on")
      }
      defer { H5Oclose(oid) }
      try HDF5.writeAttribute(key, value, on: oid)
    }
  }

  /// Whether the output already has a dataset or group `name`.
  public func contains(_ name: String) -> Bool {
    HDF5.locked { H5Lexists(fid, HDF5.absolute(name), retort_h5p_default()) > 0 }
  }

  /// Writes dataset `name` of `source` anew, as `target` (default: the same
  /// name), with its attributes copied by value. Its values are read through
  /// the checked readers (never `H5Ocopy`, which trusts a damaged input):
  /// numbers keep their stored type in native byte order (float16 becomes
  /// float32, enums stay enums), strings become variable-length UTF-8, and a
  /// dataset of another type (compound, opaque, references) is left out.
  public func copy(_ name: String, from source: TensorFile, as target: String? = nil) throws {
    ensureOpen()
    let out = target ?? name
    let info = try source.info(name)
    let attributes = try source.attributes(of: name)
    switch info.kind {
    case .float, .integer:
      let rowBytes = info.shape.dropFirst().reduce(8, *)
      let rows = info.shape.first ?? 0
      guard rows > 1, rows * rowBytes > Self.copyBlockBytes else {
        let (shape, type, bytes) = try source.readStoredNumbers(name)
        defer { HDF5.locked { _ = H5Tclose(type) } }
        try bytes.withUnsafeBytes {
          try writeNumbers(out, shape: shape, bytes: $0, memType: type, fileType: type)
        }
        break
      }
      // Large datasets go through in blocks of rows, so that memory holds one.
      let block = max(1, Self.copyBlockBytes / max(rowBytes, 1))
      var blocks: RowBlockWriter?
      var types = [hid_t]()
      defer { HDF5.locked { for t in types { _ = H5Tclose(t) } } }
      for start in stride(from: 0, to: rows, by: block) {
        let (shape, type, bytes) = try source.readStoredNumbers(
          name, rows: start..<min(rows, start + block))
        types.append(type)
        if blocks == nil {
          blocks = try rowBlocks(out, shape: info.shape, fileType: type, memoryType: type)
        }
        try bytes.withUnsafeBytes { try blocks!.append(rows: shape[0], bytes: $0) }
      }
      try blocks?.finish()
    case .string:
      try writeStrings(out, try source.readStrings(name))
    case .other:
      return
    }
    for (key, value) in attributes.sorted(by: { $0.key < $1.key }) {
      try setAttribute(key, value, on: out)
    }
  }

  /// Finishes several files together: every file is closed before any is
  /// renamed into place, and when one cannot be put in place those already
  /// placed are removed, so that a failure leaves none of them. Outputs
  /// written directly (standard output, a device, a FIFO) follow last.
  public static func commit(all writers: [TensorFileWriter]) throws {
    let files = writers.compactMap { w in w.file.map { (writer: w, file: $0) } }
    var closed = true
    for (writer, _) in files {
      writer.ensureOpen()
      writer.finished = true
      closed = HDF5.locked { H5Fclose(writer.fid) } >= 0 && closed
    }
    var placed = [AtomicFile]()
    for (_, file) in files {
      do {
        try file.finish(closed: closed)
        placed.append(file)
      } catch {
        for done in placed { unlink(done.path) }
        for (_, rest) in files { rest.discard() }
        throw error
      }
    }
    for writer in writers where writer.file == nil { try writer.commit() }
  }

  /// Finishes the file: renames the temporary file into place, or writes the
  /// image to standard output or to the device, FIFO or socket.
  public func commit() throws {
    ensureOpen()
    finished = true
    if let file {
      let closed = HDF5.locked { H5Fclose(fid) }
      try file.finish(closed: closed >= 0)
      return
    }
    let image: [UInt8]? = HDF5.locked {
      defer { H5Fclose(fid) }
      guard H5Fflush(fid, H5F_SCOPE_GLOBAL) >= 0 else { return nil }
      let size = H5Fget_file_image(fid, nil, 0)
      guard size > 0 else { return nil }
      var bytes = [UInt8](repeating: 0, count: size)
      guard H5Fget_file_image(fid, &bytes, size) == size else { return nil }
      return bytes
    }
    guard let image else { throw RetortError.software("cannot take the HDF5 file image") }
    guard let direct else { return try writeAllToStandardOutput(image) }
    let fd = try OutputTarget.openDirect(direct, label: label)
    defer { close(fd) }
    do {
      try writeAll(fd, image)
    } catch {
      throw RetortError.io("cannot write \(label): \(error.reason)")
    }
  }
}
