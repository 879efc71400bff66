import CRetortSystem
import Glibc

/// The number of cores this process may use: the CPUs of its affinity mask
/// (what `taskset`, a cgroup cpuset or Slurm's CPU binding leaves it), or
/// fewer when a cgroup v2 CPU quota (`cpu.max`, as `docker --cpus` sets) or
/// `ProcessInfo.activeProcessorCount`'s Linux rule counts fewer (a cgroup v1
/// CPU quota rounded up, else the first range of the cgroup v1 cpuset, else
/// the online CPUs). Counted once, when first used.
public let availableCores: Int = {
  let affinity = Int(retort_affinity_cpu_count())
  let quota = systemFileText("/proc/self/cgroup").flatMap {
    cgroupV2CPULimit(cgroupList: $0, root: "/sys/fs/cgroup")
  }
  let counted = min(countCores(), quota ?? Int.max)
  return affinity > 0 ? min(affinity, counted) : counted
}()

/// The CPUs a cgroup v2 CPU quota leaves this process, rounded up: the
/// smallest over its cgroup and the cgroup's ancestors, whose `cpu.max`
/// holds `QUOTA PERIOD` (µs) or `max PERIOD` (no quota); nil when none has a
/// quota. `cgroupList` is the text of `/proc/self/cgroup`, whose `0::PATH`
/// line names the process's cgroup under `root`, a cgroup v2 mount.
package func cgroupV2CPULimit(cgroupList: String, root: String) -> Int? {
  guard let line = cgroupList.split(separator: "\n").first(where: { $0.hasPrefix("0::/") })
  else { return nil }
  var path = String(line.dropFirst(3))
  var limit: Int?
  while true {
    let fields = systemFileText(root + (path == "/" ? "" : path) + "/cpu.max")?
      .split(separator: "\n").first?.split(separator: " ")
    if let fields, fields.count == 2, let quota = Int(fields[0]), let period = Int(fields[1]),
      quota > 0, period > 0
    {
      let cpus = quota / period + (quota % period == 0 ? 0 : 1)
      limit = min(limit ?? cpus, cpus)
    }
    if path == "/" { return limit }
    path = splitPath(path).folder
  }
}

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
  guard let text = systemFileText("/sys/fs/cgroup/" + file) else { return nil }
  return text.split(separator: "\n").first ?? ""
}

/// The text of a small system file (`/proc`, `/sys`), nil when it cannot be
/// read or is not UTF-8.
private func systemFileText(_ path: String) -> String? {
  guard let bytes = try? readWholeFile(path) else { return nil }
  return String(validating: bytes.dropLast(), as: UTF8.self)
}
