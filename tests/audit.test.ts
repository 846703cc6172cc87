// Kubernetes audit events classified with MITRE ATT&CK ids: every fixture under
// tests/fixtures/audit (positive and negative cases per category) through the embedded
// default policy, bursts of rejections, rules a policy adds, replaces or disables, path
// wildcards, escaped input, strict validation, and malformed events that must never trap.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkPolicyJson, defaultPolicyJson } from "../cli/policy.js";
import { withoutAdded } from "./support/filter.js";
import { rng } from "./support/random.js";
import { type Json, enrichPolicy, filterForLists, filterWith, one } from "./support/enrichment.js";

const FIXTURES = new URL("./fixtures/audit/", import.meta.url);
/** `not`: rules this negative case is a near miss for (it must not fire them); `lists`: the policy's enrich.audit.lists. */
interface Case { note: string; expect: string[]; not?: string[]; lists?: Record<string, string[]>; event: Json }
const fixtures: [string, Case[]][] = readdirSync(FIXTURES).filter((f) => f.endsWith(".json")).sort()
  .map((file) => [file, JSON.parse(readFileSync(new URL(file, FIXTURES), "utf8"))]);

const defaultRules: Json[] = JSON.parse(defaultPolicyJson()).enrich.audit.rules;
const severityRank = ["info", "low", "medium", "high", "critical"];

describe("fixtures", () => {
  const filter = filterWith(); // no policy file: the embedded default policy

  it("cover every built-in rule with a positive case and a negative one (a near miss), every category with a negative", () => {
    const flagged = new Set(fixtures.flatMap(([, cases]) => cases.flatMap((c) => c.expect)));
    expect(defaultRules.map((r) => r.id).filter((id) => id !== "auth-failure-burst" && !flagged.has(id))).toEqual([]);
    const missed = new Set(fixtures.flatMap(([, cases]) => cases.flatMap((c) => c.not ?? [])));
    expect(defaultRules.map((r) => r.id).filter((id) => id !== "auth-failure-burst" && !missed.has(id))).toEqual([]);
    for (const [file, cases] of fixtures) expect(cases.some((c) => c.expect.length === 0), file).toBe(true);
    for (const [file, cases] of fixtures) {
      for (const c of cases) for (const id of c.not ?? []) expect(defaultRules.some((r) => r.id === id), `${file}: ${c.note}: ${id}`).toBe(true);
    }
  });

  it("are audit.k8s.io/v1 Events as the API server's log backend writes them (managed.json: as GKE and AKS wrap them)", () => {
    for (const [, cases] of fixtures.filter(([file]) => file !== "managed.json")) {
      for (const { event } of cases) {
        expect(event).toMatchObject({ kind: "Event", apiVersion: "audit.k8s.io/v1" });
        for (const field of ["level", "auditID", "stage", "requestURI", "verb", "user", "sourceIPs", "userAgent", "requestReceivedTimestamp", "stageTimestamp"]) {
          expect(event, field).toHaveProperty(field);
        }
      }
    }
  });

  for (const [file, cases] of fixtures) {
    describe(file, () => {
      for (const c of cases) {
        it(`${c.expect.length ? c.expect.join(" + ") : "not flagged"}: ${c.note}`, () => {
          const record = one(c.lists ? filterForLists(c.lists) : filter, c.event);
          for (const id of c.not ?? []) expect(record.audit?.rules ?? []).not.toContain(id);
          if (c.expect.length === 0) {
            expect(record.audit).toBeUndefined();
            return;
          }
          const rules = c.expect.map((id) => defaultRules.find((r) => r.id === id)!);
          const lead = rules[0];
          expect(record.audit).toEqual({
            rule: lead.id,
            category: lead.category,
            severity: lead.severity,
            attack: [...new Set(rules.flatMap((r) => r.attack))],
            reason: lead.reason,
            rules: c.expect,
          });
          // The most severe rule leads.
          const ranks = rules.map((r) => severityRank.indexOf(r.severity));
          expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
        });
      }
    });
  }

  it("leave the event itself as it was (the classification is only appended)", () => {
    const [, cases] = fixtures.find(([file]) => file === "execution.json")!;
    const record = one(filterWith(enrichPolicy({})), cases[0].event);
    expect(record.audit).toBeDefined();
    expect(withoutAdded(record)).toEqual(cases[0].event);
  });
});

