// A pull reader over JSON text in linear memory: no DOM, no strings, no allocation, no
// recursion. `next()` returns one token at a time with its byte span; the caller decides
// what to copy, replace or skip. It validates as it goes (RFC 8259), including UTF-8.
import { utf8SequenceLength } from "./utf8";
import { hex4 } from "./decode";

export const enum Token {
  End, ObjectStart, ObjectEnd, ArrayStart, ArrayEnd, Key, String, Number, True, False, Null, Error,
}

export const enum JsonError {
  None, Empty, UnexpectedByte, UnterminatedString, ControlInString, BadEscape, BadNumber,
  BadLiteral, TooDeep, TrailingData, Truncated,
}

/** String flags: the token's bytes differ from its decoded text, or contain bytes beyond ASCII. */
export const STRING_ESCAPED: u32 = 1;
export const STRING_NON_ASCII: u32 = 2;
export const STRING_BAD_UTF8: u32 = 4;
/** A \uXXXX escape of a UTF-16 surrogate without its partner: valid JSON, but not text. */
export const STRING_LONE_SURROGATE: u32 = 16;
/** The string needs repairing before it may leave (see repairStringContent). */
export const STRING_NEEDS_REPAIR: u32 = STRING_BAD_UTF8 | STRING_LONE_SURROGATE;
/** Number flag: has a fraction or an exponent. */
export const NUMBER_NON_INTEGER: u32 = 8;

export const MAX_DEPTH: i32 = 512;

// Failed: an error was reported (`error`); every later `next()` returns Token.Error.
const enum Expect { Value, KeyOrClose, Key, ValueOrClose, AfterValue, Done, Failed }

const IN_OBJECT: u8 = 1;
const IN_ARRAY: u8 = 2;

const ONES: u64 = 0x0101010101010101;
const HIGHS: u64 = 0x8080808080808080;

/**
 * The high bit of each of the eight bytes of `w` that is '"' or '\\' (x - 1 of a zero byte) or
 * non-ASCII, or flagged in `more` (e.g. `w - 0x2020...` for controls), and of some bytes above
 * such a byte: borrows only flag bytes above a real hit, so the lowest flag is exact (`ctz >> 3`
 * is its index). The usual `& ~x` of the zero-byte test is not needed: non-ASCII is flagged anyway.
 */
@inline export function quoteBackslashOrHigh(w: u64, more: u64 = 0): u64 {
  return (((w ^ 0x2222222222222222) - ONES) | ((w ^ 0x5C5C5C5C5C5C5C5C) - ONES) | more | w) & HIGHS;
}

export class JsonReader {
  /** Span of the current token: [start, end). Strings and keys include their quotes. */
  start: usize = 0;
  end: usize = 0;
  flags: u32 = 0;
  /** Nesting depth after the current token (1 inside the top-level object). */
  depth: i32 = 0;
  /** The deepest nesting reached so far in this document. */
  maxDepth: i32 = 0;
  /** For a Key: where the member begins for removal purposes (its leading comma, if any). */
  memberLead: usize = 0;
  /** For a Key: whether it is the first member of its object. */
  firstMember: bool = false;
  error: JsonError = JsonError.None;
  errorAt: usize = 0;

  private base: usize = 0;
  private limit: usize = 0;
  private pos: usize = 0;
  private expect: Expect = Expect.Value;
  private lastValueEnd: usize = 0;
  private readonly stack: usize = heap.alloc(<usize>MAX_DEPTH + 1);

  reset(ptr: usize, len: usize): void {
    this.base = ptr;
    this.pos = ptr;
    this.limit = ptr + len;
    this.depth = 0;
    this.maxDepth = 0;
    this.expect = Expect.Value;
    this.error = JsonError.None;
    this.flags = 0;
    this.lastValueEnd = ptr;
  }

  /** Byte offset of `p` from the start of the document. */
  @inline offset(p: usize): usize {
    return p - this.base;
  }

