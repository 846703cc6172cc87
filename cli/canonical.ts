// The canonical form of a record as logseal seals it (docs/sealing.md), computed independently of
// the module: a JSON parser that keeps duplicate keys and reads numbers from their text (JSON.parse
// keeps neither), producing RFC 8785 (JCS) text as it goes, with numbers of 17 significant digits
// rounded to 16 as Fluent Bit prints them.

/** An object member: its decoded key, the key's canonical JSON, and the canonical text of its value. */
export interface Member {
  key: string;
  keyJson: string;
  text: string;
  /** When the value is an object: its members (sorted). */
  object: Member[] | undefined;
  /** Where the value is written in the text: [at, end). */
  at: number;
  end: number;
}

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly at: number) {
    super(`${message} at character ${at}`);
  }
}

const MAX_DEPTH = 512; // as the module's reader

/** The canonical text of a whole JSON document (whitespace around it allowed). */
export function canonicalJson(text: string, fluentStable = true): string {
  const parser = new Parser(text, 0, fluentStable);
  const canonical = parser.value(0);
  parser.end();
  return canonical;
}

/** The members of the object at `from` (canonical values, document order, duplicates kept) and where it ends. */
export function parseMembers(text: string, from: number, fluentStable = true): { members: Member[]; end: number } {
  const parser = new Parser(text, from, fluentStable);
  parser.skip();
  if (text.charCodeAt(parser.pos) !== 0x7b) throw new JsonSyntaxError("expected an object", parser.pos);
  const members = parser.members(1);
  return { members, end: parser.pos };
}

/** The canonical text of a value at `from` (for values around a record, e.g. Fluent Bit's time) and where it ends. */
export function parseValue(text: string, from: number): { text: string; end: number } {
  const parser = new Parser(text, from, true);
  const canonical = parser.value(0);
  return { text: canonical, end: parser.pos };
}

/** UTF-16 code unit order, as RFC 8785 section 3.2.3 requires: exactly JS string comparison. */
function byKey(a: Member, b: Member): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function insertionSort(members: Member[]): void {
  for (let i = 1; i < members.length; i++) {
    const member = members[i];
    let j = i;
    for (; j > 0 && members[j - 1].key > member.key; j--) members[j] = members[j - 1];
    members[j] = member;
  }
}

/** An object's canonical text from its members, sorted in place by key, stably (duplicates keep their order). */
export function canonicalObject(members: Member[]): string {
  if (members.length > 12) members.sort(byKey);
  else insertionSort(members); // records' objects are small: no comparator calls through sort
  let out = "{";
  for (let i = 0; i < members.length; i++) out += (i > 0 ? "," : "") + members[i].keyJson + ":" + members[i].text;
  return out + "}";
}

class Parser {
  constructor(readonly text: string, public pos: number, readonly fluentStable: boolean) {}

