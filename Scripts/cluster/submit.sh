# What the *-submit drivers share (sourced, not run). Each driver sets
# PARTITION, SHARDS, CPUS, MEM, TIME, MERGE_MEM, MERGE_TIME and WORK first.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -n "${RETORT_BIN:-}" ]; then PATH="$RETORT_BIN:$PATH"; fi
# The batch steps source task.sh from here (Slurm runs copies of them).
CLUSTER_SCRIPTS=$here
export PATH CLUSTER_SCRIPTS

# An absolute path, so that jobs find the file whatever their working folder.
absolute() {
  case "$1" in
    ""|/*) echo "$1" ;;
    *) echo "$PWD/$1" ;;
  esac
}

# Fails early when a tool is not on PATH here (the jobs get this PATH).
need_tools() {
  local t
  for t in "$@"; do
    if ! command -v "$t" >/dev/null; then
      echo "$(basename "$0"): $t is not on PATH (set RETORT_BIN)" >&2
      exit 66
    fi
  done
}

WORK=$(absolute "$WORK")
mkdir -p "$WORK/logs"

# Options of every job: the id alone on stdout, requeued after a node failure,
# and a job whose dependency failed is cancelled instead of pending for ever.
job_options=(--parsable --requeue --kill-on-invalid-dep=yes)
if [ -n "$PARTITION" ]; then job_options+=(--partition "$PARTITION"); fi

# sbatch prints "id" or "id;cluster"; keep the id.
submit() {
  local id
  id=$(sbatch "${job_options[@]}" "$@")
  echo "${id%%;*}"
}

# The environment a job gets: all of this one's, plus VAR=VALUE words.
exports() {
  local IFS=,
  echo "ALL${*:+,$*}"
}

# An array job of SHARDS tasks:
#   submit_array NAME DEPENDENCY SCRIPT STEP [VAR=VALUE ...]
# (DEPENDENCY may be empty).
submit_array() {
  local name=$1 after=$2 script=$3 step=$4
  shift 4
  submit --job-name "$name" ${after:+--dependency "afterok:$after"} --export "$(exports "$@")" \
    --array "0-$((SHARDS - 1))" --cpus-per-task "$CPUS" --mem "$MEM" --time "$TIME" \
    --output "$WORK/logs/%x-%A_%a.log" "$script" "$step"
}

# One merge task after the array job ARRAY, whose shards it merges (the step
# gets ARRAY as SHARD_JOB): submit_merge NAME ARRAY SCRIPT STEP
submit_merge() {
  local name=$1 after=$2 script=$3 step=$4
  submit --job-name "$name" --dependency "afterok:$after" --export "$(exports "SHARD_JOB=$after")" \
    --cpus-per-task 1 --mem "$MERGE_MEM" --time "$MERGE_TIME" \
    --output "$WORK/logs/%x-%j.log" "$script" "$step"
}
