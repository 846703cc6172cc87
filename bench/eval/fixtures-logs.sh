#!/usr/bin/env bash
# Log lines from the test fixtures of database tools, audit and security tools, a network monitor
# and a log vendor's integrations, as one <source>.<system>.log per system, for `bench/eval/reallogs.ts --corpus=<out-dir>`:
#   pgbadger  darold/pgbadger            t/fixtures/*  (the PostgreSQL logs its report is tested on,
#             .gz/.bz2 unpacked: stderr, csvlog, jsonlog and syslog output, Cloud SQL, CloudNativePG,
#             Amazon RDS, Heroku logplex, PgBouncer; system = the log's form)
#   mtools    rueckstiess/mtools         mtools/test/logfiles/**/*.log  (MongoDB 2.2 to 4.2 server
#             logs: mongod, mongos; system = the program)
#   percona   percona/percona-toolkit    t/lib/samples/{slowlogs,binlogs,errlogs}/*  (MySQL, MariaDB
#             and Percona Server slow query logs, mysqlbinlog output, error logs; system = the kind)
#   libaudit  elastic/go-libaudit        auparse/testdata/*.log, aucoalesce/testdata/*.yaml  (Linux
#             audit records of several distributions; system = linux-auditd)
#   datadog   DataDog/integrations-extras  */assets/logs/*_tests.yaml  (the sample of each log
#             pipeline test of ~40 vendor integrations: JSON events made one compact line, text
#             samples line by line; system = the integration)
#   zeek      zeek/zeek                  testing/btest/Baseline/**/*.log  (the logs Zeek's tests expect
#             from their packet captures: conn, http, ftp, smtp, ssl, x509, dns, mysql, redis, ldap,
#             ...; `#` header lines dropped; system = the log's name)
#   apm       elastic/apm-server         testdata/intake-v2/*.ndjson, testdata/intake-v3/*.ndjson  (APM
#             agents' events as the server takes them in: errors, transactions, spans, logs,
#             metadata, RUM; system = the file, `_2` and the like joined)
#   pgaudit   pgaudit/pgaudit            expected/*.out  (the `AUDIT:` lines its regression test
#             expects from PostgreSQL; system = pgaudit)
#   sigma     SigmaHQ/sigma              regression_data/**/*.json  (the Windows events Sigma's rules
#             are regression-tested on, converted from .evtx: Sysmon process creation, registry,
#             file events, Security, ...; one compact JSON line each; system = win)
#   msticpy   microsoft/msticpy          tests/testdata/...  (the security logs its analyses are tested
#             on: raw auditd, osquery results and snapshots, Velociraptor artifacts, and Azure Sentinel /
#             Defender tables exported as CSV (Syslog, process events, MDE processes, logons, sudo,
#             network flows, heartbeats), a CSV read line by line as a tail would, its header line
#             dropped; system = the file, Velociraptor's artifacts joined)
# CRs and blank lines dropped; within a source a line already taken is not taken again. The lines of
# each system are split in two by the line's SHA-256 (first hex digit 0-3: about a quarter): the
# rest is the corpus (<out-dir>), that quarter the held-out part (<out-dir>/../<basename>-holdout),
# judged apart and only after the fixes made on the corpus. At most 1,500 corpus and 500 held-out
# lines per system, spread over the files that hold it at an even stride (deterministic). Files
# absent from the copy (a mirror lacks files of 4 MiB and more) are skipped. Run once per source
# into one <out-dir>; the commits go to <out-dir>/COMMIT. Read from a clone or a bare mirror,
# never committed here. Needs python3 (with PyYAML for libaudit and datadog).
#   bench/eval/fixtures-logs.sh pgbadger|mtools|percona|libaudit|datadog|zeek|apm|pgaudit|sigma|msticpy <git dir> <out-dir> [ref]
# The first five make the sixth corpus (`fixtures-logs`), zeek, apm and pgaudit the seventh
# (`baselines-logs`), sigma the eighth (`sigma-logs`), msticpy the ninth (`msticpy-logs`).
set -euo pipefail
usage="usage: $0 pgbadger|mtools|percona|libaudit|datadog|zeek|apm|pgaudit|sigma|msticpy <git dir> <out-dir> [ref]"
source=${1:?$usage} git_dir=${2:?$usage} out=${3:?$usage} ref=${4:-HEAD}
if ! git --git-dir="$git_dir" rev-parse -q --verify "$ref^{commit}" >/dev/null 2>&1; then echo "$source: skipped ($git_dir holds no $ref)" >&2; exit 0; fi
list() { git --git-dir="$git_dir" ls-tree -r --name-only "$ref" "$@"; }
case "$source" in
  pgbadger) paths=$(list t/fixtures) ;;
  mtools) paths=$(list mtools/test/logfiles | grep '\.log$' || true) ;;
  percona) paths=$(list t/lib/samples/slowlogs t/lib/samples/binlogs t/lib/samples/errlogs) ;;
  libaudit) paths=$(list auparse/testdata aucoalesce/testdata | grep -E '\.log$|\.yaml$' || true) ;;
  datadog) paths=$(list | grep -E '^[^/]+/assets/logs/[^/]*_tests\.yaml$' || true) ;;
  zeek) paths=$(list testing/btest/Baseline | grep -E '/[a-z0-9_.-]+\.log$' || true) ;;
  apm) paths=$(list testdata/intake-v2 testdata/intake-v3 | grep '\.ndjson$' || true) ;;
  pgaudit) paths=$(list expected | grep '\.out$' || true) ;;
  sigma) paths=$(list regression_data | grep '\.json$' || true) ;;
  msticpy) paths=$(list tests/testdata | grep -E '^tests/testdata/(auditd_log\.txt|osquery/[^/]*\.log|velociraptor/[^/]*\.json|(syslog_data|processes_on_host|mde_proc_cs1|linux_events|host_logons|sudo_data|sudo_events|sudo_session_test|az_net_flows|host_hb)\.csv)$' || true) ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
