/// Retort's version, written into every output file as `retort_version`.
public let retortVersion = "0.1.0"
