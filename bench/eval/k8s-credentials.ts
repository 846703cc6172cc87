// Kubernetes API-server audit events carrying credentials where real clusters put them, each
// labelled: where a credential is (JSON pointer to the string holding it, and the credential's own
// text) and where a benign look-alike is. Written from Kubernetes' API reference and from how
// kubectl, Helm, kubeadm, the token controller and common operators write their requests; every
// value is generated here (seeded), nothing is copied from a cluster. The places and why each is
// one are in docs/k8s-credentials.md; bench/eval/k8s-credentials-eval.ts runs them through the
// module.
//
//   node --import tsx bench/eval/k8s-credentials.ts [--n 400] [--seed 7] [--extra] [--out events.ndjson]
//     writes the events (one per line) and, beside them, <out>.labels.json; --extra: the shapes
//     added later (EXTRA_SHAPES) instead of the 30
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { pathToFileURL } from "node:url";
import { Rng } from "../rng.ts";

/** credential: shipped in clear is a leak. benign: masked is a false alarm. confidential: a
 * Secret's non-credential data (a username): counted apart, neither. */
export type LabelKind = "credential" | "benign" | "confidential";

export interface Label {
  /** RFC 6901 pointer to the string that holds the value (in the event as the API server writes it). */
  pointer: string;
  /** The credential's (or look-alike's) own text, as it appears inside that string. */
  value: string;
  kind: LabelKind;
  /** What it is, for the per-kind breakdown ("env DB_PASSWORD", "Secret data tls.key"). */
  what: string;
  /** Benign values judged as a whole string (an env value "8080"), not as a part of one. */
  exact?: boolean;
}

export interface GeneratedEvent {
  shape: string;
  event: Record<string, unknown>;
  labels: Label[];
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
const HEX = "0123456789abcdef";
const B64 = ALNUM + "+/";
const B64URL = ALNUM + "-_";
const PASSWORD_CHARS = ALNUM + "!#%^&*-_+=.~@";

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
const b64url = (s: string) => Buffer.from(s).toString("base64url");

/** Values placed in one event, found again by their text once the event is built. */
interface Placed { value: string; kind: LabelKind; what: string; exact: boolean }

export class Gen {
  private placed: Placed[] = [];
  constructor(readonly rng: Rng, readonly fullBodies = false) {}

  cred(what: string, value: string): string {
    this.placed.push({ value, kind: "credential", what, exact: false });
    return value;
  }
  benign(what: string, value: string, exact = true): string {
    this.placed.push({ value, kind: "benign", what, exact });
    return value;
  }
  confidential(what: string, value: string): string {
    this.placed.push({ value, kind: "confidential", what, exact: true });
    return value;
  }

  /** Every string of the event that holds a placed value gets a label (copies in the response or
   * in last-applied-configuration included); a value placed nowhere is a generator bug. */
  finish(shape: string, event: Record<string, unknown>): GeneratedEvent {
    const labels: Label[] = [];
    const found = new Set<Placed>();
    // The same text placed twice (an env value in two containers) is one value with two places.
    const seen = new Map<string, Placed>();
    for (const p of this.placed) {
      const key = `${p.kind}\u0000${p.exact}\u0000${p.value}`;
      if (seen.has(key)) found.add(p);
      else seen.set(key, p);
    }
    const unique = [...seen.values()];
    walkStrings(event, "", (pointer, text) => {
      for (const p of unique) {
        if (p.exact ? text !== p.value : !text.includes(p.value)) continue;
        found.add(p);
        labels.push({ pointer, value: p.value, kind: p.kind, what: p.what, ...(p.exact ? { exact: true } : {}) });
      }
    });
    // (Values made for a response the event's level leaves out are legitimately nowhere.)
    if (event.responseObject !== undefined || event.level === "Metadata")
      for (const p of this.placed) if (!found.has(p)) throw new Error(`${shape}: ${p.what} placed nowhere`);
    this.placed = [];
    return { shape, event, labels };
  }

  /** Registers `encoded` (base64 of `plain`) like the value placed inside `plain`, if any. */
  likePlaced(plain: string, encoded: string, what: string): string {
    const p = this.placed.find((q) => (q.exact ? plain === q.value : plain.includes(q.value)));
    if (p) this.placed.push({ value: encoded, kind: p.kind, what, exact: p.kind !== "credential" });
    return encoded;
  }

  // ---- values ----
  pick<T>(items: readonly T[]): T {
    return this.rng.pick(items);
  }
  str(alphabet: string, n: number): string {
    return this.rng.string(alphabet, n);
  }
  password(): string {
    // Starts with a letter (a leading `$` reads as a variable, `{` as a template: both would be
    // placeholders to any scanner) and has a digit and a symbol, as password rules demand.
    const n = this.rng.int(12, 24);
    return this.str(ALNUM.slice(0, 52), 1) + this.str(PASSWORD_CHARS, n - 3) + this.str("0123456789", 1) + this.str("!#%^&*-_+=", 1);
  }
  /** A password that survives URL encoding unchanged (for connection strings and request URIs). */
  urlPassword(): string {
    return this.str(ALNUM.slice(0, 52), 1) + this.str(ALNUM + "-_.~", this.rng.int(14, 22)) + this.str("0123456789", 1);
  }
  hex(n: number): string {
    return this.str(HEX, n);
  }
  base64Random(bytes: number): string {
    return b64(Buffer.from(Array.from({ length: bytes }, () => this.rng.int(0, 255))));
  }
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
  awsSecret(): string {
    return this.str(B64, 40);
  }
  vendorToken(): { name: string; value: string } {
    return this.pick([
      () => ({ name: "GITHUB_TOKEN", value: "ghp_" + this.str(ALNUM, 36) }),
      () => ({ name: "STRIPE_SECRET_KEY", value: "sk_live_" + this.str(ALNUM, this.rng.int(24, 99)) }),
      () => ({ name: "SLACK_BOT_TOKEN", value: `xoxb-${this.str("0123456789", 12)}-${this.str("0123456789", 13)}-${this.str(ALNUM, 24)}` }),
      () => ({ name: "SENDGRID_API_KEY", value: `SG.${this.str(B64URL, 22)}.${this.str(B64URL, 43)}` }),
      () => ({ name: "NPM_TOKEN", value: "npm_" + this.str(ALNUM, 36) }),
      () => ({ name: "VAULT_TOKEN", value: "hvs." + this.str(B64URL, 90) }),
      () => ({ name: "OPENAI_API_KEY", value: "sk-proj-" + this.str(B64URL, 120) }),
      () => ({ name: "GITLAB_TOKEN", value: "glpat-" + this.str(B64URL, 20) }),
    ])();
  }
  /** A projected service-account token as the API server signs them (RS256, bound, expiring). */
  saJwt(namespace: string, sa: string, legacy = false): string {
    const header = b64url(JSON.stringify({ alg: "RS256", kid: this.str(B64URL, 43) }));
    const now = 1_796_000_000 + this.rng.int(0, 5_000_000);
    const claims = legacy
      ? { iss: "kubernetes/serviceaccount", "kubernetes.io/serviceaccount/namespace": namespace,
          "kubernetes.io/serviceaccount/secret.name": `${sa}-token-${this.str(LOWER_ALNUM, 5)}`,
          "kubernetes.io/serviceaccount/service-account.name": sa, "kubernetes.io/serviceaccount/service-account.uid": this.uuid(),
          sub: `system:serviceaccount:${namespace}:${sa}` }
      : { aud: ["https://kubernetes.default.svc.cluster.local"], exp: now + 3600, iat: now, iss: "https://kubernetes.default.svc.cluster.local",
          "kubernetes.io": { namespace, serviceaccount: { name: sa, uid: this.uuid() } }, nbf: now, sub: `system:serviceaccount:${namespace}:${sa}` };
    return `${header}.${b64url(JSON.stringify(claims))}.${this.str(B64URL, 342)}`;
  }
  pem(label: string, lines: number): string {
    const body = Array.from({ length: lines }, () => this.str(B64, 64)).join("\n");
    return `-----BEGIN ${label}-----\n${body}\n${this.str(B64, 24)}==\n-----END ${label}-----\n`;
  }
  privateKeyPem(): string {
    return this.pick([() => this.pem("RSA PRIVATE KEY", 12), () => this.pem("EC PRIVATE KEY", 3), () => this.pem("PRIVATE KEY", 8)])();
  }
  certificatePem(): string {
    return "-----BEGIN CERTIFICATE-----\nMII" + this.pem("X", 10).split("\n").slice(1, -2).join("\n").slice(3) + "\n-----END CERTIFICATE-----\n";
  }
}

/** Calls `visit` for every string in `value` with its RFC 6901 pointer. */
export function walkStrings(value: unknown, pointer: string, visit: (pointer: string, text: string) => void): void {
  if (typeof value === "string") visit(pointer, value);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, `${pointer}/${i}`, visit));
  else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) walkStrings(v, `${pointer}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`, visit);
}

