// The json-as comparison inside a real Fluent Bit (WAMR fast interpreter, .wasm): CPU per record
// of each module over a no-filter baseline and over an echo module (Fluent Bit's own cost of any
// wasm filter: JSON out, copy in, JSON back), next to its executed-instruction count, which gives
// the interpreter's cost per counted instruction (does the count predict interpreter time?).
// Run: bench/json-as/build.sh && node --import tsx bench/json-as/fluent-bit.ts
// Settings: BENCH_RUNS (median of; default 3), BENCH_MB (input MB per size; default 8).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import {
  fluentBitOrSkip, fluentBitVersion, logsealFilter, median, prepareLogsealDir, runFluentBit, writeConfig,
  type Filter,
} from "../fluent-bit/harness.ts";
import { LOGSEAL_WASM, countInstructions } from "../instructions.ts";
import { JSON_CORE } from "../policies.ts";
import { containerRecord } from "../workload.ts";
import { JSON_AS_WASM } from "./compare.ts";
import { scratchDir } from "../../cli/scratch.js";

const bin = fluentBitOrSkip("json-as in Fluent Bit");
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const MB = Number(process.env.BENCH_MB ?? 8);
const TAG = "kube.var.log.containers.web";

interface Variant {
  label: string;
  wasm?: string;
  functionName?: string;
  policy?: object;
}
const VARIANTS: Variant[] = [
  { label: "no filter (baseline)" },
  { label: "echo module (wasm floor)", wasm: JSON_AS_WASM, functionName: "echo_filter" },
  { label: "logseal pass-through", wasm: LOGSEAL_WASM, functionName: "logseal_filter", policy: JSON_CORE },
  { label: "json-as JSON.Obj", wasm: JSON_AS_WASM, functionName: "logseal_filter" },
  { label: "json-as @json class", wasm: JSON_AS_WASM, functionName: "jsonas_struct_filter" },
];

const work = scratchDir("logseal-jsonas-fb-");

function filters(variant: Variant, id: string): Filter[] {
  if (!variant.wasm) return [];
  const setup = { module: variant.wasm, dir: join(work, `dir-${id}`), policy: variant.policy };
  prepareLogsealDir(setup);
  return [{ ...logsealFilter(setup), function_name: variant.functionName! }];
}

function cpuSeconds(variant: Variant, id: string, input: string): number {
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const config = join(work, `${id}.yaml`);
    writeConfig(config, input, TAG, filters(variant, id), { kind: "null" });
    // tail skips lines longer than its buffer (32 KiB by default): room for the 64 KiB records.
    const doc = parse(readFileSync(config, "utf8"));
    Object.assign(doc.pipeline.inputs[0], { buffer_chunk_size: "128K", buffer_max_size: "1M" });
    writeFileSync(config, stringify(doc));
    const run = runFluentBit(bin!, config, join(work, `${id}-${r}.log`));
    if (run.exitCode !== 0 || run.problems.length) throw new Error(`${variant.label}: ${run.problems.join("; ") || `exit ${run.exitCode}`}`);
    times.push(run.user + run.sys);
  }
  return median(times);
}

console.log(`Fluent Bit ${fluentBitVersion(bin)} (interpreted .wasm), median of ${RUNS} runs, ~${MB} MB per size\n`);
console.log("| record | implementation | records | CPU s | µs/record over no filter | µs/record over echo | MB/s over no filter | instr/record | ns/instr over echo |");
console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|");
for (const [size, target] of [["200 B", 200], ["1 KiB", 1024], ["64 KiB", 64 * 1024]] as const) {
  const body = JSON.stringify(containerRecord(0, target));
  const records = Math.max(200, Math.round((MB * 1e6) / body.length));
  const input = join(work, `input-${target}.ndjson`);
  writeFileSync(input, Array.from({ length: records }, (_, i) => JSON.stringify(containerRecord(i, target))).join("\n") + "\n");
  let baseline = 0;
  let echo = 0;
  for (const [i, variant] of VARIANTS.entries()) {
    const cpu = cpuSeconds(variant, `${target}-${i}`, input);
    const row = `| ${size} (${body.length} B) | ${variant.label} | ${records} | ${cpu.toFixed(2)} |`;
    if (!variant.wasm) {
      baseline = cpu;
      console.log(`${row} | | | | |`);
      continue;
    }
    const perRecord = ((cpu - baseline) / records) * 1e6;
    const count = countInstructions(variant.policy, [body], { wasm: variant.wasm, functionName: variant.functionName, tag: TAG });
    if (variant.functionName === "echo_filter") {
      echo = perRecord;
      console.log(`${row} ${perRecord.toFixed(1)} | | ${(body.length / perRecord).toFixed(1)} | ${Math.round(count.perRecord)} | |`);
      continue;
    }
    const overEcho = perRecord - echo;
    console.log(`${row} ${perRecord.toFixed(1)} | ${overEcho.toFixed(1)} | ${(body.length / perRecord).toFixed(1)} | ` +
      `${Math.round(count.perRecord).toLocaleString("en-US")} | ${((overEcho * 1000) / count.perRecord).toFixed(2)} |`);
  }
}
