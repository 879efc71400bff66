import Retort

/// What `--version` prints: Retort's version. (It does not load OpenBLAS to
/// name its kernel; `tensor info -v` and every BLAS tool's `-v` do.)
public var versionText: String { retortVersion }
