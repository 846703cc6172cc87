// Executed wasm instructions per record and per byte (what WAMR's interpreter in Fluent Bit pays
// for): the pass-through policy as written (no key rules, no detectors; enrichment and sealing
// keep their defaults), the JSON core alone (enrichment and sealing off too) and the default
// policy, without a seal key (SHA-256 chain) and with one (keyed BLAKE2b, as deployed). records/s are from the instrumented module in Node, so lower than the filter
// section's. Method: docs/measuring.md.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CountingFilter, LOGSEAL_WASM, countInstructions } from "../instructions.ts";
import { measure, type BenchRow } from "../lib.ts";
import { containerRecord } from "../workload.ts";
import { DEFAULT_POLICY, JSON_CORE, PASS_THROUGH, REDACTION_ONLY } from "../policies.ts";
import { BENCH_SEAL_KEY } from "../fluent-bit/harness.ts";
import { scratchDir } from "../../cli/scratch.js";

export const SIZES: [string, number][] = [["200 B", 200], ["1 KiB", 1024], ["64 KiB", 64 * 1024]];

/** "N instr/byte, M instr/record", the note column of instruction counts. */
export function instructionNote(count: { perByte: number; perRecord: number }): string {
  return `${count.perByte.toFixed(2)} instr/byte, ${Math.round(count.perRecord).toLocaleString("en-US")} instr/record`;
}

export default async function (): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const policies = [
    ["JSON core", JSON_CORE, undefined], ["pass-through", PASS_THROUGH, undefined], ["redaction only", REDACTION_ONLY, undefined],
    ["default policy", DEFAULT_POLICY, undefined], ["default policy + seal key", DEFAULT_POLICY, BENCH_SEAL_KEY],
  ] as const;
  for (const [label, policy, sealKey] of policies) {
    const dir = scratchDir("logseal-bench-");
    if (policy) writeFileSync(join(dir, "logseal.policy.json"), JSON.stringify(policy));
    if (sealKey !== undefined) writeFileSync(join(dir, "seal.key"), sealKey);
    const filter = new CountingFilter(LOGSEAL_WASM, { ".": dir });
    for (const [size, bytes] of SIZES) {
      const body = Buffer.from(JSON.stringify(containerRecord(0, bytes)));
      const count = countInstructions(policy, [body], { sealKey });
      const { ops, seconds } = measure(() => filter.host.callRaw("kube.var.log.containers.app", body, 1700000000, 0), 0.5);
      rows.push({
        name: `${label} ${size} (${body.length} B; instrumented run)`,
        records: ops,
        bytes: ops * body.length,
        seconds,
        note: instructionNote(count),
      });
    }
  }
  return rows;
}
