// `node --import tsx bench/fluent-bit-profile.ts`: where a record's CPU goes inside Fluent Bit, by
// part (the module's own AOT code, the chain-state write, Fluent Bit's JSON round trip, ...), for
// a few configurations of `make bench-fluent-bit` side by side. Each configuration runs under
// `perf record` (software cpu-clock samples, frame-pointer call chains: enough to name the system
// call under every kernel sample and the library function that made it), once over the
// container workload and once over an empty file; the parts are the difference, in CPU µs per
// record. Samples in memory no file backs are the module's AOT code (WAMR maps it anonymously).
//
// Settings: BENCH_ONLY (configuration ids; default none,bare-echo-aot,aot-echo,aot),
// BENCH_RECORDS (default 20000), BENCH_CPU / BENCH_NICE as in bench-fluent-bit, PERF (default
// perf on PATH), FLUENT_BIT_BIN. Needs build/logseal.x86-64-v3.aot (or .aot) from `make aot`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ROOT, benchCpu, benchNiceness, fluentBitOrSkip, logsealFilter, luaFilter, prepareLogsealDir, writeConfig, type Filter,
} from "./fluent-bit/harness.ts";
import { containerWorkload } from "./fluent-bit/workload.ts";
import { JSON_CORE, REDACTION_ONLY } from "./policies.ts";
import { compileAot, findWamrc } from "./aot.ts";

const bin = fluentBitOrSkip("fluent-bit-profile");
const perf = process.env.PERF || spawnSync("bash", ["-c", "command -v perf"], { encoding: "utf8" }).stdout.trim();
if (!perf) {
  console.log("fluent-bit-profile: no perf (set PERF or put it on PATH): skipped");
  process.exit(0);
}
const RECORDS = Math.max(100, Number(process.env.BENCH_RECORDS ?? 20_000));
const ONLY = (process.env.BENCH_ONLY ?? "none,bare-echo-aot,aot-echo,aot").split(",").map((s) => s.trim()).filter(Boolean);
const CPU = benchCpu();
const NICE = benchNiceness();
const AOT = [join(ROOT, "build/logseal.x86-64-v3.aot"), join(ROOT, "build/logseal.aot")].find(existsSync);
if (!AOT) {
  console.log("fluent-bit-profile: no build/logseal*.aot: run `make aot`");
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), "logseal-profile-"));
const input = join(work, "container.ndjson");
writeFileSync(input, containerWorkload(RECORDS).text);
const empty = join(work, "empty.ndjson");
writeFileSync(empty, "");

// The bare echo module, as bench-fluent-bit builds it.
const echoWasm = join(work, "echo.wasm"), echoAot = join(work, "echo.aot");
spawnSync(join(ROOT, "node_modules/.bin/asc"), [join(ROOT, "bench/fluent-bit/echo.ts"), "--runtime", "incremental", "--use", "abort=",
  "-O3", "--noAssert", "--exportStart", "_initialize", "-o", echoWasm], { cwd: work, encoding: "utf8" });
const wamrc = findWamrc();
if (wamrc && existsSync(echoWasm)) compileAot(wamrc, echoWasm, echoAot, "x86-64-v2");

const logseal = (policy?: object) => (dir: string): Filter[] => {
  prepareLogsealDir({ module: AOT, dir, policy: policy as Record<string, any> | undefined });
  return [logsealFilter({ module: AOT, dir })];
};
const CONFIGS: Record<string, { label: string; filters: (dir: string) => Filter[] }> = {
  none: { label: "no filter", filters: () => [] },
  "bare-echo-aot": { label: "bare echo .aot", filters: (dir) => {
    mkdirSync(dir, { recursive: true });
    return [logsealFilter({ module: echoAot, dir }, "echo_filter")];
  } },
  "aot-echo": { label: "logseal .aot, JSON core", filters: logseal(JSON_CORE) },
  "aot-redact": { label: "logseal .aot, redaction only", filters: logseal(REDACTION_ONLY) },
  aot: { label: "logseal .aot, default", filters: logseal() },
  lua: { label: "Lua peer, full", filters: () => [luaFilter("logseal_peer")] },
};

