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
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { FilterHost } from "../cli/host.ts";
import { defaultPolicyJson } from "../cli/policy.ts";
import { scratchDir } from "../cli/scratch.js";

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
  // Falco's allow-list rules: built in, reading enrich.audit.lists (Falco's default entries built in).
  "Disallowed K8s User": ["system-masters-user-not-allowed", "user-not-allowed"],
  "Create Disallowed Pod": ["image-not-allowed"],
  "Create Disallowed Namespace": ["namespace-not-allowed"],
};

interface Scenario { name: string; file: string; detect: boolean; rules: string[]; files: string[] }

// Falco's test rule files and what they change, as logseal policy: entries of the same lists.
const NOT_CHANGING = ["disallow_kactivity.yaml", "engine_v4_k8s_audit_rules.yaml"]; // activity rules off; the engine-v4 copy of the rules
const LIST_FILES: Record<string, [string, string]> = {
  "allow_user_some-user.yaml": ["allowed_users", "some-user"],
  "allow_namespace_foo.yaml": ["allowed_namespaces", "foo"],
  "allow_only_apache_container.yaml": ["allowed_images", "apache"],
  "allow_nginx_container.yaml": ["allowed_images", "nginx"],
};
/** The list each needs_list rule reads: naming it [] switches on Falco's default entries alone. */
const LIST_OF_RULE: Record<string, string> = { "user-not-allowed": "allowed_users", "namespace-not-allowed": "allowed_namespaces", "image-not-allowed": "allowed_images" };