describe("what is an audit event", () => {
  const filter = filterWith();
  const exec = fixtures.find(([file]) => file === "execution.json")![1][0].event;

  it("ignores Kubernetes core Events and other apiVersions", () => {
    expect(one(filter, { ...exec, apiVersion: "v1" }).audit).toBeUndefined();
    expect(one(filter, { ...exec, apiVersion: "events.k8s.io/v1" }).audit).toBeUndefined();
    expect(one(filter, { ...exec, kind: "EventList" }).audit).toBeUndefined();
    expect(one(filter, { log: JSON.stringify(exec) }).audit).toBeUndefined();
  });

  it("accepts audit.k8s.io/v1beta1 (older API servers)", () => {
    expect(one(filter, { ...exec, apiVersion: "audit.k8s.io/v1beta1" }).audit.rule).toBe("pod-exec");
  });

  it("recognises an event by its shape when it has no apiVersion (webhook receivers, Falco's test events)", () => {
    const { apiVersion: _, ...bare } = exec;
    expect(one(filter, bare).audit.rule).toBe("pod-exec");
    const { requestURI: __, ...noURI } = bare;
    expect(one(filter, noURI).audit.rule).toBe("pod-exec"); // objectRef is enough
    for (const member of ["kind", "auditID", "stage", "verb"]) {
      const { [member]: ___, ...partial } = bare as Record<string, unknown>;
      expect(one(filter, partial).audit, member).toBeUndefined();
    }
    const { objectRef: ____, ...neither } = noURI as Record<string, unknown>;
    expect(one(filter, neither).audit).toBeUndefined();
    expect(one(filter, { ...bare, kind: "EventList" }).audit).toBeUndefined();
    // Members in any order, the shape after the rules' own paths.
    const reordered = Object.fromEntries(Object.entries(bare).reverse());
    expect(one(filter, reordered).audit.rule).toBe("pod-exec");
  });

  it("classifies each request once: RequestReceived and ResponseStarted are skipped", () => {
    const secretRead = fixtures.find(([file]) => file === "secrets.json")![1][0].event;
    for (const stage of ["RequestReceived", "ResponseStarted"]) expect(one(filter, { ...secretRead, stage }).audit).toBeUndefined();
    expect(one(filter, { ...secretRead, stage: "Panic" }).audit.rule).toBe("secret-read");
    const everyStage = filterWith(enrichPolicy({ audit: { skip_stages: [] } }));
    expect(one(everyStage, { ...secretRead, stage: "ResponseStarted" }).audit.rule).toBe("secret-read");
  });

  describe("sessions (exec, attach, port-forward) fire once, at their start", () => {
    const session = (auditID: string, stage: string) => ({ ...exec, auditID, stage });

    it("fires at ResponseStarted (code 101) although skip_stages lists it, and not again at ResponseComplete", () => {
      const f = filterWith();
      expect(one(f, session("a-1", "ResponseStarted")).audit.rule).toBe("pod-exec");
      expect(one(f, session("a-2", "ResponseStarted")).audit.rule).toBe("pod-exec");
      expect(one(f, session("a-1", "ResponseComplete")).audit).toBeUndefined();
      expect(one(f, session("a-2", "Panic")).audit).toBeUndefined();
      // The same request delivered again after its end: its entry is gone, so it counts anew.
      expect(one(f, session("a-1", "ResponseComplete")).audit.rule).toBe("pod-exec");
    });

    it("fires at ResponseComplete when the audit policy omits ResponseStarted", () => {
      expect(one(filterWith(), session("b-1", "ResponseComplete")).audit.rule).toBe("pod-exec");
    });

    it("keeps other rules to their stages: at the start only the session rules, at the end the others", () => {
      const f = filterWith(enrichPolicy({ audit: { rules: [{ id: "exec-in-shop", category: "execution", severity: "low", attack: ["T1609"],
        reason: "exec in shop", match: { "objectRef.subresource": "exec", "objectRef.namespace": "shop" } }] } }));
      expect(one(f, session("c-1", "ResponseStarted")).audit.rules).toEqual(["pod-exec"]);
      expect(one(f, session("c-1", "ResponseComplete")).audit.rules).toEqual(["exec-in-shop"]);
    });

    it("keeps memory bounded: a flood of open sessions evicts the oldest (its end then fires once more)", () => {
      const f = filterWith();
      for (let i = 0; i < 5000; i++) one(f, session(`flood-${i}`, "ResponseStarted"));
      expect(one(f, session("flood-0", "ResponseComplete")).audit.rule).toBe("pod-exec"); // evicted: a duplicate
      expect(one(f, session("flood-4999", "ResponseComplete")).audit).toBeUndefined(); // still open: suppressed
      const memory = f.instance.exports.memory as WebAssembly.Memory;
      const size = memory.buffer.byteLength;
      for (let i = 0; i < 5000; i++) one(f, session(`more-${i}`, "ResponseStarted"));
      expect(memory.buffer.byteLength).toBe(size);
    });

    it("is the built-in behaviour of the exec, attach and port-forward rules only", () => {
      const staged = defaultRules.filter((r) => r.stages).map((r) => r.id);
      expect(staged.sort()).toEqual(["exec-cloud-metadata", "exec-credential-files", "exec-download", "exec-reverse-shell", "pod-exec", "pod-port-forward"]);
    });
  });

  it("does not write a second audit member", () => {
    const raw = new TextDecoder().decode(filter.callRaw("t", JSON.stringify({ ...exec, audit: { mine: true } }))!);
    expect(raw.match(/"audit"/g)).toHaveLength(1);
  });

  it("matches escaped keys and values as their decoded text", () => {
    const text = JSON.stringify(exec).replace('"resource":"pods"', '"res\\u006furce":"p\\u006fds"').replace('"subresource":"exec"', '"subresource":"\\u0065xec"');
    expect(text).toContain("\\u006f");
    expect(one(filter, text).audit.rule).toBe("pod-exec");
  });
});

