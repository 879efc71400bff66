import FoundationEssentials
import Glibc

/// The number of cores this process may use.
public var availableCores: Int { ProcessInfo.processInfo.activeProcessorCount }
