# What the *.sbatch steps share (sourced from $CLUSTER_SCRIPTS, which the
# submitter exports: Slurm runs a copy of the batch script, away from this
# folder). Each step sets `step_name` first and reads SHARDS and WORK.

if [ -n "${RETORT_BIN:-}" ]; then PATH="$RETORT_BIN:$PATH"; fi

# An array of another size than SHARDS would leave shards out of the merge.
if [ -n "${SLURM_ARRAY_TASK_COUNT:-}" ] && [ "$SLURM_ARRAY_TASK_COUNT" != "$SHARDS" ]; then
  echo "$step_name: the array has $SLURM_ARRAY_TASK_COUNT tasks, SHARDS is $SHARDS" >&2
  exit 64
fi

# This task's shard of KIND: WORK/KIND-JOB-TASK.h5, named by the array job and
# the task, so that a requeued task (Slurm runs the script again after a node
# failure) replaces its own earlier attempt and nothing else. The temporary
# files a killed attempt left (the tools write .NAME.tmp-PID-N and rename it)
# are removed first.
own_shard() {
  local name="$1-${SLURM_ARRAY_JOB_ID:?not an array task}-${SLURM_ARRAY_TASK_ID:?not an array task}.h5"
  rm -f "$WORK/.$name.tmp-"*
  echo "$WORK/$name"
}

# The shard files of KIND that array job JOB wrote, tasks 0..SHARDS-1.
shard_files() {
  local i
  for ((i = 0; i < SHARDS; i++)); do echo "$WORK/$1-$2-$i.h5"; done
}
