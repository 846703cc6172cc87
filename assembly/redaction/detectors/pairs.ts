// Credentials introduced by a name: `password=…`, `"token": "…"`, `\"secret\":\"…\"`,
// `Authorization: Bearer …`, and AWS secret keys written next to their name. Only the value
// (for Authorization, the credential after the scheme) is a span; the name stays readable.
import { APOSTROPHE, B64, BACKSLASH, classOf, escapeLength, fold, isIn, KEY, keyEndsWithChars, keyPrefixEnd, LOWER, matchesAt, matchesFoldedAt, peek, QUOTE, runEnd, runEndWithin, SPACE, UPPER, VALUE_END } from "./chars";
import { found } from "./match";

const COLON: u32 = 0x3a;
const EQUALS: u32 = 0x3d;
const SLASH: u32 = 0x2f;

// Sensitive names, folded and without separators; a key matches when it ends with one of
// them (`DB_PASSWORD`, `x-api-key`, `client_secret`, `oauth.refresh_token`).
const SENSITIVE: StaticArray<string> = [
  "password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "accesskey",
  "privatekey", "secretkey", "credentials",
];

// The names again, indexed by last letter: the key's last letter selects the few names worth
// comparing, as (data pointer, length) slots, up to four per letter; most keys select none.
const NAMES_PER_LETTER = 4;
const BY_LAST_LETTER = memory.data(26 * NAMES_PER_LETTER * 8);

function indexNames(): void {
  for (let k = 0; k < SENSITIVE.length; k++) {
    const name = SENSITIVE[k];
    let slot = BY_LAST_LETTER + <usize>((name.charCodeAt(name.length - 1) - 0x61) * NAMES_PER_LETTER * 8);
    while (load<u32>(slot) != 0) slot += 8;
    store<u32>(slot, changetype<u32>(name));
    store<u32>(slot, name.length, 4);
  }
}

indexNames();

const MAX_KEY: usize = 64;
const MAX_SPACES: usize = 8;

@inline function skipSpaces(p: usize, n: usize, j: usize): usize {
  const limit = j + MAX_SPACES;
  while (j < limit && peek(p, n, j) == SPACE) j++;
  return j;
}

/** Whether the key that ends at `keyEnd` is sensitive. */
function sensitiveKeyBefore(p: usize, keyEnd: usize): bool {
  if (keyEnd == 0) return false;
  const letter = fold(load<u8>(p + keyEnd - 1)) - 0x61;
  if (letter >= 26) return false;
  let slot = BY_LAST_LETTER + <usize>(letter * NAMES_PER_LETTER * 8);
  if (load<u32>(slot) == 0) return false;
  let from = keyEnd;
  while (from > 0 && keyEnd - from < MAX_KEY && isIn(load<u8>(p + from - 1), KEY)) from--;
  for (let k = 0; k < NAMES_PER_LETTER && load<u32>(slot) != 0; k++, slot += 8) {
    if (keyEndsWithChars(p, from, keyEnd, <usize>load<u32>(slot), <usize>load<u32>(slot, 4))) return true;
  }
  return false;
}

/** Where a key ends before the separator at `sep`: spaces and a closing quote skipped. */
function keyEndBefore(p: usize, sep: usize): usize {
  let k = sep;
  for (let s: usize = 0; k > 0 && s < MAX_SPACES && load<u8>(p + k - 1) == SPACE; s++) k--;
  if (k > 0) {
    const b = <u32>load<u8>(p + k - 1);
    if (b == QUOTE || b == APOSTROPHE) {
      k--;
      if (k > 0 && load<u8>(p + k - 1) == BACKSLASH) k--;
    }
  }
  return k;
}

/** The `:` or `=` after a key that ends at `j` (closing quote and spaces skipped), or 0. */
function separatorAfter(p: usize, n: usize, j: usize): usize {
  const b = peek(p, n, j);
  if (b == QUOTE || b == APOSTROPHE) j++;
  else if (b == BACKSLASH && peek(p, n, j + 1) == QUOTE) j += 2;
  j = skipSpaces(p, n, j);
  const sep = peek(p, n, j);
  return sep == COLON || sep == EQUALS ? j : 0;
}

/** End of an unquoted value at `j`: whitespace, `&,;`, quotes, closing brackets, or an escaped
 * quote or line break. Other escapes (`\/`, `\\`, `\u00e9`) are part of the value, kept whole. */
function unquotedEnd(p: usize, n: usize, j: usize): usize {
  while (j < n) {
    const b = <u32>load<u8>(p + j);
    if (b == BACKSLASH) {
      const e = peek(p, n, j + 1);
      if (e == QUOTE || e == 0x6e || e == 0x72 || e == 0x74 || e == 0x62 || e == 0x66) break;
      j += escapeLength(p, n, j);
    } else if ((classOf(b) & VALUE_END) != 0) {
      break;
    } else {
      j++;
    }
  }
  return j;
}

/** A quoted value from `from` to its closing quote (or the end of the string). Between escaped
 * quotes (JSON inside a JSON string) an escaped backslash escapes the next character of the
 * inner string, so `\\\"` is a quote inside the value, not its end. */
