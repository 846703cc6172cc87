// `make bench-iwasm`: the module alone in `iwasm`, WAMR's own runner (the runtime Fluent Bit
// embeds), interpreted and ahead-of-time for x86-64-v2 and -v3. No Fluent Bit around it: the
// time is the module's only, and far steadier than `make bench-fluent-bit`'s (±25% on a shared
// machine), which is what comparing two builds or two compiler flags needs. A driver module
// (logseal plus a loop over the records, timed inside with WASI's monotonic clock after one
// warm-up pass) calls logseal_filter as Fluent Bit does: copies in through malloc, freed after.
//
// Needs iwasm of Fluent Bit's WAMR version (IWASM, else `iwasm` on PATH; build it from WAMR's
// product-mini/platforms/linux) and, for the AOT columns, flb-wamrc/wamrc (WAMRC). Settings:
// BENCH_RUNS (best of; default 3), BENCH_RECORDS (records in the driver; default 64),
// BENCH_WORKLOAD (container, the default, or audit: bench-fluent-bit's two workloads).
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { compileAot, findWamrc } from "./aot.ts";
import { prepareLogsealDir } from "./fluent-bit/harness.ts";
import { buildDriver } from "./iwasm-driver.ts";
import { auditWorkload, containerWorkload } from "./fluent-bit/workload.ts";
import { DEFAULT_POLICY, JSON_CORE, PASS_THROUGH, REDACTION_ONLY, SIGNED_EVERY_RECORD, SIGNED_NO_CHECKPOINT, SIGNED_POLICY } from "./policies.ts";

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const RECORDS = Math.max(1, Number(process.env.BENCH_RECORDS ?? 64));
const AUDIT = process.env.BENCH_WORKLOAD === "audit";
const TAG = AUDIT ? "audit" : "kube.var.log.containers.web"; // bench-fluent-bit's tags

const iwasm = process.env.IWASM || spawnSync("bash", ["-c", "command -v iwasm"], { encoding: "utf8" }).stdout.trim();
if (!iwasm || !existsSync(iwasm)) {
  console.log("bench-iwasm: no iwasm (set IWASM or put it on PATH; see docs/measuring.md): skipped");
  process.exit(0);
}

const bodies = (AUDIT ? auditWorkload : containerWorkload)(RECORDS).text.trimEnd().split("\n").map((line) => Buffer.from(line));
const wasm = buildDriver("iwasm-bench", bodies, TAG);
const dir = dirname(wasm);

const modules: { label: string; file: string; passes: number }[] = [{ label: ".wasm (interpreter)", file: wasm, passes: 2 }];
const wamrc = findWamrc();
for (const cpu of wamrc ? ["x86-64-v2", "x86-64-v3"] : []) {
  const file = join(dir, `driver.${cpu}.aot`);
  const error = compileAot(wamrc, wasm, file, cpu);
  if (error) console.log(`bench-iwasm: no ${cpu} AOT: ${error}`);
  else modules.push({ label: `.aot ${cpu}`, file, passes: 40 });
}

const tiers: [string, object | undefined][] = [
  ["JSON core (read and rewrite only)", JSON_CORE],
  ["redaction only", REDACTION_ONLY],
  ["pass-through (enrichment + seal, no redaction)", PASS_THROUGH],
  ["default policy", DEFAULT_POLICY],
  ["default policy, signed mode, no checkpoint after the segment start", SIGNED_NO_CHECKPOINT],
  ["default policy, signed mode (a checkpoint every 64 records)", SIGNED_POLICY],
  ["default policy, signed mode, a checkpoint on every record", SIGNED_EVERY_RECORD],
];

/** µs per record of one module and policy: the best of RUNS. */
function measure(file: string, passes: number, policy: object | undefined): number {
  let best = Infinity;
  for (let run = 0; run < RUNS; run++) {
    // As bench-fluent-bit sets it up: its seal key (so HMAC), the policy, a fresh chain state.
    const preopen = join(tmpdir(), `logseal-iwasm-${process.pid}`);
    prepareLogsealDir({ module: file, dir: preopen, policy: policy as Record<string, any> | undefined });
    const result = spawnSync(iwasm, [`--dir=${preopen}`, "-f", "bench", file, String(passes)], { encoding: "utf8" });
    rmSync(preopen, { recursive: true, force: true });
    const ns = /(0x[0-9a-f]+|\d+):i64/.exec(result.stdout)?.[1]; // iwasm prints an i64 in hex
    if (!ns) throw new Error(`bench-iwasm: ${file}: ${result.stdout}${result.stderr}`);
    best = Math.min(best, Number(ns) / 1000 / (passes * bodies.length));
  }
  return best;
}

const average = Math.round(bodies.reduce((n, b) => n + b.length, 0) / bodies.length);
console.log(`bench-iwasm: ${iwasm}; ${bodies.length} ${AUDIT ? "audit" : "container"} records of ${average} B on average; best of ${RUNS}; ${cpus()[0]?.model ?? "cpu"}`);
console.log(`| policy | ${modules.map((m) => `${m.label} µs/record`).join(" | ")} |`);
console.log(`| --- | ${modules.map(() => "---:").join(" | ")} |`);
const measured = new Map<object | undefined, number[]>();
for (const [name, policy] of tiers) {
  const row = modules.map((m) => measure(m.file, m.passes, policy));
  measured.set(policy, row);
  console.log(`| ${name} | ${row.map((us) => us.toFixed(2)).join(" | ")} |`);
}
// One checkpoint (an Ed25519 signature over the chain's head, with its statement): a checkpoint on
// every record against none, per record.
const every = measured.get(SIGNED_EVERY_RECORD)!, none = measured.get(SIGNED_NO_CHECKPOINT)!;
console.log(`| signing time per checkpoint (every record minus none) | ${every.map((us, i) => (us - none[i]).toFixed(2)).join(" | ")} |`);