// Parts, by the first user-space function of the sample's call chain (for a kernel sample: the
// one that made the system call or took the fault) and the system call.
const PARTS = [
  "module code (AOT)",
  "chain-state save (futimens; a line: pwritev + 2 sigprocmask)",
  "other WASI calls",
  "WAMR call boundary (module malloc/free calls, checks)",
  "record printed as JSON (msgpack → JSON)",
  "JSON parsed back (yyjson → msgpack)",
  "copies and string scans (memmove, strlen)",
  "host malloc/free",
  "msgpack decode/encode (log events, chunks)",
  "Lua (LuaJIT, Lua C API)",
  "kernel, other (reads, page faults, timers)",
  "rest of Fluent Bit",
] as const;
type Part = (typeof PARTS)[number];

function partOf(frames: { sym: string; dso: string }[]): Part {
  const kernel = (f: { dso: string }) => f.dso.includes("kernel");
  const user = frames.find((f) => !kernel(f));
  const syscall = frames.find((f) => /^__(x64|do)_sys_/.test(f.sym))?.sym ?? "";
  const sym = user?.sym ?? "";
  const dso = user?.dso ?? "";
  if (/pwritev|rt_sigprocmask|utimensat/.test(syscall) || /^(pwritev|pthread_sigmask|blocking_op_pwritev|os_pwritev|wasi_fd_pwrite|wasm_runtime_(begin|end)_blocking_op|os_(begin|end)_blocking_op|wasm_cluster_(begin|end)_blocking_op|__GI___utimensat|__utimensat|futimens|os_futimens|wasi_fd_filestat_set_times|wasmtime_ssp_fd_filestat_set_times)/.test(sym)) {
    return "chain-state save (futimens; a line: pwritev + 2 sigprocmask)";
  }
  // No file behind it (perf names such memory after a perf map it looks for): WAMR's AOT code.
  if (user && /^\[unknown\]$|^\[JIT\]|^\/\/anon|\/perf-\d+\.map$/.test(dso)) return "module code (AOT)";
  if (/^(wasi_|os_clock|wasmtime_ssp|fd_table|fd_object)/.test(sym)) return "other WASI calls";
  if (frames[0] && kernel(frames[0])) return "kernel, other (reads, page faults, timers)";
  if (/^(yyjson|flb_pack_json)/.test(sym)) return "JSON parsed back (yyjson → msgpack)";
  if (/^(msgpack2json|flb_utils_write_str|flb_msgpack_to_json|flb_msgpack_raw_to_json)/.test(sym)) return "record printed as JSON (msgpack → JSON)";
  if (/^(wasm_|aot_|invoke_native|flb_wasm_|execute_(malloc|free)|gc_|mem_allocator|bh_)/.test(sym)) return "WAMR call boundary (module malloc/free calls, checks)";
  if (/^__(memmove|memcpy|strlen|strdup|memset|memcmp|strcmp)|^(strlen|strdup|memcpy|memmove)/.test(sym)) return "copies and string scans (memmove, strlen)";
  if (/^(malloc|free|cfree|_int_|calloc|__libc_calloc|realloc|unlink_chunk|malloc_consolidate|sysmalloc|tcache|_mid_memalign|__libc_malloc|__libc_free)/.test(sym)) return "host malloc/free";
  if (/^(lj_|lua_|luaL_|luaV_|luaH_|luaS_|lu_)/.test(sym) || dso.includes("luajit")) return "Lua (LuaJIT, Lua C API)";
  if (/^(template_|msgpack_|flb_log_event_|flb_mp_|flb_input_chunk|cio_)/.test(sym)) return "msgpack decode/encode (log events, chunks)";
  return "rest of Fluent Bit";
}

