import CLazyBLAS

/// Which OpenBLAS kernel runs, and which one this processor should run.
/// OpenBLAS is loaded at the first BLAS call (`Sources/CLazyBLAS`), or by
/// `load()`; reading `coreName` or `threads` loads it.
///
/// Debian 12's OpenBLAS 0.3.21 does not recognise recent Intel processors and
/// falls back to the generic `Prescott` kernel, 4–5× slower at sgemm. The
/// variable `OPENBLAS_CORETYPE` chooses the kernel, but only when it is set
/// before the library initialises, so a tool re-executes itself once with it.
public enum BLASKernel {
  /// Loads OpenBLAS now, or throws why it cannot be loaded.
  public static func load() throws {
    guard retort_openblas_load() == 0 else {
      throw RetortError.software(
        "cannot load OpenBLAS (\(String(cString: retort_openblas_error()))); install libopenblas0")
    }
  }

  /// Whether OpenBLAS has been loaded (asking does not load it).
  public static var isLoaded: Bool { retort_openblas_loaded() != 0 }

  /// The kernel OpenBLAS chose when it loaded, e.g. `SkylakeX` or `Prescott`.
  public static var coreName: String { String(cString: retort_openblas_core()) }

  /// The fastest kernel that this processor's features allow, or nil when
  /// OpenBLAS's own choice cannot be bettered from here.
  package static var bestCore: String? {
    if retort_cpu_has_avx512() != 0 { return "SkylakeX" }
    if retort_cpu_has_avx2() != 0 { return "Haswell" }
    return nil
  }

  /// Kernels at least as good as `core`, by name as OpenBLAS reports them.
  package static func adequateCores(for core: String) -> Set<String> {
    switch core {
    case "SkylakeX": ["skylakex", "cooperlake", "sapphirerapids"]
    case "Haswell": ["haswell", "zen", "skylakex", "cooperlake", "sapphirerapids"]
    default: [core.lowercased()]
    }
  }

  /// The value to give `OPENBLAS_CORETYPE` before re-executing, or nil when
  /// the running kernel is right or the user chose one (`environment` holds
  /// `OPENBLAS_CORETYPE`) or a re-execution already happened.
  package static func replacementCore(environment: [String: String]) -> String? {
    replacementCore(running: coreName, best: bestCore, environment: environment)
  }

  /// The decision of `replacementCore(environment:)` for a given running
  /// kernel and best kernel.
  static func replacementCore(running: String, best: String?, environment: [String: String])
    -> String?
  {
    if environment["OPENBLAS_CORETYPE"] != nil || environment["RETORT_BLAS_REEXEC"] != nil {
      return nil
    }
    guard let best else { return nil }
    return adequateCores(for: best).contains(running.lowercased()) ? nil : best
  }

  /// Threads that OpenBLAS may use for one call.
  public static var threads: Int {
    get { Int(retort_openblas_threads()) }
    set { retort_openblas_set_threads(Int32(max(1, newValue))) }
  }
}
