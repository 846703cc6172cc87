// The level a kube-apiserver audit policy gives a request, evaluated as the API server does
// (k8s.io/apiserver/pkg/audit/policy: the first rule that matches sets it; users, groups, verbs,
// resources with "*", "*/sub" and "res/*", resourceNames, namespaces, non-resource URLs with a
// trailing "*"), and an event reduced to a level: what the API server would have written.
import { readFileSync } from "node:fs";
import { parse } from "yaml";

export const LEVELS = ["None", "Metadata", "Request", "RequestResponse"] as const;
export type Level = (typeof LEVELS)[number];
type Json = Record<string, any>;

interface GroupResources { group?: string; resources?: string[]; resourceNames?: string[] }
interface PolicyRule {
  level: Level; users?: string[]; userGroups?: string[]; verbs?: string[];
  resources?: GroupResources[]; namespaces?: string[]; nonResourceURLs?: string[]; omitStages?: string[];
}
export interface AuditPolicy { omitStages?: string[]; rules: PolicyRule[] }

export const RECOMMENDED_POLICY_FILE = new URL("../fluent-bit/audit-policy.yaml", import.meta.url);

export function readAuditPolicy(file: URL = RECOMMENDED_POLICY_FILE): AuditPolicy {
  return parse(readFileSync(file, "utf8")) as AuditPolicy;
}

const has = (list: string[] | undefined, value: string) => list === undefined || list.length === 0 || list.includes(value);

function matchesResource(rule: PolicyRule, ref: Json): boolean {
  if (rule.namespaces?.length && !rule.namespaces.includes(ref.namespace ?? "")) return false;
  if (!rule.resources?.length) return true;
  const group = ref.apiGroup ?? "";
  const combined = ref.subresource ? `${ref.resource}/${ref.subresource}` : ref.resource;
  return rule.resources.some((gr) => {
    if ((gr.group ?? "") !== group) return false;
    if (!gr.resources?.length) return true;
    if (gr.resourceNames?.length && !gr.resourceNames.includes(ref.name ?? "")) return false;
    return gr.resources.some((res) =>
      res === combined || res === "*"
      || (ref.subresource && res.startsWith("*/") && res.slice(2) === ref.subresource)
      || (res.endsWith("/*") && res.slice(0, -2) === ref.resource));
  });
}

function matchesURL(patterns: string[], uri: string): boolean {
  const path = uri.split("?")[0];
  return patterns.some((p) => (p.endsWith("*") ? path.startsWith(p.slice(0, -1)) : path === p));
}

/** The rule of `policy` that applies to `event` (undefined: none, level None). */
function ruleFor(policy: AuditPolicy, event: Json): PolicyRule | undefined {
  const user = event.user ?? {};
  const ref = event.objectRef;
  return policy.rules.find((rule) => {
    if (!has(rule.users, user.username ?? "")) return false;
    if (rule.userGroups?.length && !(user.groups ?? []).some((g: string) => rule.userGroups!.includes(g))) return false;
    if (!has(rule.verbs, event.verb)) return false;
    if (rule.namespaces?.length || rule.resources?.length) {
      if (!ref) return false;
      if (!matchesResource(rule, ref)) return false;
    }
    if (rule.nonResourceURLs?.length) {
      if (ref) return false;
      if (!matchesURL(rule.nonResourceURLs, event.requestURI ?? "")) return false;
    }
    return true;
  });
}

/** The level `policy` gives `event`, None when its stage is omitted. */
export function levelFor(policy: AuditPolicy, event: Json): Level {
  const rule = ruleFor(policy, event);
  if (!rule) return "None";
  const omitted = [...(policy.omitStages ?? []), ...(rule.omitStages ?? [])];
  return omitted.includes(event.stage) ? "None" : rule.level;
}

/** `event` as written at `level` (never more than it already has); null at None. */
export function reduceTo(event: Json, level: Level): Json | null {
  const own = LEVELS.indexOf((event.level ?? "RequestResponse") as Level);
  const at = Math.min(own < 0 ? 3 : own, LEVELS.indexOf(level));
  if (at === 0) return null;
  const out: Json = { ...event, level: LEVELS[at] };
  if (at < 3) delete out.responseObject;
  if (at < 2) delete out.requestObject;
  return out;
}
