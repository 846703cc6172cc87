// Falco's own Kubernetes audit test events through logseal's built-in rules, as they are: which
// of Falco's scenarios fire the logseal rule that stands for Falco's (and which of its negative
// scenarios stay silent). The events are Falco's, read at evaluation time; nothing of them is in
// this repository. Point FALCO_K8S_AUDIT_DIR at a directory holding Falco's test events (the
// *.json files of falcosecurity/falco's test/trace_files/k8s_audit, last present before commit
// b1ae5d3d) and, optionally, its scenario list test/falco_k8s_audit_tests.yaml:
//
//   git -C falco archive b1ae5d3d^ test/trace_files/k8s_audit test/falco_k8s_audit_tests.yaml | tar -x -C /tmp/falco
//   FALCO_K8S_AUDIT_DIR=/tmp/falco/test node --import tsx bench/audit-falco.ts
//
// Without the scenario list or the directory it says so and exits 0.
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { FilterHost } from "../cli/host.ts";
import { defaultPolicyJson } from "../cli/policy.ts";

/** Falco rule -> the logseal rules that stand for it (none: why not). */
export const FALCO_TO_LOGSEAL: Record<string, string[] | string> = {
  "Create Privileged Pod": ["privileged-container"],
  "Create Sensitive Mount Pod": ["sensitive-host-path"],
  "Create HostNetwork Pod": ["host-namespaces"],
  "Create HostPid Pod": ["host-namespaces"],
  "Create HostIPC Pod": ["host-namespaces"],
  "Create NodePort Service": ["nodeport-service"],
  "Create/Modify Configmap With Private Credentials": ["configmap-with-credentials"],
  "Anonymous Request Allowed": ["anonymous-allowed"],
  "Attach/Exec Pod": ["pod-exec"],
  "port-forward": ["pod-port-forward"],
  "EphemeralContainers Created": ["pod-ephemeral-container"],
  "Pod Created in Kube Namespace": ["pod-in-kube-namespace"],
  "Service Account Created in Kube Namespace": ["serviceaccount-in-kube-namespace"],
  "System ClusterRole Modified/Deleted": ["system-rbac-changed"],
  "Attach to cluster-admin Role": ["binding-to-cluster-admin"],
  "ClusterRole With Wildcard Created": ["role-with-wildcard"],
  "ClusterRole With Write Privileges Created": ["role-with-write-verbs"],
  "ClusterRole With Pod Exec Created": ["role-with-exec-access"],
  "K8s Secret Get Successfully": ["secret-read"],
  "K8s Secret Get Unsuccessfully Tried": ["secret-read-denied"],
  "Ingress Object without TLS Certificate Created": ["ingress-without-tls"],
  "Disallowed K8s User": "an allow-list of users: the cluster's own list, as a policy rule (user.username not_equals [...])",
  "Create Disallowed Pod": "an allow-list of images: the cluster's own list, as a policy rule (requestObject.spec.**.image not_prefix [...])",
  "Create Disallowed Namespace": "an allow-list of namespaces: the cluster's own list, as a policy rule",
};

interface Scenario { name: string; file: string; detect: boolean; rules: string[]; files: string[] }

// Falco's test rule files and what they change, as logseal policy (the same lists, as data).
const NOT_CHANGING = ["disallow_kactivity.yaml", "engine_v4_k8s_audit_rules.yaml"]; // activity rules off; the engine-v4 copy of the rules
const FALCO_ALLOWED_USERS = ["minikube", "minikube-user", "kubelet", "kops", "admin", "kube", "kube-proxy", "kube-apiserver-healthcheck",
  "kubernetes-admin", "vpa-recommender", "vpa-updater", "cluster-autoscaler", "system:addon-manager", "cloud-controller-manager",
  "system:kube-controller-manager", "eks:node-manager", "eks:certificate-controller", "eks:fargate-scheduler", "eks:k8s-metrics",
  "eks:authenticator", "eks:cluster-event-watcher", "eks:nodewatcher", "eks:pod-identity-mutating-webhook", "eks:cloud-controller-manager",
  "eks:vpc-resource-controller", "eks:addon-manager"];
const FALCO_ALLOWED_NAMESPACES = ["kube-system", "kube-public", "default"];

/** The allow-list rules of Falco's, as a cluster would write them in its logseal policy. */
function allowListRules(users: string[], namespaces: string[], images: string[] | null): object[] {
  const rule = (id: string, reason: string, match: object) => ({ id, category: "initial-access", severity: "medium", attack: ["T1078"], reason, match });
  const rules = [
    rule("user-not-allowed", "request by a user outside the cluster's allow-list",
      { "user.username": { not_prefix: "system:", not_equals: users }, "responseStatus.code": { max: 399 } }),
    rule("namespace-not-allowed", "namespace created outside the cluster's allow-list",
      { "objectRef.resource": "namespaces", verb: "create", "objectRef.name": { not_equals: namespaces }, "responseStatus.code": { max: 399 } }),
  ];
  if (images) {
    rules.push(rule("image-not-allowed", "pod created with an image outside the cluster's allow-list",
      { "objectRef.resource": "pods", "objectRef.subresource": { exists: false }, verb: "create", "requestObject.spec.**.image": { not_prefix: images } }));
  }
  return rules;
}