/** The value a pointer names, or undefined. */
export function resolvePointer(root: unknown, pointer: string): unknown {
  if (pointer === "") return root;
  let node: unknown = root;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

// ---- the audit event around a request ----

const NAMESPACES = ["payments", "checkout", "data", "platform", "ml", "web", "billing"];
const PEOPLE = ["alice@example.com", "bob@example.com", "oncall@example.com", "ci-deployer"];
const APPS = ["api", "worker", "orders", "ledger", "gateway", "notifier", "search"];

interface Request {
  verb: string;
  resource: string;
  group?: string;
  version?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  level: "Metadata" | "Request" | "RequestResponse";
  requestObject?: unknown;
  responseObject?: unknown;
  user?: string;
  userAgent?: string;
  code?: number;
  query?: string;
  stage?: string;
}

function auditEvent(g: Gen, r: Request): Record<string, unknown> {
  const base = r.group ? `/apis/${r.group}/${r.version ?? "v1"}` : "/api/v1";
  const ns = r.namespace ? `/namespaces/${r.namespace}` : "";
  const name = r.name && r.verb !== "create" ? `/${r.name}` : r.subresource && r.name ? `/${r.name}` : "";
  const sub = r.subresource ? `/${r.subresource}` : "";
  const seconds = g.rng.int(0, 86_399);
  const t = `2026-12-0${g.rng.int(1, 5)}T${String(Math.floor(seconds / 3600)).padStart(2, "0")}:${String(Math.floor(seconds / 60) % 60).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
  const user = r.user ?? g.pick(PEOPLE);
  const event: Record<string, unknown> = {
    kind: "Event",
    apiVersion: "audit.k8s.io/v1",
    level: r.level,
    auditID: g.uuid(),
    stage: r.stage ?? "ResponseComplete",
    requestURI: `${base}${ns}/${r.resource}${name}${sub}${r.query ? `?${r.query}` : ""}`,
    verb: r.verb,
    user: { username: user, groups: user.startsWith("system:serviceaccount:") ? ["system:serviceaccounts", "system:authenticated"] : ["developers", "system:authenticated"] },
    sourceIPs: [`10.${g.rng.int(0, 255)}.${g.rng.int(0, 255)}.${g.rng.int(1, 254)}`],
    userAgent: r.userAgent ?? "kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46",
    objectRef: {
      resource: r.resource,
      ...(r.namespace ? { namespace: r.namespace } : {}),
      ...(r.name ? { name: r.name } : {}),
      ...(r.group ? { apiGroup: r.group } : {}),
      apiVersion: r.version ?? "v1",
      ...(r.subresource ? { subresource: r.subresource } : {}),
    },
    responseStatus: { metadata: {}, code: r.code ?? (r.verb === "create" ? 201 : 200) },
  };
  if (r.level !== "Metadata" && r.requestObject !== undefined) event.requestObject = r.requestObject;
  if (r.level === "RequestResponse" && r.responseObject !== undefined) event.responseObject = r.responseObject;
  event.requestReceivedTimestamp = `${t}.${g.str("0123456789", 6)}Z`;
  event.stageTimestamp = `${t}.${g.str("0123456789", 6)}Z`;
  event.annotations = { "authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": "RBAC: allowed by ClusterRoleBinding \"deployers\" of ClusterRole \"edit\" to Group \"developers\"" };
  return event;
}

/** Request or RequestResponse at random; with `fullBodies` always the latter (the same draw is
 * made, so the values stay those of the same seed). */
const bodyLevel = (g: Gen): "Request" | "RequestResponse" => (g.rng.chance(0.5) && !g.fullBodies ? "Request" : "RequestResponse");
const meta = (g: Gen, name: string, namespace?: string, extra: Record<string, unknown> = {}) => ({
  name, ...(namespace ? { namespace } : {}), uid: g.uuid(), resourceVersion: String(g.rng.int(100_000, 99_999_999)),
  creationTimestamp: "2026-12-01T08:00:00Z", ...extra,
});
const withResponseMeta = (g: Gen, obj: Record<string, unknown>) => ({ ...obj, metadata: { ...(obj.metadata as object), uid: g.uuid(), resourceVersion: String(g.rng.int(100_000, 99_999_999)) } });

// ---- environment variables ----

type EnvVar = { name: string; value?: string; valueFrom?: unknown };

/** Credentials people write as literal env values, and what kind of value each holds. */
const CREDENTIAL_ENV: [string, (g: Gen) => string][] = [
  ["DB_PASSWORD", (g) => g.password()],
  ["POSTGRES_PASSWORD", (g) => g.password()],
  ["MYSQL_ROOT_PASSWORD", (g) => g.password()],
  ["SPRING_DATASOURCE_PASSWORD", (g) => g.password()],
  ["GF_SECURITY_ADMIN_PASSWORD", (g) => g.password()],
  ["RABBITMQ_DEFAULT_PASS", (g) => g.password()],
  ["PGPASSWORD", (g) => g.password()],
  ["REDIS_PASSWORD", (g) => g.password()],
  ["API_KEY", (g) => g.hex(32)],
  ["DJANGO_SECRET_KEY", (g) => g.str(ALNUM + "!@#%^&*(-_=+)", 50)],
  ["JWT_SECRET", (g) => g.base64Random(32)],
  ["ENCRYPTION_KEY", (g) => g.base64Random(32)],
  ["SESSION_SECRET", (g) => g.str(ALNUM, 40)],
  ["OAUTH_CLIENT_SECRET", (g) => g.str(B64URL, 40)],
  ["WEBHOOK_SECRET", (g) => g.hex(40)],
  ["MINIO_SECRET_KEY", (g) => g.str(ALNUM, 40)],
  ["AWS_SECRET_ACCESS_KEY", (g) => g.awsSecret()],
  ["AWS_ACCESS_KEY_ID", (g) => "AKIA" + g.str("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)],
  ["SMTP_PASS", (g) => g.password()],
  ["LDAP_BIND_CREDENTIALS", (g) => g.password()],
];

/** Env values that are not secrets, many under names a keyword list would take for one. */
const BENIGN_ENV: [string, string][] = [
  ["LOG_LEVEL", "info"], ["PORT", "8080"], ["TOKEN_TTL", "3600"], ["PASSWORD_MIN_LENGTH", "12"],
  ["SECRET_NAME", "db-credentials"], ["AUTH_TOKEN_HEADER", "X-Auth-Token"], ["PASSWORD_FILE", "/var/run/secrets/db/password"],
  ["TOKEN_URL", "https://login.example.com/oauth2/v2.0/token"], ["JWT_EXPIRY", "15m"], ["API_KEY_HEADER", "X-API-Key"],
  ["ENABLE_PASSWORD_RESET", "true"], ["TOKEN_AUDIENCE", "https://kubernetes.default.svc"], ["SECRET_STORE", "vault"],
  ["KEY_ROTATION_DAYS", "90"], ["PASSWORD_HASH_ALGORITHM", "argon2id"], ["TOKEN_CACHE_SIZE", "1024"],
  ["SECRETS_PATH", "/etc/secrets"], ["TOKEN_REFRESH_INTERVAL", "5m"], ["DB_HOST", "postgres.payments.svc.cluster.local"],
  ["VAULT_ADDR", "https://vault.vault.svc:8200"], ["AWS_REGION", "eu-west-1"], ["GOMAXPROCS", "2"],
  ["OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector.observability:4317"], ["SPRING_PROFILES_ACTIVE", "prod"],
  ["DB_USER", "app"], ["KEYCLOAK_REALM", "shop"], ["API_KEY_ID", "key-2026-11"], ["TOKEN_ISSUER", "https://auth.example.com/"],
];

function envList(g: Gen, where: string): EnvVar[] {
  const env: EnvVar[] = [];
  const creds = g.rng.int(1, 3);
  for (let i = 0; i < creds; i++) {
    if (g.rng.chance(0.25)) {
      const t = g.vendorToken();
      env.push({ name: t.name, value: g.cred(`${where} env ${t.name} (vendor format)`, t.value) });
    } else if (g.rng.chance(0.15)) {
      const pw = g.urlPassword();
      env.push({ name: "DATABASE_URL", value: `postgres://app:${g.cred(`${where} env DATABASE_URL password`, pw)}@postgres.${g.pick(NAMESPACES)}.svc:5432/app?sslmode=require` });
    } else {
      const [name, make] = g.pick(CREDENTIAL_ENV);
      env.push({ name, value: g.cred(`${where} env ${name}`, make(g)) });
    }
  }
  for (let i = g.rng.int(2, 4); i > 0; i--) {
    const [name, value] = g.pick(BENIGN_ENV);
    if (env.some((e) => e.name === name)) continue;
    env.push({ name, value: g.benign(`${where} env ${name}`, value) });
  }
  if (g.rng.chance(0.5)) {
    const secretName = `${g.pick(APPS)}-env-secrets`;
    env.push({ name: "DB_PASSWORD_FROM_SECRET", valueFrom: { secretKeyRef: { name: g.benign(`${where} secretKeyRef name`, secretName), key: g.benign(`${where} secretKeyRef key`, "password") } } });
  }
  env.push({ name: "POD_NAME", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } });
  // Shuffle so credentials are not always first.
  for (let i = env.length - 1; i > 0; i--) {
    const j = g.rng.int(0, i);
    [env[i], env[j]] = [env[j], env[i]];
  }
  return env;
}