out=${out%/}
hold="$(dirname "$out")/$(basename "$out")-holdout"
mkdir -p "$out" "$hold"
for dir in "$out" "$hold"; do echo "$(git --git-dir="$git_dir" rev-parse "$ref^{commit}") $source" >> "$dir/COMMIT"; done
for path in $(echo "$paths" | LC_ALL=C sort); do
  printf '%s\t%s\n' "$path" "$(git --git-dir="$git_dir" rev-parse "$ref:$path")"
done | GIT_DIR="$git_dir" SRC="$source" OUT="$out" HOLD="$hold" PYTHONPATH="$(dirname "$0")" python3 -c '
import bz2, gzip, hashlib, json, math, os, re, subprocess, sys
src, out, hold = os.environ["SRC"], os.environ["OUT"], os.environ["HOLD"]
CAP = {"corpus": 1500, "holdout": 500}
from extract_common import blob, rows, slug
rows = rows()
PG = {"cloudsql": "cloudsql", "cnpg": "cloudnativepg", "logplex": "heroku-logplex", "rds": "aws-rds",
      "pgbouncer": "pgbouncer", "pg-syslog": "postgres-syslog", "pg_vacuums.json": "postgres-jsonlog",
      "pg_rawcsv": "postgres-csvlog", "csv_statement_without_duration": "postgres-csvlog"}
def system(path):
    base = os.path.basename(path)
    if src == "pgbadger":
        for k, v in PG.items():
            if base.startswith(k): return v
        return "postgres-stderr"
    if src == "mtools": return "mongos" if "mongos" in base else "mongod"
    if src == "percona": return {"slowlogs": "mysql-slow", "binlogs": "mysql-binlog", "errlogs": "mysql-error"}[path.split("/")[-2]]
    if src == "libaudit": return "linux-auditd"
    if src == "zeek": return slug(base[:-4])
    if src == "apm": return slug(re.sub(r"_[0-9]+$", "", base.rsplit(".", 1)[0]))
    if src == "pgaudit": return "pgaudit"
    if src == "sigma": return "win"
    if src == "msticpy":
        if "velociraptor/" in path: return "velociraptor"
        if "osquery/" in path: return slug(base.replace("osqueryd.", "osquery-").rsplit(".", 1)[0])
        return slug(base.rsplit(".", 1)[0])
    return slug(path.split("/")[0])
