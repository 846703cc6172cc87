// `node --import tsx bench/aot-count.ts`: the module's x86 instructions per record, by function, as
// Fluent Bit runs it ahead of time: the driver of bench/aot-profile.ts (64 container records,
// default policy unless BENCH_POLICY names one of bench/policies.ts, AOT for x86-64-v3) under
// valgrind's callgrind, which counts every instruction executed in user space. Unlike a timed run
// the count does not move with the machine's load, so two builds can be compared on a busy host;
// unlike `make bench` it counts what the CPU runs (WAMR's AOT code), not wasm instructions. System
// calls are counted on the user side only (their kernel time is bench/aot-profile.ts's).
//
// Two runs (BENCH_PASSES "a,b" passes of the 64 records, default "4,14"); their difference over
// the records it adds is the per-record figure, start-up and teardown cancelling out.
//
// Needs IWASM_VG: an iwasm built from Fluent Bit's WAMR with the perf map (names each AOT function
// `aot_func#<index>`) and without the GS-base write that valgrind cannot run
// (-DWAMR_BUILD_LINUX_PERF=1 -DWAMR_DISABLE_WRITE_GS_BASE=1: docs/measuring.md), valgrind and
// flb-wamrc/wamrc. Skips with a message otherwise. BENCH_TOP (rows, default 30). BENCH_BRANCHES=1 adds
// valgrind's simulated branch mispredictions per record (conditional and indirect; a simple
// predictor, so a pointer to where branches are hard to predict rather than this CPU's figure).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prepareLogsealDir } from "./fluent-bit/harness.ts";
import { DRIVER_RECORDS, aotName, benchPolicy, buildAotDriver, findWamrc, functionNames, partOf } from "./aot-driver.ts";

const iwasm = process.env.IWASM_VG ?? "";
const have = (tool: string) => spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
const wamrc = findWamrc();
if (!iwasm || !existsSync(iwasm) || !have("valgrind") || !have("callgrind_annotate") || !wamrc) {
  console.log("aot-count: needs IWASM_VG (an iwasm built with -DWAMR_BUILD_LINUX_PERF=1 -DWAMR_DISABLE_WRITE_GS_BASE=1), valgrind and wamrc: skipped");
  process.exit(0);
}
const [fewer, more] = (process.env.BENCH_PASSES ?? "4,14").split(",").map(Number);
if (!(fewer >= 1 && more > fewer)) throw new Error("aot-count: BENCH_PASSES is \"a,b\" with 1 <= a < b");
const TOP = Math.max(1, Number(process.env.BENCH_TOP ?? 30));
const { name: policyName, policy } = benchPolicy("aot-count");
const { wasm, aot } = buildAotDriver("aot-count", wamrc);
const names = functionNames(readFileSync(wasm));

/** Instructions by function name (and the total) of one run of `passes` passes. */
const BRANCHES = process.env.BENCH_BRANCHES === "1";

