// Level gating: records below a minimum level are dropped (verbose DEBUG output is where
// secrets leak). The minimum comes, most specific first, from an active override, the
// record's namespace, the longest matching tag prefix, or the global setting. Records with
// no detectable level are always kept.
import { Issues } from "../policy/issues";
import { JsonValue } from "../policy/value";
import { LEVEL_NAMES, Level } from "./severity";
import { INVALID_TIME, parseRfc3339 } from "./time";

/** Why a record was dropped (Kept: it was not); the index of its drop counter. */
export const enum DropReason { Kept = 0, Global = 1, Tag = 2, Namespace = 3, Override = 4 }
export const DROP_REASONS = 5;

/** Names (or prefixes) with the minimum level each one sets. */
class LevelTable {
  keys: ArrayBuffer[] = [];
  levels: Level[] = [];

  /** The level of the equal key (or, with `prefixes`, the longest prefix of the bytes), or Unknown. */
  find(p: usize, len: usize, prefixes: bool): Level {
    let found = Level.Unknown;
    let foundLen: usize = 0;
    for (let i = 0, n = this.keys.length; i < n; i++) {
      const key = unchecked(this.keys[i]);
      const keyLen = <usize>key.byteLength;
      if ((prefixes ? keyLen > len || keyLen < foundLen : keyLen != len) || memory.compare(p, changetype<usize>(key), keyLen) != 0) continue;
      found = unchecked(this.levels[i]);
      foundLen = keyLen;
      if (!prefixes) break;
    }
    return found;
  }
}

/** A temporary minimum (e.g. DEBUG for one namespace while debugging) that ends by itself. */
export class GateOverride {
  minimum: Level = Level.Unknown;
  /** Where it applies; both empty: everywhere. */
  namespaces: ArrayBuffer[] = [];
  tagPrefixes: ArrayBuffer[] = [];
  untilSec: i64 = 0;

  applies(tag: usize, tagLen: usize, ns: usize, nsLen: usize): bool {
    if (this.namespaces.length == 0 && this.tagPrefixes.length == 0) return true;
    for (let i = 0, n = this.namespaces.length; i < n; i++) {
      const name = unchecked(this.namespaces[i]);
      if (<usize>name.byteLength == nsLen && memory.compare(ns, changetype<usize>(name), nsLen) == 0) return true;
    }
    for (let i = 0, n = this.tagPrefixes.length; i < n; i++) {
      const prefix = unchecked(this.tagPrefixes[i]);
      const len = <usize>prefix.byteLength;
      if (len <= tagLen && memory.compare(tag, changetype<usize>(prefix), len) == 0) return true;
    }
    return false;
  }
}

export class LevelGate {
  minimum: Level = Level.Unknown;
  readonly tags: LevelTable = new LevelTable();
  readonly namespaces: LevelTable = new LevelTable();
  temporary: GateOverride | null = null;

  get isEmpty(): bool {
    return this.minimum == Level.Unknown && this.tags.keys.length == 0 && this.namespaces.keys.length == 0 && this.temporary == null;
  }

  /** Whether (and why) a record of `level` is dropped; `ns` is the namespace name (nsLen 0: none). */
  decide(level: Level, tag: usize, tagLen: usize, ns: usize, nsLen: usize, nowSec: i64): DropReason {
    if (level == Level.Unknown) return DropReason.Kept;
    const temporary = this.temporary;
    if (temporary != null && nowSec < temporary.untilSec && temporary.applies(tag, tagLen, ns, nsLen)) {
      return level < temporary.minimum ? DropReason.Override : DropReason.Kept;
    }
    if (nsLen != 0) {
      const minimum = this.namespaces.find(ns, nsLen, false);
      if (minimum != Level.Unknown) return level < minimum ? DropReason.Namespace : DropReason.Kept;
    }
    const minimum = this.tags.find(tag, tagLen, true);
    if (minimum != Level.Unknown) return level < minimum ? DropReason.Tag : DropReason.Kept;
    return level < this.minimum ? DropReason.Global : DropReason.Kept;
  }
}

const GATE_KEYS = ["min_level", "tags", "namespaces", "override"];
const OVERRIDE_KEYS = ["min_level", "namespaces", "tags", "until"];

/** `enrich.gate`: {"min_level", "tags": {prefix: level}, "namespaces": {name: level}, "override"}. */
export function parseGate(section: JsonValue | null, issues: Issues): LevelGate {
  const gate = new LevelGate();
  const object = issues.object(section, "enrich.gate");
  if (object == null) return gate;
  issues.onlyKeys(object, "enrich.gate", GATE_KEYS);
  gate.minimum = parseLevel(object.get("min_level"), "enrich.gate.min_level", issues);
  parseLevelTable(object.get("tags"), "enrich.gate.tags", gate.tags, issues);
  parseLevelTable(object.get("namespaces"), "enrich.gate.namespaces", gate.namespaces, issues);
  const temporary = issues.object(object.get("override"), "enrich.gate.override");
  if (temporary != null) gate.temporary = parseOverride(temporary, issues);
  return gate;
}

function parseOverride(object: JsonValue, issues: Issues): GateOverride {
  const path = "enrich.gate.override";
  issues.onlyKeys(object, path, OVERRIDE_KEYS);
  const temporary = new GateOverride();
  const level = object.get("min_level");
  if (level == null) issues.add(object, path + ".min_level", "is required");
  temporary.minimum = parseLevel(level, path + ".min_level", issues);
  temporary.namespaces = encodeAll(issues.strings(object.get("namespaces"), path + ".namespaces"));
  temporary.tagPrefixes = encodeAll(issues.strings(object.get("tags"), path + ".tags"));
  const until = object.get("until");
  if (until == null) {
    issues.add(object, path + ".until", "is required: an override must end by itself (RFC 3339, e.g. 2026-11-24T10:00:00Z)");
  } else {
    const seconds = parseRfc3339(issues.string(until, path + ".until", ""));
    if (seconds == INVALID_TIME) issues.add(until, path + ".until", "must be an RFC 3339 time, e.g. 2026-11-24T10:00:00Z");
    else temporary.untilSec = seconds;
  }
  return temporary;
}

export function parseLevel(value: JsonValue | null, path: string, issues: Issues): Level {
  return <Level>(issues.choice(value, path, LEVEL_NAMES, -1) + 1);
}

function parseLevelTable(value: JsonValue | null, path: string, table: LevelTable, issues: Issues): void {
  const object = issues.object(value, path);
  if (object == null) return;
  for (let i = 0; i < object.keys.length; i++) {
    const key = object.keys[i];
    if (key.length == 0) issues.add(object.items[i], path, "names must not be empty");
    const level = parseLevel(object.items[i], path + "." + key, issues);
    if (level == Level.Unknown) continue;
    table.keys.push(String.UTF8.encode(key));
    table.levels.push(level);
  }
}

function encodeAll(texts: string[]): ArrayBuffer[] {
  return texts.map<ArrayBuffer>((text: string) => String.UTF8.encode(text));
}
