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
// BENCH_CACHE=1 adds its simulated first-level instruction-cache misses per record (this CPU's
// sizes), the table then ranked by them: where the code per record outgrows the cache.
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

const BRANCHES = process.env.BENCH_BRANCHES === "1";
const CACHE = process.env.BENCH_CACHE === "1";
/** callgrind's events, as annotated: instructions, then mispredicted conditional and indirect branches, then first-level instruction-cache misses. */
const EVENTS = ["Ir", ...(BRANCHES ? ["Bcm", "Bim"] : []), ...(CACHE ? ["I1mr"] : [])];

/** Each event's count by function name, and the totals, of one run of `passes` passes. */
function count(passes: number): { totals: number[]; byName: Map<string, number[]> } {
  const work = mkdtempSync(join(tmpdir(), "logseal-aot-count-"));
  try {
    prepareLogsealDir({ module: aot, dir: work, policy }); // a fresh chain and state each run
    const out = join(work, "callgrind.out");
    // iwasm touches its whole native stack at start: valgrind's default main stack is too small.
    const run = spawnSync("valgrind", ["--tool=callgrind", "--main-stacksize=67108864", ...(BRANCHES ? ["--branch-sim=yes"] : []), ...(CACHE ? ["--cache-sim=yes"] : []),
      `--callgrind-out-file=${out}`, iwasm, "--enable-linux-perf", `--dir=${work}`, "-f", "bench", aot, String(passes)], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`aot-count: valgrind failed: ${run.stderr.split("\n").slice(-5).join("\n")}`);
    const pid = /^==(\d+)==/m.exec(run.stderr)?.[1];
    const map = `/tmp/perf-${pid}.map`; // WAMR writes its perf map there
    const ranges = existsSync(map) ? readFileSync(map, "utf8").trim().split("\n").map((line) => {
      const [start, size, symbol] = line.split(/\s+/, 3);
      return { start: parseInt(start, 16), end: parseInt(start, 16) + parseInt(size, 16), name: aotName(names, symbol) };
    }).sort((a, b) => a.start - b.start) : [];
    rmSync(map, { force: true });
    const annotate = spawnSync("callgrind_annotate", ["--inclusive=no", "--threshold=100", "--auto=no", `--show=${EVENTS.join(",")}`, out], { encoding: "utf8", maxBuffer: 64 << 20 });
    let totals = EVENTS.map(() => 0);
    const byName = new Map<string, number[]>();
    for (const line of annotate.stdout.split("\n")) {
      // one count per event ("." for none), each possibly followed by its share in parentheses, then the place
      const counts: number[] = [];
      let rest = line;
      for (let c = 0; c < EVENTS.length; c++) {
        const m = /^\s*([\d,]+|\.)\s+(?:\([^)]*\)\s+)?/.exec(rest);
        if (!m) break;
        counts.push(m[1] === "." ? 0 : Number(m[1].replaceAll(",", "")));
        rest = rest.slice(m[0].length);
      }
      if (counts.length < EVENTS.length || rest.trim() === "") continue;
      const place = rest.trim();
      if (place.startsWith("PROGRAM TOTALS")) { totals = counts; continue; }
      const address = /^\?\?\?:0x([0-9a-f]+)/.exec(place);
      let name: string;
      if (address) {
        const at = parseInt(address[1], 16);
        name = ranges.find((r) => at >= r.start && at < r.end)?.name ?? "AOT code outside the perf map";
      } else {
        const symbol = place.replace(/ \[.*\]$/, "").replace(/'\d+/g, "");
        name = symbol.includes(":") ? symbol.slice(symbol.indexOf(":") + 1) : symbol;
      }
      const sum = byName.get(name) ?? EVENTS.map(() => 0);
      counts.forEach((n, e) => { sum[e] += n; });
      byName.set(name, sum);
    }
    return { totals, byName };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const a = count(fewer), b = count(more);
const records = (more - fewer) * DRIVER_RECORDS;
/** Per record: the difference of the two runs over the records the second adds. */
const per = (x: number[] | undefined, y: number[] | undefined, e: number) => ((y?.[e] ?? 0) - (x?.[e] ?? 0)) / records;
/** The branch columns are summed into one; the cache column stands alone. */
const missOf = (x: number[] | undefined, y: number[] | undefined) => BRANCHES ? per(x, y, 1) + per(x, y, 2) : 0;
const icacheOf = (x: number[] | undefined, y: number[] | undefined) => CACHE ? per(x, y, EVENTS.length - 1) : 0;
const perRecord = per(a.totals, b.totals, 0);
const rows = [...new Set([...a.byName.keys(), ...b.byName.keys()])]
  .map((name) => {
    const x = a.byName.get(name), y = b.byName.get(name);
    return { name, n: per(x, y, 0), miss: missOf(x, y), icache: icacheOf(x, y) };
  })
  .sort((x, y) => y.n - x.n);
const byPart = new Map<string, number>();
for (const { name, n } of rows) byPart.set(partOf(name), (byPart.get(partOf(name)) ?? 0) + n);
console.log(`aot-count: ${DRIVER_RECORDS} container records x (${more} - ${fewer}) passes, ${policyName}, x86-64-v3, ${iwasm}\n`);
console.log(`**${perRecord.toFixed(0)} x86 instructions per record** (user space)${BRANCHES ? `, ${missOf(a.totals, b.totals).toFixed(0)} mispredicted branches (simulated)` : ""}${CACHE ? `, ${icacheOf(a.totals, b.totals).toFixed(0)} instruction-cache misses (simulated, 32 KiB)` : ""}\n`);
console.log(`| function | instructions / record | share |${BRANCHES ? " mispredicted branches / record |" : ""}${CACHE ? " instruction-cache misses / record |" : ""}\n| --- | ---: | ---: |${BRANCHES ? " ---: |" : ""}${CACHE ? " ---: |" : ""}`);
const topRows = CACHE ? [...rows].sort((x, y) => y.icache - x.icache).slice(0, TOP) : rows.slice(0, TOP); // with the cache, ranked by its misses
for (const { name, n, miss, icache } of topRows) console.log(`| ${name} | ${n.toFixed(0)} | ${(100 * n / perRecord).toFixed(1)}% |${BRANCHES ? ` ${miss.toFixed(0)} |` : ""}${CACHE ? ` ${icache.toFixed(0)} |` : ""}`);
console.log("\n| part | instructions / record | share |\n| --- | ---: | ---: |");
for (const [part, n] of [...byPart].sort((x, y) => y[1] - x[1])) console.log(`| ${part} | ${n.toFixed(0)} | ${(100 * n / perRecord).toFixed(1)}% |`);
