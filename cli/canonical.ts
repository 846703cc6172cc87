// The canonical form of a record as logseal seals it (docs/sealing.md), computed independently of
// the module: a JSON parser that keeps duplicate keys and number text (JSON.parse keeps neither),
// then RFC 8785 (JCS) serialisation, with numbers of 17 significant digits rounded to 16 as
// Fluent Bit prints them.

/** An object with its members in document order, duplicates included. */
export class JsonObject {
  constructor(readonly members: [string, JsonValue][]) {}

  /** Index of the last member named `key`, or -1. */
  lastIndexOf(key: string): number {
    for (let i = this.members.length - 1; i >= 0; i--) if (this.members[i][0] === key) return i;
    return -1;
  }
}

/** A number as written. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type JsonValue = JsonObject | JsonValue[] | JsonNumber | string | boolean | null;

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly at: number) {
    super(`${message} at character ${at}`);
  }
}

const MAX_DEPTH = 512; // as the module's reader

/** Parses one JSON value from `text` starting at `from`; returns it and where it ends. */
export function parseJsonValue(text: string, from = 0): { value: JsonValue; end: number } {
  const parser = new Parser(text, from);
  const value = parser.value(0);
  return { value, end: parser.pos };
}

/** Parses a whole JSON document (whitespace around it allowed). */
export function parseJson(text: string): JsonValue {
  const { value, end } = parseJsonValue(text);
  const rest = skipWhitespace(text, end);
  if (rest !== text.length) throw new JsonSyntaxError("data after the JSON value", rest);
  return value;
}

function skipWhitespace(text: string, pos: number): number {
  for (;;) {
    const c = text.charCodeAt(pos);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return pos;
    pos++;
  }
}

class Parser {
  constructor(readonly text: string, public pos: number) {}

  value(depth: number): JsonValue {
    const text = this.text;
    const pos = (this.pos = skipWhitespace(text, this.pos));
    const c = text.charCodeAt(pos);
    if (c === 0x22) return this.string();
    if (c === 0x7b) return this.object(depth + 1);
    if (c === 0x5b) return this.array(depth + 1);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    for (const [word, value] of LITERALS) {
      if (text.startsWith(word, pos)) {
        this.pos = pos + word.length;
        return value;
      }
    }
    throw new JsonSyntaxError(pos >= text.length ? "unexpected end" : "unexpected character", pos);
  }

  private object(depth: number): JsonObject {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError("nesting too deep", this.pos);
    const text = this.text;
    const members: [string, JsonValue][] = [];
    this.pos = skipWhitespace(text, this.pos + 1);
    if (text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return new JsonObject(members);
    }
    for (;;) {
      this.pos = skipWhitespace(text, this.pos);
      if (text.charCodeAt(this.pos) !== 0x22) throw new JsonSyntaxError("expected a key", this.pos);
      const key = this.string();
      this.pos = skipWhitespace(text, this.pos);
      if (text.charCodeAt(this.pos) !== 0x3a) throw new JsonSyntaxError("expected ':'", this.pos);
      this.pos++;
      members.push([key, this.value(depth)]);
      this.pos = skipWhitespace(text, this.pos);
      const c = text.charCodeAt(this.pos++);
      if (c === 0x7d) return new JsonObject(members);
      if (c !== 0x2c) throw new JsonSyntaxError("expected ',' or '}'", this.pos - 1);
    }
  }

  private array(depth: number): JsonValue[] {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError("nesting too deep", this.pos);
    const text = this.text;
    const items: JsonValue[] = [];
    this.pos = skipWhitespace(text, this.pos + 1);
    if (text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return items;
    }
    for (;;) {
      items.push(this.value(depth));
      this.pos = skipWhitespace(text, this.pos);
      const c = text.charCodeAt(this.pos++);
      if (c === 0x5d) return items;
      if (c !== 0x2c) throw new JsonSyntaxError("expected ',' or ']'", this.pos - 1);
    }
  }

  private string(): string {
    const text = this.text;
    const start = this.pos;
    let escaped = false;
    for (let p = start + 1; p < text.length; p++) {
      const c = text.charCodeAt(p);
      if (c === 0x22) {
        this.pos = p + 1;
        // Escapes are decoded by the engine's own parser (strict, and lone surrogates kept).
        return escaped ? JSON.parse(text.slice(start, p + 1)) : text.slice(start + 1, p);
      }
      if (c === 0x5c) {
        escaped = true;
        p++;
      } else if (c < 0x20) {
        throw new JsonSyntaxError("control character in string", p);
      }
    }
    throw new JsonSyntaxError("unterminated string", start);
  }

