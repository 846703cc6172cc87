// Audit rules as data (`enrich.audit` in the policy): each names its ATT&CK techniques and the
// conditions on event paths under which it applies. Validated strictly and compiled once; the
// JSON they write is serialised here too, so the hot path only copies bytes.
import { Issues } from "../../policy/issues";
import { JsonValue, Kind, parseJson } from "../../policy/value";
import { BurstCounter } from "./burst";
import { ConditionSet, NamedLists } from "./conditions";
import { DEFAULT_AUDIT_LISTS, DEFAULT_AUDIT_RULES } from "./defaults";
import { EventShape } from "./shape";
import { STAGE_NAMES, stageNamed } from "./stages";
import { jsonString, jsonText } from "../serialise";

export const SEVERITIES = ["info", "low", "medium", "high", "critical"];

export class AuditRule {
  /** Conditions that must all hold, alternatives (each a list of conditions) one of which must, and exceptions (none may). */
  all: i32[] = [];
  any: i32[][] = [];
  unless: i32[][] = [];
  /** How many of `all` (sorted by cost) are cheap: tested before `any`, the rest after it. */
  cheap: i32 = 0;
  /** Optional: the rule applies only once `burst.threshold` events share a key within the window. */
  burst: BurstCounter | null = null;
  burstKey: i32 = -1;
  /** Stage bits at which the rule is evaluated, overriding `skip_stages` (0: the stages not skipped). */
  stages: u32 = 0;
  /** Indices into AuditRules.attackIds. */
  attack: i32[] = [];
  /** `"id"`; `"rule":"id","category":"...","severity":"..."`; `"reason":"..."` (JSON, pre-serialised). */
  idJson: ArrayBuffer = new ArrayBuffer(0);
  head: ArrayBuffer = new ArrayBuffer(0);
  reason: ArrayBuffer = new ArrayBuffer(0);

  constructor(public id: string, public severity: i32) {}
}

export class AuditRules {
  readonly conditions: ConditionSet = new ConditionSet();
  /** The conditions that recognise an audit event (kind, auditID, stage...), tested in the same scan. */
  readonly shape: EventShape = new EventShape(this.conditions);
  /** Highest severity first (policy order among equals): the first rule that matches leads. */
  readonly rules: AuditRule[] = [];
  /** ATT&CK ids as JSON strings, each once. */
  readonly attackIds: ArrayBuffer[] = [];
  readonly attackNames: string[] = [];
  /** Stage bits whose events are not classified (the same request is logged again when it completes). */
  skipStages: u32 = 0;
  /** Whether some rule has its own `stages` (then skipped stages still need a look). */
  staged: bool = false;
}

/** A request is logged at each stage; classifying only its ResponseComplete (or Panic) event counts it once. */
const DEFAULT_SKIPPED_STAGES = ["RequestReceived", "ResponseStarted"];
const SECTION_KEYS = ["default_rules", "rules", "disable", "skip_stages", "lists"];
const RULE_KEYS = ["id", "category", "severity", "attack", "reason", "match", "any", "unless", "burst", "stages", "needs_list"];
const BURST_KEYS = ["count", "seconds", "by"];

/** `enrich.audit`: false (off), or {"default_rules", "rules", "disable", "skip_stages"}; null when off. */
export function parseAuditRules(section: JsonValue | null, issues: Issues): AuditRules | null {
  if (section != null && section.kind == Kind.Bool) return section.bool ? parseAuditRules(null, issues) : null;
  const object = issues.object(section, "enrich.audit");
  if (section != null && object == null) return null;
  const chosen = new Array<JsonValue>();
  let includeDefaults = true;
  if (object != null) {
    issues.onlyKeys(object, "enrich.audit", SECTION_KEYS);
    includeDefaults = issues.bool(object.get("default_rules"), "enrich.audit.default_rules", true);
  }
  if (includeDefaults) {
    const defaults = defaultRules();
    for (let i = 0; i < defaults.length; i++) chosen.push(defaults[i]);
  }
  if (object != null) {
    const own = object.get("rules");
    if (own != null && own.kind != Kind.Array) issues.add(own, "enrich.audit.rules", "must be a list of rules");
    if (own != null && own.kind == Kind.Array) addOwnRules(chosen, own, issues);
    const disabled = object.get("disable");
    const ids = issues.strings(disabled, "enrich.audit.disable");
    for (let i = 0; i < ids.length; i++) {
      const at = indexOfRule(chosen, ids[i]);
      if (at < 0) issues.add(disabled, "enrich.audit.disable[" + i.toString() + "]", "no rule has the id \"" + ids[i] + "\"");
      else chosen.splice(at, 1);
    }
  }
  const rules = compileRules(chosen, parseLists(object != null ? object.get("lists") : null, issues), issues);
  const stages = object != null ? object.get("skip_stages") : null;
  const skip = stages != null ? issues.strings(stages, "enrich.audit.skip_stages") : DEFAULT_SKIPPED_STAGES;
  rules.skipStages = stageBits(skip, stages, "enrich.audit.skip_stages", issues);
  for (let i = 0; i < rules.rules.length; i++) if (rules.rules[i].stages != 0) rules.staged = true;
  return rules;
}

