// The fixed NDJSON workloads of `make bench-fluent-bit`, generated deterministically (same seed,
// same bytes on every machine):
// - container logs (~1 KiB) as Fluent Bit's tail + kubernetes filter write them: the CRI fields,
//   the `kubernetes` block (pod annotations on a third of the pods), a fifth of the lines as
//   merged JSON application logs; one line in ten carries a secret (card, e-mail, JWT, tokens,
//   `password=`, URL password, Authorization header, or a secret-bearing key);
// - Kubernetes audit events (~3 KiB, audit.k8s.io/v1 Event) at Metadata, Request and
//   RequestResponse level; one in ten carries a secret (a Secret's data, a token in a URI or a
//   connection string in a ConfigMap).
import { containerRecord } from "../workload.ts";
import { Rng } from "../rng.ts";
export { Rng };

/** mulberry32: small, fast, deterministic. */

const DIGITS = "0123456789";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const ALNUM = UPPER + LOWER + DIGITS;
const B64URL = ALNUM + "-_";
const HEX = "0123456789abcdef";

/** A Luhn-valid card number of `length` digits starting with `prefix`. */
export function luhnCard(rng: Rng, prefix: string, length: number): string {
  let digits = prefix + rng.string(DIGITS, length - prefix.length - 1);
  let sum = 0;
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits + ((10 - (sum % 10)) % 10);
}

const grouped = (digits: string, sep: string) => digits.match(/.{1,4}/g)!.join(sep);
const b64url = (text: string) => Buffer.from(text).toString("base64url");

/** One secret-bearing phrase of a log line, by kind (cycled through). */
const SECRET_PHRASES: ((rng: Rng, i: number) => string)[] = [
  (rng) => `payment accepted card=${grouped(luhnCard(rng, "4", 16), " ")} amount=${rng.int(1, 900)}.00 EUR`,
  (rng, i) => `password reset requested for jane.doe${i}@example.com via web`,
  (rng) => `auth ok token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${b64url(`{"sub":"user-${rng.int(1, 99999)}","exp":1795400000}`)}.${rng.string(B64URL, 43)}`,
  (rng) => `login failed for admin password=Hunter${rng.int(100, 999)}! from 10.0.3.${rng.int(1, 254)}`,
  (rng) => `connecting to postgres://app:S3cret-${rng.string(ALNUM, 8)}@db.shop.svc:5432/orders`,
  (rng) => `cloning with ghp_${rng.string(ALNUM, 36)} from github.com/example/app`,
  (rng) => `uploading with AKIA${rng.string(UPPER + DIGITS, 16)} to s3://backups`,
  (rng) => `GET /api/v1/me headers Authorization: Bearer ${rng.string(B64URL, 40)} accept=json`,
  (rng) => `charge created with sk_live_${rng.string(ALNUM, 24)} customer=cus_${rng.string(ALNUM, 14)}`,
  (rng) => `notify via xoxb-${rng.string(DIGITS, 12)}-${rng.string(DIGITS, 12)}-${rng.string(ALNUM, 24)}`,
  (rng) => `maps client key AIza${rng.string(B64URL, 35)} loaded`,
  (rng) => `refund to card ${grouped(luhnCard(rng, "5105", 16), "-")} approved by ops@example.org`,
];

const LEVELS = ["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"];
const PATHS = ["/api/v1/orders", "/api/v1/cart", "/healthz", "/api/v1/users/42", "/metrics", "/api/v1/search?q=shoes"];
const ANNOTATIONS = {
  "prometheus.io/scrape": "true",
  "prometheus.io/port": "9090",
  "kubectl.kubernetes.io/restartedAt": "2026-11-20T10:00:00Z",
  "checksum/config": "9f2c1e7a4b6d8f0a2c4e6b8d0f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a",
};

