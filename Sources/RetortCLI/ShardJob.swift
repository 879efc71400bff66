import Retort

/// The job run that writes a fresh shard, as its environment tells:
/// requeued Slurm tasks run again under the same job id with a higher
/// restart count, and a resubmitted array gets a new id, so `tensor merge`
/// can tell shards of different runs apart.
struct ShardJob {
  /// The first of `$RETORT_SHARD_JOB`, `$SLURM_ARRAY_JOB_ID` and
  /// `$SLURM_JOB_ID` that is set and not empty; nil outside a job.
  let id: String?
  /// `$SLURM_RESTART_COUNT`, how often Slurm requeued the job; 0 when unset.
  let attempt: Int

  /// The job of this process; a usage error for a restart count that is
  /// not a non-negative integer.
  init() throws {
    let environment = environmentVariables()
    id = ["RETORT_SHARD_JOB", "SLURM_ARRAY_JOB_ID", "SLURM_JOB_ID"].lazy
      .compactMap { environment[$0] }.first { !$0.isEmpty }
    guard let count = environment["SLURM_RESTART_COUNT"] else {
      attempt = 0
      return
    }
    guard let k = Int(count), k >= 0 else {
      throw RetortError.usage(
        "must be a non-negative integer, got '\(count)'",
        quantity: "environment variable SLURM_RESTART_COUNT")
    }
    attempt = k
  }
}
