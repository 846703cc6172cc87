// The `enrich` section of the policy: static fields, severity, level gating, audit rules.
//   "enrich": {
//     "static": {"cluster": "prod-eu-1", "replicas": 3},
//     "severity": {"fields": [...], "text_fields": [...], "default": "INFO"} | false,
//     "gate": {"min_level": "INFO", "tags": {...}, "namespaces": {...}, "override": {...}},
//     "audit": {"default_rules": true, "rules": [...], "disable": [...], "skip_stages": [...]} | false,
//     "policy_field": false
//   }
// Without the section, severity is normalised and audit events are classified with the
// built-in rules; nothing is gated and nothing else is added.
import { Issues } from "../policy/issues";
import { JsonValue, Kind } from "../policy/value";
import { AuditRules, parseAuditRules } from "./audit/rules";
import { LevelGate, parseGate, parseLevel } from "./gate";
import { Level } from "./severity";
import { jsonString, jsonText, numberText } from "./serialise";

/** Top-level fields where applications put their level, most common first. */
export const LEVEL_FIELDS = ["level", "severity", "lvl", "loglevel", "log_level", "levelname", "severity_text"];
/** Message fields whose start may announce the level (`ERROR ...`, klog, JSON text). */
export const TEXT_FIELDS = ["log", "message", "msg"];
/** Fields logseal writes itself: a static field may not take their names. */
const RESERVED = ["logseal_error", "logseal_raw", "redaction", "severity_text", "severity_number", "audit", "_seal", "logseal_policy"];

export class StaticField {
  constructor(public key: string, public member: ArrayBuffer, public value: ArrayBuffer) {}
}

export class SeverityPolicy {
  fields: string[] = LEVEL_FIELDS;
  textFields: string[] = TEXT_FIELDS;
  /** Written when no level is found (Unknown: write nothing); never used for gating. */
  fallback: Level = Level.Unknown;
}

export class EnrichPolicy {
  statics: StaticField[] = [];
  severity: SeverityPolicy | null = null;
  gate: LevelGate = new LevelGate();
  audit: AuditRules | null = null;
  /** Write `logseal_policy` (the policy version) into every record. */
  policyField: bool = false;
}

const SECTION_KEYS = ["static", "severity", "gate", "audit", "policy_field"];
const SEVERITY_KEYS = ["fields", "text_fields", "default"];

export function parseEnrichPolicy(section: JsonValue | null, issues: Issues): EnrichPolicy {
  const policy = new EnrichPolicy();
  const object = issues.object(section, "enrich");
  if (section != null && object == null) return policy;
  if (object != null) issues.onlyKeys(object, "enrich", SECTION_KEYS);
  policy.statics = parseStatics(member(object, "static"), issues);
  policy.severity = parseSeverity(member(object, "severity"), issues);
  policy.gate = parseGate(member(object, "gate"), issues);
  if (!policy.gate.isEmpty && policy.severity == null) {
    issues.add(member(object, "gate"), "enrich.gate", "needs severity detection: remove \"severity\": false");
  }
  policy.audit = parseAuditRules(member(object, "audit"), issues);
  policy.policyField = issues.bool(member(object, "policy_field"), "enrich.policy_field", false);
  return policy;
}

function member(object: JsonValue | null, key: string): JsonValue | null {
  return object != null ? object.get(key) : null;
}

function parseSeverity(value: JsonValue | null, issues: Issues): SeverityPolicy | null {
  if (value != null && value.kind == Kind.Bool) return value.bool ? new SeverityPolicy() : null;
  const severity = new SeverityPolicy();
  const object = issues.object(value, "enrich.severity");
  if (object == null) return severity;
  issues.onlyKeys(object, "enrich.severity", SEVERITY_KEYS);
  const fields = object.get("fields");
  if (fields != null) severity.fields = fieldPaths(fields, "enrich.severity.fields", issues);
  const textFields = object.get("text_fields");
  if (textFields != null) severity.textFields = fieldPaths(textFields, "enrich.severity.text_fields", issues);
  severity.fallback = parseLevel(object.get("default"), "enrich.severity.default", issues);
  return severity;
}

function fieldPaths(value: JsonValue, where: string, issues: Issues): string[] {
  const paths = issues.strings(value, where);
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i];
    if (path.length == 0 || path.startsWith(".") || path.endsWith(".") || path.includes("..") || path.includes("*")) {
      issues.add(value.kind == Kind.Array ? value.items[i] : value, where + "[" + i.toString() + "]", "must be a dotted path of keys (no wildcards)");
    }
  }
  return paths;
}

function parseStatics(value: JsonValue | null, issues: Issues): StaticField[] {
  const fields = new Array<StaticField>();
  const object = issues.object(value, "enrich.static");
  if (object == null) return fields;
  for (let i = 0; i < object.keys.length; i++) {
    const key = object.keys[i];
    const item = object.items[i];
    const where = "enrich.static." + key;
    if (key.length == 0) {
      issues.add(item, "enrich.static", "field names must not be empty");
      continue;
    }
    if (RESERVED.includes(key)) {
      issues.add(item, where, "is a field logseal writes itself");
      continue;
    }
    let json: string;
    if (item.kind == Kind.String) json = jsonText(item.text);
    else if (item.kind == Kind.Bool) json = item.bool ? "true" : "false";
    else if (item.kind == Kind.Number) json = numberText(item.number);
    else {
      issues.add(item, where, "must be a string, number, true or false");
      continue;
    }
    fields.push(new StaticField(key, jsonString(key), String.UTF8.encode(json)));
  }
  return fields;
}