/** Stage names as bits; each must be one of the API server's four stages. */
function stageBits(names: string[], at: JsonValue | null, where: string, issues: Issues): u32 {
  let bits: u32 = 0;
  for (let i = 0; i < names.length; i++) {
    const bit = stageNamed(names[i]);
    if (bit == 0 && at != null) issues.add(at, where + "[" + i.toString() + "]", "\"" + names[i] + "\" is not a stage (one of: " + STAGE_NAMES.join(", ") + ")");
    bits |= bit;
  }
  return bits;
}

/** The policy's own rules after the defaults: one with a default's id replaces it. */
function addOwnRules(chosen: JsonValue[], own: JsonValue, issues: Issues): void {
  const firstOwn = chosen.length;
  for (let i = 0; i < own.items.length; i++) {
    const rule = own.items[i];
    const id = ruleId(rule);
    const at = id.length != 0 ? indexOfRule(chosen, id) : -1;
    if (at >= firstOwn) {
      issues.add(rule, "enrich.audit.rules[" + i.toString() + "].id", "\"" + id + "\" is used by an earlier rule");
    } else if (at >= 0) {
      chosen[at] = rule;
      continue;
    }
    chosen.push(rule);
  }
}

/**
 * `enrich.audit.lists`: {name: [strings]}. The policy's entries are added to the built-in ones of
 * that name (the identities, namespaces and images every cluster has); naming a list, even as [],
 * turns on the rules that need it (`needs_list`): an allow-list only the cluster can complete.
 */
function parseLists(section: JsonValue | null, issues: Issues): NamedLists {
  const lists = new NamedLists();
  const defaults = defaultLists();
  for (let i = 0; i < defaults.keys.length; i++) {
    const list = lists.values[lists.list(defaults.keys[i])];
    for (let j = 0; j < defaults.items[i].items.length; j++) list.items.push(defaults.items[i].items[j]);
  }
  const object = issues.object(section, "enrich.audit.lists");
  if (object == null) return lists;
  for (let i = 0; i < object.keys.length; i++) {
    const name = object.keys[i];
    const where = "enrich.audit.lists." + name;
    if (!isName(name)) issues.add(object.items[i], where, "a list's name must be lower-case letters, digits, '-', '_' or '.'");
    const value = object.items[i];
    if (value.kind != Kind.Array) {
      issues.add(value, where, "must be a list of strings (added to the built-in entries; [] for those alone)");
      continue;
    }
    const at = lists.list(name);
    lists.listed[at] = true;
    for (let j = 0; j < value.items.length; j++) {
      const item = value.items[j];
      if (item.kind != Kind.String || item.text.length == 0) issues.add(item, where + "[" + j.toString() + "]", "must be a non-empty string");
      else lists.values[at].items.push(item);
    }
  }
  return lists;
}

function compileRules(values: JsonValue[], lists: NamedLists, issues: Issues): AuditRules {
  const rules = new AuditRules();
  rules.conditions.lists = lists;
  const parsed = new Array<AuditRule>();
  for (let i = 0; i < values.length; i++) {
    const where = "enrich.audit.rules[" + i.toString() + "]";
    if (!listsPresent(values[i], lists, where, issues)) {
      // Off until its list is named, but checked all the same (on a scratch set: nothing of it is kept).
      const scratch = new AuditRules();
      scratch.conditions.lists = lists;
      parseRule(values[i], scratch, where, issues);
      continue;
    }
    const rule = parseRule(values[i], rules, where, issues);
    if (rule != null) parsed.push(rule);
  }
  for (let severity = SEVERITIES.length - 1; severity >= 0; severity--) {
    for (let i = 0; i < parsed.length; i++) if (parsed[i].severity == severity) rules.rules.push(parsed[i]);
  }
  return rules;
}

