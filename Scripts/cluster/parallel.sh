# What parallel-csls and parallel-ohem share (sourced, not run): tools from
# PATH or RETORT_BIN, GNU parallel (installed with apt when missing and root),
# a folder for the shards' files, and the run of one step over every shard.

if [ -n "${RETORT_BIN:-}" ]; then PATH="$RETORT_BIN:$PATH"; fi
me=$(basename "$0")

fail() { echo "$me: $*" >&2; exit "${status:-64}"; }

# Moreutils ships another program called parallel; only GNU parallel will do.
if ! parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "$me: installing GNU parallel" >&2
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq parallel \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq parallel; }
    } </dev/null >/dev/null 2>&1 || status=69 fail "could not install GNU parallel"
  else
    status=69 fail "needs GNU parallel (apt-get install parallel)"
  fi
fi

jobs=$(nproc)
shards=
work=

# Checks the options every variant has and sets threads (cores per job).
settle() {
  shards=${shards:-$jobs}
  [[ "$jobs" =~ ^[1-9][0-9]*$ && "$shards" =~ ^[1-9][0-9]*$ ]] \
    || fail "-j and --shards must be positive integers"
  threads=$(( $(nproc) / jobs ))
  [ "$threads" -ge 1 ] || threads=1
  if [ -z "$work" ]; then
    work=$(mktemp -d "${TMPDIR:-/tmp}/$me.XXXXXX")
    trap 'rm -rf "$work"' EXIT
  fi
  mkdir -p "$work"
}

# Runs a command once per shard, {} standing for the shard index; -q keeps
# each argument as it is (spaces in paths survive), and the first failure
# stops the rest.
each_shard() {
  parallel --will-cite -q --halt now,fail=1 -j "$jobs" "$@" ::: $(seq 0 $((shards - 1)))
}

# The files of one step, in shard order: shard_files PREFIX
shard_files() { for ((i = 0; i < shards; i++)); do echo "$work/$1-$i.h5"; done; }