function quotedValue(p: usize, n: usize, from: usize, quote: u32, escapedQuotes: bool): bool {
  let j = from;
  while (j < n) {
    const b = <u32>load<u8>(p + j);
    if (b == BACKSLASH) {
      const next = peek(p, n, j + 1);
      if (escapedQuotes && next == quote) break;
      j += escapeLength(p, n, j);
      if (escapedQuotes && next == BACKSLASH && j < n) j += load<u8>(p + j) == BACKSLASH ? escapeLength(p, n, j) : 1;
    } else if (b == quote && !escapedQuotes) {
      break;
    } else {
      j++;
    }
  }
  return j > from && found(from, j);
}

/** The value after a separator: quoted (`"…"`, `'…'`, `\"…\"`) up to its closing quote, spaces
 * included, or unquoted. Objects, arrays and the JSON literals are not secret values. */
function valueAt(p: usize, n: usize, j: usize): bool {
  j = skipSpaces(p, n, j);
  const b = peek(p, n, j);
  if (b == QUOTE || b == APOSTROPHE) return quotedValue(p, n, j + 1, b, false);
  if (b == BACKSLASH && peek(p, n, j + 1) == QUOTE) return quotedValue(p, n, j + 2, QUOTE, true);
  if (b == 0x7b || b == 0x5b) return false;
  const end = unquotedEnd(p, n, j);
  if (end == j || isJsonLiteral(p, n, j, end)) return false;
  return found(j, end);
}

@inline function isJsonLiteral(p: usize, n: usize, from: usize, to: usize): bool {
  const len = to - from;
  return (len == 4 && (matchesAt(p, n, from, "null") || matchesAt(p, n, from, "true"))) || (len == 5 && matchesAt(p, n, from, "false"));
}

/** `key=value`, `key: value`, `"key":"value"`, `\"key\":\"value\"` at the separator `sep`,
 * when the key is sensitive. The key is read backward without a floor: it may sit right
 * after an escape (`\"password\":`) and only its ending is compared, so reading into what
 * comes before it is harmless. */
export function secretPairAt(p: usize, n: usize, sep: usize, floor: usize): bool {
  const next = peek(p, n, sep + 1);
  if (next == COLON || next == EQUALS || next == SLASH) return false; // `::`, `==`, `://`
  return sensitiveKeyBefore(p, keyEndBefore(p, sep)) && valueAt(p, n, sep + 1);
}

/** `Authorization: <scheme> <credential>` in any common spelling (header, `authorization=`,
 * `"Authorization":"Bearer …"`): the credential only. A single word is the credential itself. */
export function authHeaderAt(p: usize, n: usize, i: usize, floor: usize): bool {
  if (!matchesFoldedAt(p, n, i, "authorization") || isIn(peek(p, n, i + 13), KEY)) return false;
  const sep = separatorAfter(p, n, i + 13);
  if (sep == 0) return false;
  let j = skipSpaces(p, n, sep + 1);
  const open = peek(p, n, j);
  if (open == QUOTE || open == APOSTROPHE) j++;
  else if (open == BACKSLASH && peek(p, n, j + 1) == QUOTE) j += 2;
  let end = unquotedEnd(p, n, j);
  if (end == j) return false;
  if (peek(p, n, end) == SPACE && runEnd(p, n, j, UPPER | LOWER) == end) {
    const credential = skipSpaces(p, n, end);
    const credentialEnd = unquotedEnd(p, n, credential);
    if (credentialEnd > credential) return found(credential, credentialEnd);
  }
  return found(j, end);
}

const AWS_SECRET_LENGTH = 40;

/** A 40-character AWS secret access key shortly after its name (`aws_secret_access_key`,
 * `SecretAccessKey`, `aws_secret...`): at most 8 bytes of quotes, spaces, `=` or `:` in
 * between. A `/` in the key may arrive escaped as `\/`. */
export function awsSecretKeyAt(p: usize, n: usize, i: usize, floor: usize): bool {
  if (keyPrefixEnd(p, n, i, "awssecret") == 0 && keyPrefixEnd(p, n, i, "secretaccesskey") == 0) return false;
  let j = runEndWithin(p, n, i, KEY, MAX_KEY);
  // The gap: quotes (`\"` too, but not the `\/` that may start the key), spaces, `=` or `:`.
  for (let gap = 0; gap < 8; gap++) {
    const b = peek(p, n, j);
    if (b == BACKSLASH && peek(p, n, j + 1) == QUOTE) j += 2;
    else if (b == SPACE || b == QUOTE || b == APOSTROPHE || b == COLON || b == EQUALS) j++;
    else break;
  }
  const from = j;
  let chars = 0;
  while (chars <= AWS_SECRET_LENGTH) {
    const b = peek(p, n, j);
    if (isIn(b, B64)) j++;
    else if (b == BACKSLASH && peek(p, n, j + 1) == SLASH) j += 2;
    else break;
    chars++;
  }
  return chars == AWS_SECRET_LENGTH && found(from, j);
}
