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
import { join } from "node:path";
import { prepareLogsealDir } from "./fluent-bit/harness.ts";
import { DRIVER_RECORDS, aotName, benchPolicy, buildAotDriver, findWamrc, functionNames, partOf } from "./aot-driver.ts";

const iwasm = process.env.IWASM_PERF ?? "";
const perf = process.env.PERF || spawnSync("bash", ["-c", "command -v perf"], { encoding: "utf8" }).stdout.trim();
const wamrc = findWamrc();
if (!iwasm || !existsSync(iwasm) || !perf || !wamrc) {
  console.log("aot-profile: needs IWASM_PERF (an iwasm built with -DWAMR_BUILD_LINUX_PERF=1), perf and wamrc: skipped");
  process.exit(0);
}
const PASSES = Math.max(1, Number(process.env.BENCH_PASSES ?? 2500));
const TOP = Math.max(1, Number(process.env.BENCH_TOP ?? 30));
const { name: policyName, policy } = benchPolicy("aot-profile");
const { wasm, aot } = buildAotDriver("aot-profile", wamrc);

const work = mkdtempSync(join(tmpdir(), "logseal-aot-profile-"));
try {
  prepareLogsealDir({ module: aot, dir: work, policy });
  const data = join(work, "perf.data");
  const record = spawnSync(perf, ["record", "-F", "4999", "-o", data, iwasm, "--enable-linux-perf", `--dir=${work}`, "-f", "bench", aot, String(PASSES)], { encoding: "utf8" });
  if (record.status !== 0) throw new Error(`aot-profile: perf record failed: ${record.stderr}`);
  const report = spawnSync(perf, ["report", "-i", data, "--no-children", "--sort", "sym", "--stdio"], { encoding: "utf8", maxBuffer: 64 << 20 });
  const names = functionNames(readFileSync(wasm));
  const rows = report.stdout.split("\n").flatMap((line) => {
    const m = /^\s+([\d.]+)%\s+\[(.)\]\s+(.*?)\s*$/.exec(line);
    if (!m) return [];
    const name = m[2] === "k" ? `${m[3]} (kernel)` : aotName(names, m[3]);
    return [{ share: Number(m[1]), name }];
  });
  const byPart = new Map<string, number>();
  for (const { share, name } of rows) byPart.set(partOf(name), (byPart.get(partOf(name)) ?? 0) + share);
  console.log(`aot-profile: ${DRIVER_RECORDS} container records x ${PASSES} passes, ${policyName}, x86-64-v3, ${iwasm}\n`);
  console.log("| function | share of samples |\n| --- | ---: |");
  for (const { share, name } of rows.slice(0, TOP)) console.log(`| ${name} | ${share.toFixed(2)}% |`);
  console.log("\n| part | share of samples |\n| --- | ---: |");
  for (const [part, share] of [...byPart].sort((a, b) => b[1] - a[1])) console.log(`| ${part} | ${share.toFixed(1)}% |`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
