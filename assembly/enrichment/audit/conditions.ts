// The tests audit rules make on the values at a path: equal to one of, prefix, substring,
// numeric range, present or absent. Compiled from the policy once; tested on raw token bytes.
import { Token } from "../../json/reader";
import { Issues } from "../../policy/issues";
import { JsonValue, Kind } from "../../policy/value";
import { PathTrie, pathPatternError, splitPath } from "./paths";

export const enum Op { Equals, NotEquals, Prefix, NotPrefix, OnlyPrefix, Contains, NotContains, Range, Exists, Absent, Capture, Credential }

/** Operator names in a condition object, e.g. {"not_prefix": "system:"}. */
const OP_NAMES = ["equals", "not_equals", "prefix", "not_prefix", "only_prefix", "contains", "not_contains", "min", "max", "exists", "credential"];

export class Condition {
  strings: ArrayBuffer[] = [];
  numbers: f64[] = [];
  /** `strings` as flat pointer and length tables for the hot path (set by `freeze`). */
  private stringPtrs: StaticArray<usize> = new StaticArray<usize>(0);
  private stringLens: StaticArray<u32> = new StaticArray<u32>(0);
  /**
   * For `contains`: the strings' indices grouped by first byte, [byFirstStart[b], byFirstStart[b+1])
   * in `byFirst`, so a position of the value is compared only with the strings that start with its byte.
   */
  private byFirstStart: StaticArray<u16> = new StaticArray<u16>(0);
  private byFirst: StaticArray<u16> = new StaticArray<u16>(0);
  matchTrue: bool = false;
  matchFalse: bool = false;
  matchNull: bool = false;
  min: f64 = -Infinity;
  max: f64 = Infinity;
  /** The path names one value (no `*` or `**`): tested only when a rule asks (scan.ts). */
  single: bool = false;

  constructor(public op: Op) {}

  /** Relative cost of testing, for the order a rule checks its conditions in (cheap first). */
  get cost(): i32 {
    switch (this.op) {
      case Op.Exists: case Op.Absent: case Op.Capture: return 0;
      case Op.Equals: case Op.NotEquals: case Op.Range: return this.single ? 1 : 0;
      case Op.Prefix: case Op.NotPrefix: case Op.OnlyPrefix: return this.single ? 2 : 0;
      case Op.Contains: case Op.NotContains: return this.single ? 3 : 0;
      default: return 4; // Credential: logseal's detectors over a value
    }
  }

  /** Builds the flat tables once the values are known (the ArrayBuffers stay referenced by `strings`). */
  freeze(): void {
    const n = this.strings.length;
    this.stringPtrs = new StaticArray<usize>(n);
    this.stringLens = new StaticArray<u32>(n);
    for (let i = 0; i < n; i++) {
      this.stringPtrs[i] = changetype<usize>(this.strings[i]);
      this.stringLens[i] = <u32>this.strings[i].byteLength;
    }
    if (this.op != Op.Contains && this.op != Op.NotContains) return;
    this.byFirstStart = new StaticArray<u16>(257);
    this.byFirst = new StaticArray<u16>(n);
    let at = 0;
    for (let b = 0; b < 256; b++) {
      this.byFirstStart[b] = <u16>at;
      for (let i = 0; i < n; i++) {
        if (this.strings[i].byteLength != 0 && <i32>load<u8>(changetype<usize>(this.strings[i])) == b) this.byFirst[at++] = <u16>i;
      }
    }
    this.byFirstStart[256] = <u16>at;
  }

  /** What the condition tests, as text: equal conditions (many rules test the same thing) share one id. */
  signature(path: string): string {
    let text = path + "\n" + (<i32>this.op).toString() + "\n" + this.min.toString() + "\n" + this.max.toString() + "\n"
      + (this.matchTrue ? "t" : "") + (this.matchFalse ? "f" : "") + (this.matchNull ? "n" : "");
    for (let i = 0; i < this.numbers.length; i++) text += "\n#" + this.numbers[i].toString();
    for (let i = 0; i < this.strings.length; i++) text += "\n\"" + String.UTF8.decode(this.strings[i]);
    return text;
  }