function container(g: Gen, name: string, where: string, withEnv = true): Record<string, unknown> {
  return {
    name,
    image: `registry.example.com/shop/${name}:1.${g.rng.int(0, 40)}.${g.rng.int(0, 9)}`,
    ...(withEnv ? { env: envList(g, where) } : {}),
    ports: [{ containerPort: 8080, protocol: "TCP" }],
    resources: { requests: { cpu: "100m", memory: "128Mi" } },
    imagePullPolicy: "IfNotPresent",
  };
}

function podSpec(g: Gen, app: string, where: string, opts: { init?: boolean } = {}): Record<string, unknown> {
  return {
    ...(opts.init ? { initContainers: [container(g, "migrate", `${where} initContainers`)] } : {}),
    containers: [container(g, app, `${where} containers`), ...(g.rng.chance(0.3) ? [container(g, "sidecar", `${where} containers`, false)] : [])],
    serviceAccountName: app,
    imagePullSecrets: [{ name: "regcred" }],
    // What every pod mounts: a Secret by name, the projected service-account token (no value).
    volumes: [
      { name: "db-credentials", secret: { secretName: g.benign(`${where} volume secret.secretName`, `${app}-db-credentials`), defaultMode: 420 } },
      { name: `kube-api-access-${g.str(LOWER_ALNUM, 5)}`, projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: g.benign(`${where} volume projected serviceAccountToken path`, "token") } },
        { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } }] } },
    ],
    restartPolicy: "Always",
  };
}

function podTemplate(g: Gen, app: string, where: string, init = false) {
  return { metadata: { labels: { app } }, spec: podSpec(g, app, where, { init }) };
}

// ---- Secret data ----

/** `secret`: the credential inside a plain value (a connection string's password); the whole
 * value when absent. Base64 hides it, so in `data` the whole encoded value is the credential. */
interface SecretEntry { key: string; value: string; kind: LabelKind; secret?: string }

/** Keys people and charts give Secret data, with the (plain) value each holds. */
function secretEntries(g: Gen): SecretEntry[] {
  const makers: (() => SecretEntry)[] = [
    () => ({ key: "password", value: g.password(), kind: "credential" }),
    () => ({ key: "DB_PASSWORD", value: g.password(), kind: "credential" }),
    () => ({ key: "postgres-password", value: g.password(), kind: "credential" }),
    () => ({ key: "redis-password", value: g.password(), kind: "credential" }),
    () => ({ key: "rootPassword", value: g.password(), kind: "credential" }),
    () => ({ key: "api-key", value: g.hex(32), kind: "credential" }),
    () => ({ key: "token", value: g.str(ALNUM, 40), kind: "credential" }),
    () => ({ key: "client-secret", value: g.str(B64URL, 40), kind: "credential" }),
    () => ({ key: "AWS_SECRET_ACCESS_KEY", value: g.awsSecret(), kind: "credential" }),
    () => ({ key: "ENCRYPTION_KEY", value: g.base64Random(32), kind: "credential" }),
    () => ({ key: "master.key", value: g.hex(32), kind: "credential" }),
    () => { const pw = g.password(); return { key: "connection-string", value: `Server=tcp:sql-${g.pick(APPS)}.database.windows.net,1433;Database=app;User ID=app;Password=${pw};Encrypt=True;`, kind: "credential", secret: pw }; },
    () => { const pw = g.urlPassword(); return { key: "DATABASE_URL", value: `postgres://app:${pw}@postgres:5432/app`, kind: "credential", secret: pw }; },
    () => { const tok = "ghp_" + g.str(ALNUM, 36); return { key: ".git-credentials", value: `https://ci-bot:${tok}@github.com\n`, kind: "credential", secret: tok }; },
    () => { const key = g.pem("PRIVATE KEY", 8); return { key: "credentials.json", value: JSON.stringify({ type: "service_account", project_id: "shop-prod", private_key_id: g.hex(40), private_key: key, client_email: "ci@shop-prod.iam.gserviceaccount.com" }), kind: "credential", secret: JSON.stringify(key).slice(1, -1) }; },
    () => ({ key: "id_rsa", value: g.pem("OPENSSH PRIVATE KEY", 6), kind: "credential" }),
    () => ({ key: "username", value: g.pick(["app", "admin", "postgres", "svc_orders"]), kind: "confidential" }),
  ];
  const n = g.rng.int(2, 4);
  const out: SecretEntry[] = [];
  while (out.length < n) {
    const e = g.pick(makers)();
    if (!out.some((o) => o.key === e.key)) out.push(e);
  }
  return out;
}

/** Places the entries as `data` (base64, as the API stores them) or `stringData` (plain). */
function placeSecret(g: Gen, entries: SecretEntry[], form: "data" | "stringData", where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) {
    const text = form === "data" ? b64(e.value) : e.value;
    const what = `${where} ${form} ${e.key}`;
    if (e.kind === "credential") g.cred(what, form === "stringData" && e.secret ? e.secret : text);
    else if (e.kind === "benign") g.benign(what, text);
    else g.confidential(what, text);
    out[e.key] = text;
  }
  return out;
}

/** The Secret as the API server answers: stringData merged into data as base64, never echoed. */
function secretResponse(g: Gen, s: Record<string, unknown>): Record<string, unknown> {
  const { stringData, ...rest } = s as { stringData?: Record<string, string>; data?: Record<string, string> };
  const data: Record<string, string> = { ...(rest.data ?? {}) };
  for (const [k, v] of Object.entries(stringData ?? {})) data[k] = g.likePlaced(v, b64(v), `Secret (response) data ${k}`);
  return withResponseMeta(g, { ...rest, data });
}

function secretObject(g: Gen, name: string, namespace: string, type: string, body: Record<string, unknown>, extraMeta: Record<string, unknown> = {}) {
  return { kind: "Secret", apiVersion: "v1", metadata: meta(g, name, namespace, extraMeta), ...body, type };
}

// ---- kubeconfig ----

function kubeconfig(g: Gen, where: string): string {
  const ca = g.benign(`${where} certificate-authority-data`, b64(g.certificatePem()), false);
  const cert = g.benign(`${where} client-certificate-data`, b64(g.certificatePem()), false);
  const key = g.cred(`${where} client-key-data`, b64(g.privateKeyPem()));
  const token = g.cred(`${where} user token`, g.saJwt("ci", "deployer"));
  return [
    "apiVersion: v1", "kind: Config", "clusters:", "- cluster:", `    certificate-authority-data: ${ca}`,
    `    server: https://10.${g.rng.int(0, 255)}.0.1:6443`, "  name: prod", "contexts:", "- context:", "    cluster: prod",
    "    user: admin", "  name: admin@prod", "current-context: admin@prod", "users:", "- name: admin", "  user:",
    `    client-certificate-data: ${cert}`, `    client-key-data: ${key}`, "- name: ci", "  user:", `    token: ${token}`, "",
  ].join("\n");
}

// ---- the shapes ----

type Maker = (g: Gen) => Record<string, unknown>;

const WORKLOADS: { kind: string; resource: string; group: string; template: (g: Gen, app: string, init: boolean) => Record<string, unknown> }[] = [
  { kind: "Deployment", resource: "deployments", group: "apps", template: (g, app, init) => ({ replicas: 3, selector: { matchLabels: { app } }, template: podTemplate(g, app, "Deployment spec.template", init) }) },
  { kind: "StatefulSet", resource: "statefulsets", group: "apps", template: (g, app, init) => ({ serviceName: app, replicas: 3, selector: { matchLabels: { app } }, template: podTemplate(g, app, "StatefulSet spec.template", init) }) },
  { kind: "DaemonSet", resource: "daemonsets", group: "apps", template: (g, app, init) => ({ selector: { matchLabels: { app } }, template: podTemplate(g, app, "DaemonSet spec.template", init) }) },
  { kind: "Job", resource: "jobs", group: "batch", template: (g, app, init) => ({ backoffLimit: 2, template: { metadata: { labels: { app } }, spec: { ...podSpec(g, app, "Job spec.template", { init }), restartPolicy: "Never" } } }) },
];

