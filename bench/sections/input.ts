// What lifting costs: executed wasm instructions per record for the container and audit
// workloads of `make bench-fluent-bit`, as Fluent Bit's parsers hand them over today
// (pre-parsed: Merge_Log / the JSON parser) and as the kit hands them over now (the line as
// text in `log`, with tail's path and offset, lifted by logseal). Method: docs/measuring.md.
import { defaultPolicyJson } from "../../cli/policy.ts";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { FilterHost } from "../../cli/host.ts";
import { LOGSEAL_WASM, countInstructions } from "../instructions.ts";
import { measure, type BenchRow } from "../lib.ts";
import { JSON_CORE } from "../policies.ts";
import { Rng, auditEventRecord, containerLogRecord } from "../fluent-bit/workload.ts";
import { scratchDir } from "../../cli/scratch.js";

/** The kit's input section (fluent-bit/helm/logseal-policy-configmap.yaml). */
export const KIT_INPUT = {
  lift: [{ key: "log" }],
  source: { path_key: "file", offset_key: "offset", line_keys: [["time", "stream", "_p", "log"], ["log"]] },
};

/** JSON as Fluent Bit's encoder writes it (json.escape_unicode on). */
const fluentJson = (value: unknown): string =>
  JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));

export interface Pair {
  /** As Fluent Bit's parsers deliver it today. */
  parsed: string;
  /** As the kit delivers it: the line's text in `log`, tail's path and offset. */
  lifted: string;
}

/** Container records (~1 KiB, a fifth JSON application logs) both ways. */
export function containerPairs(count: number, seed = 1): Pair[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const { time, stream, _p, log, kubernetes, ...app } = containerLogRecord(rng, i, 1024) as Record<string, any>;
    const structured = Object.keys(app).length != 0;
    const parsed = fluentJson(structured ? { time, stream, _p, ...app, kubernetes } : { time, stream, _p, log, kubernetes });
    const line = structured ? JSON.stringify(app) : log;
    const lifted = fluentJson({ time, stream, _p, log: line, file: `/var/log/containers/web-${i % 4}_shop_web-0123.log`, offset: i * 1100, kubernetes });
    return { parsed, lifted };
  });
}

/** Kubernetes audit events (~3 KiB) both ways. */
export function auditPairs(count: number, seed = 2): Pair[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const event = auditEventRecord(rng, i, 3072);
    return { parsed: fluentJson(event), lifted: fluentJson({ file: "/var/log/kubernetes/audit/audit.log", offset: i * 3100, log: JSON.stringify(event) }) };
  });
}

export interface LiftCost {
  workload: string;
  policy: string;
  parsed: number;
  /** Pre-parsed records through a policy with the input section (nothing to lift). */
  parsedWithInput: number;
  lifted: number;
  bytes: number;
}

export function liftCosts(records = 100): LiftCost[] {
  const out: LiftCost[] = [];
  const policies: [string, object | undefined][] = [["JSON core", JSON_CORE], ["default policy", undefined]];
  for (const [workload, pairs, tag] of [["container 1 KiB", containerPairs(records), "kube.var.log.containers.web"], ["audit 3 KiB", auditPairs(records), "kube-audit.var.log.kubernetes.audit.audit.log"]] as const) {
    for (const [policyName, policy] of policies) {
      const base = policy ?? { ...defaultPolicyObject() };
      const withInput = { ...base, input: KIT_INPUT };
      const parsed = countInstructions(policy, pairs.map((p) => p.parsed), { tag }).perRecord;
      const parsedWithInput = countInstructions(withInput, pairs.map((p) => p.parsed), { tag }).perRecord;
      const lifted = countInstructions(withInput, pairs.map((p) => p.lifted), { tag }).perRecord;
      const bytes = pairs.reduce((n, p) => n + p.parsed.length, 0) / pairs.length;
      out.push({ workload, policy: policyName, parsed, parsedWithInput, lifted, bytes });
    }
  }
  return out;
}

let defaultPolicy: object | null = null;
/** The embedded default as JSON, through the module itself. */
function defaultPolicyObject(): object {
  defaultPolicy ??= JSON.parse(defaultPolicyJson());
  return defaultPolicy!;
}

export default async function (): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const costs = liftCosts(50);
  for (const [workload, pairs] of [["container 1 KiB", containerPairs(50)], ["audit 3 KiB", auditPairs(50)]] as const) {
    for (const [policyName, policy] of [["JSON core", JSON_CORE], ["default policy", defaultPolicyObject()]] as const) {
      const dir = scratchDir("logseal-bench-");
      writeFileSync(join(dir, "logseal.policy.json"), JSON.stringify({ ...policy, input: KIT_INPUT }));
      const host = FilterHost.load(LOGSEAL_WASM, { preopens: { ".": dir } });
      const bodies = pairs.map((p) => Buffer.from(p.lifted));
      let i = 0;
      const { ops, seconds } = measure(() => host.callRaw("kube.var.log.containers.web", bodies[i++ % bodies.length], 1700000000, 0), 0.5);
      const bytes = bodies.reduce((n, b) => n + b.length, 0) / bodies.length;
      const c = costs.find((x) => x.workload === workload && x.policy === policyName)!;
      rows.push({
        name: `lifted ${workload}, ${policyName}`,
        records: ops,
        bytes: ops * bytes,
        seconds,
        note: `${Math.round(c.lifted).toLocaleString("en-US")} instr/record, pre-parsed ${Math.round(c.parsed).toLocaleString("en-US")} (+${(((c.lifted - c.parsed) / c.parsed) * 100).toFixed(1)}%)`,
      });
    }
  }
  return rows;
}

// node --import tsx bench/sections/input.ts: the table of docs/input.md.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log("| workload | policy | pre-parsed | input section, pre-parsed | lifted | lifting costs |");
  console.log("|---|---|---:|---:|---:|---:|");
  for (const c of liftCosts()) {
    const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
    console.log(`| ${c.workload} | ${c.policy} | ${fmt(c.parsed)} | ${fmt(c.parsedWithInput)} | ${fmt(c.lifted)} | +${fmt(c.lifted - c.parsed)} (${(((c.lifted - c.parsed) / c.parsed) * 100).toFixed(1)}%) |`);
  }
}