  /** Tests one scalar value: strings as decoded content [p, p+len), numbers as their JSON text. */
  test(token: Token, p: usize, len: usize): bool {
    switch (this.op) {
      case Op.Equals: return this.equals(token, p, len);
      case Op.NotEquals: return !this.equals(token, p, len);
      case Op.Prefix:
      case Op.OnlyPrefix: return token == Token.String && this.anyString(p, len, false, false); // OnlyPrefix: scan.ts inverts
      case Op.NotPrefix: return token != Token.String || !this.anyString(p, len, false, false);
      case Op.Contains: return token == Token.String && this.containsAny(p, len);
      case Op.NotContains: return token != Token.String || !this.containsAny(p, len);
      case Op.Range: {
        if (token != Token.Number) return false;
        const value = numberValue(p, p + len);
        return value >= this.min && value <= this.max;
      }
      default: return false; // Exists, Absent and Capture look at presence only; Credential: scan.ts
    }
  }

  private equals(token: Token, p: usize, len: usize): bool {
    switch (token) {
      case Token.String: return this.anyString(p, len, true, false);
      case Token.Number: {
        const numbers = this.numbers;
        if (numbers.length == 0) return false;
        const value = numberValue(p, p + len);
        for (let i = 0, n = numbers.length; i < n; i++) if (unchecked(numbers[i]) == value) return true;
        return false;
      }
      case Token.True: return this.matchTrue;
      case Token.False: return this.matchFalse;
      case Token.Null: return this.matchNull;
      default: return false;
    }
  }

  @inline private containsAny(p: usize, len: usize): bool {
    return containsAnyOf(this.stringPtrs, this.stringLens, this.byFirstStart, this.byFirst, p, len);
  }

  /** Whether one of the strings equals (or prefixes, or occurs in) the bytes [p, p+len). */
  private anyString(p: usize, len: usize, whole: bool, anywhere: bool): bool {
    const ptrs = this.stringPtrs;
    const lens = this.stringLens;
    for (let i = 0, n = ptrs.length; i < n; i++) {
      const s = unchecked(ptrs[i]);
      const sLen = <usize>unchecked(lens[i]);
      if (sLen > len || (whole && sLen != len)) continue;
      if (!anywhere) {
        if (sLen == 0 || (load<u8>(s) == load<u8>(p) && memory.compare(p, s, sLen) == 0)) return true;
      } else if (occursIn(s, sLen, p, len)) {
        return true;
      }
    }
    return false;
  }
}

/** One pass over the value for all the strings at once: only positions whose byte starts one are compared. */
function containsAnyOf(ptrs: StaticArray<usize>, lens: StaticArray<u32>, byFirstStart: StaticArray<u16>, byFirst: StaticArray<u16>,
                       p: usize, len: usize): bool {
  if (<i32>unchecked(byFirstStart[256]) < ptrs.length) return true; // an empty string occurs anywhere
  for (let at = p, end = p + len; at < end; at++) {
    const b = <i32>load<u8>(at);
    const from = <i32>unchecked(byFirstStart[b]);
    const to = <i32>unchecked(byFirstStart[b + 1]);
    if (from == to) continue;
    const left = end - at;
    for (let k = from; k < to; k++) {
      const i = <i32>unchecked(byFirst[k]);
      const sLen = <usize>unchecked(lens[i]);
      if (sLen <= left && memory.compare(at, unchecked(ptrs[i]), sLen) == 0) return true;
    }
  }
  return false;
}

function occursIn(needle: usize, needleLen: usize, p: usize, len: usize): bool {
  if (needleLen == 0) return true;
  const first = load<u8>(needle);
  for (let at = p, last = p + len - needleLen; at <= last; at++) {
    if (load<u8>(at) == first && memory.compare(at, needle, needleLen) == 0) return true;
  }
  return false;
}

/** The value of a JSON number token (validated by the reader), without allocating. */
export function numberValue(p: usize, end: usize): f64 {
  let negative = false;
  if (p < end && load<u8>(p) == 0x2D) {
    negative = true;
    p++;
  }
  let value: f64 = 0;
  while (p < end && isDigit(load<u8>(p))) value = value * 10 + <f64>(load<u8>(p++) - 0x30);
  if (p < end && load<u8>(p) == 0x2E) {
    p++;
    let scale: f64 = 0.1;
    while (p < end && isDigit(load<u8>(p))) {
      value += <f64>(load<u8>(p++) - 0x30) * scale;
      scale /= 10;
    }
  }
  if (p < end && (load<u8>(p) | 0x20) == 0x65) {
    p++;
    let exponentNegative = false;
    if (p < end && (load<u8>(p) == 0x2B || load<u8>(p) == 0x2D)) exponentNegative = load<u8>(p++) == 0x2D;
    let exponent: i32 = 0;
    while (p < end && isDigit(load<u8>(p)) && exponent < 400) exponent = exponent * 10 + <i32>(load<u8>(p++) - 0x30);
    value *= Math.pow(10, exponentNegative ? -exponent : exponent);
  }
  return negative ? -value : value;
}

