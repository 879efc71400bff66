# What the *-submit drivers share (sourced, not run). Each driver sets
# PARTITION, SHARDS, CPUS, MEM, TIME, MERGE_MEM, MERGE_TIME and WORK first.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -n "${RETORT_BIN:-}" ]; then PATH="$RETORT_BIN:$PATH"; fi
export PATH

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

# Options of every job: the id alone on stdout, the environment passed on, and
# a job whose dependency failed is cancelled instead of pending for ever.
job_options=(--parsable --export=ALL --kill-on-invalid-dep=yes)
if [ -n "$PARTITION" ]; then job_options+=(--partition "$PARTITION"); fi

# sbatch prints "id" or "id;cluster"; keep the id.
submit() {
  local id
  id=$(sbatch "${job_options[@]}" "$@")
  echo "${id%%;*}"
}

# An array job of SHARDS tasks: submit_array NAME [DEPENDENCY] SCRIPT STEP
submit_array() {
  local name=$1 after=$2
  shift 2
  submit --job-name "$name" ${after:+--dependency "afterok:$after"} \
    --array "0-$((SHARDS - 1))" --cpus-per-task "$CPUS" --mem "$MEM" --time "$TIME" \
    --output "$WORK/logs/%x-%A_%a.log" "$@"
}

# One merge task after DEPENDENCY: submit_merge NAME DEPENDENCY SCRIPT STEP
submit_merge() {
  local name=$1 after=$2
  shift 2
  submit --job-name "$name" --dependency "afterok:$after" \
    --cpus-per-task 1 --mem "$MERGE_MEM" --time "$MERGE_TIME" \
    --output "$WORK/logs/%x-%j.log" "$@"
}