/** CPU ms per part for one perf run. */
function profile(id: string, file: string, tag: string): Map<Part, number> {
  const dir = join(work, `dir-${id}`);
  const config = join(work, `${id}.yaml`);
  writeConfig(config, file, tag, CONFIGS[id].filters(dir), { kind: "null" });
  const data = join(work, `${id}.perf`);
  const pin = CPU ? ["taskset", "-c", CPU] : [];
  const run = spawnSync("nice", ["-n", String(NICE), perf, "record", "-q", "-F", "4999", "-e", "cpu-clock", "-g", "-o", data, "--", ...pin, bin, "-c", config],
    { encoding: "utf8", maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`fluent-bit-profile: ${id}: ${run.stderr}`);
  const script = spawnSync(perf, ["script", "-i", data, "-F", "period,ip,sym,dso"], { encoding: "utf8", maxBuffer: 1 << 30 });
  const parts = new Map<Part, number>(PARTS.map((p) => [p, 0]));
  for (const block of script.stdout.split("\n\n")) {
    const lines = block.trim().split("\n");
    const period = Number(lines[0]);
    if (!Number.isFinite(period) || lines.length < 2) continue;
    const frames = lines.slice(1).map((l) => {
      const m = /^\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$/.exec(l);
      return m ? { sym: m[1].replace(/\+0x[0-9a-f]+$/, ""), dso: m[2] } : { sym: "", dso: "" };
    });
    const part = partOf(frames);
    parts.set(part, parts.get(part)! + period / 1e6);
  }
  rmSync(data, { force: true });
  return parts;
}

const tag = "kube.var.log.containers.web";
const results = new Map<string, Map<Part, number>>();
for (const id of ONLY) {
  if (!CONFIGS[id]) throw new Error(`fluent-bit-profile: unknown configuration ${id} (${Object.keys(CONFIGS).join(", ")})`);
  const full = profile(id, input, tag);
  const base = profile(id, empty, tag);
  const net = new Map<Part, number>(PARTS.map((p) => [p, ((full.get(p)! - base.get(p)!) / RECORDS) * 1000]));
  results.set(id, net);
  const total = [...net.values()].reduce((a, b) => a + b, 0);
  console.log(`fluent-bit-profile: ${id}: ${total.toFixed(2)} CPU µs/record (perf samples, net of an empty run)`);
}

const ids = [...results.keys()];
const cell = (v: number) => (Math.abs(v) < 0.005 ? "0" : v.toFixed(2));
const head = ["part (CPU µs / record)", ...ids.map((id) => CONFIGS[id].label)];
const diff = ids.includes("aot") && ids.includes("bare-echo-aot");
if (diff) head.push("default − bare echo");
const rows = PARTS.filter((p) => ids.some((id) => Math.abs(results.get(id)!.get(p)!) >= 0.005)).map((p) => {
  const row = [p, ...ids.map((id) => cell(results.get(id)!.get(p)!))];
  if (diff) row.push(cell(results.get("aot")!.get(p)! - results.get("bare-echo-aot")!.get(p)!));
  return row;
});
const totals = ["total", ...ids.map((id) => cell([...results.get(id)!.values()].reduce((a, b) => a + b, 0)))];
if (diff) totals.push(cell([...results.get("aot")!.values()].reduce((a, b) => a + b, 0) - [...results.get("bare-echo-aot")!.values()].reduce((a, b) => a + b, 0)));
rows.push(totals);
console.log("");
console.log(`| ${head.join(" | ")} |`);
console.log(`| --- | ${head.slice(1).map(() => "---:").join(" | ")} |`);
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
console.log(`\n${RECORDS} container records (bench-fluent-bit's workload), ${AOT.replace(ROOT + "/", "")}, ${CPU ? `pinned to CPU ${CPU}` : "not pinned"}; load average before: see /proc/loadavg`);
if (process.env.BENCH_KEEP === "1") console.log(`work directory kept: ${work}`);
else rmSync(work, { recursive: true, force: true });
