import Retort

/// What `--version` prints: Retort's version and the BLAS kernel in use.
public var versionText: String {
  "\(retortVersion) (OpenBLAS core \(BLASKernel.coreName), \(BLASKernel.threads) threads)"
}
