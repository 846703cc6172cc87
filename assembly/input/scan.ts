// Structure only, word at a time: where strings and containers end, without validating what is
// inside them. The input stage's fast path finds members and checks lifted text with these;
// the redaction walk then validates every token of the rebuilt record, and a record it rejects
// is read again by the strict path (the validating reader), so nothing here decides validity.
import { ByteBuffer } from "../buffer";
import { isHexDigit } from "../json/reader";

const ONES: u64 = 0x0101010101010101;
const HIGHS: u64 = 0x8080808080808080;
const QUOTES: u64 = 0x2222222222222222;
const BACKSLASHES: u64 = 0x5C5C5C5C5C5C5C5C;
const SPACES: u64 = 0x2020202020202020;

/** High bit set in each byte of `w` equal to `pattern`'s bytes (exact for the lowest; see the reader). */
@inline function bytesEqual(w: u64, pattern: u64): u64 {
  const x = w ^ pattern;
  return (x - ONES) & ~x;
}

/** After the closing quote of the string whose opening quote is at `p`; 0 if it does not end. */
export function stringEnd(p: usize, end: usize): usize {
  p++;
  while (p + 8 <= end) {
    const w = load<u64>(p);
    const hits = (bytesEqual(w, QUOTES) | bytesEqual(w, BACKSLASHES)) & HIGHS;
    if (hits == 0) {
      p += 8;
      continue;
    }
    p += <usize>(ctz(hits) >> 3);
    if (load<u8>(p) == 0x22) return p + 1;
    p += 2; // the escaped byte cannot end the string (\uXXXX digits are plain)
  }
  while (p < end) {
    const c = load<u8>(p);
    if (c == 0x22) return p + 1;
    p += c == 0x5C ? 2 : 1;
  }
  return 0;
}

/** Byte classes outside strings: 1 quote, 2 opening bracket, 3 closing bracket. */
const CLASSES = classes();

function classes(): usize {
  const table = memory.data(256);
  store<u8>(table + 0x22, 1);
  store<u8>(table + 0x7B, 2);
  store<u8>(table + 0x5B, 2);
  store<u8>(table + 0x7D, 3);
  store<u8>(table + 0x5D, 3);
  return table;
}

/**
 * After the bracket that closes the container opening at `p` ('{' or '['), counting brackets
 * outside strings; 0 if it does not close before `end` or nests deeper than `limit` levels (the
 * container itself is level 1).
 */
export function containerEnd(p: usize, end: usize, limit: i32): usize {
  let depth = 0;
  while (p < end) {
    const kind = load<u8>(CLASSES + <usize>load<u8>(p));
    if (kind == 0) {
      p++;
    } else if (kind == 1) {
      p = stringEnd(p, end);
      if (p == 0) return 0;
    } else if (kind == 2) {
      if (++depth > limit) return 0;
      p++;
    } else {
      p++;
      if (--depth == 0) return p;
    }
  }
  return 0;
}

@inline export function isSpace(c: u8): bool {
  return c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09;
}

export function skipSpace(p: usize, end: usize): usize {
  while (p < end && isSpace(load<u8>(p))) p++;
  return p;
}

export function trimSpace(start: usize, end: usize): usize {
  while (end > start && isSpace(load<u8>(end - 1))) end--;
  return end;
}

/** After a scalar (number or literal) starting at `p`: its bytes up to a separator. */
export function scalarEnd(p: usize, end: usize): usize {
  while (p < end) {
    const c = load<u8>(p);
    if (c == 0x2C || c == 0x7D || c == 0x5D || isSpace(c)) break;
    p++;
  }
  return p;
}

/** What `decodeString` found besides the text. */
export class Decoded {
  /** U+E080..U+E0FF or U+FFFD written raw: Fluent Bit's stand-ins for bytes that were not UTF-8. */
  replacements: u32 = 0;
  /** \uXXXX escapes of a surrogate without its partner (written as U+FFFD). */
  loneSurrogates: u32 = 0;
  /** \u0020..\u007e: printable ASCII Fluent Bit escapes only when it decoded an overlong form. */
  overlongs: u32 = 0;
  /**
   * Read as JSON, the decoded text ends inside a string (or right after a backslash in one). Its
   * quotes and backslashes can only come from escapes (a raw one would end or break the string
   * holding it), so this is tracked at the escapes alone.
   */
  endsInString: bool = false;
}

export const decodedInfo = new Decoded();

/**
 * Decodes the JSON string whose opening quote is at `quote` into `out` (UTF-8), plain runs copied a
 * word at a time, and returns where it ends (after the closing quote); 0 (and `out` left as it was)
 * if it does not end before `limit` or holds a control byte or an invalid escape.
 */
