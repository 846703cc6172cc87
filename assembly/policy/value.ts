// A small JSON tree for cold paths (the policy file): built once at start-up, never per
// record. Iterative, so a deep document cannot exhaust WAMR's small native stack.
import { JsonReader, Token, jsonErrorMessage } from "../json/reader";
import { isHexDigit } from "../json/reader";

export const enum Kind { Null, Bool, Number, String, Object, Array }

export class JsonValue {
  kind: Kind = Kind.Null;
  bool: bool = false;
  number: f64 = 0;
  text: string = "";
  /** Object members in document order; array items in `items`. */
  keys: string[] = [];
  items: JsonValue[] = [];
  /** Byte offset of the value in its document, for line-pointed messages. */
  offset: usize = 0;

  get(key: string): JsonValue | null {
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] == key) return this.items[i];
    }
    return null;
  }

  get isObject(): bool { return this.kind == Kind.Object; }
  get isArray(): bool { return this.kind == Kind.Array; }
  get isString(): bool { return this.kind == Kind.String; }
  get isNumber(): bool { return this.kind == Kind.Number; }
  get isBool(): bool { return this.kind == Kind.Bool; }
}

export class ParsedJson {
  constructor(public value: JsonValue | null, public error: string, public errorOffset: usize) {}
}

/** Parses a whole JSON document (any top-level value). */
export function parseJson(ptr: usize, len: usize): ParsedJson {
  const reader = new JsonReader();
  reader.reset(ptr, len);
  const open = new Array<JsonValue>();
  let pendingKey: string | null = null;
  let root: JsonValue | null = null;
  while (true) {
    const token = reader.next();
    if (token == Token.Error) {
      return new ParsedJson(null, jsonErrorMessage(reader.error), reader.errorAt - ptr);
    }
    if (token == Token.End) return new ParsedJson(root, "", 0);
    if (token == Token.Key) {
      pendingKey = decodeJsonString(reader.start, reader.end);
      continue;
    }
    if (token == Token.ObjectEnd || token == Token.ArrayEnd) {
      open.pop();
      continue;
    }
    const value = new JsonValue();
    value.offset = reader.start - ptr;
    if (token == Token.ObjectStart) value.kind = Kind.Object;
    else if (token == Token.ArrayStart) value.kind = Kind.Array;
    else if (token == Token.String) {
      value.kind = Kind.String;
      value.text = decodeJsonString(reader.start, reader.end);
    } else if (token == Token.Number) {
      value.kind = Kind.Number;
      value.number = parseFloat(String.UTF8.decodeUnsafe(reader.start, reader.end - reader.start));
    } else if (token == Token.True || token == Token.False) {
      value.kind = Kind.Bool;
      value.bool = token == Token.True;
    }
    if (open.length == 0) {
      root = value;
    } else {
      const parent = open[open.length - 1];
      if (parent.kind == Kind.Object) parent.keys.push(pendingKey ? pendingKey : "");
      parent.items.push(value);
    }
    if (value.kind == Kind.Object || value.kind == Kind.Array) open.push(value);
  }
}

/** Decodes the JSON string token [start, end) (quotes included) into text. */
export function decodeJsonString(start: usize, end: usize): string {
  const first = start + 1;
  const last = end - 1;
  let hasEscape = false;
  for (let p = first; p < last; p++) {
    if (load<u8>(p) == 0x5C) {
      hasEscape = true;
      break;
    }
  }
  if (!hasEscape) return String.UTF8.decodeUnsafe(first, last - first);
  let result = "";
  let run = first;
  let p = first;
  while (p < last) {
    if (load<u8>(p) != 0x5C) {
      p++;
      continue;
    }
    result += String.UTF8.decodeUnsafe(run, p - run);
    const c = load<u8>(p + 1);
    if (c == 0x75 && p + 6 <= last) {
      result += String.fromCharCode(<i32>hex4(p + 2));
      p += 6;
    } else {
      result += c == 0x6E ? "\n" : c == 0x74 ? "\t" : c == 0x72 ? "\r" : c == 0x62 ? "\b" : c == 0x66 ? "\f" : String.fromCharCode(c);
      p += 2;
    }
    run = p;
  }
  return result + String.UTF8.decodeUnsafe(run, last - run);
}

/** Value of four hex digits at `p` (validated by the reader). */
export function hex4(p: usize): u32 {
  let v: u32 = 0;
  for (let i: usize = 0; i < 4; i++) {
    const c = load<u8>(p + i);
    v = (v << 4) | (isHexDigit(c) && c <= 0x39 ? <u32>c - 0x30 : (<u32>(c | 0x20) - 0x61 + 10));
  }
  return v;
}

/** "line L, column C" of a byte offset in a document. */
export function describeOffset(ptr: usize, len: usize, offset: usize): string {
  let line = 1;
  let column = 1;
  const end = ptr + (offset < len ? offset : len);
  for (let p = ptr; p < end; p++) {
    if (load<u8>(p) == 0x0A) {
      line++;
      column = 1;
    } else if ((load<u8>(p) & 0xC0) != 0x80) {
      column++;
    }
  }
  return "line " + line.toString() + ", column " + column.toString();
}
