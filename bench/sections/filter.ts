// The whole filter through the Fluent Bit-like host: pass-through (the JSON core alone)
// and the embedded default policy, for small, typical and large records.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilterHost } from "../../cli/host.ts";
import { measure, type BenchRow } from "../lib.ts";
import { containerRecord } from "../workload.ts";

const WASM = new URL("../../build/logseal.wasm", import.meta.url).pathname;

function filterWith(policy?: object): FilterHost {
  const dir = mkdtempSync(join(tmpdir(), "logseal-bench-"));
  if (policy) writeFileSync(join(dir, "logseal.policy.json"), JSON.stringify(policy));
  return FilterHost.load(WASM, { preopens: { ".": dir } });
}

export const PASS_THROUGH = { version: "pass-through", redact: { keys: [], scan: [] } };

export default async function (): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const sizes: [string, number][] = [["200 B", 200], ["1 KiB", 1024], ["64 KiB", 64 * 1024]];
  for (const [label, policy] of [["pass-through", PASS_THROUGH], ["default policy", undefined]] as const) {
    const filter = filterWith(policy);
    for (const [size, bytes] of sizes) {
      const body = Buffer.from(JSON.stringify(containerRecord(0, bytes)));
      const { ops, seconds } = measure(() => filter.callRaw("kube.var.log.containers.app", body, 1700000000, 0));
      rows.push({ name: `${label} ${size}`, records: ops, bytes: ops * body.length, seconds });
    }
  }
  return rows;
}
