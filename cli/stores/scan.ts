// Finding records inside the documents stores give back (an Elasticsearch `_search` response, a Loki
// `query_range` result, a Splunk export), without building them: the records themselves are read by
// cli/canonical.ts, which keeps duplicate keys and number texts (JSON.parse keeps neither).
import { isJsonSpace } from "../utf8.ts";

/** One member of an object as written: its decoded key and where its value is, [at, end). */
export interface RawMember {
  key: string;
  at: number;
  end: number;
}

export function skipSpace(text: string, pos: number): number {
  while (pos < text.length && isJsonSpace(text.charCodeAt(pos))) pos++;
  return pos;
}

/** Where the string starting at `pos` (a '"') ends, after its closing quote. */
function skipString(text: string, pos: number): number {
  for (let i = pos + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return i + 1;
  }
  throw new Error(`unterminated string at character ${pos}`);
}

/** Where the JSON value at `pos` (whitespace before it allowed) ends. Iterative: depth costs nothing. */
export function skipValue(text: string, pos: number): number {
  pos = skipSpace(text, pos);
  let depth = 0;
  do {
    const c = text.charCodeAt(pos);
    if (c === 0x22) pos = skipString(text, pos);
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      pos++;
    } else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) throw new Error(`unexpected '${text[pos]}' at character ${pos}`);
      depth--;
      pos++;
    } else if (c === 0x2c || c === 0x3a || isJsonSpace(c)) {
      if (depth === 0) throw new Error(`unexpected '${text[pos]}' at character ${pos}`);
      pos++;
    } else if (pos >= text.length) {
      throw new Error("unexpected end of the document");
    } else {
      // a number or a literal: up to the next delimiter
      const start = pos;
      while (pos < text.length && !/[\s,:\]}[{"]/.test(text[pos])) pos++;
      if (pos === start) throw new Error(`unexpected character at ${pos}`);
    }
  } while (depth > 0);
  return pos;
}

/** The members of the object at `pos`, as written (keys decoded), in document order. */
export function objectMembers(text: string, pos: number): RawMember[] {
  pos = skipSpace(text, pos);
  if (text[pos] !== "{") throw new Error(`expected an object at character ${pos}`);
  const members: RawMember[] = [];
  pos = skipSpace(text, pos + 1);
  if (text[pos] === "}") return members;
  for (;;) {
    if (text[pos] !== '"') throw new Error(`expected a key at character ${pos}`);
    const keyEnd = skipString(text, pos);
    const key = JSON.parse(text.slice(pos, keyEnd)) as string;
    pos = skipSpace(text, keyEnd);
    if (text[pos] !== ":") throw new Error(`expected ':' at character ${pos}`);
    const at = skipSpace(text, pos + 1);
    const end = skipValue(text, at);
    members.push({ key, at, end });
    pos = skipSpace(text, end);
    if (text[pos] === "}") return members;
    if (text[pos] !== ",") throw new Error(`expected ',' or '}' at character ${pos}`);
    pos = skipSpace(text, pos + 1);
  }
}

/** The elements of the array at `pos`: where each is, [at, end). */
export function arrayItems(text: string, pos: number): [number, number][] {
  pos = skipSpace(text, pos);
  if (text[pos] !== "[") throw new Error(`expected an array at character ${pos}`);
  const items: [number, number][] = [];
  pos = skipSpace(text, pos + 1);
  if (text[pos] === "]") return items;
  for (;;) {
    const at = skipSpace(text, pos);
    const end = skipValue(text, at);
    items.push([at, end]);
    pos = skipSpace(text, end);
    if (text[pos] === "]") return items;
    if (text[pos] !== ",") throw new Error(`expected ',' or ']' at character ${pos}`);
    pos++;
  }
}

/** The top-level JSON values of a text (one document, NDJSON, or values written back to back): where each is. */
export function topValues(text: string): [number, number][] {
  const values: [number, number][] = [];
  let pos = skipSpace(text, 0);
  while (pos < text.length) {
    const end = skipValue(text, pos);
    values.push([pos, end]);
    pos = skipSpace(text, end);
  }
  return values;
}

/** The member named `key` (the first one), or undefined. */
/**
 * The member of that name in a store's envelope (a `_search` response, a hit, a Loki stream, a
 * Splunk result), or undefined. A name given twice throws (the file is then unreadable): readers of
 * JSON disagree on which one counts (most take the last), so a second `_source` or `hits` could
 * show one thing while the seals vouch for another.
 */
export function memberNamed(members: RawMember[], key: string): RawMember | undefined {
  let found: RawMember | undefined;
  for (const member of members) {
    if (member.key !== key) continue;
    if (found) throw new Error(`${JSON.stringify(key)} appears twice in one object (which one a reader takes is not defined)`);
    found = member;
  }
  return found;
}

/** A string value's content, or undefined when the value is not a string. */
export function stringAt(text: string, member: RawMember | undefined): string | undefined {
  if (!member || text[member.at] !== '"') return undefined;
  return JSON.parse(text.slice(member.at, member.end)) as string;
}

/** The line number (1-based) of a character position. */
export function lineAt(text: string, pos: number, cache: { pos: number; line: number } = { pos: 0, line: 1 }): number {
  // Positions are asked in increasing order: count from the last answer.
  if (pos < cache.pos) {
    cache.pos = 0;
    cache.line = 1;
  }
  for (let i = cache.pos; i < pos; i++) if (text.charCodeAt(i) === 0x0a) cache.line++;
  cache.pos = pos;
  return cache.line;
}