export const SHAPES: Record<string, { doc: string; make: Maker }> = {
  "pod-env": {
    doc: "Pod created with literal env values (containers, sometimes initContainers); the response repeats the spec",
    make: (g) => {
      const app = g.pick(APPS), ns = g.pick(NAMESPACES), name = `${app}-${g.str(LOWER_ALNUM, 5)}`;
      const pod = { kind: "Pod", apiVersion: "v1", metadata: meta(g, name, ns, { labels: { app } }), spec: podSpec(g, app, "Pod", { init: g.rng.chance(0.4) }) };
      return auditEvent(g, { verb: "create", resource: "pods", namespace: ns, name, level: bodyLevel(g), requestObject: pod, responseObject: withResponseMeta(g, pod) });
    },
  },
  "pod-ephemeral-env": {
    doc: "kubectl debug: a pod's ephemeralcontainers subresource updated with a debug container carrying env",
    make: (g) => {
      const app = g.pick(APPS), ns = g.pick(NAMESPACES), name = `${app}-${g.str(LOWER_ALNUM, 5)}`;
      const pod = { kind: "Pod", apiVersion: "v1", metadata: meta(g, name, ns), spec: { containers: [container(g, app, "Pod containers", false)],
        ephemeralContainers: [{ name: `debugger-${g.str(LOWER_ALNUM, 5)}`, image: "busybox:1.36", stdin: true, tty: true, targetContainerName: app, env: envList(g, "Pod ephemeralContainers") }] } };
      return auditEvent(g, { verb: "patch", resource: "pods", subresource: "ephemeralcontainers", namespace: ns, name, level: bodyLevel(g), requestObject: pod, responseObject: withResponseMeta(g, pod) });
    },
  },
  "workload-template-env": {
    doc: "Deployment, StatefulSet, DaemonSet or Job created or updated with env in spec.template.spec (containers and initContainers)",
    make: (g) => {
      const w = g.pick(WORKLOADS), app = g.pick(APPS), ns = g.pick(NAMESPACES);
      const obj = { kind: w.kind, apiVersion: `${w.group}/v1`, metadata: meta(g, app, ns), spec: w.template(g, app, g.rng.chance(0.3)) };
      const verb = g.pick(["create", "update"]);
      return auditEvent(g, { verb, resource: w.resource, group: w.group, namespace: ns, name: app, level: bodyLevel(g), requestObject: obj, responseObject: withResponseMeta(g, obj), userAgent: g.pick(["kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46", "argocd-application-controller/v0.0.0 (linux/amd64) kubernetes/$Format", "kustomize-controller/v1.4.0"]) });
    },
  },
  "cronjob-env": {
    doc: "CronJob with env under spec.jobTemplate.spec.template.spec",
    make: (g) => {
      const app = g.pick(APPS), ns = g.pick(NAMESPACES);
      const obj = { kind: "CronJob", apiVersion: "batch/v1", metadata: meta(g, `${app}-backup`, ns), spec: { schedule: "17 3 * * *", concurrencyPolicy: "Forbid",
        jobTemplate: { spec: { template: { spec: { ...podSpec(g, app, "CronJob spec.jobTemplate", { init: g.rng.chance(0.3) }), restartPolicy: "OnFailure" } } } } } };
      return auditEvent(g, { verb: g.pick(["create", "update"]), resource: "cronjobs", group: "batch", namespace: ns, name: `${app}-backup`, level: bodyLevel(g), requestObject: obj, responseObject: withResponseMeta(g, obj) });
    },
  },
  "pod-list-response": {
    doc: "Pods listed at RequestResponse (kubectl get pods -o yaml): every pod's env in responseObject.items",
    make: (g) => {
      const ns = g.pick(NAMESPACES);
      const items = Array.from({ length: g.rng.int(1, 3) }, () => {
        const app = g.pick(APPS);
        return { metadata: meta(g, `${app}-${g.str(LOWER_ALNUM, 5)}`, ns), spec: podSpec(g, app, "PodList items", {}), status: { phase: "Running" } };
      });
      return auditEvent(g, { verb: "list", resource: "pods", namespace: ns, level: "RequestResponse", responseObject: { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "1" }, items } });
    },
  },
  "container-args": {
    doc: "Credentials passed on a container's command line (args, sh -c)",
    make: (g) => {
      const app = g.pick(APPS), ns = g.pick(NAMESPACES), name = `${app}-migrate-${g.str(LOWER_ALNUM, 5)}`;
      const pw = g.password(), key = g.hex(32), pg = g.urlPassword();
      const args = g.pick([
        () => ({ args: [`--db-password=${g.cred("container args --db-password=", pw)}`, "--db-host=postgres", "--log-level=info"] }),
        () => ({ args: ["--api-key", g.cred("container args --api-key", key), "--port", "8080"] }),
        () => ({ command: ["sh", "-c", `PGPASSWORD=${g.cred("container command PGPASSWORD=", pg)} pg_dump -h postgres -U app app > /backup/app.sql`] }),
        () => ({ command: ["mysqldump", "-uroot", `-p${g.cred("container command mysqldump -p", pw)}`, "--all-databases"] }),
      ])();
      const pod = { kind: "Pod", apiVersion: "v1", metadata: meta(g, name, ns), spec: { containers: [{ name: "migrate", image: "registry.example.com/shop/migrate:3.1", ...args }], restartPolicy: "Never" } };
      return auditEvent(g, { verb: "create", resource: "pods", namespace: ns, name, level: bodyLevel(g), requestObject: pod, responseObject: withResponseMeta(g, pod) });
    },
  },
  "json-patch-env": {
    doc: "JSON patch adding an env entry, or replacing an env value by index (no name in the patch)",
    make: (g) => {
      const app = g.pick(APPS), ns = g.pick(NAMESPACES);
      const [name, mk] = g.pick(CREDENTIAL_ENV);
      const ops = g.pick([
        () => [{ op: "add", path: "/spec/template/spec/containers/0/env/-", value: { name, value: g.cred(`JSON patch add env ${name}`, mk(g)) } }],
        () => [{ op: "replace", path: `/spec/template/spec/containers/0/env/${g.rng.int(0, 6)}/value`, value: g.cred("JSON patch replace env value by index", mk(g)) }],
        () => [{ op: "add", path: "/spec/template/spec/containers/0/env", value: [{ name, value: g.cred(`JSON patch add env list ${name}`, mk(g)) }, { name: "LOG_LEVEL", value: g.benign("JSON patch env LOG_LEVEL", "debug") }] }],
      ])();
      return auditEvent(g, { verb: "patch", resource: "deployments", group: "apps", namespace: ns, name: app, level: bodyLevel(g), requestObject: ops,
        responseObject: { kind: "Deployment", apiVersion: "apps/v1", metadata: meta(g, app, ns), spec: { template: podTemplate(g, app, "Deployment (patch response) spec.template") } } });
    },
  },
  "strategic-merge-patch-env": {
    doc: "Strategic merge patch of env (kubectl set env, kubectl edit, kubectl apply's patch), with $setElementOrder",
    make: (g) => {
      const app = g.pick(APPS), ns = g.pick(NAMESPACES);
      const env = envList(g, "strategic merge patch");
      const patch = { spec: { template: { spec: { $setElementOrder: { containers: [{ name: app }] }, containers: [{ name: app, $setElementOrder: { env: env.map((e) => ({ name: e.name })) }, env }] } } } };
      return auditEvent(g, { verb: "patch", resource: "deployments", group: "apps", namespace: ns, name: app, level: bodyLevel(g), requestObject: patch,
        responseObject: { kind: "Deployment", apiVersion: "apps/v1", metadata: meta(g, app, ns), spec: { template: { metadata: { labels: { app } }, spec: { containers: [{ name: app, image: "registry.example.com/shop/x:1", env }] } } } } });
    },
  },
  "last-applied-deployment": {
    doc: "kubectl apply of a Deployment: the whole manifest, env included, also as a JSON string in the last-applied-configuration annotation",
    make: (g) => {
      const app = g.pick(APPS), ns = g.pick(NAMESPACES);
      const manifest = { apiVersion: "apps/v1", kind: "Deployment", metadata: { annotations: {}, name: app, namespace: ns }, spec: { selector: { matchLabels: { app } }, template: podTemplate(g, app, "Deployment spec.template") } };
      const obj = { ...manifest, metadata: { ...meta(g, app, ns), annotations: { "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify(manifest) + "\n" } } };
      return auditEvent(g, { verb: "create", resource: "deployments", group: "apps", namespace: ns, name: app, level: bodyLevel(g), requestObject: obj, responseObject: withResponseMeta(g, obj) });
    },
  },
  "pod-annotation-config": {
    doc: "Pod annotations holding a check or agent configuration with a password (Datadog autodiscovery style JSON in an annotation)",
    make: (g) => {
      const ns = g.pick(NAMESPACES), name = `postgres-${g.rng.int(0, 2)}`;
      const pw = g.password();
      const pod = { kind: "Pod", apiVersion: "v1", metadata: meta(g, name, ns, { annotations: {
        "ad.datadoghq.com/postgres.checks": JSON.stringify({ postgres: { instances: [{ host: "%%host%%", port: 5432, username: "datadog", password: g.cred("Pod annotation check config password", pw) }] } }),
        "prometheus.io/port": g.benign("Pod annotation prometheus.io/port", "9187") } }), spec: { containers: [container(g, "postgres", "", false)] } };
      return auditEvent(g, { verb: "create", resource: "pods", namespace: ns, name, level: bodyLevel(g), requestObject: pod, responseObject: withResponseMeta(g, pod), user: "system:serviceaccount:kube-system:statefulset-controller", userAgent: "kube-controller-manager/v1.31.2 (linux/amd64) kubernetes/5864a46/system:serviceaccount:kube-system:statefulset-controller" });
    },
  },
  "secret-create-data": {
    doc: "Opaque Secret created or replaced with base64 data (kubectl create secret generic --from-literal, a manifest)",
    make: (g) => {
      const ns = g.pick(NAMESPACES), name = `${g.pick(APPS)}-credentials`;
      const s = secretObject(g, name, ns, "Opaque", { data: placeSecret(g, secretEntries(g), "data", "Secret") });
      return auditEvent(g, { verb: g.pick(["create", "update"]), resource: "secrets", namespace: ns, name, level: bodyLevel(g), requestObject: s, responseObject: withResponseMeta(g, s) });
    },
  },
  "secret-stringdata": {
    doc: "Secret created with stringData (plain text in the request; the response carries it as data)",
    make: (g) => {
      const ns = g.pick(NAMESPACES), name = `${g.pick(APPS)}-credentials`;
      const entries = secretEntries(g);
      const req = secretObject(g, name, ns, "Opaque", { stringData: placeSecret(g, entries, "stringData", "Secret") });
      return auditEvent(g, { verb: "create", resource: "secrets", namespace: ns, name, level: bodyLevel(g), requestObject: req, responseObject: secretResponse(g, req) });
    },
  },
  "secret-patch": {
    doc: "Secret patched: merge patch of data or stringData, JSON patch of /data/<key>",
    make: (g) => {
      const ns = g.pick(NAMESPACES), name = `${g.pick(APPS)}-credentials`;
      const entries = secretEntries(g).filter((e) => e.kind === "credential");
      const e = entries[0];
      const body = g.pick([
        () => ({ data: placeSecret(g, [e], "data", "merge patch") }),
        () => ({ stringData: placeSecret(g, [e], "stringData", "merge patch") }),
        () => [{ op: "replace", path: `/data/${e.key}`, value: g.cred(`JSON patch /data/${e.key}`, b64(e.value)) }],
      ])();
      return auditEvent(g, { verb: "patch", resource: "secrets", namespace: ns, name, level: bodyLevel(g), requestObject: body,
        responseObject: secretObject(g, name, ns, "Opaque", { data: placeSecret(g, [e], "data", "Secret (patch response)") }) });
    },
  },
  "secret-read-response": {
    doc: "Secrets read at RequestResponse: a get's Secret or a SecretList's items (kubectl get secret -o yaml)",
    make: (g) => {
      const ns = g.pick(NAMESPACES);
      const one = () => secretObject(g, `${g.pick(APPS)}-credentials`, ns, "Opaque", { data: placeSecret(g, secretEntries(g), "data", "Secret (read)") });
      if (g.rng.chance(0.5)) {
        const s = one();
        return auditEvent(g, { verb: "get", resource: "secrets", namespace: ns, name: (s.metadata as { name: string }).name, level: "RequestResponse", responseObject: s });
      }
      return auditEvent(g, { verb: "list", resource: "secrets", namespace: ns, level: "RequestResponse", responseObject: { kind: "SecretList", apiVersion: "v1", metadata: { resourceVersion: "1" }, items: [one(), one()] } });
    },
  },
  "secret-tls": {
    doc: "kubernetes.io/tls Secret (cert-manager, ingress): tls.key is a private key, tls.crt and ca.crt are public",
    make: (g) => {
      const ns = g.pick(NAMESPACES), name = `${g.pick(APPS)}-tls`;
      const s = secretObject(g, name, ns, "kubernetes.io/tls", { data: {
        "tls.crt": g.benign("Secret data tls.crt", b64(g.certificatePem())), "tls.key": g.cred("Secret data tls.key", b64(g.privateKeyPem())),
        "ca.crt": g.benign("Secret data ca.crt", b64(g.certificatePem())) } }, { annotations: { "cert-manager.io/issuer-name": "letsencrypt-prod" } });
      return auditEvent(g, { verb: g.pick(["create", "update"]), resource: "secrets", namespace: ns, name, level: bodyLevel(g), requestObject: s, responseObject: withResponseMeta(g, s),
        user: "system:serviceaccount:cert-manager:cert-manager", userAgent: "cert-manager-certificates-issuing/v1.16.1 (linux/amd64) cert-manager/8bd7e50" });
    },
  },
  "secret-dockerconfigjson": {
    doc: "Image pull Secret (kubernetes.io/dockerconfigjson): registry password and auth (base64 user:password), as data or stringData",
    make: (g) => {
      const ns = g.pick(NAMESPACES), user = g.pick(["ci-bot", "robot$shop+puller", "AWS", "_json_key"]), pw = g.str(ALNUM, 32);
      const auth = b64(`${user}:${pw}`);
      const config = JSON.stringify({ auths: { "registry.example.com": { username: user, password: pw, auth } } });
      const asData = g.rng.chance(0.6);
      const body = asData ? { data: { ".dockerconfigjson": g.cred("Secret data .dockerconfigjson", b64(config)) } }
        : { stringData: { ".dockerconfigjson": config } };
      if (!asData) g.cred("Secret stringData .dockerconfigjson password", pw), g.cred("Secret stringData .dockerconfigjson auth", auth);
      const s = secretObject(g, "regcred", ns, "kubernetes.io/dockerconfigjson", body);
      return auditEvent(g, { verb: "create", resource: "secrets", namespace: ns, name: "regcred", level: bodyLevel(g), requestObject: s, responseObject: secretResponse(g, s) });
    },
  },
  "secret-service-account-token": {
    doc: "Legacy service-account token Secret: created by a user with the annotation, then filled in by the token controller (token, ca.crt, namespace)",
    make: (g) => {
      const ns = g.pick(NAMESPACES), sa = g.pick(APPS), name = `${sa}-token`;
      const data = { "ca.crt": g.benign("SA token Secret ca.crt", b64(g.certificatePem())), namespace: g.benign("SA token Secret namespace", b64(ns)), token: g.cred("SA token Secret token", b64(g.saJwt(ns, sa, true))) };
      const s = secretObject(g, name, ns, "kubernetes.io/service-account-token", { data }, { annotations: { "kubernetes.io/service-account.name": sa, "kubernetes.io/service-account.uid": g.uuid() } });
      return auditEvent(g, { verb: "update", resource: "secrets", namespace: ns, name, level: bodyLevel(g), requestObject: s, responseObject: withResponseMeta(g, s),
        user: "system:kube-controller-manager", userAgent: "kube-controller-manager/v1.31.2 (linux/amd64) kubernetes/5864a46/tokens-controller" });
    },
  },
  "secret-bootstrap-token": {
    doc: "kubeadm bootstrap token Secret in kube-system (bootstrap-token-<id>): token-secret is the credential, token-id its public half",
    make: (g) => {
      const id = g.str(LOWER_ALNUM, 6), secret = g.str(LOWER_ALNUM, 16);
      const asData = g.rng.chance(0.6);
      const fields: Record<string, string> = { description: "The default bootstrap token generated by 'kubeadm init'.", "token-id": id, "token-secret": secret,
        expiration: "2026-12-06T08:00:00Z", "usage-bootstrap-authentication": "true", "usage-bootstrap-signing": "true", "auth-extra-groups": "system:bootstrappers:kubeadm:default-node-token" };
      const body: Record<string, string> = {};
      for (const [k, v] of Object.entries(fields)) {
        const text = asData ? b64(v) : v;
        body[k] = k === "token-secret" ? g.cred(`bootstrap token ${asData ? "data" : "stringData"} token-secret`, text)
          : k === "token-id" || k === "description" ? text : g.benign(`bootstrap token ${k}`, text);
      }
      const s = secretObject(g, `bootstrap-token-${id}`, "kube-system", "bootstrap.kubernetes.io/token", asData ? { data: body } : { stringData: body });
      return auditEvent(g, { verb: "create", resource: "secrets", namespace: "kube-system", name: `bootstrap-token-${id}`, level: bodyLevel(g), requestObject: s, responseObject: secretResponse(g, s),
        user: "kubernetes-admin", userAgent: "kubeadm/v1.31.2 (linux/amd64) kubernetes/5864a46" });
    },
  },
  "secret-helm-release": {
    doc: "Helm 3 release record (sh.helm.release.v1.<name>.v<n>): the release, chart values with their passwords, gzipped and base64 twice",
    make: (g) => {
      const ns = g.pick(NAMESPACES), rel = g.pick(["postgresql", "redis", "keycloak", "rabbitmq"]), v = g.rng.int(1, 12);
      const release = { name: rel, namespace: ns, version: v, info: { status: "deployed" }, chart: { metadata: { name: rel, version: "16.2.1" } },
        config: { auth: { username: "app", password: g.password(), postgresPassword: g.password() } }, manifest: "---\n# Source: x/templates/secret.yaml\n" };
      const blob = b64(b64(gzipSync(JSON.stringify(release))));
      const name = `sh.helm.release.v1.${rel}.v${v}`;
      const s = secretObject(g, name, ns, "helm.sh/release.v1", { data: { release: g.cred("Helm release data release (values inside)", blob) } },
        { labels: { name: rel, owner: "helm", status: "deployed", version: String(v) } });
      return auditEvent(g, { verb: "create", resource: "secrets", namespace: ns, name, level: bodyLevel(g), requestObject: s, responseObject: withResponseMeta(g, s), userAgent: "helm/v3.16.2 (linux/amd64) kubernetes/$Format" });
    },
  },
  "last-applied-secret": {
    doc: "kubectl apply of a Secret: data or stringData also inside the last-applied-configuration annotation, a JSON string",
    make: (g) => {
      const ns = g.pick(NAMESPACES), name = `${g.pick(APPS)}-credentials`;
      const entries = secretEntries(g);
      const form = g.pick(["data", "stringData"] as const);
      const values = placeSecret(g, entries, form, "Secret (applied)");
      const manifest = { apiVersion: "v1", [form]: values, kind: "Secret", metadata: { annotations: {}, name, namespace: ns }, type: "Opaque" };
      const obj = { ...manifest, metadata: { ...meta(g, name, ns), annotations: { "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify(manifest) + "\n" } } };
      return auditEvent(g, { verb: "create", resource: "secrets", namespace: ns, name, level: bodyLevel(g), requestObject: obj, responseObject: secretResponse(g, obj) });
    },
  },
  "configmap-kubeconfig": {
    doc: "ConfigMap holding a kubeconfig: client-key-data (a private key) and a user token; CA and client certificates are public",
    make: (g) => {
      const ns = g.pick(NAMESPACES), name = g.pick(["ci-kubeconfig", "deployer-kubeconfig", "remote-cluster"]);
      const cm = { kind: "ConfigMap", apiVersion: "v1", metadata: meta(g, name, ns), data: { [g.pick(["kubeconfig", "config", "kubeconfig.yaml"])]: kubeconfig(g, "ConfigMap kubeconfig") } };
      return auditEvent(g, { verb: g.pick(["create", "update"]), resource: "configmaps", namespace: ns, name, level: bodyLevel(g), requestObject: cm, responseObject: withResponseMeta(g, cm) });
    },
  },
  "configmap-connection-strings": {
    doc: "ConfigMap with connection strings and configuration files carrying passwords (URLs, Spring properties, redis.conf, appsettings.json, .env)",
    make: (g) => {
      const ns = g.pick(NAMESPACES), name = `${g.pick(APPS)}-config`;
      const files: [string, () => string][] = [
        ["DATABASE_URL", () => `postgres://app:${g.cred("ConfigMap DATABASE_URL password", g.urlPassword())}@postgres.${ns}.svc:5432/app`],
        ["MONGO_URI", () => `mongodb+srv://orders:${g.cred("ConfigMap MONGO_URI password", g.urlPassword())}@cluster0.${g.str(LOWER_ALNUM, 5)}.mongodb.net/orders?retryWrites=true`],
        ["application.properties", () => `spring.datasource.url=jdbc:postgresql://postgres:5432/app\nspring.datasource.username=app\nspring.datasource.password=${g.cred("ConfigMap application.properties password", g.password())}\nserver.port=8080\n`],
        ["redis.conf", () => `bind 0.0.0.0\nport 6379\nrequirepass ${g.cred("ConfigMap redis.conf requirepass", g.urlPassword())}\nmaxmemory 256mb\n`],
        ["appsettings.json", () => JSON.stringify({ ConnectionStrings: { Default: `Server=sql;Database=app;User Id=sa;Password=${g.cred("ConfigMap appsettings.json connection string Password", g.password())};TrustServerCertificate=True` }, Logging: { LogLevel: { Default: "Information" } } }, null, 2)],
        [".env", () => `SMTP_HOST=smtp.example.com\nSMTP_PASSWORD=${g.cred("ConfigMap .env SMTP_PASSWORD", g.password())}\nSTRIPE_KEY=${g.cred("ConfigMap .env STRIPE_KEY", "sk_live_" + g.str(ALNUM, 32))}\n`],
      ];
      const data: Record<string, string> = {};
      for (let i = g.rng.int(1, 3); i > 0; i--) {
        const [k, mk] = g.pick(files);
        if (!(k in data)) data[k] = mk();
      }
      const cm = { kind: "ConfigMap", apiVersion: "v1", metadata: meta(g, name, ns), data };
      return auditEvent(g, { verb: g.pick(["create", "update"]), resource: "configmaps", namespace: ns, name, level: bodyLevel(g), requestObject: cm, responseObject: withResponseMeta(g, cm) });
    },
  },
  "configmap-benign": {
    doc: "ConfigMaps that only mention credentials: password policy settings, CA bundles, kubeadm's cluster-info with its public JWS signature",
    make: (g) => {
      if (g.rng.chance(0.3)) {
        const id = g.str(LOWER_ALNUM, 6);
        const jws = `${b64url(JSON.stringify({ alg: "HS256", kid: id })).replace(/=+$/, "")}..${g.str(B64URL, 43)}`;
        const cm = { kind: "ConfigMap", apiVersion: "v1", metadata: meta(g, "cluster-info", "kube-public"), data: {
          kubeconfig: `apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: ${g.benign("cluster-info certificate-authority-data", b64(g.certificatePem()), false)}\n    server: https://10.0.0.1:6443\n  name: ""\ncontexts: null\ncurrent-context: ""\nkind: Config\nusers: null\n`,
          [`jws-kubeconfig-${id}`]: g.benign("cluster-info jws-kubeconfig signature", jws) } };
        return auditEvent(g, { verb: "update", resource: "configmaps", namespace: "kube-public", name: "cluster-info", level: bodyLevel(g), requestObject: cm, responseObject: withResponseMeta(g, cm), user: "system:kube-controller-manager", userAgent: "kube-controller-manager/v1.31.2 (linux/amd64) kubernetes/5864a46/bootstrap-signer" });
      }
      const ns = g.pick(NAMESPACES), name = `${g.pick(APPS)}-settings`;
      const data: Record<string, string> = {
        PASSWORD_MIN_LENGTH: g.benign("ConfigMap PASSWORD_MIN_LENGTH", "12"), TOKEN_TTL: g.benign("ConfigMap TOKEN_TTL", "3600"),
        SECRET_NAME: g.benign("ConfigMap SECRET_NAME", `${g.pick(APPS)}-db-credentials`), "ca.crt": g.benign("ConfigMap ca.crt (PEM certificate)", g.certificatePem()),
        "auth.properties": `${g.benign("ConfigMap auth.properties password.min.length", "auth.password.min.length=12", false)}\n${g.benign("ConfigMap auth.properties token.ttl", "auth.token.ttl=3600", false)}\n${g.benign("ConfigMap auth.properties secret.store", "auth.secret.store=vault-kv", false)}\n`,
      };
      const cm = { kind: "ConfigMap", apiVersion: "v1", metadata: meta(g, name, ns), data };
      return auditEvent(g, { verb: g.pick(["create", "update"]), resource: "configmaps", namespace: ns, name, level: bodyLevel(g), requestObject: cm, responseObject: withResponseMeta(g, cm) });
    },
  },
  "tokenrequest-response": {
    doc: "TokenRequest (serviceaccounts/token create) at RequestResponse: the minted token in responseObject.status.token",
    make: (g) => {
      const ns = g.pick(NAMESPACES), sa = g.pick(APPS);
      const req = { kind: "TokenRequest", apiVersion: "authentication.k8s.io/v1", metadata: { creationTimestamp: null }, spec: { audiences: [g.benign("TokenRequest audience", "https://kubernetes.default.svc.cluster.local")], expirationSeconds: 3600, boundObjectRef: null }, status: { token: "", expirationTimestamp: null } };
      const resp = { ...req, metadata: { name: sa, namespace: ns, creationTimestamp: "2026-12-05T10:00:00Z" }, status: { token: g.cred("TokenRequest status.token", g.saJwt(ns, sa)), expirationTimestamp: "2026-12-05T11:00:00Z" } };
      return auditEvent(g, { verb: "create", resource: "serviceaccounts", subresource: "token", namespace: ns, name: sa, level: "RequestResponse", requestObject: req, responseObject: resp });
    },
  },
  "tokenreview": {
    doc: "TokenReview: an authenticating proxy or webhook sends the caller's bearer token in spec.token",
    make: (g) => {
      const token = g.rng.chance(0.6) ? g.saJwt(g.pick(NAMESPACES), g.pick(APPS)) : g.str(ALNUM, 32);
      const req = { kind: "TokenReview", apiVersion: "authentication.k8s.io/v1", metadata: { creationTimestamp: null }, spec: { token: g.cred("TokenReview spec.token", token) }, status: { user: {} } };
      return auditEvent(g, { verb: "create", resource: "tokenreviews", group: "authentication.k8s.io", level: bodyLevel(g), requestObject: req,
        responseObject: { ...req, status: { authenticated: true, user: { username: "system:serviceaccount:web:api", groups: ["system:serviceaccounts"] } } },
        user: "system:serviceaccount:monitoring:kube-rbac-proxy", userAgent: "kube-rbac-proxy/v0.18.1" });
    },
  },
  "csr": {
    doc: "CertificateSigningRequest: spec.request is a PEM CSR (public), status.certificate the issued certificate (public); no private key goes to the API",
    make: (g) => {
      const name = `csr-${g.str(LOWER_ALNUM, 5)}`;
      const csrPem = g.pem("CERTIFICATE REQUEST", 6);
      const obj = { kind: "CertificateSigningRequest", apiVersion: "certificates.k8s.io/v1", metadata: meta(g, name), spec: { request: g.benign("CSR spec.request", b64(csrPem)), signerName: "kubernetes.io/kube-apiserver-client", usages: ["client auth"], expirationSeconds: 86400 } };
      const resp = { ...obj, status: { certificate: g.benign("CSR status.certificate", b64(g.certificatePem())) } };
      return auditEvent(g, { verb: g.pick(["create", "update"]), resource: "certificatesigningrequests", group: "certificates.k8s.io", name, level: "RequestResponse", requestObject: obj, responseObject: resp });
    },
  },
  "webhook-cabundle": {
    doc: "Admission webhook configuration or APIService with a caBundle (a CA certificate: public)",
    make: (g) => {
      const ca = g.benign("webhook caBundle", b64(g.certificatePem()));
      const name = g.pick(["cert-manager-webhook", "gatekeeper-validating-webhook-configuration", "kyverno-resource-validating-webhook-cfg"]);
      const obj = { kind: "ValidatingWebhookConfiguration", apiVersion: "admissionregistration.k8s.io/v1", metadata: meta(g, name),
        webhooks: [{ name: `validate.${name}.example.com`, clientConfig: { service: { namespace: "security", name, path: "/validate", port: 443 }, caBundle: ca }, admissionReviewVersions: ["v1"], sideEffects: "None", failurePolicy: "Fail" }] };
      return auditEvent(g, { verb: g.pick(["create", "update", "patch"]), resource: "validatingwebhookconfigurations", group: "admissionregistration.k8s.io", name, level: bodyLevel(g), requestObject: obj, responseObject: withResponseMeta(g, obj),
        user: "system:serviceaccount:cert-manager:cert-manager-cainjector", userAgent: "cainjector/v1.16.1" });
    },
  },
  "sealedsecret": {
    doc: "Bitnami SealedSecret: spec.encryptedData values are ciphertext only the controller can open (safe to publish)",
    make: (g) => {
      const ns = g.pick(NAMESPACES), name = `${g.pick(APPS)}-credentials`;
      const enc: Record<string, string> = {};
      for (const k of ["password", g.pick(["api-key", "DB_PASSWORD", "token", "username"])]) enc[k] = g.benign(`SealedSecret encryptedData ${k} (ciphertext)`, "AgB" + g.base64Random(500));
      const obj = { apiVersion: "bitnami.com/v1alpha1", kind: "SealedSecret", metadata: meta(g, name, ns), spec: { encryptedData: enc, template: { metadata: { name, namespace: ns }, type: "Opaque" } } };
      return auditEvent(g, { verb: "create", resource: "sealedsecrets", group: "bitnami.com", version: "v1alpha1", namespace: ns, name, level: bodyLevel(g), requestObject: obj, responseObject: withResponseMeta(g, obj) });
    },
  },
  "externalsecret": {
    doc: "External Secrets Operator ExternalSecret: only names (the store, remote keys, target keys); the values land in the Secret it writes",
    make: (g) => {
      const ns = g.pick(NAMESPACES), app = g.pick(APPS);
      const obj = { apiVersion: "external-secrets.io/v1beta1", kind: "ExternalSecret", metadata: meta(g, `${app}-db`, ns), spec: {
        refreshInterval: "1h", secretStoreRef: { kind: "ClusterSecretStore", name: g.benign("ExternalSecret secretStoreRef name", "vault-backend") },
        target: { name: g.benign("ExternalSecret target name", `${app}-db-credentials`) },
        data: [{ secretKey: g.benign("ExternalSecret data secretKey", "password"), remoteRef: { key: g.benign("ExternalSecret remoteRef key", `prod/${app}/db`), property: g.benign("ExternalSecret remoteRef property", "db_password") } }] } };
      return auditEvent(g, { verb: "create", resource: "externalsecrets", group: "external-secrets.io", version: "v1beta1", namespace: ns, name: `${app}-db`, level: bodyLevel(g), requestObject: obj, responseObject: withResponseMeta(g, obj) });
    },
  },
  "exec-command-uri": {
    doc: "kubectl exec with a credential on the command line: it is in requestURI (command=... query parameters) at every audit level, Metadata included",
    make: (g) => {
      const ns = g.pick(NAMESPACES), pod = g.pick(["postgres-0", "mysql-0", "redis-master-0", g.pick(APPS) + "-7d9f8c6b5-x2x4q"]);
      const pw = g.urlPassword(), tok = g.str(ALNUM, 40);
      const q = g.pick([
        () => `command=mysql&command=-uroot&command=-p${g.cred("exec URI mysql -p", pw)}`,
        () => `command=psql&command=postgresql%3A%2F%2Fapp%3A${g.cred("exec URI psql URL password", pw)}%40localhost%2Fapp`,
        () => `command=sh&command=-c&command=PGPASSWORD%3D${g.cred("exec URI PGPASSWORD=", pw)}+psql+-U+app`,
        () => `command=redis-cli&command=-a&command=${g.cred("exec URI redis-cli -a", pw)}`,
        () => `command=curl&command=-H&command=Authorization%3A+Bearer+${g.cred("exec URI curl Authorization Bearer", tok)}&command=http%3A%2F%2Flocalhost%3A8080%2Fadmin`,
      ])();
      const stage = g.pick(["ResponseStarted", "ResponseComplete"]);
      return auditEvent(g, { verb: "create", resource: "pods", subresource: "exec", namespace: ns, name: pod, level: "Metadata", query: `${q}&container=main&stdin=true&stdout=true&tty=true`, stage, code: 101 });
    },
  },
};

export const SHAPE_NAMES = Object.keys(SHAPES);

/** Shapes added after the first measurement, kept apart so the 30 shapes' events stay those of
 * their seed: GitOps objects carrying chart values, probes sending credentials, ingress snippets. */
export const EXTRA_SHAPES: Record<string, { doc: string; make: Maker }> = {
  "argocd-application-helm": {
    doc: "Argo CD Application: Helm parameters as a name/value list, values as a YAML string and as an object",
    make: (g) => {
      const ns = "argocd", app = `${g.pick(APPS)}-${g.pick(["prod", "staging"])}`;
      const pw = g.password(), pw2 = g.password(), pw3 = g.password();
      const obj = { apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: meta(g, app, ns), spec: {
        project: "default", destination: { server: "https://kubernetes.default.svc", namespace: g.pick(NAMESPACES) },
        source: { repoURL: "https://charts.bitnami.com/bitnami", chart: "postgresql", targetRevision: "16.2.1", helm: {
          parameters: [
            { name: "auth.password", value: g.cred("Argo CD helm parameter auth.password", pw) },
            { name: "image.tag", value: g.benign("Argo CD helm parameter image.tag", "16.4.0-debian-12-r2") },
            { name: "auth.existingSecret", value: g.benign("Argo CD helm parameter auth.existingSecret", `${app}-db`) },
          ],
          values: `auth:\n  username: app\n  postgresPassword: ${g.cred("Argo CD helm values (YAML) postgresPassword", pw2)}\nprimary:\n  persistence:\n    size: 20Gi\n`,
          valuesObject: { auth: { replicationPassword: g.cred("Argo CD helm valuesObject replicationPassword", pw3) }, metrics: { enabled: true } } } } } };
      return auditEvent(g, { verb: g.pick(["create", "update", "patch"]), resource: "applications", group: "argoproj.io", version: "v1alpha1", namespace: ns, name: app, level: bodyLevel(g), requestObject: obj, responseObject: withResponseMeta(g, obj),
        user: "system:serviceaccount:argocd:argocd-server", userAgent: "argocd-server/v2.13.1" });
    },
  },
  "flux-helmrelease-values": {
    doc: "Flux HelmRelease: chart values as an object under spec.values, with credentials at any depth",
    make: (g) => {
      const ns = g.pick(NAMESPACES), rel = g.pick(["redis", "rabbitmq", "keycloak"]);
      const obj = { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: meta(g, rel, ns), spec: {
        interval: "10m", chart: { spec: { chart: rel, version: "*", sourceRef: { kind: "HelmRepository", name: "bitnami" } } },
        valuesFrom: [{ kind: "Secret", name: g.benign("HelmRelease valuesFrom Secret name", `${rel}-values`) }],
        values: { auth: { enabled: true, password: g.cred("HelmRelease values auth.password", g.password()) },
          smtp: { host: "smtp.example.com", user: "apikey", pass: g.cred("HelmRelease values smtp.pass", g.password()) },
          adminPassword: g.cred("HelmRelease values adminPassword", g.password()), erlangCookie: g.cred("HelmRelease values erlangCookie", g.str(ALNUM, 32)),
          metrics: { enabled: true, serviceMonitor: { interval: g.benign("HelmRelease values metrics interval", "30s") } } } } };
      return auditEvent(g, { verb: g.pick(["create", "update", "patch"]), resource: "helmreleases", group: "helm.toolkit.fluxcd.io", version: "v2", namespace: ns, name: rel, level: bodyLevel(g), requestObject: obj, responseObject: withResponseMeta(g, obj),
        user: "system:serviceaccount:flux-system:kustomize-controller", userAgent: "kustomize-controller/v1.4.0" });
    },
  },
  "probe-http-headers": {
    doc: "Liveness and readiness probes sending credentials as httpHeaders (a name/value list: Authorization, X-API-Key)",
    make: (g) => {
      const app = g.pick(APPS), ns = g.pick(NAMESPACES), name = `${app}-${g.str(LOWER_ALNUM, 5)}`;
      const headers = [
        { name: "Authorization", value: `Bearer ${g.cred("probe httpHeaders Authorization Bearer", g.str(ALNUM, 40))}` },
        { name: "X-API-Key", value: g.cred("probe httpHeaders X-API-Key", g.hex(32)) },
        { name: "Accept", value: g.benign("probe httpHeaders Accept", "application/json") },
      ];
      const probe = { httpGet: { path: g.benign("probe httpGet path", "/healthz"), port: 8080, httpHeaders: headers }, periodSeconds: 10 };
      const pod = { kind: "Pod", apiVersion: "v1", metadata: meta(g, name, ns), spec: { containers: [{ name: app, image: `registry.example.com/shop/${app}:2.0`, livenessProbe: probe, readinessProbe: probe }] } };
      return auditEvent(g, { verb: "create", resource: "pods", namespace: ns, name, level: bodyLevel(g), requestObject: pod, responseObject: withResponseMeta(g, pod) });
    },
  },
  "ingress-auth-snippet": {
    doc: "ingress-nginx annotations: a configuration snippet setting an Authorization header to the backend; auth-secret and auth-type are names",
    make: (g) => {
      const ns = g.pick(NAMESPACES), name = g.pick(APPS);
      const basic = b64(`svc-${name}:${g.password()}`);
      const obj = { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: meta(g, name, ns, { annotations: {
        "nginx.ingress.kubernetes.io/configuration-snippet": `proxy_set_header Authorization "Basic ${g.cred("Ingress snippet Authorization Basic", basic)}";\nproxy_set_header X-Forwarded-Proto https;\n`,
        "nginx.ingress.kubernetes.io/auth-type": g.benign("Ingress annotation auth-type", "basic"),
        "nginx.ingress.kubernetes.io/auth-secret": g.benign("Ingress annotation auth-secret", `${name}-basic-auth`) } }),
        spec: { ingressClassName: "nginx", tls: [{ hosts: [`${name}.example.com`], secretName: `${name}-tls` }],
          rules: [{ host: `${name}.example.com`, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name, port: { number: 80 } } } }] } }] } };
      return auditEvent(g, { verb: g.pick(["create", "update"]), resource: "ingresses", group: "networking.k8s.io", namespace: ns, name, level: bodyLevel(g), requestObject: obj, responseObject: withResponseMeta(g, obj) });
    },
  },
  "configmap-helm-values": {
    doc: "ConfigMap holding a chart's values.yaml with passwords (camelCase names, nested YAML)",
    make: (g) => {
      const ns = g.pick(NAMESPACES), name = `${g.pick(APPS)}-values`;
      const yaml = `global:\n  storageClass: gp3\nauth:\n  rootPassword: ${g.cred("ConfigMap values.yaml rootPassword", g.password())}\n  replicaSetKey: ${g.cred("ConfigMap values.yaml replicaSetKey", g.str(ALNUM, 32))}\nmetrics:\n  enabled: true\n`;
      const cm = { kind: "ConfigMap", apiVersion: "v1", metadata: meta(g, name, ns), data: { "values.yaml": yaml } };
      return auditEvent(g, { verb: g.pick(["create", "update"]), resource: "configmaps", namespace: ns, name, level: bodyLevel(g), requestObject: cm, responseObject: withResponseMeta(g, cm) });
    },
  },
};
export const EXTRA_SHAPE_NAMES = Object.keys(EXTRA_SHAPES);

