# The preamble that Retort's scripts share (demo, test, bench/*, experiments/*,
# data/*). Sourced first thing, it stops the script on an error, an unset
# variable or a failed pipe, and moves to the repository's root. Then, as the
# script needs them:
#   retort_build   packages and the release build (Scripts/setup --no-install:
#                  nothing is installed under a prefix), or with RETORT_BIN set
#                  the tools there and no build; sets bin to the tools' folder
#                  and puts it first on PATH (unless PATH already has it)
#   retort_work    sets work to a new temporary folder, removed when the script exits
#   retort_torch   installs PyTorch (CPU, the version pinned here) when python3 lacks it
# Usage: source "$(dirname "$0")/lib.sh" (or "$(dirname "$0")/../lib.sh").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The PyTorch that the benchmarks and experiments compare with.
retort_torch_pin='torch==2.13.0+cpu'

retort_build() {
  if [ -n "${RETORT_BIN:-}" ]; then
    bin=$RETORT_BIN
  else
    Scripts/setup --no-install "$@" >&2
    bin="$(swift build -c release --show-bin-path)"
  fi
  case ":$PATH:" in *":$bin:"*) ;; *) export PATH="$bin:$PATH" ;; esac
}

retort_work() {
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
}

retort_torch() {
  python3 -c 'import torch' 2>/dev/null || python3 -m pip install -q "$retort_torch_pin" >&2
}
