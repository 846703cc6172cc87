// `node --import tsx bench/fluent-bit-count.ts WORKDIR`: Fluent Bit's x86 instructions per record
// (user space, valgrind's callgrind) for each configuration of a `make bench-fluent-bit` run kept
// with BENCH_KEEP=1 (BENCH_WORKLOADS=container). Each configuration reads the workload's first 64
// records repeated 16 times, then 48 times; the difference over the 2,048 records it adds is the
// per-record figure (start-up and shutdown cancel out). A count does not move with the machine's
// load: it says how much work each configuration does, a timed run how long that work takes
// here (system calls' kernel time and instructions per cycle are in the second only).
//
// Needs FLUENT_BIT_VG: a Fluent Bit that valgrind can run, i.e. whose WAMR does not write the GS
// base register at instantiation (WAMR_DISABLE_WRITE_GS_BASE; docs/measuring.md), and valgrind.
// Skips with a message otherwise. BENCH_ONLY: a comma list of configuration ids.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [dir] = process.argv.slice(2);
const bin = process.env.FLUENT_BIT_VG ?? "";
const hasValgrind = spawnSync("bash", ["-c", "command -v valgrind"], { encoding: "utf8" }).stdout.trim() !== "";
if (!dir || !existsSync(join(dir, "container.ndjson")) || !bin || !existsSync(bin) || !hasValgrind) {
  console.log("fluent-bit-count: needs a kept bench-fluent-bit work directory (BENCH_KEEP=1, container workload) as argument, FLUENT_BIT_VG and valgrind: skipped");
  process.exit(0);
}
const ONLY = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());
const ids = readdirSync(dir).flatMap((f) => /^run-(.+)\.yaml$/.exec(f)?.[1] ?? []).filter((id) => !ONLY || ONLY.includes(id));
const SAMPLE = 64, FEWER = 16, MORE = 48;
const tmp = mkdtempSync(join(tmpdir(), "logseal-fb-count-"));
const sample = readFileSync(join(dir, "container.ndjson"), "utf8").split("\n").slice(0, SAMPLE).join("\n") + "\n";
const inputs = [FEWER, MORE].map((times) => {
  const file = join(tmp, `x${times}.ndjson`);
  writeFileSync(file, sample.repeat(times));
  return file;
});

/** Instructions of one run of configuration `id` over `input`, its logseal chain state reset first. */
function count(id: string, input: string): number {
  for (const sub of readdirSync(dir).filter((f) => f.startsWith("logseal-"))) {
    for (const f of readdirSync(join(dir, sub))) if (f.endsWith(".state")) rmSync(join(dir, sub, f));
  }
  const config = join(tmp, `${id}.yaml`);
  writeFileSync(config, readFileSync(join(dir, `run-${id}.yaml`), "utf8").replace(/path: .*\/container\.ndjson/, `path: ${input}`));
  // JIT code (LuaJIT) may be rewritten in place: valgrind must check all of it.
  const run = spawnSync("valgrind", ["--tool=callgrind", "--smc-check=all-non-file", `--callgrind-out-file=${join(tmp, "cg.out")}`, bin, "-c", config], { encoding: "utf8", maxBuffer: 64 << 20 });
  const collected = /Collected : (\d+)/.exec(run.stderr ?? "");
  if (run.status !== 0 || !collected) throw new Error(`fluent-bit-count: ${id} failed: ${(run.stderr ?? "").split("\n").slice(-5).join("\n")}`);
  return Number(collected[1]);
}

try {
  const perRecord = new Map(ids.map((id) => [id, (count(id, inputs[1]) - count(id, inputs[0])) / ((MORE - FEWER) * SAMPLE)]));
  const none = perRecord.get("none"), lua = perRecord.get("lua");
  console.log(`fluent-bit-count: ${bin}, the first ${SAMPLE} container records x (${MORE} - ${FEWER})\n`);
  console.log("| configuration | x86 instructions / record | Lua peer ÷ this |\n| --- | ---: | ---: |");
  for (const [id, n] of perRecord) console.log(`| ${id} | ${Math.round(n).toLocaleString("en-US")} | ${lua && id !== "lua" ? (lua / n).toFixed(2) + "×" : ""} |`);
  if (none !== undefined) console.log(`\n(no filter: ${Math.round(none).toLocaleString("en-US")}; a filter's own work is its row less this one)`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