/** `n` events, the shapes in turn, from one seed: the same events everywhere (`extra`: the extra
 * shapes instead of the 30). */
export function generateK8sCredentialEvents(n: number, seed: number, opts: { fullBodies?: boolean; extra?: boolean } = {}): GeneratedEvent[] {
  const g = new Gen(new Rng(seed), opts.fullBodies);
  const shapes = opts.extra ? EXTRA_SHAPES : SHAPES;
  const names = Object.keys(shapes);
  const out: GeneratedEvent[] = [];
  for (let i = 0; i < n; i++) {
    const shape = names[i % names.length];
    out.push(g.finish(shape, shapes[shape].make(g)));
  }
  return out;
}

function main(args: string[]): void {
  const opt = (name: string, dflt: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
  const n = Number(opt("--n", "400")), seed = Number(opt("--seed", "7")), out = opt("--out", "");
  const extra = args.includes("--extra");
  const events = generateK8sCredentialEvents(n, seed, { extra });
  const text = events.map((e) => JSON.stringify(e.event)).join("\n") + "\n";
  if (!out) return void process.stdout.write(text);
  writeFileSync(out, text);
  writeFileSync(`${out}.labels.json`, JSON.stringify(events.map((e, line) => ({ line: line + 1, shape: e.shape, labels: e.labels })), null, 1));
  const labels = events.flatMap((e) => e.labels);
  console.error(`${n} events (${(extra ? EXTRA_SHAPE_NAMES : SHAPE_NAMES).length}${extra ? " extra" : ""} shapes, seed ${seed}) -> ${out}: ${labels.filter((l) => l.kind === "credential").length} credential places, ${labels.filter((l) => l.kind === "benign").length} benign look-alikes`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main(process.argv.slice(2));
