// logseal's pass-through next to json-as doing the same job (parse, remove one key, serialise):
// records/s and MB/s in Node, executed wasm instructions per byte (bench/instructions.ts).
// Run: bench/json-as/build.sh && node --import tsx bench/json-as/compare.ts  (prints a Markdown table)
import { existsSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { FilterHost, instantiate } from "../../cli/host.ts";
import { LOGSEAL_WASM, countInstructions } from "../instructions.ts";
import { measure, type BenchRow } from "../lib.ts";
import { JSON_CORE } from "../policies.ts";
import { containerRecord } from "../workload.ts";
import { scratchDir } from "../../cli/scratch.js";

export const JSON_AS_WASM = new URL("../../build/bench-json-as.wasm", import.meta.url).pathname;
const SIZES: [string, number][] = [["200 B", 200], ["1 KiB", 1024], ["64 KiB", 64 * 1024]];
const TAG = "kube.var.log.containers.app";

interface Variant {
  label: string;
  wasm: string;
  functionName: string;
  policy?: object;
}

export const VARIANTS: Variant[] = [
  // Nothing but reading and writing the record (checked: output identical to input).
  { label: "logseal pass-through", wasm: LOGSEAL_WASM, functionName: "logseal_filter", policy: JSON_CORE },
  { label: "json-as JSON.Obj", wasm: JSON_AS_WASM, functionName: "logseal_filter" },
  { label: "json-as @json class", wasm: JSON_AS_WASM, functionName: "jsonas_struct_filter" },
  { label: "json-as UTF-8↔UTF-16 only", wasm: JSON_AS_WASM, functionName: "jsonas_transcode_only" },
];

export interface Comparison extends BenchRow {
  variant: string;
  size: string;
  recordBytes: number;
  perByte: number;
  perRecord: number;
  /** Module memory after the timed run (pages grown by the allocator and GC heap). */
  memoryKiB: number;
}

function host(variant: Variant): FilterHost {
  const dir = scratchDir("logseal-jsonas-");
  if (variant.policy) writeFileSync(join(dir, "logseal.policy.json"), JSON.stringify(variant.policy));
  return new FilterHost(instantiate(variant.wasm, { preopens: { ".": dir } }), variant.functionName);
}

export function compare(minSeconds = 1): Comparison[] {
  const rows: Comparison[] = [];
  for (const [size, target] of SIZES) {
    const body = Buffer.from(JSON.stringify(containerRecord(0, target)));
    for (const variant of VARIANTS) {
      const filter = host(variant);
      const out = Buffer.from(filter.callRaw(TAG, body, 1700000000, 0) ?? []);
      const expected = JSON.parse(body.toString());
      if (variant.wasm === JSON_AS_WASM && variant.functionName !== "jsonas_transcode_only") delete expected.kubernetes.docker_id;
      if (out.toString() !== JSON.stringify(expected)) throw new Error(`${variant.label}: unexpected output ${out.toString().slice(0, 200)}`);
      const { ops, seconds } = measure(() => filter.callRaw(TAG, body, 1700000000, 0), minSeconds);
      const memoryKiB = (filter.instance.exports.memory as WebAssembly.Memory).buffer.byteLength / 1024;
      const count = countInstructions(variant.policy, [body], { wasm: variant.wasm, functionName: variant.functionName, tag: TAG });
      rows.push({
        name: `${variant.label} ${size}`,
        variant: variant.label,
        size,
        recordBytes: body.length,
        records: ops,
        bytes: ops * body.length,
        seconds,
        perByte: count.perByte,
        perRecord: count.perRecord,
        memoryKiB,
        note: `${count.perByte.toFixed(2)} instr/byte, ${Math.round(count.perRecord).toLocaleString("en-US")} instr/record`,
      });
    }
  }
  return rows;
}

function markdown(rows: Comparison[]): string {
  const out = [
    "| record | implementation | records/s | MB/s | instr/byte | instr/record | × logseal instr | memory after |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows) {
    const base = rows.find((b) => b.size === r.size && b.variant === VARIANTS[0].label)!;
    out.push(`| ${r.size} (${r.recordBytes} B) | ${r.variant} | ${Math.round(r.records / r.seconds).toLocaleString("en-US")} | ` +
      `${(r.bytes / r.seconds / 1e6).toFixed(1)} | ${r.perByte.toFixed(2)} | ${Math.round(r.perRecord).toLocaleString("en-US")} | ` +
      `${(r.perRecord / base.perRecord).toFixed(2)} | ${r.memoryKiB.toLocaleString("en-US")} KiB |`);
  }
  return out.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!existsSync(JSON_AS_WASM)) {
    console.error(`${JSON_AS_WASM} is missing: run bench/json-as/build.sh first`);
    process.exit(1);
  }
  console.log(`Node ${process.version}, ${cpus()[0]?.model ?? "cpu"} (${cpus().length} cores), ${new Date().toISOString().slice(0, 10)}\n`);
  console.log(markdown(compare(Number(process.env.MIN_SECONDS ?? 1))));
}
