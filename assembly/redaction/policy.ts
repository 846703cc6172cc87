// The `redact` section of the policy: key rules, allow-list, detector actions, masks, pseudonyms.
import { Issues } from "../policy/issues";
import { JsonValue, Kind } from "../policy/value";
import { KeyMatcher } from "../policy/keymatch";
import { DETECTOR_COUNT, DETECTOR_NAMES, detectorId } from "./detectors";

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
  /** Detector actions by name, as written (for validation and `usesHash`). */
  detectors: DetectorSetting[] = [];
  /** Treatment per detector id: what the policy names, a full mask for the others. */
  detectorTreatments: StaticArray<Treatment> = defaultDetectorTreatments();
  /** Where detectors run: every string value (null) or only these paths/names. */
  scan: KeyMatcher | null = null;
  maskText: string = "[REDACTED]";
  maskChar: string = "*";
  pseudonymKeyFile: string = "pseudonym.key";
  pseudonymPrefix: string = "pseu:";
  pseudonymHexChars: i32 = 16;
  summary: bool = false;
}

const SECTION_KEYS = ["keys", "allow_list", "detectors", "scan", "mask", "pseudonym", "summary"];
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

  const detectors = issues.object(object.get("detectors"), "redact.detectors");
  if (detectors != null) {
    for (let i = 0; i < detectors.keys.length; i++) {
      const name = detectors.keys[i];
      const path = "redact.detectors." + name;
      const treatment = parseTreatment(detectors.items[i], path, issues, Action.Mask);
      const id = detectorId(name);
      if (id < 0) {
        issues.add(detectors.items[i], path, "unknown detector (expected one of: " + DETECTOR_NAMES.join(", ") + ")");
        continue;
      }
      policy.detectors.push(new DetectorSetting(name, treatment));
      policy.detectorTreatments[id] = treatment;
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

/** A detector the policy does not name masks what it finds: forgetting one must not leak. */
function defaultDetectorTreatments(): StaticArray<Treatment> {
  const treatments = new StaticArray<Treatment>(DETECTOR_COUNT);
  for (let id = 0; id < <i32>DETECTOR_COUNT; id++) treatments[id] = new Treatment(Action.Mask);
  return treatments;
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