def strings(o):
    if isinstance(o, str): yield o
    elif isinstance(o, dict):
        for v in o.values(): yield from strings(v)
    elif isinstance(o, list):
        for v in o: yield from strings(v)
def lines_of(path, data):
    if path.endswith(".gz"): data = gzip.decompress(data)
    elif path.endswith(".bz2"): data = bz2.decompress(data)
    if b"\0" in data[:4096]: return []
    text = data.decode("utf-8", "replace")
    if src == "libaudit" and path.endswith(".yaml"):
        import yaml
        return [l for s in strings(yaml.safe_load(text)) for l in s.split("\n") if l.startswith("type=")]
    if src == "zeek": return [l for l in text.split("\n") if not l.startswith("#")]
    if src == "pgaudit": return [l for l in text.split("\n") if "AUDIT: " in l]
    if src == "msticpy" and path.endswith(".csv"): return text.split("\n")[1:]
    if src == "sigma":
        try: o = json.loads(text)
        except ValueError: return []
        return [json.dumps(e, separators=(",", ":"), ensure_ascii=False) for e in (o if isinstance(o, list) else [o])]
    if src == "datadog":
        import yaml
        res = []
        for t in (yaml.safe_load(text) or {}).get("tests") or []:
            s = t.get("sample") if isinstance(t, dict) else None
            if isinstance(s, (dict, list)): res.append(json.dumps(s, separators=(",", ":"), ensure_ascii=False)); continue
            if not isinstance(s, str): continue
            try: o = json.loads(s)
            except ValueError: o = None
            if isinstance(o, (dict, list)): res.append(json.dumps(o, separators=(",", ":"), ensure_ascii=False))
            else: res.extend(s.split("\n"))
        return res
    return text.split("\n")
def all_lines():
    for path, b in rows:
        data = blob(b)
        if data is None or data.startswith(b"version https://git-lfs"): print("skipped " + path + " (absent from the copy or an LFS pointer)", file=sys.stderr); continue
        for line in lines_of(path, data):
            line = line.replace("\r", "")
            if line.strip(): yield path, system(path), line
def part(line):
    return "holdout" if hashlib.sha256(line.encode()).hexdigest()[0] in "0123" else "corpus"
seen, per_file = set(), {}
for path, sys_, line in all_lines():
    if line in seen: continue
    seen.add(line); k = (part(line), sys_, path); per_file[k] = per_file.get(k, 0) + 1
per_system = {}
for p, s, path in per_file: per_system.setdefault((p, s), []).append(path)
quota = {k: math.ceil(CAP[k[0]] / len(per_system[k[:2]])) for k in per_file}
stride = {k: max(1, math.ceil(n / quota[k])) for k, n in per_file.items()}
seen, index, taken, files = set(), {}, {}, {}
for path, sys_, line in all_lines():
    if line in seen: continue
    seen.add(line); p = part(line); k = (p, sys_, path)
    i = index.get(k, 0); index[k] = i + 1
    got = files.setdefault((p, sys_), [])
    if i % stride[k] or taken.get(k, 0) >= quota[k] or len(got) >= CAP[p]: continue
    taken[k] = taken.get(k, 0) + 1; got.append(line)
for (p, sys_), lines in files.items():
    with open(os.path.join(out if p == "corpus" else hold, src + "." + sys_ + ".log"), "w") as f:
        f.write("\n".join(lines) + "\n")
'
for dir in "$out" "$hold"; do
  echo "$(cat "$dir"/$source.*.log 2>/dev/null | wc -l) lines in $(ls "$dir"/$source.*.log 2>/dev/null | wc -l) systems of $source under $dir"
done
