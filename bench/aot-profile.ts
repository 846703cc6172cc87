// `node --import tsx bench/aot-profile.ts`: where the module's own time goes, by function, ahead of
// time as Fluent Bit runs it: the iwasm driver of bench/iwasm.ts (64 container records, default
// policy unless BENCH_POLICY names one of bench/policies.ts) compiled for x86-64-v3 with the wasm
// names kept, run under `perf record` by an `iwasm` built with WAMR's perf map
// (-DWAMR_BUILD_LINUX_PERF=1, run with --enable-linux-perf), which names each AOT function
// `aot_func#<index>`; the index is mapped back to the AssemblyScript name from the wasm's name
// section. Kernel time (the chain-state write) is shown by symbol.
//
// Needs IWASM_PERF (that iwasm; build it outside the repository from Fluent Bit's WAMR:
// docs/measuring.md), perf (PERF or on PATH) and flb-wamrc/wamrc. Skips with a message otherwise.
// BENCH_PASSES (default 2500 passes of the 64 records), BENCH_TOP (rows, default 30).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { compileAot, findWamrc } from "./aot.ts";
import { prepareLogsealDir } from "./fluent-bit/harness.ts";
import { containerWorkload } from "./fluent-bit/workload.ts";
import { buildDriver } from "./iwasm-driver.ts";
import * as policies from "./policies.ts";

const iwasm = process.env.IWASM_PERF ?? "";
const perf = process.env.PERF || spawnSync("bash", ["-c", "command -v perf"], { encoding: "utf8" }).stdout.trim();
const wamrc = findWamrc();
if (!iwasm || !existsSync(iwasm) || !perf || !wamrc) {
  console.log("aot-profile: needs IWASM_PERF (an iwasm built with -DWAMR_BUILD_LINUX_PERF=1), perf and wamrc: skipped");
  process.exit(0);
}
const PASSES = Math.max(1, Number(process.env.BENCH_PASSES ?? 2500));
const TOP = Math.max(1, Number(process.env.BENCH_TOP ?? 30));
const policyName = process.env.BENCH_POLICY ?? "DEFAULT_POLICY";
const policy = (policies as Record<string, unknown>)[policyName];
if (!(policyName in policies)) throw new Error(`aot-profile: no policy ${policyName} in bench/policies.ts`);

const bodies = containerWorkload(64).text.trimEnd().split("\n").map((line) => Buffer.from(line));
const wasm = buildDriver("aot-profile", bodies, "kube.var.log.containers.web", ["--debug"]);
const aot = join(dirname(wasm), "driver.x86-64-v3.aot");
const error = compileAot(wamrc, wasm, aot, "x86-64-v3");
if (error) throw new Error(`aot-profile: ${error}`);

const work = mkdtempSync(join(tmpdir(), "logseal-aot-profile-"));
try {
  prepareLogsealDir({ module: aot, dir: work, policy: policy as Record<string, any> | undefined });
  const data = join(work, "perf.data");
  const record = spawnSync(perf, ["record", "-F", "4999", "-o", data, iwasm, "--enable-linux-perf", `--dir=${work}`, "-f", "bench", aot, String(PASSES)], { encoding: "utf8" });
  if (record.status !== 0) throw new Error(`aot-profile: perf record failed: ${record.stderr}`);
  const report = spawnSync(perf, ["report", "-i", data, "--no-children", "--sort", "sym", "--stdio"], { encoding: "utf8", maxBuffer: 64 << 20 });
  const names = functionNames(readFileSync(wasm));
  const rows = report.stdout.split("\n").flatMap((line) => {
    const m = /^\s+([\d.]+)%\s+\[(.)\]\s+(.*?)\s*$/.exec(line);
    if (!m) return [];
    const index = /aot_func#(\d+)/.exec(m[3]);
    const name = index ? names.get(Number(index[1])) ?? m[3] : `${m[3]}${m[2] === "k" ? " (kernel)" : ""}`;
    return [{ share: Number(m[1]), name }];
  });
  const byPart = new Map<string, number>();
  for (const { share, name } of rows) byPart.set(partOf(name), (byPart.get(partOf(name)) ?? 0) + share);
  console.log(`aot-profile: ${bodies.length} container records x ${PASSES} passes, ${policyName}, x86-64-v3, ${iwasm}\n`);
  console.log("| function | share of samples |\n| --- | ---: |");
  for (const { share, name } of rows.slice(0, TOP)) console.log(`| ${name} | ${share.toFixed(2)}% |`);
  console.log("\n| part | share of samples |\n| --- | ---: |");
  for (const [part, share] of [...byPart].sort((a, b) => b[1] - a[1])) console.log(`| ${part} | ${share.toFixed(1)}% |`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** The module's own functions by folder; everything else is the runtime, libc or the kernel. */
function partOf(name: string): string {
  const m = /^(?:assembly\/)([a-z]+)\//.exec(name);
  if (m) return `module: ${m[1]}/`;
  if (name.startsWith("~lib/")) return "module: AssemblyScript runtime";
  if (name.endsWith("(kernel)")) return "kernel (system calls, page faults)";
  return "iwasm and libc (WASI calls, memmove)";
}

/** Defined-function index -> name, from the wasm name section (imports come first in the index space). */
function functionNames(bytes: Buffer): Map<number, string> {
  let p = 8, imported = 0;
  const names = new Map<number, string>();
  const leb = (): number => {
    let result = 0, shift = 0, byte;
    do {
      byte = bytes[p++];
      result |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return result >>> 0;
  };
  const skipName = () => { const n = leb(); p += n; };
  while (p < bytes.length) {
    const id = bytes[p++], size = leb(), end = p + size;
    if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        skipName();
        skipName();
        const kind = bytes[p++];
        if (kind === 0) { leb(); imported++; }
        else if (kind === 1) { p++; if (leb() & 1) leb(); leb(); }
        else if (kind === 2) { if (leb() & 1) leb(); leb(); }
        else p += 2; // a global: type and mutability
      }
    } else if (id === 0) {
      const length = leb();
      const section = bytes.subarray(p, p + length).toString();
      p += length;
      while (section === "name" && p < end) {
        const sub = bytes[p++], subSize = leb(), subEnd = p + subSize;
        if (sub === 1) for (let n = leb(); n > 0; n--) { const index = leb(), len = leb(); names.set(index - imported, bytes.subarray(p, p + len).toString()); p += len; }
        p = subEnd;
      }
    }
    p = end;
  }
  return names;
}