describe("managed clusters", () => {
  const [, cases] = fixtures.find(([file]) => file === "managed.json")!;
  const gkeExec = cases[0].event;
  const aksExec = cases.find((c) => c.note.startsWith("AKS: an exec"))!.event;

  it("GKE: refusals (google.rpc code 7 or 16) count towards a burst like 403 and 401", () => {
    const filter = filterWith();
    const refused = (i: number, code: number) => ({ ...gkeExec, insertId: `refused-${i}`,
      protoPayload: { ...gkeExec.protoPayload, methodName: "io.k8s.core.v1.secrets.list", resourceName: "core/v1/namespaces/kube-system/secrets", status: { code } } });
    const rules = Array.from({ length: 10 }, (_, i) => one(filter, refused(i, i % 2 ? 7 : 16), "gke", 1_800_000_000 + i).audit?.rules);
    expect(rules.slice(0, 9).every((r) => !r.includes("auth-failure-burst"))).toBe(true);
    expect(rules[9]).toEqual(["auth-failure-burst", "secret-read-denied"]);
  });

  it("GKE: resourceName of every shape (cluster-scoped, a namespace itself, a list, escapes, an unknown group)", () => {
    const entry = (methodName: string, resourceName: string) => ({ ...gkeExec, protoPayload: { ...gkeExec.protoPayload, methodName, resourceName } });
    const filter = filterWith(enrichPolicy({ audit: { default_rules: false, rules: [
      { id: "ns", category: "test", severity: "info", attack: ["T1613"], reason: "ns", match: { "objectRef.resource": "namespaces", "objectRef.name": "shop", "objectRef.namespace": { exists: false }, verb: "delete" } },
      { id: "list", category: "test", severity: "info", attack: ["T1613"], reason: "list", match: { "objectRef.resource": "secrets", "objectRef.namespace": "kube-system", "objectRef.name": { exists: false }, verb: "list" } },
      { id: "crd", category: "test", severity: "info", attack: ["T1613"], reason: "crd", match: { "objectRef.apiGroup": "cilium.io", "objectRef.resource": "ciliumnetworkpolicies", "objectRef.apiVersion": "v2" } },
      { id: "core", category: "test", severity: "info", attack: ["T1613"], reason: "core", match: { "objectRef.apiGroup": { exists: false }, "objectRef.resource": "pods", "requestURI": { prefix: "/core/v1/" } } },
    ] } }));
    expect(one(filter, entry("io.k8s.core.v1.namespaces.delete", "core/v1/namespaces/shop")).audit?.rules).toEqual(["ns"]);
    expect(one(filter, entry("io.k8s.core.v1.secrets.list", "core/v1/namespaces/kube-system/secrets")).audit?.rules).toEqual(["list"]);
    expect(one(filter, entry("io.cilium.v2.ciliumnetworkpolicies.create", "cilium.io/v2/namespaces/shop/ciliumnetworkpolicies/deny")).audit?.rules).toEqual(["crd"]);
    const escaped = JSON.stringify(entry("io.k8s.core.v1.pods.exec.create", "core/v1/namespaces/shop/pods/web-1/exec"))
      .replace('"core/v1/namespaces/shop/pods/web-1/exec"', String.raw`"core\/v1\/namespaces\/shop\/pods\/web-1\/exec"`);
    expect(escaped).toContain(String.raw`core\/v1\/namespaces`);
    expect(one(filter, escaped).audit?.rules).toEqual(["core"]);
    expect(one(filter, entry("io.k8s.core.v1.pods.exec.create", "")).audit).toBeUndefined(); // no objectRef, a requestURI "/"
  });

  it("AKS: the classification goes to the outer record, which is otherwise unchanged", () => {
    const record = one(filterWith(enrichPolicy({})), aksExec);
    expect(record.audit.rule).toBe("pod-exec");
    expect(withoutAdded(record)).toEqual(aksExec);
  });

  it("AKS: an event with a session at its start counts once, like the raw event", () => {
    const filter = filterWith();
    const event = JSON.parse(aksExec.properties.log);
    const wrap = (stage: string) => ({ ...aksExec, properties: { ...aksExec.properties, log: JSON.stringify({ ...event, stage }) } });
    expect(one(filter, wrap("ResponseStarted")).audit.rule).toBe("pod-exec");
    expect(one(filter, wrap("ResponseComplete")).audit).toBeUndefined();
  });
});

