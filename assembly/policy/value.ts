// A small JSON tree for cold paths (the policy file): built once at start-up, never per
// record. Iterative, so a deep document cannot exhaust WAMR's small native stack.
import { JsonReader, Token, jsonErrorMessage } from "../json/reader";
import { ByteBuffer } from "../buffer";
import { decodeStringContent } from "../json/decode";

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
const reader = new JsonReader(); // its stack is unmanaged memory: one for every parse

export function parseJson(ptr: usize, len: usize): ParsedJson {
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
  const decoded = new ByteBuffer(end - start);
  decodeStringContent(decoded, start + 1, end - start - 2);
  const text = String.UTF8.decodeUnsafe(decoded.ptr, decoded.len);
  heap.free(decoded.ptr);
  return text;
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
