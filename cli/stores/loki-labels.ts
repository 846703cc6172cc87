// Loki labels taken from the record. out_loki (Fluent Bit 5) removes from the line every member it
// makes a label of (`labels name=$path`, `label_keys $path`): the line alone no longer holds what was
// sealed. Given the output's `labels`/`label_keys` (`--loki-labels`), the verifier puts each such
// member back from its label (a string, or the label's text as JSON when it reads as a number, true,
// false, null or an object) and lets the seal decide: when the MAC holds, the record is the one
// sealed, and those labels are covered too. Without it, such records fail and the hint says why.
import { type Member, canonicalJson, canonicalObject } from "../canonical.ts";

/** A label made from a record member: the label's name and the member's path. */
export interface RecordLabel {
  label: string;
  path: string[];
}

/** The record labels of out_loki's `labels` / `label_keys` values (comma-separated, as in the configuration). */
export function parseLokiLabels(specs: string[]): RecordLabel[] {
  const labels: RecordLabel[] = [];
  for (const spec of specs) {
    for (const entry of splitTopLevel(spec)) {
      const text = entry.trim();
      if (text === "") continue;
      const eq = text.startsWith("$") ? -1 : text.indexOf("=");
      if (eq < 0) {
        if (!text.startsWith("$")) throw new Error(`--loki-labels ${text}: a label_keys entry starts with '$'`);
        const path = recordPath(text);
        if (path) labels.push({ label: labelName(path.join("_")), path });
        continue;
      }
      const value = text.slice(eq + 1).trim();
      if (!value.startsWith("$")) continue; // a constant label: nothing taken from the record
      const path = recordPath(value);
      if (path) labels.push({ label: text.slice(0, eq).trim(), path });
    }
  }
  return labels;
}

/** `$a['b']["c"]` as ["a", "b", "c"]; null for $TAG and other values not from the record. */
function recordPath(text: string): string[] | null {
  const match = /^\$([^[\]'"\s]+)((?:\[(?:'[^']*'|"[^"]*")\])*)$/.exec(text);
  if (!match) {
    if (/^\$TAG(\[\d+\])?$/.test(text)) return null;
    throw new Error(`--loki-labels ${text}: not a record accessor ($key or $key['sub'])`);
  }
  if (match[1] === "TAG") return null;
  const path = [match[1]];
  for (const sub of match[2].matchAll(/\[(?:'([^']*)'|"([^"]*)")\]/g)) path.push(sub[1] ?? sub[2]);
  return path;
}

/** out_loki's label name for a label_keys entry: characters other than letters, digits and '_' become '_'. */
function labelName(joined: string): string {
  const name = joined.replace(/[^A-Za-z0-9_]/g, "_");
  return /^\d/.test(name) ? "_" + name : name;
}

function splitTopLevel(spec: string): string[] {
  const parts: string[] = [];
  let depth = 0, quote = "", start = 0;
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "[") depth++;
    else if (c === "]") depth--;
    else if (c === "," && depth === 0) {
      parts.push(spec.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(spec.slice(start));
  return parts;
}

const MAX_READINGS = 16;

/**
 * The record with the members its labels were made of put back, in every way the labels can be read
 * (at most MAX_READINGS): the string first, then the label's text as a JSON value.
 */
export function restoredReadings(members: Member[], labels: Record<string, string>, recordLabels: RecordLabel[]): { members: Member[]; restored: string[] }[] {
  let readings: { members: Member[]; restored: string[] }[] = [{ members, restored: [] }];
  for (const { label, path } of recordLabels) {
    const value = Object.hasOwn(labels, label) ? labels[label] : undefined; // not "constructor" of every object
    if (value === undefined || has(members, path)) continue;
    const texts = [canonicalJson(JSON.stringify(value))];
    try {
      const literal = canonicalJson(value);
      if (literal !== texts[0]) texts.push(literal);
    } catch {
      // not JSON: the string only
    }
    const next: typeof readings = [];
    for (const reading of readings) {
      for (const text of texts) {
        if (next.length < MAX_READINGS) next.push({ members: put(reading.members, path, text), restored: [...reading.restored, path.join(".")] });
      }
    }
    readings = next;
  }
  return readings[0].restored.length ? readings : [];
}

/**
 * Why the labels of an entry cannot be what out_loki made of its record, or undefined: a label (or
 * structured metadata) made from a member that is still in the line with another string value, or a
 * label and metadata of the same name that differ. Either way someone moved the entry to a stream
 * whose labels say something else than the sealed record.
 */
export function labelConflict(members: Member[], labels: Record<string, string>, metadata: Record<string, string>, recordLabels: RecordLabel[]): string | undefined {
  for (const { label, path } of recordLabels) {
    const given = [labels, metadata].filter((from) => Object.hasOwn(from, label)).map((from) => from[label]);
    if (given.length === 2 && given[0] !== given[1]) return `the label ${label} ${JSON.stringify(given[0])} and the structured metadata ${JSON.stringify(given[1])} differ`;
    const member = memberAt(members, path);
    if (given.length === 0 || member?.text.charCodeAt(0) !== 0x22) continue;
    const value = JSON.parse(member.text) as string;
    if (given[0] !== value) return `the label ${label} ${JSON.stringify(given[0])} is not the record's ${path.join(".")} ${JSON.stringify(value)} it is made from`;
  }
  return undefined;
}

function memberAt(members: Member[], path: string[]): Member | undefined {
  const found = members.find((m) => m.key === path[0]);
  if (!found || path.length === 1) return found;
  return found.object ? memberAt(found.object, path.slice(1)) : undefined;
}

function has(members: Member[], path: string[]): boolean {
  const found = members.find((m) => m.key === path[0]);
  if (!found) return false;
  return path.length === 1 || (found.object !== undefined && has(found.object, path.slice(1)));
}

/** A copy of `members` with the value `text` (canonical) at `path`; objects on the way made when missing. */
function put(members: Member[], path: string[], text: string): Member[] {
  const [key, ...rest] = path;
  const copy = [...members];
  const at = copy.findIndex((m) => m.key === key);
  if (rest.length === 0) {
    copy.push(member(key, text, undefined));
    return copy;
  }
  const inner = put(at >= 0 && copy[at].object ? copy[at].object! : [], rest, text);
  const nested = member(key, canonicalObject([...inner]), inner);
  if (at >= 0) copy[at] = nested;
  else copy.push(nested);
  return copy;
}

const member = (key: string, text: string, object: Member[] | undefined): Member => ({ key, keyJson: canonicalJson(JSON.stringify(key)), text, object, at: 0, end: 0 });