/** The logseal policy standing for a scenario's rule files beside Falco's defaults (null: they change nothing); `named`: lists named [] too. */
function policyFor(files: string[], named: string[] = []): object | null {
  const own = files.filter((f) => !NOT_CHANGING.includes(f));
  if (own.length === 0 && named.length === 0) return null;
  const lists: Record<string, string[]> = Object.fromEntries(named.map((name) => [name, []]));
  for (const file of own) {
    const entry = LIST_FILES[file];
    if (entry) (lists[entry[0]] ??= []).push(entry[1]);
  }
  const rules: object[] = [];
  if (own.includes("trust_nginx_container.yaml")) {
    // Falco's trusted-image lists: the same rules with nginx among their image exceptions.
    for (const id of ["privileged-container", "sensitive-host-path", "host-namespaces"]) {
      const builtIn = JSON.parse(JSON.stringify(DEFAULT_RULES.find((r) => r.id === id)));
      for (const exception of builtIn.unless ?? []) for (const test of Object.values(exception) as any[]) test.only_prefix?.push("nginx");
      rules.push(builtIn);
    }
  }
  return { version: "falco-parity", enrich: { audit: { lists, rules } } };
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
    const dir = scratchDir("logseal-falco-");
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
console.log(`audit-falco: ${files.length} Falco test events in ${events}`);
// Scenarios are counted as they are: Falco's default rules plus the scenario's own rule files (the
// allow-list files become entries of logseal's lists); "with lists" marks those with such files.
const tally = { detect: [0, 0], silent: [0, 0], metadata: [0, 0, 0], named: [0, 0] };
const GAP_RULES = ["binding-not-logged", "role-not-logged", "token-secret-populated"];
const ruleFired = new Map<string, boolean>();
/** Falco rules that fire only once the cluster names a list (with [] : Falco's default entries). */
const firesWhenNamed = new Map<string, boolean>();
const activity: string[] = [];
const fires = (results: string[][], want: string[]) => results.every((rules) => want.some((id) => rules.includes(id)));
for (const s of scenarios(root)) {
  const policy = policyFor(s.files);
  const results = classify(s.file, policy);
  if (results.length === 0) continue;
  const shown = `[${results.map((r) => r.join("+") || "-").join(" | ")}]`;
  const lists = policy ? " (with the scenario's lists)" : "";
  const wanted = s.rules.map((r) => FALCO_TO_LOGSEAL[r]);
  if (s.detect && wanted.length && wanted.every(Array.isArray)) {
    const want = (wanted as string[][]).flat();
    const ok = fires(results, want);
    tally.detect[0]++;
    if (ok) tally.detect[1]++;
    for (const r of s.rules) ruleFired.set(r, (ruleFired.get(r) ?? true) && ok);
    let note = "";
    if (!ok) {
      // A rule off until its list is named: the same scenario with that list named [] (Falco's default entries alone).
      const named = want.map((id) => LIST_OF_RULE[id]).filter(Boolean);
      if (named.length) {
        const again = fires(classify(s.file, policyFor(s.files, named)), want);
        tally.named[0]++;
        if (again) tally.named[1]++;
        for (const r of s.rules) firesWhenNamed.set(r, (firesWhenNamed.get(r) ?? true) && again);
        note = `; with lists ${named.map((n) => `${n}: []`).join(", ")}: ${again ? "fires" : "MISSED"}`;
      }
    }
    // The same events at level Metadata (what the Kubernetes documentation's example policy gives RBAC and workloads).
    const reduced = classify(s.file, policy, true);
    tally.metadata[0]++;
    if (fires(reduced, want)) tally.metadata[1]++;
    else if (fires(reduced, GAP_RULES)) tally.metadata[2]++;
    console.log(`${ok ? "fires " : "MISSED"}  ${s.name.padEnd(60)} ${s.rules.join(", ")} -> ${want.join(", ")}${lists}  ${shown}${note}`);
  } else if (!s.detect) {
    const flagged = results.flat().filter((id) => SECURITY.has(id));
    tally.silent[0]++;
    if (flagged.length === 0) tally.silent[1]++;
    console.log(`${flagged.length === 0 ? "silent" : "FIRES "}  ${s.name.padEnd(60)} (Falco: nothing)${lists}  ${shown}`);
  } else {
    activity.push(`${s.name} (${s.rules.join(", ")}): ${shown}`);
  }
}
console.log(`\nFalco's activity stream (INFO rules, not security detections): ${activity.length} scenarios; logseal flags the security-relevant ones:`);
for (const row of activity) console.log(`  ${row}`);
const covered = Object.values(FALCO_TO_LOGSEAL).filter(Array.isArray).length;
const total = Object.keys(FALCO_TO_LOGSEAL).length;
const firing = [...ruleFired.entries()].filter(([, ok]) => ok).map(([r]) => r);
const lateRules = [...firesWhenNamed.entries()].filter(([, ok]) => ok).map(([r]) => r);
const noEvent = Object.keys(FALCO_TO_LOGSEAL).filter((r) => !ruleFired.has(r));
console.log(`\nscenarios that detect: ${tally.detect[1]} of ${tally.detect[0]} fire their logseal rule with the events as they are${tally.named[0] ? `; of the other ${tally.named[0]}, ${tally.named[1]} fire once the list their rule reads is named ([]: Falco's default entries)` : ""}`);
console.log(`the same events reduced to level Metadata: ${tally.metadata[1]} of ${tally.metadata[0]} still fire their rule; ${tally.metadata[2]} more fire a rule naming the gap (${GAP_RULES.slice(0, 2).join(", ")}); the rest need the body (privileged, host, mounts, NodePort, ConfigMap data, images)`);
console.log(`scenarios that detect nothing: ${tally.silent[1]} of ${tally.silent[0]} leave the logseal rules standing for Falco's silent`);
console.log(`Falco's security rules (on by default): ${covered} of ${total} have a built-in logseal rule`);
console.log(`Falco's security rules with a test event: ${firing.length} of ${ruleFired.size} fire on every one of their events as they are (${(100 * firing.length / ruleFired.size).toFixed(1)}%)${lateRules.length ? `; ${lateRules.join(", ")}: once its list is named` : ""}`);
console.log(`counting the ${noEvent.length} without a test event (${noEvent.join(", ")}) as built in: ${firing.length + noEvent.length} of ${total} (${(100 * (firing.length + noEvent.length) / total).toFixed(1)}%)`);