export function decodeString(out: ByteBuffer, quote: usize, limit: usize): usize {
  const info = decodedInfo;
  let replacements: u32 = 0;
  let loneSurrogates: u32 = 0;
  let overlongs: u32 = 0;
  // Decoded text is never longer than its escaped form; each word is stored before it is looked
  // at (8 bytes of slack), so plain runs need no separate copy.
  const start = out.reserve(limit - quote + 8);
  let dst = start;
  let p = quote + 1;
  // The decoded text as JSON: inside a string, and after a backslash there (pending escape).
  let inString = false;
  let pending = false;
  let lastEscape = dst;
  while (true) {
    // Stop at a quote, a backslash, a control byte or a byte beyond ASCII.
    while (p + 8 <= limit) {
      const w = load<u64>(p);
      store<u64>(dst, w);
      const hits = (bytesEqual(w, QUOTES) | bytesEqual(w, BACKSLASHES) | (w - SPACES) | w) & HIGHS;
      if (hits != 0) {
        const clean = <usize>(ctz(hits) >> 3);
        p += clean;
        dst += clean;
        break;
      }
      p += 8;
      dst += 8;
    }
    if (p >= limit) return 0;
    const c = load<u8>(p);
    if (c == 0x5C) {
      if (p + 1 >= limit) return 0;
      if (dst != lastEscape) pending = false; // text since the last escape: the pending one is done
      const e = load<u8>(p + 1);
      if (e != 0x75) {
        const byte = simpleEscape(e);
        if (byte == 0) return 0;
        store<u8>(dst++, byte);
        p += 2;
        if (pending) pending = false;
        else if (byte == 0x22) inString = !inString;
        else if (byte == 0x5C) pending = inString;
        lastEscape = dst;
        continue;
      }
      if (p + 6 > limit || !isHex4(p + 2)) return 0;
      let cp = hex4(p + 2);
      p += 6;
      if (cp - 0x20 < 0x5F) overlongs++;
      if (cp >= 0xD800 && cp < 0xE000) {
        if (cp < 0xDC00 && p + 6 <= limit && load<u16>(p) == 0x755C && isHex4(p + 2) && <u32>hex4(p + 2) - 0xDC00 < 0x400) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(p + 2) - 0xDC00);
          p += 6;
        } else {
          loneSurrogates++;
          cp = 0xFFFD;
        }
      }
      dst = storeCodePoint(dst, cp);
      if (pending) pending = false;
      else if (cp == 0x22) inString = !inString;
      else if (cp == 0x5C) pending = inString;
      lastEscape = dst;
      continue;
    }
    if (c == 0x22) break;
    if (c >= 0x80) {
      if ((c == 0xEE || c == 0xEF) && p + 3 <= limit && isReplacement(p)) {
        replacements++;
        store<u16>(dst, load<u16>(p));
        store<u8>(dst, load<u8>(p + 2), 2);
        p += 3;
        dst += 3;
      } else {
        store<u8>(dst++, c);
        p++;
      }
      continue;
    }
    if (c < 0x20) return 0;
    store<u8>(dst++, c); // flagged only by a borrow from a lower byte
    p++;
  }
  if (dst != lastEscape) pending = false;
  out.len += dst - start;
  info.replacements = replacements;
  info.loneSurrogates = loneSurrogates;
  info.overlongs = overlongs;
  info.endsInString = inString || pending;
  return p + 1;
}

/** Writes the UTF-8 of `cp` (not a surrogate) at `dst`; returns where it ends. */
@inline function storeCodePoint(dst: usize, cp: u32): usize {
  if (cp < 0x80) {
    store<u8>(dst, <u8>cp);
    return dst + 1;
  }
  if (cp < 0x800) {
    store<u8>(dst, <u8>(0xC0 | (cp >> 6)));
    store<u8>(dst, <u8>(0x80 | (cp & 0x3F)), 1);
    return dst + 2;
  }
  if (cp < 0x10000) {
    store<u8>(dst, <u8>(0xE0 | (cp >> 12)));
    store<u8>(dst, <u8>(0x80 | ((cp >> 6) & 0x3F)), 1);
    store<u8>(dst, <u8>(0x80 | (cp & 0x3F)), 2);
    return dst + 3;
  }
  store<u8>(dst, <u8>(0xF0 | (cp >> 18)));
  store<u8>(dst, <u8>(0x80 | ((cp >> 12) & 0x3F)), 1);
  store<u8>(dst, <u8>(0x80 | ((cp >> 6) & 0x3F)), 2);
  store<u8>(dst, <u8>(0x80 | (cp & 0x3F)), 3);
  return dst + 4;
}

/** The byte a two-character escape stands for (after the backslash), 0 if it is not one. */
@inline function simpleEscape(e: u8): u8 {
  if (e == 0x22 || e == 0x5C || e == 0x2F) return e;
  if (e == 0x6E) return 0x0A;
  if (e == 0x74) return 0x09;
  if (e == 0x72) return 0x0D;
  if (e == 0x62) return 0x08;
  if (e == 0x66) return 0x0C;
  return 0;
}

@inline function isHex4(p: usize): bool {
  return isHexDigit(load<u8>(p)) && isHexDigit(load<u8>(p + 1)) && isHexDigit(load<u8>(p + 2)) && isHexDigit(load<u8>(p + 3));
}

@inline function hex4(p: usize): u32 {
  let v: u32 = 0;
  for (let i: usize = 0; i < 4; i++) {
    const c = <u32>load<u8>(p + i);
    v = (v << 4) | (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10);
  }
  return v;
}

/** U+E080..U+E0FF (EE 82 80 .. EE 83 BF) or U+FFFD (EF BF BD): Fluent Bit's stand-ins for a bad byte. */
@inline export function isReplacement(p: usize): bool {
  const b0 = load<u8>(p);
  const b1 = load<u8>(p + 1);
  const b2 = load<u8>(p + 2);
  if (b0 == 0xEE) return (b1 == 0x82 || b1 == 0x83) && (b2 & 0xC0) == 0x80;
  return b0 == 0xEF && b1 == 0xBF && b2 == 0xBD;
}
