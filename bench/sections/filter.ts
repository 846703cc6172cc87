// The whole filter through the Fluent Bit-like host, tier by tier (bench/policies.ts): the JSON
// core alone, the default redaction, the whole default policy (redaction, enrichment, seal).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { FilterHost } from "../../cli/host.ts";
import { measure, type BenchRow } from "../lib.ts";
import { containerRecord } from "../workload.ts";
import { DEFAULT_POLICY, JSON_CORE, REDACTION_ONLY } from "../policies.ts";
import { scratchDir } from "../../cli/scratch.js";

const WASM = new URL("../../build/logseal.wasm", import.meta.url).pathname;

function filterWith(policy?: object): FilterHost {
  const dir = scratchDir("logseal-bench-");
  if (policy) writeFileSync(join(dir, "logseal.policy.json"), JSON.stringify(policy));
  return FilterHost.load(WASM, { preopens: { ".": dir } });
}

export default async function (): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const sizes: [string, number][] = [["200 B", 200], ["1 KiB", 1024], ["64 KiB", 64 * 1024]];
  const tiers = [["JSON core", JSON_CORE], ["redaction only", REDACTION_ONLY], ["default policy", DEFAULT_POLICY]] as const;
  for (const [label, policy] of tiers) {
    const filter = filterWith(policy);
    for (const [size, bytes] of sizes) {
      const body = Buffer.from(JSON.stringify(containerRecord(0, bytes)));
      const { ops, seconds } = measure(() => filter.callRaw("kube.var.log.containers.app", body, 1700000000, 0));
      rows.push({ name: `${label} ${size}`, records: ops, bytes: ops * body.length, seconds });
    }
  }
  return rows;
}
