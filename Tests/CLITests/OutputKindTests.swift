import Foundation
import RetortTestSupport
import Testing

/// `-o` never replaces what is not a regular file: a device or FIFO is
/// written in place, a symbolic link is written through (and stays a link),
/// and a failed run leaves each of them as it was.
@Suite("output kinds") struct OutputKindTests {
  /// A folder with a valid `a.csv` and a malformed `bad.csv`.
  func folder() throws -> URL {
    let dir = try temporaryDirectory()
    for (name, text) in [("a.csv", "1,2\n3,4\n"), ("bad.csv", "1,2\n3\n")] {
      try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    return dir
  }

  /// The file type bits of `path` (not following a link).
  func kind(_ path: URL) -> mode_t {
    var st = stat()
    guard lstat(path.path, &st) == 0 else { return 0 }
    return st.st_mode & S_IFMT
  }

  /// Runs a bash script in `dir` with `$BIN` set to the tools' folder.
  func bash(_ script: String, in dir: URL) throws -> ProcessResult {
    try runProcess(
      URL(fileURLWithPath: "/bin/bash"), ["-c", script], in: dir,
      environment: ["BIN": toolDirectory.path, "OPENBLAS_NUM_THREADS": "1"], timeout: 120)
  }

  @Test func characterDeviceIsWrittenNotReplaced() throws {
    let dir = try folder()
    let made = try bash("mknod null c 1 3", in: dir)
    try #require(made.status == 0, "mknod: \(made.stderr)")
    let device = dir.appendingPathComponent("null")
    let imported = try run("tensor", ["import", "a.csv", "-o", "null"], in: dir)
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(kind(device) == S_IFCHR)
    _ = try run("tensor", ["import", "a.csv", "-o", "a.h5"], in: dir)
    let exported = try run("tensor", ["export", "a.h5", "--format", "csv", "-o", "null"], in: dir)
    #expect(exported.status == 0, "\(exported.stderr)")
    #expect(kind(device) == S_IFCHR)
    let failed = try run("tensor", ["import", "bad.csv", "-o", "null"], in: dir)
    expectFailure(failed, tool: "tensor", status: 65, naming: "bad.csv")
    #expect(kind(device) == S_IFCHR)
    #expect(try files(in: dir) == ["a.csv", "a.h5", "bad.csv", "null"])
  }

  @Test func fifoIsWrittenInPlace() throws {
    let dir = try folder()
    let r = try bash(
      """
      mkfifo pipe || exit 99
      cat pipe > got.h5 &
      "$BIN/tensor" import a.csv -o pipe || exit 1
      wait
      "$BIN/tensor" info got.h5 || exit 2
      "$BIN/tensor" import bad.csv -o pipe 2>/dev/null && exit 3
      test -p pipe || exit 4
      """, in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.text.contains("x  int64  [2, 2]"), "\(r.text)")
    #expect(kind(dir.appendingPathComponent("pipe")) == S_IFIFO)
    #expect(try files(in: dir) == ["a.csv", "bad.csv", "got.h5", "pipe"])
  }

  /// The same rules for an ordinary user (nobody, when the tests run as
  /// root): /dev/null, a FIFO and a symbolic link are written through, and a
  /// failed run leaves no file.
  @Test func ordinaryUserGetsTheSameRules() throws {
    let dir = try folder()
    #expect(chmod(dir.path, 0o777) == 0)
    let script = """
      "$BIN/tensor" import a.csv -o /dev/null || exit 1
      test -c /dev/null || exit 2
      mkfifo pipe || exit 99
      cat pipe > got.h5 &
      "$BIN/tensor" import a.csv -o pipe || exit 3
      wait
      "$BIN/tensor" info got.h5 > /dev/null || exit 4
      mkdir sub && ln -s sub/target.h5 link.h5 || exit 99
      "$BIN/tensor" import a.csv -o link.h5 || exit 5
      test -L link.h5 && test -f sub/target.h5 || exit 6
      "$BIN/tensor" import bad.csv -o out.h5 2> /dev/null && exit 7
      test ! -e out.h5 || exit 8
      id -u
      """
    let asNobody =
      getuid() == 0
      ? "setpriv --reuid=65534 --regid=65534 --clear-groups -- bash -c '\(script)'" : script
    let r = try bash(asNobody, in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.text.trimmingCharacters(in: .whitespacesAndNewlines) != "0", "ran as root")
  }

  /// A Unix socket is connected to and written, and stays a socket.
  @Test func socketIsConnectedToAndWritten() throws {
    let dir = try folder()
    let r = try bash(
      """
      python3 -c "
      import socket
      s = socket.socket(socket.AF_UNIX); s.bind('sock'); s.listen(1)
      open('ready', 'w').close()
      c, _ = s.accept(); data = b''
      while True:
          b = c.recv(65536)
          if not b: break
          data += b
      open('got.h5', 'wb').write(data)
      " &
      while [ ! -e ready ]; do sleep 0.05; done
      "$BIN/tensor" import a.csv -o sock || exit 1
      wait
      "$BIN/tensor" info got.h5 || exit 2
      test -S sock || exit 4
      """, in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.text.contains("x  int64  [2, 2]"), "\(r.text)")
    #expect(kind(dir.appendingPathComponent("sock")) == S_IFSOCK)
    #expect(try files(in: dir) == ["a.csv", "bad.csv", "got.h5", "ready", "sock"])
  }

  @Test func symbolicLinkIsWrittenThrough() throws {
    let dir = try folder()
    let sub = dir.appendingPathComponent("sub")
    try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
    try "old".write(to: sub.appendingPathComponent("real.h5"), atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(
      atPath: dir.appendingPathComponent("link.h5").path, withDestinationPath: "sub/real.h5")
    // A failed run leaves the link and its target as they were.
    let failed = try run("tensor", ["import", "bad.csv", "-o", "link.h5"], in: dir)
    expectFailure(failed, tool: "tensor", status: 65, naming: "bad.csv")
    #expect(try String(contentsOf: sub.appendingPathComponent("real.h5"), encoding: .utf8) == "old")
    let r = try run("tensor", ["import", "a.csv", "-o", "link.h5"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(kind(dir.appendingPathComponent("link.h5")) == S_IFLNK)
    #expect(kind(sub.appendingPathComponent("real.h5")) == S_IFREG)
    let info = try run("tensor", ["info", "sub/real.h5"], in: dir)
    #expect(info.text.contains("x  int64  [2, 2]"), "\(info.stderr)")
    // A dangling link: its target is created, the link kept.
    try FileManager.default.createSymbolicLink(
      atPath: dir.appendingPathComponent("ahead.h5").path, withDestinationPath: "sub/new.h5")
    let ahead = try run("tensor", ["import", "a.csv", "-o", "ahead.h5"], in: dir)
    #expect(ahead.status == 0, "\(ahead.stderr)")
    #expect(kind(dir.appendingPathComponent("ahead.h5")) == S_IFLNK)
    #expect(try files(in: sub) == ["new.h5", "real.h5"])
    #expect(try files(in: dir) == ["a.csv", "ahead.h5", "bad.csv", "link.h5", "sub"])
  }

  @Test func regularFileIsReplacedOnlyOnSuccess() throws {
    let dir = try folder()
    let out = dir.appendingPathComponent("out.h5")
    try "old".write(to: out, atomically: true, encoding: .utf8)
    let failed = try run("tensor", ["import", "bad.csv", "-o", "out.h5"], in: dir)
    expectFailure(failed, tool: "tensor", status: 65, naming: "bad.csv")
    #expect(try String(contentsOf: out, encoding: .utf8) == "old")
    let r = try run("tensor", ["import", "a.csv", "-o", "out.h5"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(kind(out) == S_IFREG)
    #expect(try files(in: dir) == ["a.csv", "bad.csv", "out.h5"])
  }
}