/** The logseal policy standing for Falco's default rules plus a scenario's rule files (null: they change nothing). */
function policyFor(files: string[]): object | null {
  const own = files.filter((f) => !NOT_CHANGING.includes(f));
  if (own.length === 0) return null;
  const users = [...FALCO_ALLOWED_USERS, ...(own.includes("allow_user_some-user.yaml") ? ["some-user"] : [])];
  const namespaces = [...FALCO_ALLOWED_NAMESPACES, ...(own.includes("allow_namespace_foo.yaml") ? ["foo"] : [])];
  const images = own.includes("allow_only_apache_container.yaml") ? ["apache"] : own.includes("allow_nginx_container.yaml") ? ["nginx"] : null;
  const rules = allowListRules(users, namespaces, images);
  if (own.includes("trust_nginx_container.yaml")) {
    // Falco's trusted-image lists: the same rules with nginx among their image exceptions.
    for (const id of ["privileged-container", "sensitive-host-path", "host-namespaces"]) {
      const builtIn = JSON.parse(JSON.stringify(DEFAULT_RULES.find((r) => r.id === id)));
      for (const exception of builtIn.unless ?? []) for (const test of Object.values(exception) as any[]) test.only_prefix?.push("nginx");
      rules.push(builtIn);
    }
  }
  return { version: "falco-parity", enrich: { audit: { rules } } };
}

function scenarios(dir: string): Scenario[] {
  const list = [join(dir, "falco_k8s_audit_tests.yaml"), join(dir, "../falco_k8s_audit_tests.yaml")].find(existsSync);
  if (!list) {
    console.log(`audit-falco: no falco_k8s_audit_tests.yaml beside ${dir}: the scenario list is needed (see the top of this file)`);
    process.exit(0);
  }
  const doc = parse(readFileSync(list, "utf8").replace("!mux", "")) as { trace_files: Record<string, any> };
  return Object.entries(doc.trace_files).flatMap(([name, s]) => {
    const file = /trace_files\/k8s_audit\/(\S+)/.exec(s.addl_cmdline_opts ?? "")?.[1];
    if (!file) return [];
    const files = (s.rules_file ?? []).filter((r: string) => r.startsWith("./")).map((r: string) => r.split("/").pop()!);
    const rules = (s.detect_counts ?? []).flatMap((d: Record<string, number>) => Object.keys(d));
    return [{ name, file, detect: Boolean(s.detect), rules, files }];
  });
}

function eventsDir(dir: string): string {
  for (const candidate of [dir, join(dir, "trace_files/k8s_audit"), join(dir, "test/trace_files/k8s_audit")]) {
    if (existsSync(join(candidate, "exec_pod.json"))) return candidate;
  }
  return dir;
}

const root = process.env.FALCO_K8S_AUDIT_DIR;
if (!root || !existsSync(root) || !statSync(root).isDirectory()) {
  console.log("audit-falco: FALCO_K8S_AUDIT_DIR is not set to a directory with Falco's k8s_audit test events: skipped");
  process.exit(0);
}
const events = eventsDir(root);
const files = readdirSync(events).filter((f) => f.endsWith(".json"));
if (files.length === 0) {
  console.log(`audit-falco: no *.json events under ${events}: skipped`);
  process.exit(0);
}

const WASM = new URL("../build/logseal.wasm", import.meta.url).pathname;
const DEFAULT_RULES: any[] = JSON.parse(defaultPolicyJson()).enrich.audit.rules;
const filters = new Map<string, FilterHost>();
function filterFor(policy: object | null): FilterHost {
  const key = JSON.stringify(policy);
  let filter = filters.get(key);
  if (!filter) {
    const dir = mkdtempSync(join(tmpdir(), "logseal-falco-"));
    if (policy) writeFileSync(join(dir, "logseal.policy.json"), JSON.stringify(policy));
    filters.set(key, (filter = FilterHost.load(WASM, { preopens: { ".": dir } })));
  }
  return filter;
}
let clock = 1_800_000_000;
/** logseal's rules for each event (one JSON object per line) of a file, as it is (or without its bodies: level Metadata). */
function classify(file: string, policy: object | null, metadata = false): string[][] {
  const path = join(events, file);
  if (!existsSync(path)) return [];
  const filter = filterFor(policy);
  return readFileSync(path, "utf8").split("\n").filter((l) => l.trim()).map((line) => {
    if (metadata) {
      const { requestObject: _, responseObject: __, ...rest } = JSON.parse(line);
      line = JSON.stringify({ ...rest, level: "Metadata" });
    }
    const result = filter.call("kube-audit", line, (clock += 61));
    return result.kind === "record" ? ((result.record.audit as { rules?: string[] } | undefined)?.rules ?? []) : [];
  });
}