  skip(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      pos++;
    }
    this.pos = pos;
  }

  end(): void {
    this.skip();
    if (this.pos !== this.text.length) throw new JsonSyntaxError("data after the JSON value", this.pos);
  }

  value(depth: number): string {
    this.skip();
    const text = this.text;
    const pos = this.pos;
    const c = text.charCodeAt(pos);
    if (c === 0x22) return this.string();
    if (c === 0x7b) {
      const members = this.members(depth + 1);
      this.lastObject = members;
      return canonicalObject(members);
    }
    if (c === 0x5b) return this.array(depth + 1);
    for (const word of INFINITIES) {
      // Fluent Bit prints an infinite double with "%.16g": `inf`, not JSON, but the same value.
      if (this.fluentStable && text.startsWith(word, pos)) {
        this.pos = pos + word.length;
        return canonicalNumber(word);
      }
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return canonicalNumber(this.number(), this.fluentStable);
    for (const word of LITERALS) {
      if (text.startsWith(word, pos)) {
        this.pos = pos + word.length;
        return word;
      }
    }
    throw new JsonSyntaxError(pos >= text.length ? "unexpected end" : "unexpected character", pos);
  }

  members(depth: number): Member[] {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError("nesting too deep", this.pos);
    const text = this.text;
    const members: Member[] = [];
    this.pos++;
    this.skip();
    if (text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return members;
    }
    for (;;) {
      this.skip();
      if (text.charCodeAt(this.pos) !== 0x22) throw new JsonSyntaxError("expected a key", this.pos);
      const keyJson = this.string(true);
      const key = this.decoded;
      this.skip();
      if (text.charCodeAt(this.pos) !== 0x3a) throw new JsonSyntaxError("expected ':'", this.pos);
      this.pos++;
      this.lastObject = undefined;
      this.skip();
      const at = this.pos;
      const value = this.value(depth);
      members.push({ key, keyJson, text: value, object: this.lastObject, at, end: this.pos });
      this.skip();
      const c = text.charCodeAt(this.pos++);
      if (c === 0x7d) return members;
      if (c !== 0x2c) throw new JsonSyntaxError("expected ',' or '}'", this.pos - 1);
    }
  }

  private array(depth: number): string {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError("nesting too deep", this.pos);
    const text = this.text;
    this.pos++;
    this.skip();
    if (text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return "[]";
    }
    let out = "[";
    for (;;) {
      out += this.value(depth);
      this.skip();
      const c = text.charCodeAt(this.pos++);
      if (c === 0x5d) return out + "]";
      if (c !== 0x2c) throw new JsonSyntaxError("expected ',' or ']'", this.pos - 1);
      out += ",";
    }
  }

  /** The decoded text of the last key read. */
  decoded = "";
  /** The members of the last object value read. */
  lastObject: Member[] | undefined = undefined;
  /** Where the next backslash at or after the current string is (text.length: none): one scan per line. */
  private backslashAt = -1;

  /** A string token's canonical form (JSON.stringify's escaping is JCS's); a key's text goes to `decoded`. */
  private string(isKey = false): string {
    const text = this.text;
    const start = this.pos;
    let quote = text.indexOf('"', start + 1);
    let backslash = this.backslashAt;
    if (backslash <= start) backslash = this.nextBackslash(start + 1);
    let escaped = false;
    while (backslash < quote) {
      // An escape: the character after the backslash is part of it, and may be the quote.
      escaped = true;
      if (quote === backslash + 1) quote = text.indexOf('"', quote + 1);
      backslash = this.nextBackslash(backslash + 2);
      if (quote < 0) break;
    }
    if (quote < 0) throw new JsonSyntaxError("unterminated string", start);
    this.pos = quote + 1;
    // A raw control character (invalid JSON) is not looked for: the module never writes one, so it
    // would make the canonical form differ and the record fail its MAC, not pass unnoticed.
    const token = text.slice(start, quote + 1);
    if (!escaped) {
      if (isKey) this.decoded = token.slice(1, -1);
      return token; // nothing in it needs escaping
    }
    const decoded: string = JSON.parse(token); // strict, and keeps lone surrogates
    if (isKey) this.decoded = decoded;
    return JSON.stringify(decoded);
  }

  private nextBackslash(from: number): number {
    const at = this.text.indexOf("\\", from);
    this.backslashAt = at < 0 ? this.text.length : at;
    return this.backslashAt;
  }

  private number(): string {
    const text = this.text;
    const start = this.pos;
    let p = start;
    if (text.charCodeAt(p) === 0x2d) p++;
    p = text.charCodeAt(p) === 0x30 ? p + 1 : digitsEnd(text, p, start);
    if (text.charCodeAt(p) === 0x2e) p = digitsEnd(text, p + 1, start);
    if ((text.charCodeAt(p) | 0x20) === 0x65) {
      p++;
      if (text.charCodeAt(p) === 0x2b || text.charCodeAt(p) === 0x2d) p++;
      p = digitsEnd(text, p, start);
    }
    this.pos = p;
    return text.slice(start, p);
  }
}

/** Where a run of at least one digit starting at `from` ends. */
function digitsEnd(text: string, from: number, number: number): number {
  let p = from;
  for (let c = text.charCodeAt(p); c >= 0x30 && c <= 0x39; c = text.charCodeAt(++p));
  if (p === from) throw new JsonSyntaxError("invalid number", number);
  return p;
}

const LITERALS = ["true", "false", "null"];
const INFINITIES = ["inf", "-inf"];

const SHORT_INTEGER = /^-?(?:0|[1-9]\d{0,14})$/;
const INTEGER = /^-?(?:0|[1-9]\d*)$/;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * A number's canonical text (docs/seal-format.md): integers Fluent Bit keeps as int64/uint64 digit
 * for digit; otherwise Number::toString of its double, except that with `fluentStable` a double
 * needing 17 significant digits is first rounded to 16 (ties to even) and re-read, as Fluent Bit's
 * "%.16g" output will be. Infinite values (1e400, Fluent Bit's `inf`) are `Infinity`/`-Infinity`.
 */
export function canonicalNumber(text: string, fluentStable = true): string {
  if (SHORT_INTEGER.test(text)) return text === "-0" ? "0" : text;
  if (INTEGER.test(text) && text.length <= 21) {
    const n = BigInt(text);
    if (n >= INT64_MIN && n <= UINT64_MAX) return text;
  }
  let x = text === "inf" ? Infinity : text === "-inf" ? -Infinity : Number(text);
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  if (fluentStable && significantDigits(String(x)) === 17) {
    x = roundTo16Digits(x);
    if (!Number.isFinite(x)) return String(x);
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