  next(): Token {
    let expect = this.expect;
    if (expect >= Expect.Done) return expect == Expect.Done ? Token.End : Token.Error; // one test for both
    const limit = this.limit;
    let p = skipWhitespace(this.pos, limit);

    if (expect == Expect.AfterValue) {
      if (this.depth == 0) {
        this.expect = Expect.Done;
        return p == limit ? Token.End : this.fail(JsonError.TrailingData, p);
      }
      if (p == limit) return this.fail(JsonError.Truncated, p);
      const c = load<u8>(p);
      const inObject = load<u8>(this.stack + this.depth) == IN_OBJECT;
      if (c == 0x2C) { // ,
        p = skipWhitespace(p + 1, limit);
        expect = inObject ? Expect.Key : Expect.Value;
      } else if (c == (inObject ? 0x7D : 0x5D)) { // } or ]
        return this.close(p, inObject ? Token.ObjectEnd : Token.ArrayEnd);
      } else {
        return this.fail(JsonError.UnexpectedByte, p);
      }
    }
    if (p == limit) return this.fail(this.depth == 0 && expect == Expect.Value ? JsonError.Empty : JsonError.Truncated, p);
    const c = load<u8>(p);

    if (expect == Expect.KeyOrClose || expect == Expect.Key) {
      if (c == 0x7D && expect == Expect.KeyOrClose) return this.close(p, Token.ObjectEnd);
      if (c != 0x22) return this.fail(JsonError.UnexpectedByte, p);
      const firstMember = expect == Expect.KeyOrClose;
      this.firstMember = firstMember;
      this.memberLead = firstMember ? p : this.lastValueEnd;
      const keyEnd = this.scanString(p);
      if (keyEnd == 0) return Token.Error;
      let q = skipWhitespace(keyEnd, limit);
      if (q == limit || load<u8>(q) != 0x3A) return this.fail(q == limit ? JsonError.Truncated : JsonError.UnexpectedByte, q);
      this.start = p;
      this.end = keyEnd;
      this.pos = q + 1;
      this.expect = Expect.Value;
      return Token.Key;
    }
    if (expect == Expect.ValueOrClose && c == 0x5D) return this.close(p, Token.ArrayEnd);
    return this.value(p, c);
  }

  /** Skips the value that follows (call after a Key, or where a value is expected); false on error. */
  skipValue(): bool {
    const token = this.next();
    if (token == Token.ObjectStart || token == Token.ArrayStart) {
      const depth = this.depth - 1;
      while (this.depth > depth) {
        if (this.next() == Token.Error) return false;
      }
      return true;
    }
    return token != Token.Error && token != Token.End;
  }

  /** Where the value that ended last (scalar or closing bracket) ends. */
  @inline get valueEnd(): usize {
    return this.lastValueEnd;
  }

  private value(p: usize, c: u8): Token {
    this.start = p;
    this.flags = 0;
    let token: Token;
    let end: usize;
    if (c == 0x22) {
      end = this.scanString(p);
      token = Token.String;
    } else if (c == 0x7B || c == 0x5B) {
      if (this.depth >= MAX_DEPTH) return this.fail(JsonError.TooDeep, p);
      if (++this.depth > this.maxDepth) this.maxDepth = this.depth;
      const isObject = c == 0x7B;
      store<u8>(this.stack + this.depth, isObject ? IN_OBJECT : IN_ARRAY);
      this.end = p + 1;
      this.pos = p + 1;
      this.expect = isObject ? Expect.KeyOrClose : Expect.ValueOrClose;
      return isObject ? Token.ObjectStart : Token.ArrayStart;
    } else if (c == 0x2D || (c >= 0x30 && c <= 0x39)) {
      end = this.scanNumber(p);
      token = Token.Number;
    } else if (c == 0x74) {
      end = this.literal(p, 0x65757274, 4); // "true"
      token = Token.True;
    } else if (c == 0x66) {
      end = this.literal(p + 1, 0x65736c61, 5); // "f" + "alse"
      token = Token.False;
    } else if (c == 0x6E) {
      end = this.literal(p, 0x6c6c756e, 4); // "null"
      token = Token.Null;
    } else {
      return this.fail(JsonError.UnexpectedByte, p);
    }
    if (end == 0) return Token.Error;
    this.end = end;
    this.pos = end;
    this.lastValueEnd = end;
    this.expect = Expect.AfterValue;
    return token;
  }