describe("bursts of rejected requests", () => {
  const denied = (user: string, i: number) => ({
    kind: "Event", apiVersion: "audit.k8s.io/v1", level: "Metadata", auditID: `0b1c2d3e-0000-4000-8000-${String(i).padStart(12, "0")}`,
    stage: "ResponseComplete", requestURI: "/api/v1/namespaces/kube-system/secrets", verb: "list",
    user: { username: user, groups: ["system:authenticated"] }, sourceIPs: ["198.51.100.77"], userAgent: "kubectl/v1.30.4 (linux/amd64) kubernetes/a51b3b7",
    objectRef: { resource: "secrets", namespace: "kube-system", apiVersion: "v1" },
    responseStatus: { metadata: {}, status: "Failure", reason: "Forbidden", code: 403 },
    requestReceivedTimestamp: "2026-11-23T08:00:00.000000Z", stageTimestamp: "2026-11-23T08:00:00.001000Z",
  });

  it("flags the 10th 401/403 of one user within 60 s, and the ones after it, per user", () => {
    const filter = filterWith();
    const t0 = 1_800_000_000;
    // Each refusal is also a refused Secret read (secret-read-denied, low); the burst leads from the 10th.
    const rule = (user: string, i: number, sec: number) => one(filter, denied(user, i), "kube.audit", sec).audit?.rule;
    for (let i = 0; i < 9; i++) expect(rule("mallory@example.com", i, t0 + i)).toBe("secret-read-denied");
    for (let i = 0; i < 9; i++) expect(rule("eve@example.com", 100 + i, t0 + i)).toBe("secret-read-denied");
    expect(rule("mallory@example.com", 9, t0 + 9)).toBe("auth-failure-burst");
    expect(rule("mallory@example.com", 10, t0 + 10)).toBe("auth-failure-burst");
    expect(rule("eve@example.com", 109, t0 + 70)).toBe("secret-read-denied"); // eve's window is over: a new one starts
    const burst = one(filter, denied("mallory@example.com", 11), "kube.audit", t0 + 11).audit;
    expect(burst).toMatchObject({ category: "credential-access", attack: ["T1110", "T1552.007"], rules: ["auth-failure-burst", "secret-read-denied"] });
  });

  it("counts unauthenticated failures (no user name) together, and keeps memory bounded for many users", () => {
    const filter = filterWith();
    const t0 = 1_800_000_000;
    for (let i = 0; i < 5000; i++) one(filter, denied(`user-${i}@example.com`, i), "kube.audit", t0);
    const anonymous = (i: number) => ({ ...denied("x", i), user: {}, responseStatus: { metadata: {}, code: 401 } });
    let flagged = 0;
    for (let i = 0; i < 12; i++) if (one(filter, anonymous(i), "kube.audit", t0 + 1).audit?.rules.includes("auth-failure-burst")) flagged++;
    expect(flagged).toBe(3);
  });
});