@inline function isDigit(c: u8): bool {
  return <u32>c - 0x30 < 10;
}

/**
 * Named lists of strings (`enrich.audit.lists`): an operator's value `{"list": "allowed_users"}`
 * stands for the list's entries, the built-in ones and the policy's. Resolved while the rules are
 * compiled: the hot path sees plain strings.
 */
export class NamedLists {
  readonly names: string[] = [];
  /** Arrays of strings, by name. */
  readonly values: JsonValue[] = [];
  /** Whether the policy named the list (its rules with `needs_list` apply). */
  readonly listed: bool[] = [];

  /** The list called `name` (created empty if new). */
  list(name: string): i32 {
    const at = this.names.indexOf(name);
    if (at >= 0) return at;
    const value = new JsonValue();
    value.kind = Kind.Array;
    this.names.push(name);
    this.values.push(value);
    this.listed.push(false);
    return this.names.length - 1;
  }
}

/** All conditions of all rules, and the trie of their paths: node -> condition ids. */
export class ConditionSet {
  readonly conditions: Condition[] = [];
  readonly paths: PathTrie = new PathTrie();
  /** The lists operator values may name. */
  lists: NamedLists = new NamedLists();
  private readonly ids: Map<string, i32> = new Map<string, i32>();

  /** Adds a condition on `path`; returns its id, or -1 if the path is invalid (an issue is added). */
  add(path: string, condition: Condition, at: JsonValue, where: string, issues: Issues): i32 {
    const segments = new Array<string>();
    let error = splitPath(path, segments);
    if (error.length == 0) error = pathPatternError(segments);
    if (error.length != 0) {
      issues.add(at, where, "path \"" + path + "\" " + error);
      return -1;
    }
    return this.addValid(path, segments, condition);
  }

  /** A condition logseal itself needs (the shape of an event, its stage): `path` is known to be valid. */
  builtIn(path: string, op: Op, text: string = ""): i32 {
    const condition = new Condition(op);
    if (text.length != 0) condition.strings.push(String.UTF8.encode(text));
    return this.addValid(path, path.split("."), condition);
  }

  private addValid(path: string, segments: string[], condition: Condition): i32 {
    condition.single = !segments.includes("*") && !segments.includes("**");
    condition.freeze();
    const signature = condition.signature(path);
    if (condition.op != Op.Capture && this.ids.has(signature)) return this.ids.get(signature);
    const id = this.conditions.length;
    this.conditions.push(condition);
    this.ids.set(signature, id);
    this.paths.add(segments).conditions.push(id);
    return id;
  }

  /** Records the first string at `path` (e.g. the user a burst is counted for); returns its id. */
  capture(path: string, at: JsonValue, where: string, issues: Issues): i32 {
    return this.add(path, new Condition(Op.Capture), at, where, issues);
  }

  /**
   * Parses the conditions of one `match` object ({path: test, ...}) into ids, all of which must
   * hold. A test is a value (equals), a list of values (equals one of), or an object of operators.
   */
  parseMatch(value: JsonValue | null, where: string, issues: Issues): i32[] {
    const ids = new Array<i32>();
    const object = issues.object(value, where);
    if (object == null) return ids;
    if (object.keys.length == 0) issues.add(object, where, "must name at least one path");
    for (let i = 0; i < object.keys.length; i++) {
      const path = object.keys[i];
      const test = object.items[i];
      const at = where + "." + path;
      if (test.kind == Kind.Object) {
        this.parseOperators(path, test, at, issues, ids);
      } else {
        const condition = new Condition(Op.Equals);
        addValues(condition, test, at, issues, false);
        push(ids, this.add(path, condition, test, at, issues));
      }
    }
    return ids;
  }