/** Instructions (and, with BENCH_BRANCHES, mispredicted branches) by function name, and the totals, of one run of `passes` passes. */
function count(passes: number): { total: number; byName: Map<string, number>; missTotal: number; misses: Map<string, number> } {
  const work = mkdtempSync(join(tmpdir(), "logseal-aot-count-"));
  try {
    prepareLogsealDir({ module: aot, dir: work, policy }); // a fresh chain and state each run
    const out = join(work, "callgrind.out");
    // iwasm touches its whole native stack at start: valgrind's default main stack is too small.
    const run = spawnSync("valgrind", ["--tool=callgrind", "--main-stacksize=67108864", ...(BRANCHES ? ["--branch-sim=yes"] : []), `--callgrind-out-file=${out}`,
      iwasm, "--enable-linux-perf", `--dir=${work}`, "-f", "bench", aot, String(passes)], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`aot-count: valgrind failed: ${run.stderr.split("\n").slice(-5).join("\n")}`);
    const pid = /^==(\d+)==/m.exec(run.stderr)?.[1];
    const map = `/tmp/perf-${pid}.map`; // WAMR writes its perf map there
    const ranges = existsSync(map) ? readFileSync(map, "utf8").trim().split("\n").map((line) => {
      const [start, size, symbol] = line.split(/\s+/, 3);
      return { start: parseInt(start, 16), end: parseInt(start, 16) + parseInt(size, 16), name: aotName(names, symbol) };
    }).sort((a, b) => a.start - b.start) : [];
    rmSync(map, { force: true });
    const annotate = spawnSync("callgrind_annotate", ["--inclusive=no", "--threshold=100", "--auto=no", ...(BRANCHES ? ["--show=Ir,Bcm,Bim"] : []), out], { encoding: "utf8", maxBuffer: 64 << 20 });
    let total = 0, missTotal = 0;
    const byName = new Map<string, number>(), misses = new Map<string, number>();
    const columns = BRANCHES ? 3 : 1;
    for (const line of annotate.stdout.split("\n")) {
      // "Ir [Bcm Bim] name", each count ("." for none) possibly followed by its share in parentheses
      const counts: number[] = [];
      let rest = line;
      for (let c = 0; c < columns; c++) {
        const m = /^\s*([\d,]+|\.)\s+(?:\([^)]*\)\s+)?/.exec(rest);
        if (!m) break;
        counts.push(m[1] === "." ? 0 : Number(m[1].replaceAll(",", "")));
        rest = rest.slice(m[0].length);
      }
      if (counts.length < columns || rest.trim() === "") continue;
      const place = rest.trim();
      const n = counts[0];
      const miss = BRANCHES ? counts[1] + counts[2] : 0;
      if (place.startsWith("PROGRAM TOTALS")) { total = n; missTotal = miss; continue; }
      const address = /^\?\?\?:0x([0-9a-f]+)/.exec(place);
      let name: string;
      if (address) {
        const at = parseInt(address[1], 16);
        name = ranges.find((r) => at >= r.start && at < r.end)?.name ?? "AOT code outside the perf map";
      } else {
        const symbol = place.replace(/ \[.*\]$/, "").replace(/'\d+/g, "");
        name = symbol.includes(":") ? symbol.slice(symbol.indexOf(":") + 1) : symbol;
      }
      byName.set(name, (byName.get(name) ?? 0) + n);
      misses.set(name, (misses.get(name) ?? 0) + miss);
    }
    return { total, byName, missTotal, misses };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const a = count(fewer), b = count(more);
const records = (more - fewer) * DRIVER_RECORDS;
const perRecord = (b.total - a.total) / records;
const rows = [...new Set([...a.byName.keys(), ...b.byName.keys()])]
  .map((name) => ({ name, n: ((b.byName.get(name) ?? 0) - (a.byName.get(name) ?? 0)) / records, miss: ((b.misses.get(name) ?? 0) - (a.misses.get(name) ?? 0)) / records }))
  .sort((x, y) => y.n - x.n);
const byPart = new Map<string, number>();
for (const { name, n } of rows) byPart.set(partOf(name), (byPart.get(partOf(name)) ?? 0) + n);
console.log(`aot-count: ${DRIVER_RECORDS} container records x (${more} - ${fewer}) passes, ${policyName}, x86-64-v3, ${iwasm}\n`);
console.log(`**${perRecord.toFixed(0)} x86 instructions per record** (user space)${BRANCHES ? `, ${((b.missTotal - a.missTotal) / records).toFixed(0)} mispredicted branches (simulated)` : ""}\n`);
console.log(`| function | instructions / record | share |${BRANCHES ? " mispredicted branches / record |" : ""}\n| --- | ---: | ---: |${BRANCHES ? " ---: |" : ""}`);
for (const { name, n, miss } of rows.slice(0, TOP)) console.log(`| ${name} | ${n.toFixed(0)} | ${(100 * n / perRecord).toFixed(1)}% |${BRANCHES ? ` ${miss.toFixed(0)} |` : ""}`);
console.log("\n| part | instructions / record | share |\n| --- | ---: | ---: |");
for (const [part, n] of [...byPart].sort((x, y) => y[1] - x[1])) console.log(`| ${part} | ${n.toFixed(0)} | ${(100 * n / perRecord).toFixed(1)}% |`);
