#!/usr/bin/env bash
# Runs every fuzz target of the module for FUZZTIME each (default 1m),
# one after the other (go test -fuzz takes one target at a time), and
# fails on the first target that finds a failing input (written under the
# package's testdata/fuzz/). Usage: scripts/fuzz.sh [FUZZTIME] [packages...]
set -euo pipefail
time="${1:-1m}"
shift || true
pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ]; then
  mapfile -t pkgs < <(go list ./...)
fi
n=0
for pkg in "${pkgs[@]}"; do
  mapfile -t targets < <(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true)
  for t in "${targets[@]}"; do
    echo "== $pkg $t ($time)"
    go test -run '^$' -fuzz "^${t}\$" -fuzztime "$time" "$pkg"
    n=$((n + 1))
  done
done
echo "fuzz: $n targets ran for $time each without a failure"
