// The `redact` section of the policy: key rules, allow-list, detector actions, masks, pseudonyms.
import { Issues } from "../policy/issues";
import { JsonValue, Kind } from "../policy/value";
import { KeyMatcher } from "../policy/keymatch";
import { DETECTOR_NAMES } from "./detectors";
import { builtinCount, builtinFamilies, familyId, KIND_NAMES, ruleId, RuleSpec } from "./detectors/rules";
import { parsePattern } from "./detectors/pattern";

export const enum Action { Keep, Remove, Mask, Hash, Network }
export const ACTION_NAMES: string[] = ["keep", "remove", "mask", "hash", "network"];

/**
 * What to do with a value: the action; for masks how many characters stay visible; for
 * `network` how many leading bits of an IP address stay (-1: /24 for IPv4, /64 for IPv6).
 */
export class Treatment {
  constructor(public action: Action, public keepFirst: i32 = 0, public keepLast: i32 = 0, public prefixBits: i32 = -1) {}
}

export class DetectorSetting {
  constructor(public name: string, public treatment: Treatment) {}
}

export class RedactPolicy {
  /** Key rules: the matcher yields an index into `rules`. */
  keys: KeyMatcher = new KeyMatcher();
  rules: Treatment[] = [];
  /** Allow-list mode: keys not matched (as paths) get `allowTreatment`. */
  allow: KeyMatcher | null = null;
  allowTreatment: Treatment = new Treatment(Action.Remove);
  /** Detector actions by family or rule name, as written (applied by the Redactor once the
   * policy's own rules are in the table: families first, then rules). */
  detectors: DetectorSetting[] = [];
  /** The policy's own rules (`redact.rules`), in the same form as the built-in pack. */
  userRules: RuleSpec[] = [];
  /** Where detectors run: every string value (null) or only these paths/names. */
  scan: KeyMatcher | null = null;
  maskText: string = "[REDACTED]";
  maskChar: string = "*";
  pseudonymKeyFile: string = "pseudonym.key";
  pseudonymPrefix: string = "pseu:";
  pseudonymHexChars: i32 = 16;
  summary: bool = false;
}

const SECTION_KEYS = ["keys", "allow_list", "detectors", "rules", "scan", "mask", "pseudonym", "summary"];
const USER_RULE_KEYS = ["id", "family", "kind", "pattern", "keywords", "context", "case_insensitive", "min_entropy", "validate", "keep_prefix", "placeholders", "action", "keep_first", "keep_last"];
const VALIDATORS = ["luhn", "crc32"];
const RULE_KEYS = ["name", "path", "case_insensitive", "action", "keep_first", "keep_last", "prefix_bits"];

export function parseRedactPolicy(section: JsonValue | null, issues: Issues): RedactPolicy {
  const policy = new RedactPolicy();
  const object = issues.object(section, "redact");
  if (object == null) return policy;
  issues.onlyKeys(object, "redact", SECTION_KEYS);

  const keys = object.get("keys");
  if (keys != null && keys.kind != Kind.Array) issues.add(keys, "redact.keys", "must be a list of rules");
  if (keys != null && keys.kind == Kind.Array) {
    for (let i = 0; i < keys.items.length; i++) parseKeyRule(keys.items[i], "redact.keys[" + i.toString() + "]", policy, issues);
  }

  const allow = issues.object(object.get("allow_list"), "redact.allow_list");
  if (allow != null) {
    issues.onlyKeys(allow, "redact.allow_list", ["keys", "action", "keep_first", "keep_last", "prefix_bits"]);
    const matcher = new KeyMatcher();
    const listed = issues.strings(allow.get("keys"), "redact.allow_list.keys");
    for (let i = 0; i < listed.length; i++) {
      if (!matcher.addPath(listed[i], i)) issues.add(allow.get("keys"), "redact.allow_list.keys", "path too deep: " + listed[i]);
    }
    policy.allow = matcher;
    policy.allowTreatment = parseTreatment(allow, "redact.allow_list", issues, Action.Remove);
    if (policy.allowTreatment.action == Action.Keep) issues.add(allow, "redact.allow_list.action", "must remove, mask or hash");
  }

  const rules = object.get("rules");
  if (rules != null && rules.kind != Kind.Array) issues.add(rules, "redact.rules", "must be a list of rules");
  if (rules != null && rules.kind == Kind.Array) {
    for (let i = 0; i < rules.items.length; i++) parseUserRule(rules.items[i], "redact.rules[" + i.toString() + "]", policy, issues);
  }

  const detectors = issues.object(object.get("detectors"), "redact.detectors");
  if (detectors != null) {
    for (let i = 0; i < detectors.keys.length; i++) {
      const name = detectors.keys[i];
      const path = "redact.detectors." + name;
      const treatment = parseTreatment(detectors.items[i], path, issues, Action.Mask);
      if (!knownDetectorName(name, policy)) {
        issues.add(detectors.items[i], path, "unknown detector (expected a family: " + DETECTOR_NAMES.join(", ") + ", ... (logseal rules lists all), or a rule id)");
        continue;
      }
      policy.detectors.push(new DetectorSetting(name, treatment));
    }
  }

  const scan = object.get("scan");
  if (scan != null && !(scan.kind == Kind.String && scan.text == "all")) {
    const matcher = new KeyMatcher();
    const fields = issues.strings(scan, "redact.scan");
    for (let i = 0; i < fields.length; i++) {
      if (fields[i].includes(".")) matcher.addPath(fields[i], i);
      else matcher.addName(fields[i], false, i);
    }
    policy.scan = matcher;
  }

  const mask = issues.object(object.get("mask"), "redact.mask");
  if (mask != null) {
    issues.onlyKeys(mask, "redact.mask", ["text", "char"]);
    policy.maskText = issues.string(mask.get("text"), "redact.mask.text", policy.maskText);
    policy.maskChar = issues.string(mask.get("char"), "redact.mask.char", policy.maskChar);
    if (policy.maskChar.length != 1 || policy.maskChar.charCodeAt(0) < 0x20 || policy.maskChar.charCodeAt(0) >= 0x7F
      || policy.maskChar == "\"" || policy.maskChar == "\\") {
      issues.add(mask.get("char"), "redact.mask.char", "must be one printable ASCII character other than \" and \\");
      policy.maskChar = "*";
    }
  }

  const pseudonym = issues.object(object.get("pseudonym"), "redact.pseudonym");
  if (pseudonym != null) {
    issues.onlyKeys(pseudonym, "redact.pseudonym", ["key_file", "prefix", "length"]);
    policy.pseudonymKeyFile = issues.string(pseudonym.get("key_file"), "redact.pseudonym.key_file", policy.pseudonymKeyFile);
    policy.pseudonymPrefix = issues.string(pseudonym.get("prefix"), "redact.pseudonym.prefix", policy.pseudonymPrefix);
    policy.pseudonymHexChars = <i32>issues.integer(pseudonym.get("length"), "redact.pseudonym.length", 16, 8, 64);
  }
  policy.summary = issues.bool(object.get("summary"), "redact.summary", false);
  return policy;
}