describe("rules from the policy", () => {
  const exec = fixtures.find(([file]) => file === "execution.json")![1][0].event;
  const secretRead = fixtures.find(([file]) => file === "secrets.json")![1][0].event;
  const configRead = fixtures.find(([file]) => file === "secrets.json")![1][3].event;

  it("adds a policy's own rules to the built-in ones", () => {
    const filter = filterWith(enrichPolicy({
      audit: { rules: [{ id: "prod-namespace-exec", category: "execution", severity: "critical", attack: ["T1609"],
        reason: "exec in a production namespace", match: { "objectRef.subresource": "exec", "objectRef.namespace": { prefix: ["shop", "payments"] } } }] },
    }));
    expect(one(filter, exec).audit).toMatchObject({ rule: "prod-namespace-exec", severity: "critical", rules: ["prod-namespace-exec", "pod-exec"] });
  });

  it("replaces a built-in rule that has the same id, and disables the ones listed", () => {
    const filter = filterWith(enrichPolicy({
      audit: {
        rules: [{ id: "pod-exec", category: "execution", severity: "low", attack: ["T1609"], reason: "exec (tuned down)", match: { "objectRef.subresource": "exec" } }],
        disable: ["configmap-read"],
      },
    }));
    expect(one(filter, exec).audit).toMatchObject({ rule: "pod-exec", severity: "low", reason: "exec (tuned down)" });
    expect(one(filter, configRead).audit).toBeUndefined();
    expect(one(filter, secretRead).audit.rule).toBe("secret-read");
  });

  it("uses only the policy's rules when default_rules is false, and none when audit is false", () => {
    const own = filterWith(enrichPolicy({
      audit: { default_rules: false, rules: [{ id: "any-read", category: "discovery", severity: "info", attack: ["T1613"], reason: "read",
        match: { verb: ["get", "list"] } }] },
    }));
    expect(one(own, exec).audit).toBeUndefined();
    expect(one(own, secretRead).audit.rules).toEqual(["any-read"]);
    expect(one(filterWith(enrichPolicy({ audit: false })), exec).audit).toBeUndefined();
  });

  it("matches paths with * (one key or element) and ** (any depth), and every operator", () => {
    const rule = (id: string, match: object, extra: object = {}) =>
      ({ id, category: "test", severity: "info", attack: ["T1613"], reason: id, match, ...extra });
    const filter = filterWith(enrichPolicy({
      audit: { default_rules: false, rules: [
        rule("star-key", { "annotations.*": { contains: "platform-admins" } }),
        rule("star-element", { "sourceIPs.*": { prefix: "203.0.113." } }),
        rule("deep", { "**.username": "alice@example.com" }),
        rule("deep-none", { "**.nothing": { exists: true } }),
        rule("range", { "responseStatus.code": { min: 100, max: 101 } }),
        rule("absent", { "objectRef.apiGroup": { exists: false }, "objectRef.name": { exists: true } }),
        rule("not-equals", { verb: { not_equals: ["get", "list"] } }),
        rule("bools-and-null", { "x.flag": [true, null] }),
        rule("either", { verb: "create" }, { any: [{ "objectRef.namespace": "nowhere" }, { "objectRef.namespace": "shop" }] }),
        rule("neither", { verb: "create" }, { any: [{ "objectRef.namespace": "nowhere" }] }),
      ] },
    }));
    expect(one(filter, exec).audit.rules).toEqual(["star-key", "star-element", "deep", "range", "absent", "not-equals", "either"]);
    expect(one(filter, { ...exec, x: { flag: null } }).audit.rules).toContain("bools-and-null");
    expect(one(filter, { ...exec, x: { flag: false } }).audit.rules).not.toContain("bools-and-null");
  });

  it("not_contains, only_prefix (every value), credential (logseal's detectors) and unless (exceptions)", () => {
    const rule = (id: string, match: object, extra: object = {}) =>
      ({ id, category: "test", severity: "info", attack: ["T1613"], reason: id, match, ...extra });
    const filter = filterWith(enrichPolicy({
      audit: { default_rules: false, rules: [
        rule("no-tty", { requestURI: { not_contains: ["tty=false", "stdin=false"] } }),
        rule("has-tty", { requestURI: { not_contains: "tty=true" } }),
        rule("all-ips-docs", { "sourceIPs.*": { only_prefix: ["203.0.113.", "198.51.100."] } }),
        rule("secret-in-x", { "x.value": { credential: true } }),
        rule("secret-in-object", { "x.object": { credential: true } }),
        rule("secret-anywhere", { "x.list.*": { credential: true } }),
        rule("exec-unless-shop", { "objectRef.subresource": "exec" }, { unless: [{ "objectRef.namespace": "shop" }] }),
        rule("exec-unless-other", { "objectRef.subresource": "exec" }, { unless: [{ "objectRef.namespace": "other" }, { verb: "get" }] }),
      ] },
    }));
    expect(one(filter, exec).audit.rules).toEqual(["no-tty", "all-ips-docs", "exec-unless-other"]);
    expect(one(filter, { ...exec, sourceIPs: ["203.0.113.24", "10.0.0.1"] }).audit.rules).not.toContain("all-ips-docs");
    expect(one(filter, { ...exec, sourceIPs: [] }).audit.rules).not.toContain("all-ips-docs"); // no value: not "every value"
    const x = (x: object) => one(filter, { ...exec, x }).audit.rules;
    expect(x({ value: "postgres://app:S3cret-7Hq2mX@db:5432/shop" })).toContain("secret-in-x");
    expect(x({ value: "password = hunter2\nretries = 3" })).toContain("secret-in-x");
    expect(x({ value: "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8" })).toContain("secret-in-x");
    expect(x({ value: "jane.doe@example.com 4111 1111 1111 1111" })).not.toContain("secret-in-x"); // personal data, not credentials
    expect(x({ object: { DB_PASSWORD: "hunter2", LOG_LEVEL: "info" } })).toContain("secret-in-object"); // a sensitive key in the JSON text
    expect(x({ object: { password_min_length: "12" } })).not.toContain("secret-in-object");
    expect(x({ object: "not an object" })).not.toContain("secret-in-object");
    expect(x({ list: ["fine", { token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ" }] })).toContain("secret-anywhere");
    expect(x({ list: ["fine", "aws_secret_access_key = MY-KEY"] })).toContain("secret-anywhere");
    expect(x({ list: ["fine", ["password=hunter2"]] })).not.toContain("secret-anywhere"); // an array's text is not tested, its strings are (one level down)
    expect(one(filter, { ...exec, objectRef: { ...exec.objectRef, namespace: "other" } }).audit.rules).toEqual(expect.arrayContaining(["exec-unless-shop"]));
    expect(one(filter, { ...exec, objectRef: { ...exec.objectRef, namespace: "other" } }).audit.rules).not.toContain("exec-unless-other");
  });

  it("tests each condition at most once per event, and only when a rule gets to it (same answers)", () => {
    // 200 rules sharing conditions on one path: the verdicts do not depend on evaluation order.
    const rules = Array.from({ length: 200 }, (_, i) => ({ id: `r${i}`, category: "test", severity: ["info", "low", "medium", "high", "critical"][i % 5],
      attack: ["T1613"], reason: `r${i}`, match: i % 2 ? { requestURI: { contains: "exec" }, verb: "create" } : { verb: "get", requestURI: { contains: "exec" } } }));
    const filter = filterWith(enrichPolicy({ audit: { default_rules: false, rules } }));
    const fired = one(filter, exec).audit.rules as string[];
    expect(fired).toHaveLength(100);
    expect(fired.every((id) => Number(id.slice(1)) % 2 === 1)).toBe(true);
  });
});

describe("keys that contain dots (annotations, labels): written in brackets", () => {
  const [, workloads] = fixtures.find(([file]) => file === "workloads.json")!;
  const pod = workloads.find((c) => c.event.objectRef?.resource === "pods" && c.event.requestObject?.spec)!.event;
  const rule = (match: object) => filterWith(enrichPolicy({ audit: { default_rules: false, rules: [
    { id: "r", category: "test", severity: "low", attack: ["T1610"], reason: "r", match }] } }));
  const labelled = { ...pod, requestObject: { ...pod.requestObject, metadata: { ...pod.requestObject.metadata, labels: { "app.kubernetes.io/name": "web", app: { kubernetes: { io: "nested" } } } } } };

  it("names one key, dots and all, not a path through nested objects", () => {
    expect(one(rule({ "requestObject.metadata.labels[app.kubernetes.io/name]": "web" }), labelled).audit?.rule).toBe("r");
    expect(one(rule({ "requestObject.metadata.labels[app.kubernetes.io/name]": "nested" }), labelled).audit).toBeUndefined();
    expect(one(rule({ "requestObject.metadata.labels.app.kubernetes.io": "nested" }), labelled).audit?.rule).toBe("r");
    expect(one(rule({ "requestObject.metadata.labels.app.kubernetes.io/name": "web" }), labelled).audit).toBeUndefined();
  });

  it("in any position, beside wildcards, escaped in the event", () => {
    expect(one(rule({ "[annotations].[authorization.k8s.io/decision]": "allow" }), pod).audit?.rule).toBe("r");
    expect(one(rule({ "requestObject.**[app.kubernetes.io/name]": "web" }), labelled).audit?.rule).toBe("r");
    expect(one(rule({ "requestObject.metadata.*[app.kubernetes.io/name]": "web" }), labelled).audit?.rule).toBe("r");
    const escaped = JSON.stringify(labelled).replace('"app.kubernetes.io/name"', '"app.kubernetes.io\\/name"');
    expect(escaped).toContain("io\\/name");
    expect(one(rule({ "requestObject.metadata.labels[app.kubernetes.io/name]": "web" }), escaped).audit?.rule).toBe("r");
  });
});

describe("allow-lists (enrich.audit.lists)", () => {
  const [, benign] = fixtures.find(([file]) => file === "benign.json")!;
  const flagged = (lists: Record<string, string[]> | undefined) =>
    benign.filter((c) => one(filterForLists(lists), c.event).audit !== undefined).map((c) => c.note);

  it("a policy's entries are added to the built-in ones; naming a list, even [], turns on the rules that read it", () => {
    const create = (name: string) => ({ ...benign.find((c) => c.note === "user: creates a namespace")!.event, objectRef: { resource: "namespaces", name, apiVersion: "v1" } });
    expect(one(filterForLists(), create("foo")).audit).toBeUndefined();
    expect(one(filterForLists({ allowed_namespaces: [] }), create("foo")).audit.rules).toEqual(["namespace-not-allowed"]);
    expect(one(filterForLists({ allowed_namespaces: [] }), create("kube-node-lease")).audit).toBeUndefined(); // a built-in entry
    expect(one(filterForLists({ allowed_namespaces: ["foo"] }), create("foo")).audit).toBeUndefined();
    expect(one(filterForLists({ allowed_namespaces: ["foo"] }), create("kube-public")).audit).toBeUndefined();
  });

  it("a policy rule may name a list of its own", () => {
    const filter = filterWith(enrichPolicy({ audit: { default_rules: false, lists: { prod_namespaces: ["payments", "shop"] }, rules: [
      { id: "prod-exec", category: "execution", severity: "critical", attack: ["T1609"], reason: "exec in production",
        match: { "objectRef.subresource": "exec", "objectRef.namespace": { equals: { list: "prod_namespaces" } } } }] } }));
    const exec = fixtures.find(([file]) => file === "execution.json")![1][0].event;
    expect(one(filter, { ...exec, objectRef: { ...exec.objectRef, namespace: "payments" } }).audit.rule).toBe("prod-exec");
    expect(one(filter, { ...exec, objectRef: { ...exec.objectRef, namespace: "sandbox" } }).audit).toBeUndefined();
  });

  it("the benign corpus: nothing flagged by default, nothing with its cluster's users and registries listed", () => {
    expect(flagged(undefined)).toEqual([]);
    expect(flagged({ allowed_users: ["alice@example.com", "bob@example.com"],
      allowed_images: ["registry.example.com/", "registry.gitlab.com/gitlab-org/"] })).toEqual([]);
  });

  it("the benign corpus with Falco's default lists switched on ([]): its people, their namespace and their images are outside them", () => {
    const notes = flagged({ allowed_users: [], allowed_namespaces: [], allowed_images: [] });
    expect(notes).toContain("user: creates a namespace");
    expect(notes).toContain("replicaset controller: creates an application pod");
    expect(notes.length).toBeGreaterThan(20); // alice's and bob's every request: why the lists are the cluster's to name
  });
});

describe("validation of audit rules", () => {
  const issuesOf = (rules: object[], audit: object = {}) =>
    checkPolicyJson(JSON.stringify(enrichPolicy({ audit: { rules, ...audit } }))).issues;
  const good = { id: "r", category: "execution", severity: "high", attack: ["T1609"], reason: "why", match: { verb: "create" } };

  it("accepts a valid rule, and the embedded default policy is valid", () => {
    expect(issuesOf([good])).toEqual([]);
    expect(checkPolicyJson(defaultPolicyJson()).issues).toEqual([]);
  });

  const bad: [string, object[], object, RegExp][] = [
    ["an unknown rule setting", [{ ...good, when: {} }], {}, /rules\[\d+\]\.when: unknown setting/],
    ["a missing id", [{ ...good, id: undefined }], {}, /\.id: is required/],
    ["an id with spaces", [{ ...good, id: "my rule" }], {}, /\.id: must be lower-case letters/],
    ["two rules with one id", [good, good], {}, /\.id: "r" is used by an earlier rule/],
    ["an unknown severity", [{ ...good, severity: "severe" }], {}, /\.severity: must be one of: info, low, medium, high, critical/],
    ["no ATT&CK id", [{ ...good, attack: [] }], {}, /\.attack: must list at least one MITRE ATT&CK technique id/],
    ["a malformed ATT&CK id", [{ ...good, attack: ["T160"] }], {}, /"T160" is not an ATT&CK technique id/],
    ["a missing match", [{ ...good, match: undefined }], {}, /\.match: is required/],
    ["an empty match", [{ ...good, match: {} }], {}, /\.match: must name at least one path/],
    ["an empty path segment", [{ ...good, match: { "objectRef..name": "x" } }], {}, /path "objectRef\.\.name" has an empty key/],
    ["a path ending in **", [{ ...good, match: { "requestObject.**": "x" } }], {}, /must not end with \*\*/],
    ["a wildcard inside a key", [{ ...good, match: { "objectRef.res*": "x" } }], {}, /uses \* inside a key/],
    ["an unknown operator", [{ ...good, match: { verb: { startswith: "c" } } }], {}, /match\.verb\.startswith: unknown setting/],
    ["a prefix that is not text", [{ ...good, match: { verb: { prefix: 4 } } }], {}, /match\.verb\.prefix: must be a string/],
    ["an object as a value", [{ ...good, match: { verb: [{ a: 1 }] } }], {}, /must be a string, number, true, false or null/],
    ["an empty value list", [{ ...good, match: { verb: [] } }], {}, /must list at least one value/],
    ["a non-boolean exists", [{ ...good, match: { verb: { exists: "yes" } } }], {}, /exists: must be true or false/],
    ["a non-numeric max", [{ ...good, match: { "responseStatus.code": { max: "399" } } }], {}, /max: must be a number/],
    ["an empty any", [{ ...good, any: [] }], {}, /\.any: must be a non-empty list of match objects/],
    ["a burst without by", [{ ...good, burst: { count: 5, seconds: 10 } }], {}, /burst\.by: is required/],
    ["a burst of one", [{ ...good, burst: { count: 1, seconds: 10, by: "user.username" } }], {}, /burst\.count: must be a whole number from 2/],
    ["disabling an unknown rule", [], { disable: ["no-such-rule"] }, /no rule has the id "no-such-rule"/],
    ["an unknown stage", [{ ...good, stages: ["ResponseStart"] }], {}, /\.stages\[0\]: "ResponseStart" is not a stage/],
    ["credential: false", [{ ...good, match: { "x.y": { credential: false } } }], {}, /credential: must be true/],
    ["an only_prefix that is not text", [{ ...good, match: { "x.*": { only_prefix: [1] } } }], {}, /only_prefix\[0\]: must be a string/],
    ["an empty unless", [{ ...good, unless: [] }], {}, /\.unless: must be a non-empty list of match objects/],
    ["an empty stage list", [{ ...good, stages: [] }], {}, /\.stages: must list at least one stage/],
    ["an unknown stage to skip", [], { skip_stages: ["Complete"] }, /skip_stages\[0\]: "Complete" is not a stage/],
    ["an unknown audit setting", [], { rulez: [] }, /enrich\.audit\.rulez: unknown setting/],
    ["a bracket not closed", [{ ...good, match: { "annotations[authorization.k8s.io/decision": "forbid" } }], {}, /has a \[ without its \]/],
    ["a wildcard in brackets", [{ ...good, match: { "annotations[*]": "forbid" } }], {}, /has \* in brackets/],
    ["a key run on after brackets", [{ ...good, match: { "annotations[a.b]c": "x" } }], {}, /needs a dot after a key in brackets/],
    ["empty brackets", [{ ...good, match: { "annotations[]": "x" } }], {}, /has an empty key in brackets/],
    ["an unknown list", [{ ...good, match: { "user.username": { not_equals: { list: "trusted_users" } } } }], {}, /not_equals\.list: no list is called "trusted_users"/],
    ["a list reference with more", [{ ...good, match: { verb: { equals: { list: "allowed_users", add: ["x"] } } } }], {}, /equals\.add: unknown setting/],
    ["a list that is no list", [], { lists: { allowed_users: "alice" } }, /enrich\.audit\.lists\.allowed_users: must be a list of strings/],
    ["a list entry that is no string", [], { lists: { allowed_users: ["alice", 7] } }, /lists\.allowed_users\[1\]: must be a non-empty string/],
    ["a needs_list of no list", [{ ...good, needs_list: "trusted_users" }], {}, /\.needs_list: no list is called "trusted_users"/],
    ["a rule off until its list is named, still checked", [{ ...good, needs_list: "allowed_users", severity: "severe" }], {}, /\.severity: must be one of/],
  ];
  for (const [what, rules, audit, message] of bad) {
    it(`rejects ${what}`, () => {
      const issues = issuesOf(rules, audit);
      expect(issues.some((issue) => message.test(issue)), issues.join("\n")).toBe(true);
    });
  }
});

describe("robustness", () => {
  it("never traps on mutated audit events, and always returns a record", () => {
    const filter = filterWith();
    const events = fixtures.flatMap(([, cases]) => cases.map((c) => Buffer.from(JSON.stringify(c.event))));
    const next = rng(7);
    for (let i = 0; i < 3000; i++) {
      const bytes = Buffer.from(events[i % events.length]);
      const r = next();
      let input: Buffer = bytes;
      if (r < 0.3) input = bytes.subarray(0, Math.floor(next() * bytes.length));
      else for (let k = 0; k < 4; k++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      expect(filter.call("kube.audit", input).kind).toBe("record");
    }
  });

  it("handles deep nesting under a ** path without growing memory per record", () => {
    const filter = filterWith();
    const exec = fixtures.find(([file]) => file === "workloads.json")![1][0].event;
    const deep = { ...exec, requestObject: { spec: JSON.parse("[".repeat(400) + "]".repeat(400)) } };
    expect(one(filter, deep).audit).toBeUndefined();
    const memory = (filter.instance.exports.memory as WebAssembly.Memory);
    for (let i = 0; i < 200; i++) one(filter, deep);
    const size = memory.buffer.byteLength;
    for (let i = 0; i < 2000; i++) one(filter, i % 2 ? deep : exec);
    expect(memory.buffer.byteLength).toBe(size);
  });
});
