// What lifting costs: executed wasm instructions per record for the container and audit
// workloads of `make bench-fluent-bit`, as Fluent Bit's parsers hand them over today
// (pre-parsed: Merge_Log / the JSON parser) and as the kit hands them over now (the line as
// text in `log`, with tail's path and offset, lifted by logseal). Method: docs/measuring.md.
import { defaultPolicyJson } from "../../cli/policy.ts";
import { countInstructions } from "../instructions.ts";
import type { BenchRow } from "../lib.ts";
import { JSON_CORE } from "../policies.ts";
import { Rng, auditEventRecord, containerLogRecord } from "../fluent-bit/workload.ts";

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
  return liftCosts().map((c) => ({
    name: `lift: ${c.workload}, ${c.policy}`,
    records: 0,
    bytes: 0,
    seconds: 1,
    note: `pre-parsed ${Math.round(c.parsed).toLocaleString("en-US")}, lifted ${Math.round(c.lifted).toLocaleString("en-US")} instr/record (+${(((c.lifted - c.parsed) / c.parsed) * 100).toFixed(1)}%; input section on pre-parsed: ${Math.round(c.parsedWithInput).toLocaleString("en-US")})`,
  }));
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