  private parseOperators(path: string, object: JsonValue, where: string, issues: Issues, ids: i32[]): void {
    issues.onlyKeys(object, where, OP_NAMES);
    if (object.keys.length == 0) issues.add(object, where, "must have an operator (" + OP_NAMES.join(", ") + ")");
    let range: Condition | null = null;
    for (let i = 0; i < object.keys.length; i++) {
      const name = object.keys[i];
      const value = object.items[i];
      const at = where + "." + name;
      if (name == "min" || name == "max") {
        if (value.kind != Kind.Number) issues.add(value, at, "must be a number");
        if (range == null) range = new Condition(Op.Range);
        if (name == "min") range.min = value.number;
        else range.max = value.number;
        continue;
      }
      if (name == "exists") {
        if (value.kind != Kind.Bool) issues.add(value, at, "must be true or false");
        push(ids, this.add(path, new Condition(value.bool ? Op.Exists : Op.Absent), value, at, issues));
        continue;
      }
      if (name == "credential") {
        if (value.kind != Kind.Bool || !value.bool) issues.add(value, at, "must be true (a value in which logseal's detectors find a credential)");
        push(ids, this.add(path, new Condition(Op.Credential), value, at, issues));
        continue;
      }
      const op = opNamed(name);
      if (op < 0) continue; // reported by onlyKeys
      const values = value.kind == Kind.Object ? this.namedList(value, at, issues) : value;
      if (values == null) continue;
      const condition = new Condition(<Op>op);
      addValues(condition, values, at, issues, op != Op.Equals && op != Op.NotEquals);
      push(ids, this.add(path, condition, value, at, issues));
    }
    if (range != null) push(ids, this.add(path, range, object, where, issues)); // min and max together
  }

  /** `{"list": "name"}`: the entries of that list, or null (an issue is added). */
  private namedList(value: JsonValue, where: string, issues: Issues): JsonValue | null {
    issues.onlyKeys(value, where, LIST_KEYS);
    const name = value.get("list");
    if (name == null || name.kind != Kind.String) {
      issues.add(value, where, "must be a value, a list of values or {\"list\": \"name\"} (a list of enrich.audit.lists)");
      return null;
    }
    const at = this.lists.names.indexOf(name.text);
    if (at < 0) {
      issues.add(name, where + ".list", "no list is called \"" + name.text + "\" (built in: " + this.lists.names.join(", ") + "; enrich.audit.lists adds others)");
      return null;
    }
    return this.lists.values[at];
  }
}

const LIST_KEYS = ["list"];

function opNamed(name: string): i32 {
  if (name == "equals") return Op.Equals;
  if (name == "not_equals") return Op.NotEquals;
  if (name == "prefix") return Op.Prefix;
  if (name == "not_prefix") return Op.NotPrefix;
  if (name == "only_prefix") return Op.OnlyPrefix;
  if (name == "contains") return Op.Contains;
  if (name == "not_contains") return Op.NotContains;
  return -1;
}

/** A value or a non-empty list of values; `stringsOnly` for the text operators. */
function addValues(condition: Condition, value: JsonValue, where: string, issues: Issues, stringsOnly: bool): void {
  if (value.kind != Kind.Array) {
    addValue(condition, value, where, issues, stringsOnly);
    return;
  }
  if (value.items.length == 0) issues.add(value, where, "must list at least one value");
  for (let i = 0; i < value.items.length; i++) addValue(condition, value.items[i], where + "[" + i.toString() + "]", issues, stringsOnly);
}

function addValue(condition: Condition, value: JsonValue, where: string, issues: Issues, stringsOnly: bool): void {
  if (stringsOnly && value.kind != Kind.String) {
    issues.add(value, where, "must be a string (or a list of strings)");
    return;
  }
  switch (value.kind) {
    case Kind.String: condition.strings.push(String.UTF8.encode(value.text)); break;
    case Kind.Number: condition.numbers.push(value.number); break;
    case Kind.Bool: if (value.bool) condition.matchTrue = true; else condition.matchFalse = true; break;
    case Kind.Null: condition.matchNull = true; break;
    default: issues.add(value, where, "must be a string, number, true, false or null (or a list of them)");
  }
}

function push(ids: i32[], id: i32): void {
  if (id >= 0) ids.push(id);
}
