#!/usr/bin/env bash
# Log lines of public security datasets and pattern databases, as one <source>.<system>.log per system,
# for `bench/eval/reallogs.ts --corpus=<out-dir>`:
#   otrf       OTRF/Security-Datasets  datasets/**/*.zip|*.tar.gz|*.log|*.json  (events recorded in
#              attack simulations on lab networks: Windows event channels (Sysmon, Security,
#              PowerShell, System, Application, WMI, Task Scheduler, ...) as shipped in JSON, Zeek's
#              network logs (JSON and TSV), AWS CloudTrail, Linux auditd, Azure Sentinel tables (Azure AD
#              audit, Microsoft 365 Defender, Office activity, VM connections); system = the event's
#              channel, Zeek stream or table. At most 1,500 lines per system, spread over the files that
#              hold it: each file's share taken at an even stride (deterministic).
#   patterndb  balabit/syslog-ng-patterndb  **/*.pdb|*.xml  (the <test_message>s of syslog-ng's pattern
#              databases: sshd, sudo, su, login, postfix, bind, cyrus, proftpd, vsftpd, pure-ftpd,
#              uw-imapd, VMware ESX, Windows 2008, MS DNS, ...; system = the file)
#   matomo     matomo-org/matomo-log-analytics  tests/logs/*.log  (the access-log formats its importer is
#              tested on: IIS, NetScaler, Incapsula W3C, ELB, CloudFront, Caddy/Traefik/nginx JSON,
#              HAProxy, Icecast, Shoutcast, OVH, Gandi, ...; system = the file)
# Blank lines, CRs and `#` header lines dropped; within a source a line already taken is not taken
# again; binary members, encrypted archives, LFS pointers and files absent from the copy (a
# mirror lacks files of 4 MiB and more) skipped. Run once per source into one
# <out-dir>; the commits go to <out-dir>/COMMIT. Read from a clone or a bare mirror, never committed
# here. Needs python3.
#   bench/eval/datasets-logs.sh otrf|patterndb|matomo <git dir> <out-dir> [ref]
set -euo pipefail
usage="usage: $0 otrf|patterndb|matomo <git dir> <out-dir> [ref]"
source=${1:?$usage} git_dir=${2:?$usage} out=${3:?$usage} ref=${4:-HEAD}
if ! git --git-dir="$git_dir" rev-parse -q --verify "$ref^{commit}" >/dev/null 2>&1; then echo "$source: skipped ($git_dir holds no $ref)" >&2; exit 0; fi
case "$source" in
  otrf) paths=$(git --git-dir="$git_dir" ls-tree -r --name-only "$ref" datasets | grep -v '/_metadata/' | grep -Ei '\.(zip|tar\.gz|log|json)$' || true) ;;
  patterndb) paths=$(git --git-dir="$git_dir" ls-tree -r --name-only "$ref" | grep -E '\.(pdb|xml)$' || true) ;;
  matomo) paths=$(git --git-dir="$git_dir" ls-tree -r --name-only "$ref" tests/logs | grep '\.log$' || true) ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
mkdir -p "$out"
echo "$(git --git-dir="$git_dir" rev-parse "$ref^{commit}") $source" >> "$out/COMMIT"
for path in $(echo "$paths" | LC_ALL=C sort); do
  printf '%s\t%s\n' "$path" "$(git --git-dir="$git_dir" rev-parse "$ref:$path")"
done | GIT_DIR="$git_dir" SRC="$source" OUT="$out" PYTHONPATH="$(dirname "$0")" python3 -c '
import html, io, json, math, os, re, subprocess, sys, tarfile, zipfile
src, out = os.environ["SRC"], os.environ["OUT"]
CAP = 1500
from extract_common import blob, rows, slug
rows = rows()
def members(path, data):
    try:
        if path.lower().endswith(".zip"):
            z = zipfile.ZipFile(io.BytesIO(data))
            for n in sorted(z.namelist()):
                if n.endswith("/"): continue
                try: yield n, z.read(n)
                except Exception: print("skipped " + path + ":" + n + " (encrypted)", file=sys.stderr)
        elif path.endswith(".tar.gz"):
            t = tarfile.open(fileobj=io.BytesIO(data))
            for m in sorted(t.getmembers(), key=lambda m: m.name):
                if m.isfile(): yield m.name, t.extractfile(m).read()
        else: yield path, data
    except (zipfile.BadZipFile, tarfile.TarError) as e: print("skipped " + path + " (" + str(e) + ")", file=sys.stderr)
