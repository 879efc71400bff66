import CRetortSystem
import Glibc

/// The number of cores this process may use: the CPUs of its affinity mask
/// (what `taskset`, a cgroup cpuset or Slurm's CPU binding leaves it), or
/// fewer when `ProcessInfo.activeProcessorCount`'s Linux rule counts fewer (a
/// cgroup v1 CPU quota rounded up, else the first range of the cgroup v1
/// cpuset, else the online CPUs). Counted once, when first used.
public let availableCores: Int = {
  let affinity = Int(retort_affinity_cpu_count())
  let counted = countCores()
  return affinity > 0 ? min(affinity, counted) : counted
}()

/// `ProcessInfo.activeProcessorCount`'s count on Linux.
private func countCores() -> Int {
  if let quota = cgroupCount("cpu/cpu.cfs_quota_us"), quota > 0,
    let period = cgroupCount("cpu/cpu.cfs_period_us"), period > 0
  {
    return (quota - 1 + period) / period
  }
  if let cpus = cgroupFirstLine("cpuset/cpuset.cpus")?.split(separator: ",").first {
    let ids = cpus.split(separator: "-", maxSplits: 1)
    if let first = ids.first.flatMap({ Int($0) }), let last = ids.last.flatMap({ Int($0) }),
      last >= first
    {
      return 1 + last - first
    }
  }
  return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
}

/// The integer on the first line of `/sys/fs/cgroup/<file>`.
private func cgroupCount(_ file: String) -> Int? {
  cgroupFirstLine(file).flatMap { Int($0) }
}

/// The first non-empty line of `/sys/fs/cgroup/<file>`, nil when it cannot be read.
private func cgroupFirstLine(_ file: String) -> Substring? {
  guard let bytes = try? readWholeFile("/sys/fs/cgroup/" + file) else { return nil }
  let text = String(validating: bytes.dropLast(), as: UTF8.self) ?? ""
  return text.split(separator: "\n").first ?? ""
}
