#!/usr/bin/env bash
# Real-format log lines from the test data of three log tools, as one <source>.<system>.log per
# system, for `bench/eval/reallogs.ts --corpus=<out-dir>`:
#   fail2ban  fail2ban/fail2ban  fail2ban/tests/files/logs/**   (the sample lines its filters are
#             tested on, ~100 services; `# failJSON` and other comment lines dropped)
#   lnav      tstack/lnav        test/logfile_*                  (lnav's format-detection samples:
#             syslog, access logs, JSON loggers, journald, postgres, mysql, laravel, spark, ...;
#             *_dupe copies skipped, rotations .0/.1/... of one system joined) and test/gharchive_log.jsonl
#   mtail     google/mtail       internal/mtail/testdata/*       (inputs of its example programs;
#             the *.golden expected outputs and non-log files skipped)
#   panther   panther-labs/panther-analysis  rules/**/*.yml      (the `Log:` event of each rule test,
#             as one compact JSON line, per the rule's first LogTypes: AWS.CloudTrail, GCP.AuditLog,
#             Okta.SystemLog, GSuite.ActivityEvent, GitHub.Audit, Azure, Slack, ...; needs python3
#             with PyYAML)
# Blank lines and CRs dropped, binary files skipped; within a source a line already taken is not
# taken again. Run once per source into one <out-dir>; the commits go to <out-dir>/COMMIT. The data
# is read from a clone or a bare mirror and never committed here.
#   bench/eval/testsuite-logs.sh fail2ban|lnav|mtail|panther <git dir> <out-dir> [ref]
set -euo pipefail
usage="usage: $0 fail2ban|lnav|mtail|panther <git dir> <out-dir> [ref]"
source=${1:?$usage} git_dir=${2:?$usage} out=${3:?$usage} ref=${4:-HEAD}
case "$source" in
  fail2ban) paths=$(git --git-dir="$git_dir" ls-tree -r --name-only "$ref" fail2ban/tests/files/logs) ;;
  lnav) paths=$(git --git-dir="$git_dir" ls-tree -r --name-only "$ref" test | grep -E '^test/(logfile_[^/]*|gharchive_log\.jsonl)$' | grep -v '_dupe') ;;
  mtail) paths=$(git --git-dir="$git_dir" ls-tree -r --name-only "$ref" internal/mtail/testdata | grep -vE '\.golden$|/README$|\.yml$') ;;
  panther) paths= ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
mkdir -p "$out"
if [ "$source" = panther ]; then
  python3 -c 'import yaml' 2>/dev/null || { echo "panther: skipped (python3 with PyYAML needed)" >&2; exit 0; }
  echo "$(git --git-dir="$git_dir" rev-parse "$ref^{commit}") $source" >> "$out/COMMIT"
  git --git-dir="$git_dir" ls-tree -r --name-only "$ref" rules | grep -E '\.ya?ml$' | LC_ALL=C sort |
    GIT_DIR="$git_dir" REF="$ref" OUT="$out" python3 -c '
import json, os, subprocess, sys, yaml
seen, files = set(), {}
for path in sys.stdin.read().split():
    try:
        doc = yaml.safe_load(subprocess.run(["git", "show", os.environ["REF"] + ":" + path], capture_output=True, check=True).stdout)
    except Exception:
        continue
    if not isinstance(doc, dict) or not isinstance(doc.get("Tests"), list):
        continue
    system = "panther." + ((doc.get("LogTypes") or ["unknown"])[0]).replace("/", "-")
    for test in doc["Tests"]:
        log = test.get("Log") if isinstance(test, dict) else None
        if not isinstance(log, dict):
            continue
        line = json.dumps(log, ensure_ascii=False, separators=(",", ":"), default=str)
        if "\n" in line or line in seen:
            continue
        seen.add(line)
        files.setdefault(system, []).append(line)
for system, lines in files.items():
    with open(os.path.join(os.environ["OUT"], system + ".log"), "w") as f:
        f.write("\n".join(lines) + "\n")
'
  echo "$(cat "$out"/$source.*.log | wc -l) lines in $(ls "$out"/$source.*.log | wc -l) systems of $source under $out"
  exit 0
fi
echo "$(git --git-dir="$git_dir" rev-parse "$ref^{commit}") $source" >> "$out/COMMIT"
for path in $(echo "$paths" | LC_ALL=C sort); do
  case "$source" in
    fail2ban) system=$(echo "${path#fail2ban/tests/files/logs/}" | tr '/' '-' | sed 's/\.txt$//') ;;
    lnav) system=$(basename "$path" | sed -E 's/^logfile_//; s/\.(jsonl?|[0-9]+)$//; s/\.log$//') ;;
    mtail) system=$(basename "$path" .log) ;;
  esac
  # absent from the copy (a mirror may leave out large blobs) or binary: skipped
  if ! blob=$(git --git-dir="$git_dir" cat-file blob "$ref:$path" 2>/dev/null | tr -d '\r\000'); then echo "skipped $path (not in the copy)" >&2; continue; fi
  nul=$(git --git-dir="$git_dir" cat-file blob "$ref:$path" | tr -cd '\000' | wc -c)
  if [ "$nul" -gt 0 ]; then echo "skipped $path (binary)" >&2; continue; fi
  printf '%s\n' "$blob" | sed "s|^|$system\t|"
done | awk -F'\t' -v out="$out" -v src="$source" '{ name = $1; line = substr($0, length(name) + 2) }
  src == "fail2ban" && line ~ /^[[:space:]]*#/ { next }
  line ~ /[^[:space:]]/ && !seen[line]++ { print line > (out "/" src "." name ".log") }'
echo "$(cat "$out"/$source.*.log | wc -l) lines in $(ls "$out"/$source.*.log | wc -l) systems of $source under $out"
