import Foundation
import RetortTestSupport
import Testing

/// `Scripts/package deb` from the release tools: the package's Depends name
/// the Debian packages of the libraries the binaries link (HDF5, OpenBLAS,
/// LAPACKE) and no Swift; its extracted tools and library run and report the
/// package's version, as does every output file; it installs at most 150 MB.
@Suite("Debian package") struct PackageTests {
  @Test func debCarriesToolsLibraryAndOneVersion() throws {
    let dir = try temporaryDirectory()
    let build = try runProcess(
      repositoryRoot.appendingPathComponent("Scripts/package"),
      ["deb", "--out", dir.path, "--uncompressed"],
      environment: ["RETORT_BIN": toolDirectory.path])
    #expect(build.status == 0, "\(build.stderr)")
    let script = #"""
      set -e
      deb=$(ls retort_*_amd64.deb)
      echo "version $(dpkg-deb -f "$deb" Version)"
      echo "depends $(dpkg-deb -f "$deb" Depends)"
      echo "installed-kib $(dpkg-deb -f "$deb" Installed-Size)"
      dpkg-deb -x "$deb" root
      echo "tool $(root/usr/bin/nms --version | cut -d' ' -f1)"
      echo "links $(find root/usr/bin -type l -lname '*/libexec/retort/retort-tools' | wc -l)"
      echo "measured-kib $(du -sk root/usr | cut -f1)"
      RETORT_LIB=$PWD/root/usr/lib/x86_64-linux-gnu/libretort.so.0 \
        PYTHONPATH=root/usr/share/retort/python python3 -c 'import retort; print("library", retort.version())'
      python3 -c 'import h5py, numpy as np; f = h5py.File("d.h5", "w"); f["boxes"] = np.zeros((1, 4), np.float32); f["scores"] = np.ones(1, np.float32)'
      root/usr/bin/nms d.h5 -o keep.h5
      python3 -c 'import h5py; print("file", h5py.File("keep.h5").attrs["retort_version"])'
      ls root/usr/share/man/man1/csls.1.gz root/usr/include/retort.h \
        root/usr/lib/x86_64-linux-gnu/pkgconfig/retort.pc root/usr/share/doc/retort/copyright
      """#
    let r = try runProcess(URL(fileURLWithPath: "/bin/bash"), ["-c", script], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    var fields = [String: String]()
    for line in r.text.split(separator: "\n") {
      guard let space = line.firstIndex(of: " ") else { continue }
      fields[String(line[..<space]), default: String(line[line.index(after: space)...])] += ""
    }
    let version = try #require(fields["version"])
    for key in ["tool", "library", "file"] { #expect(fields[key] == version, "\(key): \(r.text)") }
    let depends = fields["depends"] ?? ""
    for package in ["libhdf5-103-1", "liblapacke", "libopenblas0", "libc6"] {
      #expect(depends.contains(package), "\(depends)")
    }
    #expect(!depends.lowercased().contains("swift"), "\(depends)")
    // The nine tools are links to one binary, and the package installs at
    // most 150 MB (issue 19); Installed-Size is what the files take.
    #expect(fields["links"] == "9", "\(r.text)")
    let installed = try #require(fields["installed-kib"].flatMap { Int($0) })
    #expect(installed * 1024 <= 150_000_000, "Installed-Size \(installed) KiB")
    #expect(fields["measured-kib"].flatMap { Int($0) } == installed, "\(r.text)")
  }

  /// `Scripts/package wheel`: pip installs it into a new virtual environment
  /// (numpy from the system's site packages), and `import retort` loads the
  /// library the wheel carries, with no PYTHONPATH or RETORT_LIB, and keeps
  /// the row of the two boxes that numpy's greedy NMS keeps.
  @Test func wheelInstallsAndLoadsItsOwnLibrary() throws {
    let dir = try temporaryDirectory()
    let build = try runProcess(
      repositoryRoot.appendingPathComponent("Scripts/package"), ["wheel", "--out", dir.path],
      environment: ["RETORT_BIN": toolDirectory.path])
    #expect(build.status == 0, "\(build.stderr)")
    let script = #"""
      set -e
      python3 -m venv --system-site-packages venv
      venv/bin/pip install -q --no-index retort-*-py3-none-linux_x86_64.whl
      cd /
      env -u PYTHONPATH -u RETORT_LIB "$OLDPWD/venv/bin/python" -c '
      import retort
      print(retort.__version__, retort._library_path().startswith(retort.__file__.rsplit("/", 1)[0]))
      print(retort.nms([[0, 0, 1, 1], [0, 0, 1, 1.05], [2, 2, 3, 3]], [0.5, 0.9, 0.1]).tolist())'
      """#
    let r = try runProcess(URL(fileURLWithPath: "/bin/bash"), ["-c", script], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let version = try run("tensor", ["--version"]).text.split(whereSeparator: \.isWhitespace).first
      .map(String.init)
    #expect(r.text == "\(version ?? "?") True\n[1, 2]\n", "\(r.text)")
  }
}
