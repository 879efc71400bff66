#!/usr/bin/env bash
# Runs inside the clean Debian root that Scripts/test-install makes, from
# /opt/retort-check: installs the .deb there and checks what a user gets.
#   inside.sh full   everything below
#   inside.sh load PACKAGE
#                    install (a package whose Depends lack PACKAGE), then
#                    each tool's --version and a Procrustes SVD, which loads
#                    OpenBLAS and LAPACKE (fails when a library the tools need is
#                    missing); status 3 when apt installed PACKAGE anyway,
#                    for another entry that depends on it
set -euo pipefail
cd /opt/retort-check
mode=$1
dropped=${2:-}
tools=(tensor softlabel distill nms ohem-select protonet align-adv procrustes csls)
say() { printf 'inside: %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

apt-get update -qq
apt-get install -y -qq ./retort_*.deb >/dev/null
version=$(dpkg-query -W -f='${Version}' retort)
if [ -n "$dropped" ] && dpkg-query -W -f='${Status}' "$dropped" 2>/dev/null | grep -q 'ok installed'; then
  say "$dropped was installed anyway: $(apt-cache rdepends --installed "$dropped" | sed -n '3,$p' | xargs)"
  exit 3
fi
! command -v swift >/dev/null && [ ! -e /opt/swift ] || fail "a Swift toolchain is visible"
for t in "${tools[@]}"; do
  [ "$("$t" --version | cut -d' ' -f1)" = "$version" ] || fail "$t --version is not $version"
done
say "every tool reports $version"
# OpenBLAS and LAPACKE are loaded when first needed: only a Procrustes run
# (matrix products and an SVD) shows them missing.
printf '3 2\na 1 0\nb 0 1\nc 1 1\n' > /tmp/en.vec
printf '3 2\na 0 1\nb 1 0\nc 1 1\n' > /tmp/fr.vec
tensor import /tmp/en.vec -o /tmp/en.h5 && tensor import /tmp/fr.vec -o /tmp/fr.h5
procrustes /tmp/en.h5 /tmp/fr.h5 --seed-dict identical -k 1 -q -o /tmp/W.h5 \
  || fail "procrustes (an SVD) on the installed tools"
[ "$mode" = load ] && exit 0

for t in "${tools[@]}"; do
  "$t" --help > /tmp/help && grep -q USAGE /tmp/help || fail "$t --help"
done
library=$(find /usr/lib -name libretort.so.0)
if ldd /usr/bin/"${tools[0]}" /usr/bin/csls "$library" | grep -E 'swift|not found'; then
  fail "a binary loads a Swift library or misses one"
fi
MANPAGER=cat man csls > /tmp/man.txt 2>/dev/null && grep -qi 'cross-domain similarity' /tmp/man.txt \
  || fail "man csls"
say "--help, ldd and man csls"

gcc Scripts/examples/nms.c $(pkg-config --cflags --libs retort) -lm -o /tmp/nms-example
example=$(/tmp/nms-example)
printf '%s\n' "$example" >&2
grep -qx "retort $version kept 2: 3 2" <<< "$example" || fail "C example"

# The package's own binding finds the library through the loader's cache.
PYTHONPATH=/usr/share/retort/python /opt/demo-env/bin/python -c \
  "import retort; assert retort.version() == '$version'; print(retort.nms([[0, 0, 1, 1]] * 2, [0.5, 0.9]))" \
  | grep -qx '\[1\]' || fail "the package's Python binding"

python3 -m venv /tmp/wheel-env
/tmp/wheel-env/bin/pip install -q --disable-pip-version-check --no-index --find-links /opt/wheels \
  ./retort-*.whl
/tmp/wheel-env/bin/python Scripts/install-check/wheel_check.py "$version" || fail "wheel"

PATH=/opt/demo-env/bin:$PATH RETORT_BIN=/usr/bin bash Scripts/demo > /tmp/demo.log 2>&1 \
  || { tail -20 /tmp/demo.log >&2; fail "Scripts/demo"; }
grep -E '^(plain|student) ' /tmp/demo.log >&2
grep -q 'p@1' /tmp/demo.log || fail "Scripts/demo printed no translation result"
say "Scripts/demo ran on the installed tools"
