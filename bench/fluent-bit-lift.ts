// Lifting in real Fluent Bit: CPU per record for the workloads of `make bench-fluent-bit`, read
// the way the kit read them before issue 16 (Fluent Bit's JSON parser in front of logseal) and
// the way it reads them now (the line as text with path and offset, lifted by logseal, the
// kit's input section). logseal AOT (and interpreted with BENCH_INTERPRETED=1), the default
// policy before, and with the kit's input section now. Settings: BENCH_RUNS (default 3), BENCH_RECORDS (default
// 20000; audit: half). Prints a markdown table (docs/input.md).
//
// - container: the records tail + kubernetes would make are the lines (they must be parsed to
//   be records; in the kit the CRI regex does that): parsed both ways; before, the application's
//   JSON is merged (as Merge_Log did), now it is text in `log` and logseal lifts it;
// - audit: before, the event is parsed by the JSON parser; now the line reaches logseal as text.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultPolicyJson } from "../cli/policy.ts";
import { fluentBitOrSkip, fluentBitVersion, logsealFilter, median, prepareLogsealDir, runFluentBit, writeConfig, benchNiceness, waitForQuiet } from "./fluent-bit/harness.ts";
import { auditPairs, containerPairs, KIT_INPUT } from "./sections/input.ts";
import { buildAot } from "../tests/support/fluent-bit.ts";

const bin = fluentBitOrSkip("bench-fluent-bit-lift");
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const RECORDS = Math.max(100, Number(process.env.BENCH_RECORDS ?? 20_000));
const work = mkdtempSync(join(tmpdir(), "logseal-lift-bench-"));
const aot = buildAot();
const modules: [string, string][] = [];
if (aot) {
  copyFileSync(aot, join(work, "logseal.aot"));
  modules.push(["AOT", join(work, "logseal.aot")]);
}
if (process.env.BENCH_INTERPRETED === "1" || !aot) {
  copyFileSync(join(import.meta.dirname, "../build/logseal.wasm"), join(work, "logseal.wasm"));
  modules.push(["interpreted", join(work, "logseal.wasm")]);
}
// Before: the embedded default (no input section: nothing to lift); now: the same with the kit's input section.
const beforePolicy = JSON.parse(defaultPolicyJson());
const nowPolicy = { ...beforePolicy, input: KIT_INPUT };

interface Case {
  workload: string;
  way: string;
  lines: string[];
  parser: boolean;
  records: number;
}

const cases: Case[] = [];
const container = containerPairs(RECORDS, 20261123);
const audit = auditPairs(Math.round(RECORDS / 2), 20261124);
// Container: both ways are records (parsed); "lifted" carries the application JSON as text plus file/offset.
cases.push({ workload: "container 1 KiB", way: "JSON parsed before logseal", lines: container.map((p) => p.parsed), parser: true, records: container.length });
cases.push({ workload: "container 1 KiB", way: "lifted by logseal", lines: container.map((p) => p.lifted), parser: true, records: container.length });
// Audit: the event line, parsed by Fluent Bit, or as text (tail adds file and offset).
const events = audit.map((p) => JSON.parse(p.lifted).log as string);
cases.push({ workload: "audit 3 KiB", way: "JSON parsed before logseal", lines: events, parser: true, records: events.length });
cases.push({ workload: "audit 3 KiB", way: "lifted by logseal", lines: events, parser: false, records: events.length });

console.log(`Fluent Bit ${fluentBitVersion(bin)}, ${RUNS} runs each (median CPU)`);
console.log("| workload | module | JSON parsed before logseal (µs/record) | lifted by logseal (µs/record) | difference |");
console.log("|---|---|---:|---:|---:|");
for (const [moduleName, module] of modules) {
  for (const workload of ["container 1 KiB", "audit 3 KiB"]) {
    const results: number[] = [];
    for (const c of cases.filter((x) => x.workload === workload)) {
      const input = join(work, "input.ndjson");
      writeFileSync(input, c.lines.join("\n") + "\n");
      const dir = join(work, "logseal");
      const config = join(work, "fluent-bit.yaml");
      const extra: Record<string, string> = c.way === "lifted by logseal" && !c.parser ? { path_key: "file", offset_key: "offset" } : {};
      const cpu: number[] = [];
      const policy = c.way === "lifted by logseal" ? nowPolicy : beforePolicy;
      for (let run = 0; run < RUNS; run++) {
        prepareLogsealDir({ module, dir, policy });
        writeConfig(config, input, "kube-audit.bench", [logsealFilter({ module, dir, policy })], { kind: "null" }, { parser: c.parser, extra });
        waitForQuiet();
        const result = runFluentBit(bin, config, join(work, "fluent-bit.log"), 900, benchNiceness());
        if (result.problems.length) console.error(result.problems.slice(0, 5).join("\n"));
        cpu.push(((result.user + result.sys) / c.records) * 1e6);
      }
      results.push(median(cpu));
    }
    const [before, after] = results;
    console.log(`| ${workload} | ${moduleName} | ${before.toFixed(1)} | ${after.toFixed(1)} | ${after >= before ? "+" : ""}${(((after - before) / before) * 100).toFixed(1)}% |`);
  }
}
if (!process.env.BENCH_KEEP) rmSync(work, { recursive: true, force: true });