function parseRule(value: JsonValue, rules: AuditRules, where: string, issues: Issues): AuditRule | null {
  const object = issues.object(value, where);
  if (object == null) return null;
  issues.onlyKeys(object, where, RULE_KEYS);
  const id = required(object, "id", where, issues);
  if (id.length != 0 && !isName(id)) issues.add(object.get("id"), where + ".id", "must be lower-case letters, digits, '-', '_' or '.'");
  const category = required(object, "category", where, issues);
  if (category.length != 0 && !isName(category)) issues.add(object.get("category"), where + ".category", "must be lower-case letters, digits, '-', '_' or '.' (e.g. an ATT&CK tactic: credential-access)");
  const reason = required(object, "reason", where, issues);
  const severity = issues.choice(object.get("severity"), where + ".severity", SEVERITIES, -1);
  if (object.get("severity") == null) issues.add(object, where + ".severity", "is required (one of: " + SEVERITIES.join(", ") + ")");
  const rule = new AuditRule(id, severity < 0 ? 0 : severity);

  const attack = object.get("attack");
  const techniques = issues.strings(attack, where + ".attack");
  if (attack == null || techniques.length == 0) issues.add(attack != null ? attack : object, where + ".attack", "must list at least one MITRE ATT&CK technique id, e.g. [\"T1609\"]");
  for (let i = 0; i < techniques.length; i++) {
    if (!isTechniqueId(techniques[i])) {
      issues.add(attack, where + ".attack[" + i.toString() + "]", "\"" + techniques[i] + "\" is not an ATT&CK technique id (T1234 or T1234.567)");
    } else {
      rule.attack.push(internAttack(rules, techniques[i]));
    }
  }

  const match = object.get("match");
  if (match == null) issues.add(object, where + ".match", "is required: {\"path\": value, ...}");
  else rule.all = rules.conditions.parseMatch(match, where + ".match", issues);
  const any = object.get("any");
  if (any != null) {
    if (any.kind != Kind.Array || any.items.length == 0) issues.add(any, where + ".any", "must be a non-empty list of match objects");
    else for (let i = 0; i < any.items.length; i++) rule.any.push(rules.conditions.parseMatch(any.items[i], where + ".any[" + i.toString() + "]", issues));
  }
  const unless = object.get("unless");
  if (unless != null) {
    if (unless.kind != Kind.Array || unless.items.length == 0) issues.add(unless, where + ".unless", "must be a non-empty list of match objects");
    else for (let i = 0; i < unless.items.length; i++) rule.unless.push(rules.conditions.parseMatch(unless.items[i], where + ".unless[" + i.toString() + "]", issues));
  }
  const burst = issues.object(object.get("burst"), where + ".burst");
  if (burst != null) parseBurst(burst, rule, rules, where + ".burst", issues);
  const stages = object.get("stages");
  if (stages != null) {
    const names = issues.strings(stages, where + ".stages");
    if (stages.kind == Kind.Array && names.length == 0) issues.add(stages, where + ".stages", "must list at least one stage");
    rule.stages = stageBits(names, stages, where + ".stages", issues);
  }

  // Cheap tests first: a rule stops at the first that fails, and most fail on the resource or verb.
  sortByCost(rule.all, rules.conditions);
  while (rule.cheap < rule.all.length && rules.conditions.conditions[rule.all[rule.cheap]].cost <= 1) rule.cheap++;
  for (let i = 0; i < rule.any.length; i++) sortByCost(rule.any[i], rules.conditions);
  for (let i = 0; i < rule.unless.length; i++) sortByCost(rule.unless[i], rules.conditions);
  rule.idJson = jsonString(id);
  rule.head = String.UTF8.encode("\"rule\":" + jsonText(id) + ",\"category\":" + jsonText(category) + ",\"severity\":" + jsonText(SEVERITIES[rule.severity]));
  rule.reason = String.UTF8.encode("\"reason\":" + jsonText(reason));
  return rule;
}

/** Stable sort of condition ids by their test's cost (insertion sort: a handful per rule, cold path). */
function sortByCost(ids: i32[], set: ConditionSet): void {
  for (let i = 1; i < ids.length; i++) {
    const id = ids[i];
    const cost = set.conditions[id].cost;
    let j = i - 1;
    while (j >= 0 && set.conditions[ids[j]].cost > cost) {
      ids[j + 1] = ids[j];
      j--;
    }
    ids[j + 1] = id;
  }
}

