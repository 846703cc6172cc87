#!/usr/bin/env bash
# The log lines of Wazuh's rule tests as one <system>.log per test file, for
# `bench/eval/reallogs.ts --corpus wazuh=<out-dir>`. Wazuh tests each rule on real-format lines of
# ~100 systems, in <tests-dir>/<system>.ini: `log N pass = <line>` / `log N fail = <line>` under
# [sections] (commented-out `;log ...` entries and the odd bare line without `log N pass =` taken
# too). Run it for several sources into one <out-dir>: lines are appended, then exact duplicates
# within a system dropped (the tests repeat a line under several rules). Each source's commit goes
# to <out-dir>/COMMIT. The data is read from a clone or a bare mirror and never committed here.
#   bench/eval/wazuh-logs.sh <git dir> <ref> <tests-dir> <out-dir>
#   e.g. wazuh/wazuh 4.14.9 ruleset/testing/tests; wazuh/wazuh-ruleset HEAD tools/rules-testing/tests
set -euo pipefail
usage="usage: $0 <git dir> <ref> <tests-dir> <out-dir>"
git_dir=${1:?$usage} ref=${2:?$usage} tests=${3:?$usage} out=${4:?$usage}
mkdir -p "$out"
echo "$(git --git-dir="$git_dir" rev-parse "$ref^{commit}") $tests" >> "$out/COMMIT"
for path in $(git --git-dir="$git_dir" ls-tree --name-only "$ref" "${tests%/}/" | grep '\.ini$'); do
  system=$(basename "$path" .ini)
  { [ -f "$out/$system.log" ] && cat "$out/$system.log"
    git --git-dir="$git_dir" show "$ref:$path" | tr -d '\r' | awk '
      /^[[:space:]]*$/ || /^\[/ || /^#/ { next }
      /^(;[[:space:]]*)?log [0-9]+ (pass|fail)[[:space:]]*=/ { sub(/^(;[[:space:]]*)?log [0-9]+ (pass|fail)[[:space:]]*=[[:space:]]*/, ""); sub(/[[:space:]]+$/, ""); if ($0 != "") print; next }
      /^;/ || /^(rule|alert|decoder)[[:space:]]*=/ { next }
      { sub(/[[:space:]]+$/, ""); if ($0 != "") print }'
  } | awk '!seen[$0]++' > "$out/$system.log.tmp"
  mv "$out/$system.log.tmp" "$out/$system.log"
done
echo "$(cat "$out"/*.log | wc -l) lines in $(ls "$out"/*.log | wc -l) systems under $out"
