// The recommended kube-apiserver audit policy (fluent-bit/audit-policy.yaml) against the rules:
// every fixture reduced to the level that policy gives it (and to Metadata, the level the
// Kubernetes documentation's example policy gives RBAC, Secrets and workloads) must classify as
// the fixture says; every rule must fire under the policy, and every rule that can work from
// metadata alone must fire at Metadata.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultPolicyJson } from "../cli/policy.js";
import { type Json, filterForLists, one } from "./support/enrichment.js";
import { LEVELS, levelFor, readAuditPolicy, reduceTo } from "./audit-levels.js";

const FIXTURES = new URL("./fixtures/audit/", import.meta.url);
interface Case { note: string; expect: string[]; not?: string[]; policy?: string[]; metadata?: string[]; lists?: Record<string, string[]>; event: Json }
// managed.json holds GKE and AKS entries: their providers' policies apply, not this one.
const cases: [string, Case][] = readdirSync(FIXTURES).filter((f) => f.endsWith(".json") && f !== "managed.json").sort()
  .flatMap((file) => (JSON.parse(readFileSync(new URL(file, FIXTURES), "utf8")) as Case[]).map((c) => [file, c] as [string, Case]));
const defaultRules: Json[] = JSON.parse(defaultPolicyJson()).enrich.audit.rules;
const policy = readAuditPolicy();
// A minute apart, so refusals from different cases never add up to a burst.
let clock = 1_800_000_000;
/** The rules an event fires under the embedded default policy (with the case's lists named, if any). */
const rulesOf = (event: Json | null, lists?: Record<string, string[]>) =>
  (event === null ? [] : one(filterForLists(lists), event, "kube-audit", (clock += 61)).audit?.rules ?? []);

/** Whether a rule can hold without request or response bodies (some `any` alternative too). */
const bodyFree = (match: Json) => Object.entries(match).every(([path, test]) =>
  !/^(requestObject|responseObject)(\.|$)/.test(path) || (typeof test === "object" && test !== null && (test as Json).exists === false));
const metadataCapable = new Set(defaultRules.filter((r) => bodyFree(r.match) && (!r.any || r.any.some(bodyFree))).map((r) => r.id));

// Rules that cannot fire under the recommended policy, and why.
const NOT_UNDER_POLICY: Record<string, string> = {
  "token-secret-created": "reads the Secret's type, which needs level Request for Secrets: the policy keeps Secrets at Metadata "
    + "(their values would be written to the audit log); token-secret-populated catches the same token at Metadata",
  "binding-not-logged": "the policy logs RBAC writes with their bodies: it fires where a policy does not (Metadata)",
  "role-not-logged": "the policy logs RBAC writes with their bodies: it fires where a policy does not (Metadata)",
  "token-secret-populated": "fires at Metadata only; under the policy a Secret write is Metadata too, so it does (tested below)",
  "auth-failure-burst": "a burst of 401/403 (tests/audit.test.ts); the policy logs refusals at Metadata",
};

describe("the recommended audit policy", () => {
  it("is an audit.k8s.io/v1 Policy that keeps ResponseStarted (sessions) and ends with a Metadata catch-all", () => {
    const raw = readAuditPolicy() as Json;
    expect(raw).toMatchObject({ apiVersion: "audit.k8s.io/v1", kind: "Policy" });
    expect(raw.omitStages).toEqual(["RequestReceived"]);
    for (const rule of raw.rules) expect(LEVELS).toContain(rule.level);
    expect(raw.rules.at(-1)).toEqual({ level: "Metadata" });
  });

  it("never writes a Secret's or a token's body", () => {
    for (const [resource, subresource, group] of [["secrets", undefined, ""], ["serviceaccounts", "token", ""], ["tokenreviews", undefined, "authentication.k8s.io"]]) {
      for (const verb of ["create", "update", "patch", "get", "list"]) {
        const event = { verb, user: { username: "alice@example.com", groups: ["system:authenticated"] }, stage: "ResponseComplete",
          objectRef: { resource, subresource, apiGroup: group || undefined, namespace: "shop" } };
        expect(["Metadata", "None"], `${verb} ${resource}`).toContain(levelFor(policy, event));
      }
    }
  });

  it("logs every positive fixture", () => {
    for (const [file, c] of cases) {
      if (c.expect.length) expect(levelFor(policy, c.event), `${file}: ${c.note}`).not.toBe("None");
    }
  });

  for (const [file, c] of cases) {
    const level = levelFor(policy, c.event);
    const want = c.policy ?? c.expect;
    it(`${file}: ${c.note} (policy level ${level}): ${want.length ? want.join(" + ") : "not flagged"}`, () => {
      expect(rulesOf(reduceTo(c.event, level), c.lists)).toEqual(want);
    });
  }

  it("lets every rule fire on a fixture at the level it gives (or says why not)", () => {
    const fired = new Set(cases.flatMap(([, c]) => rulesOf(reduceTo(c.event, levelFor(policy, c.event)), c.lists)));
    const missing = defaultRules.map((r) => r.id).filter((id) => !fired.has(id) && !(id in NOT_UNDER_POLICY) );
    expect(missing).toEqual([]);
    expect(fired.has("token-secret-populated")).toBe(true);
  });

  it("has, at every level a rule fires at under it, a near miss for that rule written at the same level", () => {
    const levelsOf = (pick: (c: Case) => string[]) => {
      const levels = new Map<string, Set<string>>();
      for (const [, c] of cases) {
        const reduced = reduceTo(c.event, levelFor(policy, c.event));
        for (const id of pick(c)) levels.set(id, (levels.get(id) ?? new Set()).add(reduced?.level ?? "None"));
      }
      return levels;
    };
    const fires = levelsOf((c) => c.policy ?? c.expect);
    const misses = levelsOf((c) => c.not ?? []);
    const gaps = [...fires].flatMap(([id, levels]) => [...levels].filter((l) => !misses.get(id)?.has(l)).map((l) => `${id} at ${l}`));
    expect(gaps).toEqual([]);
  });
});

describe("at level Metadata (the Kubernetes documentation's example policy for RBAC, Secrets, workloads)", () => {
  for (const [file, c] of cases) {
    const derived = c.expect.filter((id) => metadataCapable.has(id));
    const want = c.metadata ?? derived;
    it(`${file}: ${c.note}: ${want.length ? want.join(" + ") : "not flagged"}`, () => {
      expect(rulesOf(reduceTo(c.event, "Metadata"), c.lists)).toEqual(want);
    });
  }

  it("every rule that can work from metadata alone fires on some fixture reduced to Metadata", () => {
    const fired = new Set(cases.flatMap(([, c]) => rulesOf(reduceTo(c.event, "Metadata"), c.lists)));
    expect([...metadataCapable].filter((id) => !fired.has(id) && id !== "auth-failure-burst")).toEqual([]);
  });

  it("names the gap where a rule needs the body: a binding or role written at Metadata still fires, at lower severity", () => {
    const severity = (id: string) => ["info", "low", "medium", "high", "critical"].indexOf(defaultRules.find((r) => r.id === id)!.severity);
    expect(severity("binding-not-logged")).toBeLessThan(severity("binding-to-cluster-admin"));
    expect(severity("role-not-logged")).toBeLessThan(severity("role-with-wildcard"));
  });
});
