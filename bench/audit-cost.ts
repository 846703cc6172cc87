// What classifying Kubernetes audit events costs per event, in executed wasm instructions (what
// WAMR's interpreter pays, docs/measuring.md): bench-fluent-bit's audit workload (BENCH_WORKLOAD=audit,
// ~3 KiB audit.k8s.io/v1 events) through the embedded default policy, and through a policy with
// only enrichment (no redaction, no seal) with the audit classification on and off, so the
// classifier's own share shows. Also the managed-cluster forms (GKE's Cloud Audit Logs entry,
// AKS's diagnostic record) and the benign corpus of tests/fixtures/audit.
//
//   node --import tsx bench/audit-cost.ts            # build/logseal.wasm
//   LOGSEAL_WASM=/tmp/other/logseal.wasm node --import tsx bench/audit-cost.ts
// AOT time per event: BENCH_WORKLOAD=audit make bench-iwasm.
import { readFileSync } from "node:fs";
import { countInstructions } from "./instructions.ts";
import { auditWorkload } from "./fluent-bit/workload.ts";

const RECORDS = Number(process.env.BENCH_RECORDS ?? 64);
const events = auditWorkload(RECORDS).text.trimEnd().split("\n");
const ENRICH_ONLY = (audit: boolean) => ({
  version: "audit-cost", redact: { keys: [], scan: [] }, seal: { enabled: false }, enrich: audit ? {} : { audit: false },
});
const TAG = { tag: "audit" };

function row(name: string, bodies: string[], policy: object | undefined): number {
  const count = countInstructions(policy, bodies, TAG);
  const bytes = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0) / bodies.length;
  console.log(`${name.padEnd(58)} ${String(Math.round(count.perRecord)).padStart(9)} instr/event  (${Math.round(bytes)} B)`);
  return count.perRecord;
}

console.log(`audit-cost: ${process.env.LOGSEAL_WASM ?? "build/logseal.wasm"}; ${events.length} events of the audit workload`);
const all = row("default policy (redaction, enrichment, seal)", events, undefined);
const on = row("enrichment only, audit classification on", events, ENRICH_ONLY(true));
const off = row("enrichment only, audit classification off", events, ENRICH_ONLY(false));
console.log(`classification: ${Math.round(on - off)} instr/event (${(((on - off) / all) * 100).toFixed(1)}% of the default policy's event)`);

// Managed-cluster forms and the benign corpus, when the fixtures are there (they are in the repository).
const forms = new URL("../tests/fixtures/audit/", import.meta.url);
for (const [file, name] of [["managed.json", "managed-cluster forms (fixtures)"], ["benign.json", "benign corpus (fixtures)"]]) {
  let cases: { event: unknown }[];
  try {
    cases = JSON.parse(readFileSync(new URL(file, forms), "utf8"));
  } catch {
    continue;
  }
  row(`${name}, enrichment only`, cases.map((c) => JSON.stringify(c.event)), ENRICH_ONLY(true));
}
