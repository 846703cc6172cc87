// Enrichment through the whole filter (Fluent Bit-like host, V8): 1 KiB application logs
// with severity detection and gating, and Kubernetes audit events of 2 and 4 KiB classified
// by the built-in rules. The note gives executed wasm instructions per record (what WAMR's
// interpreter pays, deterministic, see docs/measuring.md) against the same records through a
// policy with enrichment off.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { FilterHost } from "../../cli/host.ts";
import { countInstructions } from "../instructions.ts";
import { type BenchRow, measure } from "../lib.ts";
import { containerRecord } from "../workload.ts";
import { scratchDir } from "../../cli/scratch.js";

const WASM = new URL("../../build/logseal.wasm", import.meta.url).pathname;
const LEVELS = ["DEBUG", "INFO", "INFO", "INFO", "WARN", "ERROR"];

function filterWith(policy: object): FilterHost {
  const dir = scratchDir("logseal-bench-");
  writeFileSync(join(dir, "logseal.policy.json"), JSON.stringify(policy));
  return FilterHost.load(WASM, { preopens: { ".": dir } });
}

const policy = (enrich: object | false) => ({
  version: "bench",
  redact: { keys: [], scan: [] },
  seal: { enabled: false },
  enrich: enrich === false ? { severity: false, audit: false } : enrich,
});

/** Application logs: the level in the message text, as most container logs have it. */
function appLogs(bytes: number): Buffer[] {
  return Array.from({ length: 64 }, (_, i) => {
    const record = containerRecord(i, bytes);
    record.log = LEVELS[i % LEVELS.length] + record.log.slice(4);
    return Buffer.from(JSON.stringify(record));
  });
}

/** Audit events as the API server writes them: a mix of reads, exec, and workload writes, padded to size. */
function auditEvents(bytes: number): Buffer[] {
  const kinds = [
    { verb: "get", user: "system:serviceaccount:kube-system:coredns", ref: { resource: "configmaps", namespace: "kube-system", name: "coredns", apiVersion: "v1" }, code: 200 },
    { verb: "create", user: "alice@example.com", ref: { resource: "pods", namespace: "shop", name: "web-1", subresource: "exec", apiVersion: "v1" }, code: 101 },
    { verb: "list", user: "system:kube-controller-manager", ref: { resource: "secrets", apiVersion: "v1" }, code: 200 },
    { verb: "create", user: "system:serviceaccount:ci:deployer", ref: { resource: "deployments", namespace: "shop", name: "web", apiGroup: "apps", apiVersion: "v1" }, code: 201 },
  ];
  return Array.from({ length: 64 }, (_, i) => {
    const k = kinds[i % kinds.length];
    const event: Record<string, unknown> = {
      kind: "Event", apiVersion: "audit.k8s.io/v1", level: "RequestResponse", auditID: `7c1d2e3f-0000-4000-8000-${String(i).padStart(12, "0")}`,
      stage: "ResponseComplete", requestURI: `/apis/apps/v1/namespaces/shop/deployments?fieldManager=kubectl-client-side-apply&i=${i}`,
      verb: k.verb, user: { username: k.user, groups: ["system:authenticated"] }, sourceIPs: ["10.0.7.41"],
      userAgent: "kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46", objectRef: k.ref, responseStatus: { metadata: {}, code: k.code },
      requestObject: {
        kind: "Deployment", apiVersion: "apps/v1", metadata: { name: "web", namespace: "shop", labels: { app: "web", tier: "frontend" }, annotations: {} as Record<string, string> },
        spec: { replicas: 3, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: {
          containers: [{ name: "web", image: "registry.example.com/web:1.4.2", ports: [{ containerPort: 8080 }], securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true },
            env: [{ name: "LOG_LEVEL", value: "info" }], resources: { limits: { cpu: "500m", memory: "256Mi" } } }],
          volumes: [{ name: "cache", emptyDir: {} }] } } },
      },
      requestReceivedTimestamp: "2026-11-23T08:00:00.123456Z", stageTimestamp: "2026-11-23T08:00:00.223456Z",
      annotations: { "authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": "RBAC: allowed by ClusterRoleBinding \"ci\" of ClusterRole \"edit\"" },
    };
    const annotations = (event.requestObject as any).metadata.annotations;
    for (let n = 0; JSON.stringify(event).length < bytes; n++) annotations[`example.com/note-${n}`] = "rollout by pipeline 4711 for change 1234";
    return Buffer.from(JSON.stringify(event));
  });
}

function rate(filter: FilterHost, records: Buffer[]): { ops: number; seconds: number; bytes: number } {
  let i = 0;
  let bytes = 0;
  const { ops, seconds } = measure(() => {
    const body = records[i++ % records.length];
    bytes += body.length;
    filter.callRaw("kube.var.log.containers.web", body, 1_800_000_000, 0);
  });
  return { ops, seconds, bytes };
}

export default async function (): Promise<BenchRow[]> {
  const workloads: [string, Buffer[], object][] = [
    ["app log 1 KiB, severity", appLogs(1024), policy({})],
    ["app log 1 KiB, severity + gate (DEBUG dropped)", appLogs(1024), policy({ gate: { min_level: "INFO" } })],
    ["audit event 2 KiB, built-in rules", auditEvents(2048), policy({})],
    ["audit event 4 KiB, built-in rules", auditEvents(4096), policy({})],
  ];
  const rows: BenchRow[] = [];
  for (const [name, records, setup] of workloads) {
    const { ops, seconds, bytes } = rate(filterWith(setup), records);
    const on = countInstructions(setup, records).perRecord;
    const off = countInstructions(policy(false), records).perRecord;
    const note = `${Math.round(on).toLocaleString("en-US")} instr/record, ${((on / off - 1) * 100).toFixed(0)}% over enrichment off`;
    rows.push({ name, records: ops, bytes, seconds, note });
  }
  return rows;
}