function parseBurst(object: JsonValue, rule: AuditRule, rules: AuditRules, where: string, issues: Issues): void {
  issues.onlyKeys(object, where, BURST_KEYS);
  for (let i = 0; i < BURST_KEYS.length; i++) {
    if (object.get(BURST_KEYS[i]) == null) issues.add(object, where + "." + BURST_KEYS[i], "is required");
  }
  const count = <u32>issues.integer(object.get("count"), where + ".count", 10, 2, 1000000);
  const seconds = <u32>issues.integer(object.get("seconds"), where + ".seconds", 60, 1, 86400);
  const by = object.get("by");
  const path = issues.string(by, where + ".by", "");
  if (path.length != 0) rule.burstKey = rules.conditions.capture(path, by!, where + ".by", issues);
  rule.burst = new BurstCounter(count, seconds);
}

/** Whether the list a rule `needs_list` was named by the policy (a rule without one: true). */
function listsPresent(rule: JsonValue, lists: NamedLists, where: string, issues: Issues): bool {
  if (rule.kind != Kind.Object) return true;
  const needs = rule.get("needs_list");
  if (needs == null) return true;
  if (needs.kind != Kind.String) {
    issues.add(needs, where + ".needs_list", "must be the name of a list (enrich.audit.lists)");
    return true;
  }
  const at = lists.names.indexOf(needs.text);
  if (at < 0) {
    issues.add(needs, where + ".needs_list", "no list is called \"" + needs.text + "\" (built in: " + lists.names.join(", ") + ")");
    return true;
  }
  return lists.listed[at];
}

function required(object: JsonValue, key: string, where: string, issues: Issues): string {
  const value = object.get(key);
  if (value == null) {
    issues.add(object, where + "." + key, "is required");
    return "";
  }
  const text = issues.string(value, where + "." + key, "");
  if (value.kind == Kind.String && text.length == 0) issues.add(value, where + "." + key, "must not be empty");
  return text;
}

function internAttack(rules: AuditRules, id: string): i32 {
  const at = rules.attackNames.indexOf(id);
  if (at >= 0) return at;
  rules.attackNames.push(id);
  rules.attackIds.push(jsonString(id));
  return rules.attackNames.length - 1;
}

function ruleId(rule: JsonValue): string {
  if (rule.kind != Kind.Object) return "";
  const id = rule.get("id");
  return id != null && id.kind == Kind.String ? id.text : "";
}

function indexOfRule(rules: JsonValue[], id: string): i32 {
  for (let i = 0; i < rules.length; i++) if (ruleId(rules[i]) == id) return i;
  return -1;
}

/** T1234 or T1234.567. */
function isTechniqueId(id: string): bool {
  if (id.length != 5 && id.length != 9) return false;
  if (id.charCodeAt(0) != 0x54) return false;
  for (let i = 1; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (i == 5 ? c != 0x2E : <u32>(c - 0x30) >= 10) return false;
  }
  return true;
}

function isName(text: string): bool {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!(<u32>(c - 0x61) < 26 || <u32>(c - 0x30) < 10 || c == 0x2D || c == 0x5F || c == 0x2E)) return false;
  }
  return true;
}

let listDefaults: JsonValue | null = null;

/** The built-in entries of the lists rules name ({name: [strings]}), parsed once. */
function defaultLists(): JsonValue {
  const known = listDefaults;
  if (known != null) return known;
  const text = String.UTF8.encode(DEFAULT_AUDIT_LISTS);
  const parsed = parseJson(changetype<usize>(text), <usize>text.byteLength).value;
  const lists = parsed != null && parsed.kind == Kind.Object ? parsed : new JsonValue();
  listDefaults = lists;
  return lists;
}

let defaults: JsonValue[] | null = null;

/** The built-in rules (the embedded default policy's), parsed once. */
function defaultRules(): JsonValue[] {
  const known = defaults;
  if (known != null) return known;
  const text = String.UTF8.encode(DEFAULT_AUDIT_RULES);
  const parsed = parseJson(changetype<usize>(text), <usize>text.byteLength).value;
  const rules = parsed != null && parsed.kind == Kind.Array ? parsed.items : new Array<JsonValue>();
  defaults = rules;
  return rules;
}
