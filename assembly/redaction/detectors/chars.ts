// Byte classes and cursor helpers shared by the detectors. Classes live in one 256-entry table
// built at start-up: a class test is a load and an AND, cheaper in WAMR's interpreter than
// chains of range compares. Reads go through `peek`, which returns 0 outside [0, n): with
// unsigned indices `i - 1` at 0 wraps around, so one compare guards both ends of the string.

export const DIGIT: u32 = 1 << 0;
export const UPPER: u32 = 1 << 1;
export const LOWER: u32 = 1 << 2;
export const HEX: u32 = 1 << 3;
/** base64url: letters, digits, `-`, `_` (JWT segments, Google keys). */
export const B64URL: u32 = 1 << 4;
/** base64 without padding: letters, digits, `+`, `/` (AWS secret keys). */
export const B64: u32 = 1 << 5;
/** Key names: letters, digits, `_`, `-`, `.`. */
export const KEY: u32 = 1 << 6;
/** E-mail local part: letters, digits and `._%+-_` (the part of RFC 5322 atext logs use). */
export const LOCAL: u32 = 1 << 7;
/** Domain labels: letters, digits, `-`. */
export const DOMAIN: u32 = 1 << 8;
/** Ends an unquoted value: whitespace, quotes, `&,;`, closing brackets, control bytes, NUL. */
export const VALUE_END: u32 = 1 << 9;
/** Ends a URL authority: `/?#`, whitespace, quotes, `<>`, backslash (an escape), control bytes. */
export const AUTHORITY_END: u32 = 1 << 10;
/** Identifiers: letters, digits, `_` (fine-grained GitHub token bodies). */
export const IDENT: u32 = 1 << 11;
/** Slack token bodies: letters, digits, `-` (the DOMAIN bytes). */
export const SLACK: u32 = DOMAIN;
export const ALNUM: u32 = DIGIT | UPPER | LOWER;

export const BACKSLASH: u32 = 0x5c;
export const QUOTE: u32 = 0x22;
export const APOSTROPHE: u32 = 0x27;
export const SPACE: u32 = 0x20;

const CLASSES = memory.data(256 << 1);
// Case folding for keyword compares: letters to lower case and `-` to `_`, so `Api-Key`
// compares equal to `api_key`.
const FOLDED = memory.data(256);

function mark(bytes: string, cls: u32): void {
  for (let k = 0; k < bytes.length; k++) markRange(bytes.charCodeAt(k), bytes.charCodeAt(k), cls);
}

function markRange(from: u32, to: u32, cls: u32): void {
  for (let b = from; b <= to; b++) {
    const at = CLASSES + (<usize>b << 1);
    store<u16>(at, load<u16>(at) | <u16>cls);
  }
}

function buildTables(): void {
  const word = B64URL | B64 | KEY | LOCAL | DOMAIN | IDENT;
  markRange(0x30, 0x39, DIGIT | HEX | word);
  markRange(0x41, 0x5a, UPPER | word);
  markRange(0x61, 0x7a, LOWER | word);
  markRange(0x41, 0x46, HEX);
  markRange(0x61, 0x66, HEX);
  mark("-", B64URL | KEY | LOCAL | DOMAIN);
  mark("_", B64URL | KEY | IDENT | LOCAL);
  mark(".", KEY | LOCAL);
  mark("%+", LOCAL);
  mark("+/", B64);
  markRange(0x00, 0x20, VALUE_END | AUTHORITY_END);
  markRange(0x7f, 0x7f, VALUE_END | AUTHORITY_END);
  mark("\"'&,;)]}", VALUE_END);
  mark("/?#\"'<>\\", AUTHORITY_END);
  for (let b: u32 = 0; b < 256; b++) {
    let f = b;
    if (b >= 0x41 && b <= 0x5a) f = b | 0x20;
    else if (b == 0x2d) f = 0x5f;
    store<u8>(FOLDED + b, <u8>f);
  }
}

buildTables();

@inline export function peek(p: usize, n: usize, j: usize): u32 {
  return j < n ? <u32>load<u8>(p + j) : 0;
}

/** How many backslashes escape the quote at `j`: 1 (`\"`, JSON inside a JSON string), 3, 5 or 7
 * (each level deeper), else 0 (no quote there, or the backslashes escape one another). */
export function escapedQuoteDepth(p: usize, n: usize, j: usize): usize {
  let k = j;
  while (k < n && k - j < 8 && load<u8>(p + k) == BACKSLASH) k++;
  const depth = k - j;
  return (depth & 1) == 1 && peek(p, n, k) == QUOTE ? depth : 0;
}

@inline export function classOf(b: u32): u32 {
  return <u32>load<u16>(CLASSES + (<usize>b << 1));
}

@inline export function isIn(b: u32, cls: u32): bool {
  return (classOf(b) & cls) != 0;
}

@inline export function isDigit(b: u32): bool {
  return b - 0x30 < 10;
}

@inline export function fold(b: u32): u32 {
  return <u32>load<u8>(FOLDED + b);
}

/** Whether a token of alphabet `cls` may start at `i`: not in the middle of a run of that
 * alphabet, unless right after an escape or a span (`floor`). Besides being the token's
 * boundary, this keeps the scan linear: `eyJ-eyJ-eyJ-…` is read once, not from every word. */
@inline export function startsRun(p: usize, n: usize, i: usize, floor: usize, cls: u32): bool {
  return i == floor || !isIn(peek(p, n, i - 1), cls);
}