/** Container log record `i` (about `target` bytes of JSON). */
export function containerLogRecord(rng: Rng, i: number, target = 1024): Record<string, unknown> {
  const base = containerRecord(i, 0) as Record<string, any>;
  const at = new Date(Date.UTC(2026, 10, 23, 8, 0, 0) + i * 7).toISOString();
  const record: Record<string, any> = { time: at.replace("Z", "000000Z"), stream: base.stream, _p: base._p, log: "" };
  const structured = i % 5 === 2;
  if (structured) {
    // kubernetes filter with Merge_Log On: the application's JSON fields at the top level.
    record.level = rng.pick(["info", "info", "warn", "error"]);
    record.msg = "request completed";
    record.trace_id = rng.string(HEX, 32);
    record.http = { method: rng.pick(["GET", "POST", "PUT"]), path: rng.pick(PATHS), status: rng.pick([200, 200, 201, 404, 500]), duration_ms: rng.int(1, 900) };
  }
  const secret = i % 10 === 7;
  const kind = Math.floor(i / 10);
  if (secret && structured && kind % 4 === 0) {
    // A secret under a key the policy names, nested as applications log request context.
    record.http.headers = { "User-Agent": "okhttp/4.12.0", Authorization: `Bearer ${rng.string(B64URL, 32)}` };
  } else if (secret && structured && kind % 4 === 1) {
    record.db = { user: "app", password: `pw-${rng.string(ALNUM, 12)}` };
  }
  record.kubernetes = { ...base.kubernetes };
  if (i % 3 === 0) record.kubernetes.annotations = ANNOTATIONS;
  let log = `${at} ${rng.pick(LEVELS)} [worker-${i % 8}] `;
  if (secret && !(structured && kind % 4 < 2)) log += SECRET_PHRASES[kind % SECRET_PHRASES.length](rng, i) + " ";
  const fill = ["GET", rng.pick(PATHS), "200", "in", `${rng.int(1, 900)}ms`, "user", `u-${rng.int(1, 5000)}`, "session", rng.string(HEX, 16),
    "cache", "hit", "request", "completed", "upstream", "latency", "bytes", "sent", "worker", "queue", "depth", "retry", "ok"];
  record.log = log;
  const size = () => JSON.stringify(record).length;
  let w = 0;
  while (size() < target) {
    record.log += fill[w++ % fill.length] + " ";
  }
  record.log = record.log.slice(0, Math.max(log.length, record.log.length - (size() - target))).trimEnd();
  return record;
}

const VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"];
const RESOURCES = ["pods", "configmaps", "secrets", "deployments", "leases", "services", "events"];
const USERS = [
  { username: "system:serviceaccount:kube-system:deployment-controller", groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"] },
  { username: "system:node:node-1", groups: ["system:nodes", "system:authenticated"] },
  { username: "jane.doe@example.com", groups: ["oidc:platform-admins", "system:authenticated"] },
  { username: "system:kube-scheduler", groups: ["system:authenticated"] },
];
const AGENTS = [
  "kube-controller-manager/v1.31.2 (linux/amd64) kubernetes/5864a46/system:serviceaccount:kube-system:deployment-controller",
  "kubelet/v1.31.2 (linux/amd64) kubernetes/5864a46",
  "kubectl/v1.31.1 (darwin/arm64) kubernetes/948afe5",
  "kube-scheduler/v1.31.2 (linux/amd64) kubernetes/5864a46/leader-election",
];

const uuid = (rng: Rng) =>
  `${rng.string(HEX, 8)}-${rng.string(HEX, 4)}-4${rng.string(HEX, 3)}-a${rng.string(HEX, 3)}-${rng.string(HEX, 12)}`;

function managedFields(rng: Rng, manager: string): unknown[] {
  return [{
    manager,
    operation: "Update",
    apiVersion: "v1",
    time: "2026-11-23T08:00:00Z",
    fieldsType: "FieldsV1",
    fieldsV1: { "f:metadata": { "f:labels": { ".": {}, "f:app": {}, "f:tier": {} }, "f:annotations": { "f:checksum/config": {} } }, "f:data": { ".": {}, [`f:key-${rng.int(1, 9)}`]: {} } },
  }];
}

/** Kubernetes audit event `i` (about `target` bytes of JSON). */
export function auditEventRecord(rng: Rng, i: number, target = 3072): Record<string, unknown> {
  const secret = i % 10 === 3;
  const resource = secret ? rng.pick(["secrets", "configmaps", "pods"]) : rng.pick(RESOURCES);
  const verb = secret ? (resource === "pods" ? "get" : "create") : rng.pick(VERBS);
  const user = USERS[i % USERS.length];
  const namespace = rng.pick(["shop", "payments", "kube-system", "monitoring"]);
  const name = `${resource.slice(0, -1)}-${rng.string(LOWER + DIGITS, 6)}`;
  const level = secret ? "RequestResponse" : rng.pick(["Metadata", "Request", "RequestResponse"]);
  const received = new Date(Date.UTC(2026, 10, 23, 8, 0, 0) + i * 13);
  let requestURI = `/api/v1/namespaces/${namespace}/${resource}${verb === "list" || verb === "watch" || verb === "create" ? "" : "/" + name}`;
  if (secret && resource === "pods") requestURI += `/exec?command=sh&token=${rng.string(ALNUM, 32)}`;
  const event: Record<string, any> = {
    kind: "Event",
    apiVersion: "audit.k8s.io/v1",
    level,
    auditID: uuid(rng),
    stage: "ResponseComplete",
    requestURI,
    verb,
    user: { username: user.username, uid: uuid(rng), groups: user.groups, extra: { "authentication.kubernetes.io/credential-id": [`JTI=${uuid(rng)}`] } },
    sourceIPs: [`10.0.${rng.int(0, 9)}.${rng.int(1, 254)}`],
    userAgent: AGENTS[i % AGENTS.length],
    objectRef: { resource, namespace, name, apiVersion: "v1" },
    responseStatus: { metadata: {}, code: verb === "create" ? 201 : 200 },
  };
  const writes = verb === "create" || verb === "update" || verb === "patch";
  if (level !== "Metadata") {
    const data: Record<string, string> = {};
    if (secret && resource === "secrets") {
      data.token = Buffer.from(rng.string(ALNUM, 40)).toString("base64");
      data.password = Buffer.from(`pw-${rng.string(ALNUM, 12)}`).toString("base64");
    } else if (secret && resource === "configmaps") {
      data.DATABASE_URL = `postgres://orders:S3cret-${rng.string(ALNUM, 10)}@db.${namespace}.svc:5432/orders`;
    } else {
      data.LOG_LEVEL = "info";
      data.FEATURE_FLAGS = "checkout-v2,search-ranking";
    }
    const object = {
      kind: resource === "secrets" ? "Secret" : "ConfigMap",
      apiVersion: "v1",
      metadata: { name, namespace, labels: { app: "shop", tier: "backend" }, annotations: { "checksum/config": rng.string(HEX, 64) } },
      data,
    };
    if (writes || secret) event.requestObject = object;
    if (level === "RequestResponse") {
      event.responseObject = {
        ...object,
        metadata: { ...object.metadata, uid: uuid(rng), resourceVersion: String(rng.int(100000, 999999)), creationTimestamp: received.toISOString().replace(/\.\d+Z$/, "Z"), managedFields: managedFields(rng, user.username.split(":").pop()!) },
      };
    }
  }
  event.requestReceivedTimestamp = received.toISOString().replace("Z", "000Z");
  event.stageTimestamp = new Date(received.getTime() + rng.int(1, 40)).toISOString().replace("Z", "000Z");
  event.annotations = {
    "authorization.k8s.io/decision": "allow",
    "authorization.k8s.io/reason": `RBAC: allowed by ClusterRoleBinding "system:controller:${user.username.split(":").pop()}" of ClusterRole "admin" to User "${user.username}"`,
  };
  // Grow to the target size the way real events do: admission webhooks annotate what they did.
  const size = () => JSON.stringify(event).length;
  for (let round = 0; size() < target - 160; round++) {
    event.annotations[`mutation.webhook.admission.k8s.io/round_${round}_index_0`] = JSON.stringify({
      configuration: rng.pick(["istio-sidecar-injector", "linkerd-proxy-injector", "kyverno-resource-mutating-webhook-cfg"]),
      webhook: rng.pick(["namespace.sidecar-injector.istio.io", "linkerd-proxy-injector.linkerd.io", "mutate.kyverno.svc-fail"]),
      mutated: rng.next() < 0.3,
    });
  }
  const note = "pod-security.kubernetes.io/audit-violations";
  event.annotations[note] = "";
  const words = ["would", "violate", "PodSecurity", "restricted:latest", "allowPrivilegeEscalation", "!=", "false", "unrestricted", "capabilities", "runAsNonRoot", "seccompProfile"];
  let text = "";
  for (let w = 0; JSON.stringify(text).length - 2 < target - size(); w++) text += words[w % words.length] + " ";
  event.annotations[note] = text.slice(0, Math.max(0, target - size())).trimEnd();
  return event;
}

export interface Workload {
  name: string;
  description: string;
  /** NDJSON text, one record per line. */
  text: string;
  records: number;
  bytes: number;
}

/** `count` records from `make` as NDJSON, the same for the same seed. */
function ndjsonWorkload(name: string, description: string, count: number, seed: number,
  make: (rng: Rng, i: number) => object): Workload {
  const rng = new Rng(seed);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(JSON.stringify(make(rng, i)));
  const text = lines.join("\n") + "\n";
  return { name, description, text, records: count, bytes: Buffer.byteLength(text) };
}

/** `count` container log records of about 1 KiB as NDJSON. */
export function containerWorkload(count: number, seed = 20261123): Workload {
  return ndjsonWorkload("container", "container logs, ~1 KiB (tail + kubernetes filter)", count, seed, containerLogRecord);
}

/** `count` audit events of about 3 KiB as NDJSON. */
export function auditWorkload(count: number, seed = 20261124): Workload {
  return ndjsonWorkload("audit", "Kubernetes audit events, ~3 KiB (audit.k8s.io/v1)", count, seed, auditEventRecord);
}
