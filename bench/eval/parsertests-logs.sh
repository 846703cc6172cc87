#!/usr/bin/env bash
# Real-format log lines from the tests of three log parsers, as one <source>.<system>.log per system,
# for `bench/eval/reallogs.ts --corpus=<out-dir>`:
#   logstash  logstash-plugins/logstash-patterns-core  spec/patterns/*_spec.rb  (the lines its grok
#             patterns are tested on: `let(:message|value) { '...' }`, `message = '...'`, and string
#             literals of 20 characters or more alone on a line or given to `grok_match(pattern, '...')`;
#             per spec file:
#             syslog, httpd, haproxy, squid, bro, nagios, firewalls, java, rails3, redis, mongodb,
#             bacula, junos, netscreen, ...)
#   sshguard  SSHGuard/sshguard  src/parser/tests.txt   (the attack parser's test lines: each test is
#             a log line, the expected result and a marker; per `####` section: SSH, Dovecot, ...)
#   loki      grafana/loki  pkg/pattern/drain/testdata/*.txt  (the log samples Loki's pattern
#             detector is tested on: Loki's distributor/ingester, Grafana Agent, journald, Kubernetes,
#             Calico, Vault, Kafka, Drone; files absent from the copy (LFS) are skipped)
# Blank lines and CRs dropped; within a source a line already taken is not taken again. Run once per
# source into one <out-dir>; the commits go to <out-dir>/COMMIT. The data is read from a clone or a
# bare mirror and never committed here. Needs python3.
#   bench/eval/parsertests-logs.sh logstash|sshguard|loki <git dir> <out-dir> [ref]
set -euo pipefail
usage="usage: $0 logstash|sshguard|loki <git dir> <out-dir> [ref]"
source=${1:?$usage} git_dir=${2:?$usage} out=${3:?$usage} ref=${4:-HEAD}
if ! git --git-dir="$git_dir" rev-parse -q --verify "$ref^{commit}" >/dev/null 2>&1; then echo "$source: skipped ($git_dir holds no $ref)" >&2; exit 0; fi
case "$source" in
  logstash) paths=$(git --git-dir="$git_dir" ls-tree -r --name-only "$ref" spec/patterns | grep '_spec\.rb$') ;;
  sshguard) paths=src/parser/tests.txt ;;
  loki) paths=$(git --git-dir="$git_dir" ls-tree -r --name-only "$ref" pkg/pattern/drain/testdata | grep '\.txt$') ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
mkdir -p "$out"
echo "$(git --git-dir="$git_dir" rev-parse "$ref^{commit}") $source" >> "$out/COMMIT"
for path in $(echo "$paths" | LC_ALL=C sort); do
  if ! git --git-dir="$git_dir" cat-file -e "$ref:$path" 2>/dev/null; then echo "skipped $path (not in the copy)" >&2; continue; fi
  printf '%s\t%s\n' "$path" "$(git --git-dir="$git_dir" rev-parse "$ref:$path")"
done | GIT_DIR="$git_dir" SRC="$source" OUT="$out" python3 -c '
import os, re, subprocess, sys
src, out = os.environ["SRC"], os.environ["OUT"]
seen, files = set(), {}
def take(system, line):
    line = line.replace("\r", "")
    if not line.strip() or line in seen:
        return
    seen.add(line)
    files.setdefault(system, []).append(line)
def unquote(q, s):
    if q == "\x27":
        return re.sub(r"\\([\\\x27])", r"\1", s)
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r", "e": "\x1b", "0": "\0"}.get(m.group(1), m.group(1)), s)
lit = r"([\x27\"])((?:\\.|(?!\1).)*)\1"
for row in sys.stdin.read().splitlines():
    path, blob = row.split("\t")
    data = subprocess.run(["git", "cat-file", "blob", blob], capture_output=True, check=True).stdout
    if b"\0" in data or data.startswith(b"version https://git-lfs"):
        print("skipped " + path + " (binary or LFS pointer)", file=sys.stderr); continue
    text = data.decode("utf-8", "replace")
    if src == "logstash":
        system = "logstash." + os.path.basename(path)[: -len("_spec.rb")]
        for m in re.finditer(r"(?:let\(:(?:message|value)\)\s*\{\s*|\bmessage\s*=\s*)" + lit, text):
            for l in unquote(m.group(1), m.group(2)).split("\n"): take(system, l)
        for m in re.finditer(r"(?m)^\s*" + lit + r"\s*[,)}]*\s*$", text):
            s = unquote(m.group(1), m.group(2))
            if len(s) >= 20:
                for l in s.split("\n"): take(system, l)
        for m in re.finditer(r"grok_match\(\s*[a-z_]+\s*,\s*" + lit, text):
            s = unquote(m.group(1), m.group(2))
            if len(s) >= 20:
                for l in s.split("\n"): take(system, l)
    elif src == "sshguard":
        section, body = "misc", []
        for l in text.split("\n"):
            if l.startswith("#"):
                h = re.match(r"#+\s*([A-Za-z0-9][^{]*?)\s*(\{\{\{)?\s*$", l)
                if h and h.group(2): section = re.sub(r"[^a-z0-9]+", "_", h.group(1).lower()).strip("_")
                continue
            if not l.strip(): continue
            body.append((section, l))
        for i in range(0, len(body), 3):
            take("sshguard." + body[i][0], body[i][1])
    else:
        system = "loki." + os.path.basename(path)[: -len(".txt")]
        for l in text.split("\n"): take(system, l)
for system, lines in files.items():
    with open(os.path.join(out, system + ".log"), "w") as f:
        f.write("\n".join(lines) + "\n")
'
echo "$(cat "$out"/$source.*.log | wc -l) lines in $(ls "$out"/$source.*.log | wc -l) systems of $source under $out"