  private close(p: usize, token: Token): Token {
    this.start = p;
    this.end = p + 1;
    this.pos = p + 1;
    this.lastValueEnd = p + 1;
    this.depth--;
    this.expect = Expect.AfterValue;
    return token;
  }

  /** Four literal bytes `word` (little-endian) at `p`; `total` is the whole literal's length. */
  private literal(p: usize, word: u32, total: usize): usize {
    const start = this.start;
    if (start + total > this.limit || load<u32>(p) != word) {
      this.fail(JsonError.BadLiteral, start);
      return 0;
    }
    return start + total;
  }

  /**
   * Scans the string whose opening quote is at `p`; returns the end (after the closing quote) or 0.
   * The common string (ASCII, no escape) ends in the word loop here, which needs few registers;
   * anything else continues in `scanStringRest` from the first byte the word test flagged.
   */
  private scanString(p: usize): usize {
    const limit = this.limit;
    p++;
    // Two words a step (a borrow stays inside its word: the first word's lowest flag is exact).
    while (p + 16 <= limit) {
      const w = load<u64>(p), v = load<u64>(p, 8);
      const special = quoteBackslashOrHigh(w, w - 0x2020202020202020), more = quoteBackslashOrHigh(v, v - 0x2020202020202020);
      if ((special | more) != 0) {
        p += <usize>((ctz(special) + (ctz(more) & (0 - <u64>(special == 0)))) >> 3); // no branch on which word
        if (load<u8>(p) == 0x22) {
          this.flags = 0;
          return p + 1;
        }
        return this.scanStringRest(p);
      }
      p += 16;
    }
    while (p + 8 <= limit) {
      const w = load<u64>(p);
      const special = quoteBackslashOrHigh(w, w - 0x2020202020202020); // controls (below 0x20) too
      if (special != 0) {
        p += <usize>(ctz(special) >> 3);
        if (load<u8>(p) == 0x22) {
          this.flags = 0;
          return p + 1;
        }
        break;
      }
      p += 8;
    }
    return this.scanStringRest(p);
  }

  /** scanString from `p` (inside the string, nothing flagged before it) to its end. */
  private scanStringRest(p: usize): usize {
    const limit = this.limit;
    let flags: u32 = 0;
    while (true) {
      // Word at a time: stop at the first quote, backslash, control or non-ASCII byte.
      while (p + 8 <= limit) {
        const w = load<u64>(p);
        const special = quoteBackslashOrHigh(w, w - 0x2020202020202020); // controls (below 0x20) too
        if (special != 0) {
          p += <usize>(ctz(special) >> 3);
          break;
        }
        p += 8;
      }
      if (p >= limit) {
        this.fail(JsonError.UnterminatedString, p);
        return 0;
      }
      const c = load<u8>(p);
      if (c == 0x22) {
        this.flags = flags;
        return p + 1;
      }
      if (c == 0x5C) {
        const n = escapeLength(p, limit);
        if (n == 0) {
          this.fail(JsonError.BadEscape, p);
          return 0;
        }
        flags |= STRING_ESCAPED;
        if (n == 6) {
          const pair = surrogateEscapeLength(p, limit);
          if (pair == 0) flags |= STRING_LONE_SURROGATE;
          else {
            p += pair;
            continue;
          }
        }
        p += n;
      } else if (c < 0x20) {
        this.fail(JsonError.ControlInString, p);
        return 0;
      } else if (c >= 0x80) {
        const n = utf8SequenceLength(p, limit);
        flags |= n == 0 ? STRING_BAD_UTF8 | STRING_NON_ASCII : STRING_NON_ASCII;
        p += n == 0 ? 1 : n;
      } else {
        p++; // a byte the word test flagged only by borrow from a lower one
      }
    }
    return 0;
  }

