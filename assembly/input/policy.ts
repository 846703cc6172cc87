// The `input` section of the policy: JSON lifted out of a string member (the line Fluent Bit
// read, parsed here instead of by its JSON parser), and the source file and byte offset that
// tail adds, moved into `logseal_source` with the line's length (docs/input.md).
import { Issues } from "../policy/issues";
import { JsonValue, Kind } from "../policy/value";
import { MAX_DEPTH } from "../json/reader";
import { Action, RedactPolicy, Treatment } from "../redaction/policy";

/** Lift the JSON object held as text by top-level member `key`, into the top level ("") or a member. */
export class LiftRule {
  constructor(public key: string, public into: string) {}
}

export class SourcePolicy {
  /** tail's `path_key`: the member holding the file's path. */
  pathKey: string = "";
  /** tail's `offset_key`: the member holding the byte offset of the line's start. */
  offsetKey: string = "";
  /**
   * How to rebuild the line from the record: alternatives, each a list of members joined by one
   * space; the one whose members are exactly the line members the record has applies (CRI: time
   * stream _p log).
   */
  lineKeys: string[][] = [["log"]];
}

/**
 * The deepest a record may be nested after lifting (the record itself is level 1). Fluent Bit
 * 5.1.1 loses a record nested 64 deep or more, and every record after it in its chunk
 * (docs/known-issues.md): deeper text stays text.
 */
export const FLUENT_BIT_MAX_DEPTH = 63;

export class InputPolicy {
  lift: LiftRule[] = [];
  maxDepth: i32 = FLUENT_BIT_MAX_DEPTH;
  source: SourcePolicy | null = null;

  get enabled(): bool {
    return this.lift.length != 0 || this.source != null;
  }
}

export const MAX_LIFT_RULES = 8;
export const MAX_LINE_KEYS = 8;
export const MAX_LINE_ALTERNATIVES = 8;
const SECTION_KEYS = ["lift", "max_depth", "source"];
const LIFT_KEYS = ["key", "into"];
const SOURCE_KEYS = ["path_key", "offset_key", "line_keys"];

export function parseInputPolicy(section: JsonValue | null, issues: Issues): InputPolicy {
  const policy = new InputPolicy();
  const object = issues.object(section, "input");
  if (object == null) return policy;
  issues.onlyKeys(object, "input", SECTION_KEYS);
  parseLift(object.get("lift"), issues, policy);
  policy.maxDepth = <i32>issues.integer(object.get("max_depth"), "input.max_depth", FLUENT_BIT_MAX_DEPTH, 2, MAX_DEPTH);
  const source = issues.object(object.get("source"), "input.source");
  if (source != null) policy.source = parseSource(source, issues);
  return policy;
}

function parseLift(list: JsonValue | null, issues: Issues, policy: InputPolicy): void {
  if (list == null) return;
  if (list.kind != Kind.Array) {
    issues.add(list, "input.lift", "must be a list of {\"key\": NAME, \"into\": NAME}");
    return;
  }
  if (list.items.length > MAX_LIFT_RULES) issues.add(list, "input.lift", "at most " + MAX_LIFT_RULES.toString() + " rules");
  for (let i = 0; i < list.items.length && i < MAX_LIFT_RULES; i++) {
    const path = "input.lift[" + i.toString() + "]";
    const rule = issues.object(list.items[i], path);
    if (rule == null) continue;
    issues.onlyKeys(rule, path, LIFT_KEYS);
    const key = memberName(issues, rule.get("key"), path + ".key", true);
    const into = memberName(issues, rule.get("into"), path + ".into", false);
    if (key.length == 0) continue;
    let known = false;
    for (let j = 0; j < policy.lift.length; j++) known = known || policy.lift[j].key == key;
    if (known) {
      issues.add(rule.get("key"), path + ".key", "\"" + key + "\" is lifted by an earlier rule");
      continue;
    }
    policy.lift.push(new LiftRule(key, into));
  }
}

function parseSource(object: JsonValue, issues: Issues): SourcePolicy {
  const source = new SourcePolicy();
  issues.onlyKeys(object, "input.source", SOURCE_KEYS);
  source.pathKey = memberName(issues, object.get("path_key"), "input.source.path_key", true);
  source.offsetKey = memberName(issues, object.get("offset_key"), "input.source.offset_key", true);
  if (source.pathKey.length != 0 && source.pathKey == source.offsetKey) {
    issues.add(object.get("offset_key"), "input.source.offset_key", "must differ from path_key");
  }
  const lines = object.get("line_keys");
  if (lines == null) return source;
  const shape = "must be a list of alternatives, each a list of member names (e.g. [[\"time\", \"stream\", \"_p\", \"log\"], [\"log\"]])";
  if (lines.kind != Kind.Array || lines.items.length == 0 || lines.items.length > MAX_LINE_ALTERNATIVES) {
    issues.add(lines, "input.source.line_keys", shape + ", 1 to " + MAX_LINE_ALTERNATIVES.toString() + " of them");
    return source;
  }
  const alternatives = new Array<string[]>();
  for (let i = 0; i < lines.items.length; i++) {
    const path = "input.source.line_keys[" + i.toString() + "]";
    const item = lines.items[i];
    if (item.kind != Kind.Array || item.items.length == 0 || item.items.length > MAX_LINE_KEYS) {
      issues.add(item, path, shape + ", of 1 to " + MAX_LINE_KEYS.toString() + " names");
      continue;
    }
    const names = new Array<string>();
    for (let j = 0; j < item.items.length; j++) {
      const name = memberName(issues, item.items[j], path + "[" + j.toString() + "]", true);
      if (name.length != 0) names.push(name);
    }
    if (names.length == item.items.length) alternatives.push(names);
  }
  if (alternatives.length != 0) source.lineKeys = alternatives;
  return source;
}

/** A top-level member name: a non-empty string without dots (empty allowed where not `required`). */
function memberName(issues: Issues, value: JsonValue | null, path: string, required: bool): string {
  if (value == null) {
    if (required) issues.add(null, path, "is required");
    return "";
  }
  const text = issues.string(value, path, "");
  if (value.kind != Kind.String) return "";
  if (required && text.length == 0) {
    issues.add(value, path, "must not be empty");
    return "";
  }
  if (text.includes(".") || text.includes("\"") || text.includes("\\")) {
    issues.add(value, path, "must be a top-level member name (no dots, quotes or backslashes)");
    return "";
  }
  return text;
}

/** The member logseal writes a record's source into (source.ts). */
export const SOURCE_MEMBER = "logseal_source";

/**
 * With `input.source`, a record's own top-level `logseal_source` and `logseal_source_dropped`
 * (a lifted log line can hold anything) are removed by the redaction walk: the names are the
 * module's, and a verifier takes the record's source from them.
 */
export function reserveSourceMember(input: InputPolicy, redact: RedactPolicy): void {
  if (input.source == null) return;
  for (let i = 0; i < 2; i++) {
    redact.keys.addPath(i == 0 ? SOURCE_MEMBER : SOURCE_MEMBER + "_dropped", redact.rules.length);
    redact.rules.push(new Treatment(Action.Remove));
  }
}
