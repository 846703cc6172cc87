#!/usr/bin/env bash
# The log lines of CrowdSec hub's parser and scenario tests (crowdsecurity/hub, .tests/<test>/*.log:
# real-format lines of ~150 services, many tests per service) as one <test>.log per test, for
# `bench/eval/reallogs.ts --corpus=<out-dir>`. Blank lines dropped; a line already taken by an
# earlier test (alphabetical order) is not taken again, so no line is counted twice. The commit goes
# to <out-dir>/COMMIT. The data is read from a clone or a bare mirror and never committed here.
#   bench/eval/crowdsec-logs.sh <git dir> <out-dir> [ref]
set -euo pipefail
usage="usage: $0 <git dir> <out-dir> [ref]"
git_dir=${1:?$usage} out=${2:?$usage} ref=${3:-HEAD}
mkdir -p "$out"
echo "$(git --git-dir="$git_dir" rev-parse "$ref^{commit}") .tests" > "$out/COMMIT"
git --git-dir="$git_dir" ls-tree -r --name-only "$ref" .tests | grep '\.log$' | LC_ALL=C sort |
  while read -r path; do
    test=$(echo "$path" | cut -d/ -f2)
    { git --git-dir="$git_dir" show "$ref:$path"; echo; } | tr -d '\r' | sed "s|^|$test\t|"
  done | awk -F'\t' -v out="$out" '{ name = $1; line = substr($0, length(name) + 2) }
    line ~ /[^[:space:]]/ && !seen[line]++ { print line > (out "/" name ".log") }'
echo "$(cat "$out"/*.log | wc -l) lines in $(ls "$out"/*.log | wc -l) tests under $out"