/** Whether `name` is a built-in family or rule, or a rule or family of this policy's own rules. */
function knownDetectorName(name: string, policy: RedactPolicy): bool {
  if (isBuiltinName(name)) return true;
  for (let k = 0; k < policy.userRules.length; k++) {
    if (policy.userRules[k].id == name || policy.userRules[k].family == name) return true;
  }
  return false;
}

/** Whether `name` is a family or rule of the built-in table. */
export function isBuiltinName(name: string): bool {
  const f = familyId(name);
  if (f >= 0 && f < builtinFamilies) return true;
  const r = ruleId(name);
  return r >= 0 && r < builtinCount;
}

function isRuleId(text: string): bool {
  if (text.length == 0 || text.length > 64) return false;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x5f || (k > 0 && c == 0x2d);
    if (!ok) return false;
  }
  return true;
}

/** One of the policy's own rules: `{ "id": "acme_key", "pattern": "acme_[A-Za-z0-9]{32}", ... }`. */
function parseUserRule(rule: JsonValue, path: string, policy: RedactPolicy, issues: Issues): void {
  if (issues.object(rule, path) == null) return;
  issues.onlyKeys(rule, path, USER_RULE_KEYS);
  const spec = new RuleSpec();
  spec.id = issues.string(rule.get("id"), path + ".id", "");
  if (!isRuleId(spec.id)) {
    issues.add(rule.get("id") != null ? rule.get("id") : rule, path + ".id", "is required: lower-case letters, digits, _ and - (at most 64)");
    return;
  }
  if (isBuiltinName(spec.id)) {
    issues.add(rule.get("id"), path + ".id", "\"" + spec.id + "\" is a built-in rule or family: choose another id (to change a built-in one, give it an action in redact.detectors)");
    return;
  }
  for (let k = 0; k < policy.userRules.length; k++) {
    if (policy.userRules[k].id == spec.id) {
      issues.add(rule.get("id"), path + ".id", "\"" + spec.id + "\" is used by an earlier rule");
      return;
    }
  }
  spec.family = issues.string(rule.get("family"), path + ".family", spec.id);
  if (!isRuleId(spec.family)) issues.add(rule.get("family"), path + ".family", "lower-case letters, digits, _ and - (at most 64)");
  spec.kind = issues.choice(rule.get("kind"), path + ".kind", KIND_NAMES, 0);
  spec.keywords = issues.strings(rule.get("keywords"), path + ".keywords");
  for (let k = 0; k < spec.keywords.length; k++) {
    const w = spec.keywords[k];
    const c = w.length > 0 ? w.charCodeAt(0) : 0;
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (w.length < 3 || !alnum) issues.add(rule.get("keywords"), path + ".keywords[" + k.toString() + "]", "needs at least 3 characters, starting with a letter or digit");
  }
  spec.context = issues.strings(rule.get("context"), path + ".context");
  for (let k = 0; k < spec.context.length; k++) {
    if (spec.context[k].length == 0 || spec.context[k].length > 60) issues.add(rule.get("context"), path + ".context[" + k.toString() + "]", "must be 1 to 60 characters");
  }
  spec.caseInsensitive = issues.bool(rule.get("case_insensitive"), path + ".case_insensitive", false);
  const entropy = rule.get("min_entropy");
  if (entropy != null) {
    if (entropy.kind != Kind.Number || entropy.number < 0 || entropy.number > 8) issues.add(entropy, path + ".min_entropy", "must be a number of bits per character from 0 to 8");
    else spec.minEntropy = entropy.number;
  }
  const validators = issues.strings(rule.get("validate"), path + ".validate");
  for (let k = 0; k < validators.length; k++) {
    const v = validators[k];
    if (v == "luhn") spec.flags |= 8;
    else if (v == "crc32") spec.flags |= 4;
    else issues.add(rule.get("validate"), path + ".validate[" + k.toString() + "]", "must be one of: " + VALIDATORS.join(", "));
  }
  if (!issues.bool(rule.get("placeholders"), path + ".placeholders", true)) spec.flags |= 2;
  spec.keepPrefix = <i32>issues.integer(rule.get("keep_prefix"), path + ".keep_prefix", 0, 0, 64);
  const patternValue = rule.get("pattern");
  spec.pattern = issues.string(patternValue, path + ".pattern", "");
  if (patternValue == null) {
    issues.add(rule, path + ".pattern", "is required");
    return;
  }
  const compiled = parsePattern(spec.pattern, spec.keywords.length > 0);
  if (compiled.error.length > 0) {
    issues.add(patternValue, path + ".pattern", compiled.error);
    return;
  }
  policy.userRules.push(spec);
  if (rule.get("action") != null || rule.get("keep_first") != null || rule.get("keep_last") != null) {
    const treatment = parseTreatment(rule, path, issues, Action.Mask);
    policy.detectors.push(new DetectorSetting(spec.id, treatment));
  }
}