/** End of the run of `cls` bytes that starts at `j`. */
export function runEnd(p: usize, n: usize, j: usize, cls: u32): usize {
  while (j < n && (classOf(load<u8>(p + j)) & cls) != 0) j++;
  return j;
}

/** End of the run of `cls` bytes at `j`, reading at most `max` + 1 of them (longer is too long). */
export function runEndWithin(p: usize, n: usize, j: usize, cls: u32, max: usize): usize {
  return runEnd(p, min(n, j + max + 1), j, cls);
}

/** Whether the word right before `i`, past one to eight separators (spaces, quotes, `\\`,
 * `<[(:=#`), is one of `words` (lower case, `_` for `-` too, compared folded), or with `suffix`
 * ends with one after `_` or a camel hump: the label a log gives a value (`[session 5603…]`,
 * `Message-ID: <…@…>`, `"rfc2822_message_id":"<…>"`). Read across escapes and spans: a label is
 * context, never masked. */
export function labelBefore(p: usize, i: usize, words: StaticArray<string>, suffix: bool = false): bool {
  let k = i;
  while (k > 0 && i - k < 8) {
    const b = <u32>load<u8>(p + k - 1);
    if (b != 0x20 && b != 0x3c && b != 0x5b && b != 0x28 && b != 0x3a && b != 0x3d && b != 0x23 && b != 0x22 && b != 0x27 && b != 0x5c) break;
    k--;
  }
  if (k == i) return false;
  const end = k;
  while (k > 0 && end - k < 32) {
    const b = <u32>load<u8>(p + k - 1);
    if (!isIn(b, ALNUM) && b != 0x2d && b != 0x5f) break;
    k--;
  }
  for (let w = 0; w < words.length; w++) {
    const word = unchecked(words[w]);
    const len = <usize>word.length;
    if (end - k < len || !matchesFoldedAt(p, end, end - len, word)) continue;
    if (end - k == len) return true;
    if (suffix) {
      const before = <u32>load<u8>(p + end - len - 1);
      if (before == 0x5f || before == 0x2d || (<u32>load<u8>(p + end - len) - 0x41 < 26 && before - 0x61 < 26)) return true;
    }
  }
  return false;
}

/** Whether the bytes at `j` are exactly `word` (ASCII). */
export function matchesAt(p: usize, n: usize, j: usize, word: string): bool {
  const len = <usize>word.length;
  if (j > n || n - j < len) return false;
  const w = changetype<usize>(word);
  for (let k: usize = 0; k < len; k++) {
    if (<u32>load<u8>(p + j + k) != <u32>load<u16>(w + (k << 1))) return false;
  }
  return true;
}

/** Whether the bytes at `j` spell `word` (lower case, `_` for `-`) ignoring case and `-`/`_`. */
export function matchesFoldedAt(p: usize, n: usize, j: usize, word: string): bool {
  const len = <usize>word.length;
  if (j > n || n - j < len) return false;
  const w = changetype<usize>(word);
  for (let k: usize = 0; k < len; k++) {
    if (fold(load<u8>(p + j + k)) != <u32>load<u16>(w + (k << 1))) return false;
  }
  return true;
}

/** Whether [from, to) is exactly one of `words` (as matchesFoldedAt compares). */
export function isOneOf(p: usize, from: usize, to: usize, words: StaticArray<string>): bool {
  for (let k = 0; k < words.length; k++) {
    const w = unchecked(words[k]);
    if (<usize>w.length == to - from && matchesFoldedAt(p, to, from, w)) return true;
  }
  return false;
}

/** Whether the key name in [from, to) ends with `word` once folded, skipping `_`, `-` and `.`
 * in the key: `db.Password`, `DB_PASSWORD` and `dbpassword` all end with "password". */
@inline export function keyEndsWith(p: usize, from: usize, to: usize, word: string): bool {
  return keyEndsWithChars(p, from, to, changetype<usize>(word), <usize>word.length);
}

/** `keyEndsWith` for a word given as `length` UTF-16 units at `w` (a string literal's data). */
export function keyEndsWithChars(p: usize, from: usize, to: usize, w: usize, length: usize): bool {
  let k = to;
  for (let c = length; c > 0; c--) {
    let b: u32;
    do {
      if (k <= from) return false;
      k--;
      b = fold(load<u8>(p + k));
    } while (b == 0x5f || b == 0x2e);
    if (b != <u32>load<u16>(w + ((c - 1) << 1))) return false;
  }
  return true;
}

/** End of the key-name prefix at `j` that spells `word` (lower case, no separators) ignoring
 * case and `_`, `-`, `.` between letters (`SecretAccessKey`, `secret_access_key`), or 0. */
export function keyPrefixEnd(p: usize, n: usize, j: usize, word: string): usize {
  const w = changetype<usize>(word);
  const len = <usize>word.length;
  for (let c: usize = 0; c < len; c++) {
    let b = fold(peek(p, n, j));
    while (c > 0 && (b == 0x5f || b == 0x2e)) b = fold(peek(p, n, ++j));
    if (b != <u32>load<u16>(w + (c << 1))) return 0;
    j++;
  }
  return j;
}

/** Length of the JSON escape whose backslash is at `j`: 6 for `\uXXXX`, otherwise 2 (1 at the very end). */
export function escapeLength(p: usize, n: usize, j: usize): usize {
  if (j + 1 >= n) return 1;
  if (load<u8>(p + j + 1) != 0x75 || n - j < 6) return 2;
  for (let k: usize = 2; k < 6; k++) {
    if (!isIn(load<u8>(p + j + k), HEX)) return 2;
  }
  return 6;
}