  private scanNumber(p: usize): usize {
    const limit = this.limit;
    const start = p;
    let flags: u32 = 0;
    if (load<u8>(p) == 0x2D) p++;
    if (p >= limit) return this.badNumber(start);
    if (load<u8>(p) == 0x30) {
      p++;
    } else {
      const digitsStart = p;
      p = skipDigits(p, limit);
      if (p == digitsStart) return this.badNumber(start);
    }
    if (p < limit && load<u8>(p) == 0x2E) {
      const fracStart = ++p;
      p = skipDigits(p, limit);
      if (p == fracStart) return this.badNumber(start);
      flags = NUMBER_NON_INTEGER;
    }
    if (p < limit && (load<u8>(p) | 0x20) == 0x65) {
      p++;
      if (p < limit && (load<u8>(p) == 0x2B || load<u8>(p) == 0x2D)) p++;
      const expStart = p;
      p = skipDigits(p, limit);
      if (p == expStart) return this.badNumber(start);
      flags = NUMBER_NON_INTEGER;
    }
    this.flags = flags;
    return p;
  }

  private badNumber(at: usize): usize {
    this.fail(JsonError.BadNumber, at);
    return 0;
  }

  private fail(error: JsonError, at: usize): Token {
    this.error = error;
    this.errorAt = at;
    this.expect = Expect.Failed;
    return Token.Error;
  }
}

/** Past the JSON whitespace at `p` (before `limit`). */
@inline export function skipWhitespace(p: usize, limit: usize): usize {
  while (p < limit) {
    const c = load<u8>(p);
    if (c > 0x20 || (c != 0x20 && c != 0x0A && c != 0x0D && c != 0x09)) break;
    p++;
  }
  return p;
}

@inline function skipDigits(p: usize, limit: usize): usize {
  while (p < limit && <u32>load<u8>(p) - 0x30 < 10) p++;
  return p;
}

/** Length of the escape sequence at `p` (a backslash), or 0 if it is not valid JSON. */
function escapeLength(p: usize, limit: usize): usize {
  if (p + 1 >= limit) return 0;
  const c = load<u8>(p + 1);
  if (c == 0x75) { // \uXXXX
    return p + 6 <= limit && isHexEscapeTail(p) ? 6 : 0;
  }
  // " \ / b f n r t
  return c == 0x22 || c == 0x5C || c == 0x2F || c == 0x62 || c == 0x66 || c == 0x6E || c == 0x72 || c == 0x74 ? 2 : 0;
}

/**
 * For the \uXXXX escape at `p`: 6 if it is no surrogate, 12 for a high surrogate followed by
 * an escaped low one, 0 for a surrogate without its partner.
 */
export function surrogateEscapeLength(p: usize, limit: usize): usize {
  const unit = hex4(p + 2);
  if (unit < 0xD800 || unit >= 0xE000) return 6;
  if (unit >= 0xDC00 || p + 12 > limit || load<u16>(p + 6) != 0x755C || !isHexEscapeTail(p + 6)) return 0;
  const low = hex4(p + 8);
  return low >= 0xDC00 && low < 0xE000 ? 12 : 0;
}

@inline function isHexEscapeTail(p: usize): bool {
  return isHexDigit(load<u8>(p + 2)) && isHexDigit(load<u8>(p + 3)) && isHexDigit(load<u8>(p + 4)) && isHexDigit(load<u8>(p + 5));
}

@inline export function isHexDigit(c: u8): bool {
  return <u32>c - 0x30 < 10 || <u32>(c | 0x20) - 0x61 < 6;
}

/** What each JsonError means, for error markers. */
export function jsonErrorMessage(error: JsonError): string {
  switch (error) {
    case JsonError.Empty: return "empty body";
    case JsonError.UnexpectedByte: return "unexpected byte";
    case JsonError.UnterminatedString: return "unterminated string";
    case JsonError.ControlInString: return "control character in string";
    case JsonError.BadEscape: return "invalid escape";
    case JsonError.BadNumber: return "invalid number";
    case JsonError.BadLiteral: return "invalid literal";
    case JsonError.TooDeep: return "nesting deeper than 512";
    case JsonError.TrailingData: return "data after the JSON value";
    case JsonError.Truncated: return "truncated JSON";
    default: return "no error";
  }
}