const SECURITY = new Set(Object.values(FALCO_TO_LOGSEAL).filter(Array.isArray).flat());
const ALLOW_LIST_RULES = ["user-not-allowed", "namespace-not-allowed", "image-not-allowed"];
const ALLOW_LIST_FOR: Record<string, string> = { "Disallowed K8s User": "user-not-allowed", "Create Disallowed Namespace": "namespace-not-allowed", "Create Disallowed Pod": "image-not-allowed" };
console.log(`audit-falco: ${files.length} Falco test events in ${events}`);
const tally = { asIs: [0, 0], silent: [0, 0], lists: [0, 0], listsSilent: [0, 0], metadata: [0, 0, 0] };
const GAP_RULES = ["binding-not-logged", "role-not-logged", "token-secret-populated"];
const ruleFired = new Map<string, boolean>();
const activity: string[] = [];
for (const s of scenarios(root)) {
  const policy = policyFor(s.files);
  const results = classify(s.file, policy);
  if (results.length === 0) continue;
  const shown = `[${results.map((r) => r.join("+") || "-").join(" | ")}]`;
  const wanted = s.rules.map((r) => FALCO_TO_LOGSEAL[r] === undefined ? undefined : Array.isArray(FALCO_TO_LOGSEAL[r]) ? FALCO_TO_LOGSEAL[r] : [ALLOW_LIST_FOR[r]]);
  if (s.detect && wanted.length && wanted.every((w) => w !== undefined)) {
    const want = (wanted as string[][]).flat();
    const ok = results.every((rules) => want.some((id) => rules.includes(id)));
    const bucket = policy ? tally.lists : tally.asIs;
    bucket[0]++;
    if (ok) bucket[1]++;
    for (const r of s.rules) ruleFired.set(r, (ruleFired.get(r) ?? true) && ok);
    if (!policy) {
      // The same events at level Metadata (what the Kubernetes documentation's example policy gives RBAC and workloads).
      const reduced = classify(s.file, null, true);
      tally.metadata[0]++;
      if (reduced.every((rules) => want.some((id) => rules.includes(id)))) tally.metadata[1]++;
      else if (reduced.every((rules) => GAP_RULES.some((id) => rules.includes(id)))) tally.metadata[2]++;
    }
    console.log(`${ok ? "fires " : "MISSED"}  ${s.name.padEnd(60)} ${s.rules.join(", ")} -> ${want.join(", ")}${policy ? " (with the cluster's lists)" : ""}  ${shown}`);
  } else if (!s.detect) {
    const watched = new Set([...SECURITY, ...(policy ? ALLOW_LIST_RULES : [])]);
    const flagged = results.flat().filter((id) => watched.has(id));
    const bucket = policy ? tally.listsSilent : tally.silent;
    bucket[0]++;
    if (flagged.length === 0) bucket[1]++;
    console.log(`${flagged.length === 0 ? "silent" : "FIRES "}  ${s.name.padEnd(60)} (Falco: nothing)${policy ? " (with the cluster's lists)" : ""}  ${shown}`);
  } else {
    activity.push(`${s.name} (${s.rules.join(", ")}): ${shown}`);
  }
}
console.log(`\nFalco's activity stream (INFO rules, not security detections): ${activity.length} scenarios; logseal flags the security-relevant ones:`);
for (const row of activity) console.log(`  ${row}`);
const covered = Object.values(FALCO_TO_LOGSEAL).filter(Array.isArray).length;
const total = Object.keys(FALCO_TO_LOGSEAL).length;
console.log(`\nscenarios that detect, Falco's default rules, the events as they are: ${tally.asIs[1]} of ${tally.asIs[0]} fire their logseal rule`);
console.log(`scenarios that detect with Falco's test allow-lists, logseal with the same lists as policy rules: ${tally.lists[1]} of ${tally.lists[0]}`);
console.log(`the same events reduced to level Metadata: ${tally.metadata[1]} of ${tally.metadata[0]} still fire their rule; ${tally.metadata[2]} more fire a rule naming the gap (${GAP_RULES.slice(0, 2).join(", ")}); the rest need the body (privileged, host, mounts, NodePort, ConfigMap data)`);
console.log(`scenarios that detect nothing: ${tally.silent[1]} of ${tally.silent[0]} leave logseal's matching rules silent (with lists: ${tally.listsSilent[1]} of ${tally.listsSilent[0]})`);
console.log(`Falco's security rules (on by default): ${covered} of ${total} have a built-in logseal rule; the other ${total - covered} are allow-lists a cluster writes as policy rules (docs/enrichment.md)`);
console.log(`Falco's security rules with a test event: ${[...ruleFired.values()].filter(Boolean).length} of ${ruleFired.size} fire on every one of their events`);