def otrf_system(path, member, line):
    if line.startswith("{"):
        try: o = json.loads(line)
        except ValueError: return None
        if "Channel" in o: return "win-" + slug(o["Channel"])
        if "log_name" in o: return "win-" + slug(o["log_name"])
        if "eventSource" in o: return "aws-cloudtrail"
        if "@stream" in o: return "zeek-" + slug(o["@stream"])
        base = os.path.basename(path)
        if "GoldenSAML" in path: return "azure-" + slug(base.rsplit(".", 1)[0])
        return "azure-" + slug(base.split("_")[1] if base.startswith("vminsights") else base.rsplit(".", 1)[0])
    if line.startswith("type=") and "msg=audit(" in line: return "linux-auditd"
    if "zeek" in path and member.endswith(".log"): return "zeek-" + slug(os.path.basename(member)[:-4])
    if member.endswith(".csv"): return "aws-" + slug(os.path.basename(member)[:-4])
    return slug(os.path.basename(member))
def otrf_lines():
    for path, b in rows:
        data = blob(b)
        if data is None or data.startswith(b"version https://git-lfs"): print("skipped " + path + " (absent from the copy or an LFS pointer)", file=sys.stderr); continue
        for name, body in members(path, data):
            if b"\0" in body[:4096]: continue
            for line in body.decode("utf-8", "replace").replace("\r", "").split("\n"):
                if not line.strip() or line.startswith("#"): continue
                system = otrf_system(path, name, line)
                if system: yield path, "otrf." + system, line
seen, files = set(), {}
def take(system, line):
    line = line.replace("\r", "")
    if not line.strip() or line.startswith("#") or line in seen: return
    seen.add(line); files.setdefault(system, []).append(line)
if src == "otrf":
    per_file, per_system = {}, {}
    for path, system, _ in otrf_lines():
        per_file[(system, path)] = per_file.get((system, path), 0) + 1
    for system, path in per_file: per_system.setdefault(system, []).append(path)
    quota = {k: math.ceil(CAP / len(per_system[k[0]])) for k in per_file}
    stride = {k: max(1, math.ceil(n / quota[k])) for k, n in per_file.items()}
    index, taken = {}, {}
    for path, system, line in otrf_lines():
        k = (system, path); i = index.get(k, 0); index[k] = i + 1
        if i % stride[k] or taken.get(k, 0) >= quota[k] or len(files.get(system, [])) >= CAP or line in seen: continue
        taken[k] = taken.get(k, 0) + 1; take(system, line)
else:
    for path, b in rows:
        data = blob(b)
        if data is None: print("skipped " + path + " (absent from the copy)", file=sys.stderr); continue
        if b"\0" in data or data.startswith(b"version https://git-lfs"): print("skipped " + path + " (binary or LFS pointer)", file=sys.stderr); continue
        text = data.decode("utf-8", "replace")
        name = os.path.basename(path).rsplit(".", 1)[0]
        if src == "patterndb":
            for m in re.finditer(r"<test_message[^>]*>(.*?)</test_message>", text, re.S):
                for l in html.unescape(m.group(1)).split("\n"): take("patterndb." + slug(name), l)
        else:
            for l in text.split("\n"): take("matomo." + slug(name), l)
for system, lines in files.items():
    with open(os.path.join(out, system + ".log"), "w") as f:
        f.write("\n".join(lines) + "\n")
'
echo "$(cat "$out"/$source.*.log | wc -l) lines in $(ls "$out"/$source.*.log | wc -l) systems of $source under $out"
