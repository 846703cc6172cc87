// Sealing: 1 KiB container records through the filter without a seal, with a SHA-256 chain, with a
// keyed chain (keyed BLAKE2b; state written per record, as deployed, and every 1000 records to show
// what Node's WASI write costs) and with an HMAC-SHA256 one (seal.mac), then `logseal verify`'s
// checking of keyed BLAKE2b and HMAC-SHA256 records.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { FilterHost } from "../../cli/host.ts";
import { Verifier } from "../../cli/verify.ts";
import { measure, type BenchRow } from "../lib.ts";
import { containerRecord } from "../workload.ts";
import { scratchDir } from "../../cli/scratch.js";

const WASM = new URL("../../build/logseal.wasm", import.meta.url).pathname;
const KEY = "bench-seal-key-0123456789abcdef0123456789";
const TAG = "kube.var.log.containers.web";

function filterWith(seal: object, key: boolean): FilterHost {
  const dir = scratchDir("logseal-bench-seal-");
  writeFileSync(join(dir, "logseal.policy.json"), JSON.stringify({ version: "bench", redact: { keys: [], scan: [] }, seal }));
  if (key) writeFileSync(join(dir, "seal.key"), KEY);
  return FilterHost.load(WASM, { preopens: { ".": dir } });
}

export default async function (): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const bodies = Array.from({ length: 64 }, (_, i) => Buffer.from(JSON.stringify(containerRecord(i, 1024))));
  const bytes = bodies.reduce((n, b) => n + b.length, 0) / bodies.length;
  const cases: [string, object, boolean][] = [
    ["no seal", { enabled: false }, false],
    ["SHA-256 chain", {}, false],
    ["keyed BLAKE2b chain", {}, true],
    ["keyed BLAKE2b chain, state every 1000", { persist_every: 1000 }, true],
    ["HMAC-SHA256 chain", { mac: "hmac-sha256" }, true],
  ];
  const sealed = new Map<string, string[]>();
  for (const [label, seal, key] of cases) {
    const filter = filterWith(seal, key);
    let i = 0;
    const { ops, seconds } = measure(() => {
      filter.callRaw(TAG, bodies[i % bodies.length], 1_700_000_000 + (i >> 10), i);
      i++;
    });
    rows.push({ name: `filter 1 KiB, ${label}`, records: ops, bytes: ops * bytes, seconds });
    if (label === "keyed BLAKE2b chain" || label === "HMAC-SHA256 chain") {
      // A fresh chain from its genesis: the verifier refuses a chain whose start is missing.
      const fresh = filterWith(seal, key);
      sealed.set(label, Array.from({ length: 50_000 }, (_, k) => Buffer.from(fresh.callRaw(TAG, bodies[k % bodies.length], 1_700_000_100, k)!).toString()));
    }
  }
  for (const [label, lines, mac] of [["", sealed.get("keyed BLAKE2b chain")!, "keyed BLAKE2b (@noble/hashes)"], [", HMAC-SHA256", sealed.get("HMAC-SHA256 chain")!, "HMAC-SHA256"]] as const) {
    const lineBytes = lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
    for (let round = 0; round < 2; round++) {
      const verifier = new Verifier({ keys: [Buffer.from(KEY)] });
      const started = performance.now();
      lines.forEach((line, k) => verifier.addLine(line, "bench", k + 1));
      const result = verifier.finish();
      if (!result.ok) throw new Error(`bench records do not verify: ${JSON.stringify(result.failures?.slice(0, 2) ?? result).slice(0, 600)}`);
      const seconds = (performance.now() - started) / 1000;
      if (round === 1) rows.push({ name: `verify 1 KiB records${label} (one thread)`, records: lines.length, bytes: lineBytes, seconds, note: `parse, JCS, ${mac}, links` });
    }
  }
  return rows;
}