function parseKeyRule(rule: JsonValue, path: string, policy: RedactPolicy, issues: Issues): void {
  if (issues.object(rule, path) == null) return;
  issues.onlyKeys(rule, path, RULE_KEYS);
  const name = rule.get("name");
  const keyPath = rule.get("path");
  const id = policy.rules.length;
  if ((name == null) == (keyPath == null)) {
    issues.add(rule, path, "needs exactly one of \"name\" or \"path\"");
    return;
  }
  const treatment = parseTreatment(rule, path, issues, Action.Mask);
  if (name != null) {
    const text = issues.string(name, path + ".name", "");
    if (text.length == 0) issues.add(name, path + ".name", "must not be empty");
    else policy.keys.addName(text, issues.bool(rule.get("case_insensitive"), path + ".case_insensitive", false), id);
  } else {
    const text = issues.string(keyPath, path + ".path", "");
    if (text.length == 0 || text.startsWith(".") || text.endsWith(".") || text.includes("..")) {
      issues.add(keyPath, path + ".path", "must be keys separated by dots, e.g. kubernetes.annotations.*");
    } else if (!policy.keys.addPath(text, id)) {
      issues.add(keyPath, path + ".path", "deeper than 16 keys");
    }
  }
  policy.rules.push(treatment);
}

/** A treatment written as "mask" or as {"action": "mask", "keep_last": 4}. */
export function parseTreatment(value: JsonValue, path: string, issues: Issues, fallback: Action): Treatment {
  if (value.kind == Kind.String) {
    return new Treatment(<Action>issues.choice(value, path, ACTION_NAMES, fallback));
  }
  if (value.kind == Kind.Bool) {
    return new Treatment(value.bool ? fallback : Action.Keep);
  }
  if (value.kind != Kind.Object) {
    issues.add(value, path, "must be an action name or an object with \"action\"");
    return new Treatment(fallback);
  }
  const action = <Action>issues.choice(value.get("action"), path + ".action", ACTION_NAMES, fallback);
  const keepFirst = <i32>issues.integer(value.get("keep_first"), path + ".keep_first", 0, 0, 64);
  const keepLast = <i32>issues.integer(value.get("keep_last"), path + ".keep_last", 0, 0, 64);
  const prefixBits = <i32>issues.integer(value.get("prefix_bits"), path + ".prefix_bits", -1, 0, 128);
  if ((keepFirst != 0 || keepLast != 0) && action != Action.Mask) {
    issues.add(value, path, "keep_first/keep_last apply only to the mask action");
  }
  if (prefixBits >= 0 && action != Action.Network) issues.add(value, path, "prefix_bits applies only to the network action");
  return new Treatment(action, keepFirst, keepLast, prefixBits);
}