  private number(): JsonNumber {
    const text = this.text;
    const start = this.pos;
    let p = start;
    if (text.charCodeAt(p) === 0x2d) p++;
    const digits = (from: number) => {
      let q = from;
      while (q < text.length && text.charCodeAt(q) >= 0x30 && text.charCodeAt(q) <= 0x39) q++;
      if (q === from) throw new JsonSyntaxError("invalid number", start);
      return q;
    };
    p = text.charCodeAt(p) === 0x30 ? p + 1 : digits(p);
    if (text.charCodeAt(p) === 0x2e) p = digits(p + 1);
    if ((text.charCodeAt(p) | 0x20) === 0x65) {
      p++;
      if (text.charCodeAt(p) === 0x2b || text.charCodeAt(p) === 0x2d) p++;
      p = digits(p);
    }
    this.pos = p;
    return new JsonNumber(text.slice(start, p));
  }
}

const LITERALS: [string, JsonValue][] = [["true", true], ["false", false], ["null", null]];

/** UTF-16 code unit order, as RFC 8785 section 3.2.3 requires (JS string comparison is exactly that). */
const byKey = (a: [string, JsonValue], b: [string, JsonValue]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * The canonical text of a value. Members sorted by key (stably: duplicates keep document order),
 * strings as JSON.stringify writes them (the JCS escaping), numbers by `canonicalNumber`.
 */
export function canonicalize(value: JsonValue, fluentStable = true): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof JsonNumber) return canonicalNumber(value.text, fluentStable);
  if (value instanceof JsonObject) {
    const members = value.members.length > 1 ? [...value.members].sort(byKey) : value.members;
    let out = "{";
    for (let i = 0; i < members.length; i++) {
      if (i > 0) out += ",";
      out += JSON.stringify(members[i][0]) + ":" + canonicalize(members[i][1], fluentStable);
    }
    return out + "}";
  }
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i > 0 ? "," : "") + canonicalize(value[i], fluentStable);
    return out + "]";
  }
  return value === null ? "null" : value ? "true" : "false";
}

const SHORT_INTEGER = /^-?(?:0|[1-9]\d{0,14})$/;

/**
 * A number's canonical text: Number::toString of its double, except that with `fluentStable` a
 * double needing 17 significant digits is first rounded to 16 (ties to even) and re-read, as
 * Fluent Bit's "%.16g" output will be. Infinite values (1e400) become null, as in JSON.stringify.
 */
export function canonicalNumber(text: string, fluentStable = true): string {
  if (SHORT_INTEGER.test(text)) return text === "-0" ? "0" : text;
  let x = Number(text);
  if (!Number.isFinite(x)) return "null";
  if (x === 0) return "0";
  if (fluentStable && significantDigits(String(x)) === 17) {
    x = roundTo16Digits(x);
    if (!Number.isFinite(x)) return "null";
  }
  return String(x);
}

/** Significant digits of a decimal as JS prints it ("1.25e-7" -> 3). */
function significantDigits(printed: string): number {
  return printed.replace(/^-/, "").replace(/e.*$/, "").replace(".", "").replace(/^0+/, "").replace(/0+$/, "").length;
}

/** The double nearest to x rounded to 16 significant digits, to nearest with ties to even (C's "%.16g"). */
export function roundTo16Digits(x: number): number {
  const magnitude = Math.abs(x);
  // toPrecision rounds the exact value correctly but breaks ties upwards: find exact ties.
  let rounded = magnitude.toPrecision(16);
  const wide = decimalOf(magnitude.toPrecision(17));
  if (wide.digits.endsWith("5") && compareExact(magnitude, BigInt(wide.digits), wide.exponent) === 0) {
    const down = BigInt(wide.digits.slice(0, -1));
    if (down % 2n === 0n) rounded = `${down}e${wide.exponent + 1}`;
  }
  const result = Number(rounded);
  return x < 0 ? -result : result;
}

/** "1.2345e+21" -> digits "12345", exponent 17 (value = digits * 10^exponent). */
function decimalOf(printed: string): { digits: string; exponent: number } {
  const [mantissa, exp = "0"] = printed.split("e");
  const [whole, fraction = ""] = mantissa.split(".");
  return { digits: (whole + fraction).replace(/^0+(?=\d)/, ""), exponent: Number(exp) - fraction.length };
}

/** Sign of x - digits * 10^exponent, exactly (x finite and positive). */
function compareExact(x: number, digits: bigint, exponent: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  let mantissa = bits & ((1n << 52n) - 1n);
  if (biased !== 0) mantissa |= 1n << 52n;
  const exp2 = (biased === 0 ? 1 : biased) - 1075;
  // mantissa * 2^exp2 vs digits * 10^exponent, both sides scaled to integers.
  let left = mantissa, right = digits;
  if (exp2 >= 0) left <<= BigInt(exp2);
  else right <<= BigInt(-exp2);
  if (exponent >= 0) right *= 10n ** BigInt(exponent);
  else left *= 10n ** BigInt(-exponent);
  return left === right ? 0 : left > right ? 1 : -1;
}
