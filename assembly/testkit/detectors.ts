// Probes of the free-text detectors for tests/detectors.test.ts and bench/accuracy.ts.
import { builtinProblems, detectorId, findSecrets, LEGACY_FAMILIES, ruleCount, RuleSet } from "../redaction/detectors";
import { familyNames, familyOf, ruleFamilies, ruleNames, crc32Valid, entropyTenths } from "../redaction/detectors/rules";
import { parsePattern } from "../redaction/detectors/pattern";
import { luhnValid } from "../redaction/detectors/numbers";
import { SpanList } from "../redaction/spans";

let found = new SpanList(4096);
const rules = new RuleSet();
let rulesMask: u32 = 0xffffffff;

/** The rules of the families in `enabled`: bit f for legacy family f (0-16), bit 17 for every
 * other family (the rule pack). */
function rulesOf(enabled: u32): RuleSet {
  if (enabled == rulesMask) return rules;
  rules.clear();
  for (let r = 0; r < ruleNames.length; r++) {
    const f = <u32>ruleFamilies[r];
    const bit = f < LEGACY_FAMILIES ? f : LEGACY_FAMILIES;
    rules.set(r, (enabled & (1 << bit)) != 0);
  }
  rulesMask = enabled;
  return rules.finish();
}

/** Runs the detectors on [ptr, ptr+len); returns how many spans they found. */
export function detect(ptr: usize, len: usize, enabled: u32): i32 {
  findSecrets(ptr, len, rulesOf(enabled), found);
  return found.count;
}

/** Runs only rule `rule` on [ptr, ptr+len). */
export function detectRule(ptr: usize, len: usize, rule: i32): i32 {
  rules.clear();
  rules.set(rule, true);
  rulesMask = 0xffffffff;
  findSecrets(ptr, len, rules.finish(), found);
  return found.count;
}

/** Same with a span list of `capacity` (to test what happens when it is full). */
export function detectWithCapacity(ptr: usize, len: usize, enabled: u32, capacity: i32): i32 {
  found.dispose();
  found = new SpanList(capacity);
  findSecrets(ptr, len, rulesOf(enabled), found);
  return found.count;
}

/** The rule of span `i`. */
export function detectedRule(i: i32): u32 {
  return found.detector(i);
}

/** Rule count, and each rule's name and family as `name family` (UTF-8 in a fresh buffer, NUL-ended). */
export function rulesCount(): i32 {
  return ruleCount();
}

let text = new ArrayBuffer(0);

export function ruleInfo(rule: i32): usize {
  text = String.UTF8.encode(ruleNames[rule] + " " + familyNames[ruleFamilies[rule]], true);
  return changetype<usize>(text);
}

/** Problems of the built-in pack, one per line (empty in a correct build), NUL-ended. */
export function packProblems(): usize {
  text = String.UTF8.encode(builtinProblems.join("\n"), true);
  return changetype<usize>(text);
}

/** The error of a pattern (empty when valid), NUL-ended. */
export function patternError(ptr: usize, len: usize, bodyOnly: bool): usize {
  text = String.UTF8.encode(parsePattern(String.UTF8.decodeUnsafe(ptr, len), bodyOnly).error, true);
  return changetype<usize>(text);
}

export function crc32Check(ptr: usize, len: usize): bool {
  return crc32Valid(ptr, 0, len);
}

export function entropyOf(ptr: usize, len: usize): u32 {
  return entropyTenths(ptr, 0, len);
}

export function detectedStart(i: i32): u32 {
  return found.start(i);
}

export function detectedEnd(i: i32): u32 {
  return found.end(i);
}

/** The family of span `i` (legacy families keep their ids 0-16). */
export function detectedDetector(i: i32): u32 {
  return familyOf(found.detector(i));
}

export function detectedOverflow(): bool {
  return found.overflowed;
}

/** Every family on (see `rulesOf`). */
export function detectorsAll(): u32 {
  return (1 << (LEGACY_FAMILIES + 1)) - 1;
}

export function detectorsCount(): u32 {
  return LEGACY_FAMILIES;
}

/** The id of the detector named by the UTF-8 bytes at [ptr, ptr+len), or -1. */
export function detectorIdOf(ptr: usize, len: usize): i32 {
  return detectorId(String.UTF8.decodeUnsafe(ptr, len));
}

/** Luhn check of the digits in [ptr, ptr+len) (other bytes skipped). */
export function luhn(ptr: usize, len: usize): bool {
  return luhnValid(ptr, 0, len);
}
