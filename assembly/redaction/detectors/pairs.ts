// Credentials introduced by a name: `password=…`, `"token": "…"`, `\"secret\":\"…\"`,
// `Authorization: Bearer …`, and AWS secret keys written next to their name. Only the value
// (for Authorization, the credential after the scheme) is a span; the name stays readable.
import { ALNUM, APOSTROPHE, B64, BACKSLASH, classOf, escapedQuoteDepth, escapeLength, fold, isIn, isOneOf, KEY, keyEndsWith, keyEndsWithChars, keyPrefixEnd, LOWER, matchesAt, matchesFoldedAt, peek, QUOTE, runEnd, runEndWithin, SPACE, UPPER, VALUE_END } from "./chars";
import { claimedEnd, found, matchEnd, matchStart } from "./match";
import { cliPasswordRule, curlUserRule, hasContextWord, setMatchRule } from "./rules";

const COLON: u32 = 0x3a;
const EQUALS: u32 = 0x3d;
const SLASH: u32 = 0x2f;

// Sensitive names, folded and without separators; a key matches when it ends with one of
// them (`DB_PASSWORD`, `x-api-key`, `client_secret`, `oauth.refresh_token`). `secrete` is
// the misspelling people write to dodge scanners that look for `secret`; `dbpass` and
// `userpass` (JDBC's `?userpass=`) are `pass` glued to a word (`pass` alone is not a name);
// `passwords` holds a list of them, but a number after it is a count (`passwords: 3`).
const SENSITIVE: StaticArray<string> = [
  "password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "accesskey",
  "privatekey", "secretkey", "credentials", "secrete", "licensekey", "dbpass", "userpass", "passwords",
];

// The names again, indexed by last letter: the key's last letter selects the few names worth
// comparing, as (data pointer, length) slots, up to five per letter; most keys select none.
const NAMES_PER_LETTER = 5;
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

/** Whether the key that ends at `keyEnd` is sensitive: it ends with a sensitive name
 * (`DB_PASSWORD`), or holds one as a whole word followed by words that do not make it
 * something else (`password_super_secure` is, `token_count` and `secretName` are not), and
 * no word before the name makes it something else either (`PublicKeyToken`). */
function sensitiveKeyBefore(p: usize, keyEnd: usize): bool {
  return sensitiveNameBefore(p, keyEnd) && !namesSomethingElse(p, keyStartBefore(p, keyEnd), keyEnd);
}

/** Set while a member of the record is judged (`memberSecretAt`): its value is a JSON string, as
 * an escaped-quoted value inside a string is, and like that one is never a printed object
 * (`"db_password":"Admin@123"` is a password, not `Admin@` printed). */
export let readingMember = false;

@inline export function setReadingMember(on: bool): void {
  readingMember = on;
}

/** Whether a member's name, its raw bytes [key, key + len), is one the pair detector reads as a
 * secret's (`db_password`, `aws_secret_access_key`, `clientSecret`): only then does the walk ask
 * `secretPairAt` about the member's value. */
export function isSecretName(key: usize, len: usize): bool {
  return sensitiveKeyBefore(key, len);
}

// First words that make a key with a sensitive name in it about something else: a public key's
// hash (.NET's `PublicKeyToken=b77a5c561934e089` in every assembly name), a count of them
// (Windows' `CountOfCredentialsReturned`, `num_tokens_used`, `total_secrets`), a user agent's
// product token (Zscaler's `"ua_token":"Ztunnel 1.0 …"`, `user_agent_token`).
const BENIGN_FIRST: StaticArray<string> = ["public", "count", "num", "number", "total", "ua", "user_agent", "useragent"];

/** Whether the key [from, to) begins with a word of BENIGN_FIRST followed by more of the key, or
 * is encoded data rather than a name: six or more places where a digit meets a letter
 * (`6p2q4h8VM9f5MgKvPwDRd0…`, base64 ending in `=` that happens to hold `PwD`; `oauth2Token`
 * has two). */
function namesSomethingElse(p: usize, from: usize, to: usize): bool {
  for (let k = 0; k < BENIGN_FIRST.length; k++) {
    const w = unchecked(BENIGN_FIRST[k]);
    const len = <usize>w.length;
    if (to - from > len + 2 && matchesFoldedAt(p, to, from, w) && (wordStartAt(p, from, from + len) || isKeySeparator(load<u8>(p + from + len)))) return true;
  }
  let mixed = 0;
  for (let j = from + 1; j < to; j++) {
    const a = <u32>load<u8>(p + j - 1) - 0x30 < 10;
    const b = <u32>load<u8>(p + j) - 0x30 < 10;
    if (a != b && isIn(load<u8>(p + j - 1), ALNUM) && isIn(load<u8>(p + j), ALNUM) && ++mixed >= 6) return true;
  }
  return false;
}

function sensitiveNameBefore(p: usize, keyEnd: usize): bool {
  if (keyEnd == 0) return false;
  // a numbered name (`static_password01`, `token2`): up to three digits after a letter
  let digits = keyEnd;
  while (digits > 0 && keyEnd - digits < 3 && <u32>load<u8>(p + digits - 1) - 0x30 < 10) digits--;
  if (digits < keyEnd && digits > 0 && fold(load<u8>(p + digits - 1)) - 0x61 < 26) keyEnd = digits;
  // The key's start (as keyStartBefore), counting its letters: every name below has three or
  // more, so a key of fewer (a time's `2026-11-23T`, `08`) is none, and costs only this walk.
  let from = keyEnd;
  let letters = 0;
  const limit = keyEnd > MAX_KEY ? keyEnd - MAX_KEY : 0;
  while (from > limit) {
    const cls = classOf(load<u8>(p + from - 1));
    if ((cls & KEY) == 0) break;
    letters += <i32>((cls & (UPPER | LOWER)) != 0);
    from--;
  }
  if (letters < 3) return false;
  const last = fold(load<u8>(p + keyEnd - 1)) - 0x61;
  if (last < 26) {
    let slot = BY_LAST_LETTER + <usize>(last * NAMES_PER_LETTER * 8);
    for (let k = 0; k < NAMES_PER_LETTER && load<u32>(slot) != 0; k++, slot += 8) {
      if (keyEndsWithChars(p, from, keyEnd, <usize>load<u32>(slot), <usize>load<u32>(slot, 4))) return true;
    }
  }
  return (keyEnd - from >= 7 && containsSensitiveWord(p, from, keyEnd)) || endsWithPassWord(p, from, keyEnd) || isProviderKey(p, from, keyEnd);
}

// Providers whose name before `key` makes the key theirs: `GITLAB_KEY`, `slackKey`, `GITHUBKEY`
// (a bare `key`, `cache_key`, `routing_key` name no credential).
const PROVIDERS: StaticArray<string> = [
  "github", "gitlab", "bitbucket", "slack", "stripe", "twilio", "sendgrid", "mailgun", "mailchimp", "datadog",
  "newrelic", "heroku", "openai", "anthropic", "google", "firebase", "algolia", "shopify", "okta", "pagerduty",
  "npm", "pypi", "dockerhub", "circleci", "travis", "atlassian", "jira", "notion", "figma", "discord",
  "telegram", "dropbox", "mapbox", "hubspot", "zendesk", "cloudflare", "digitalocean", "netlify", "vercel",
];

/** Whether the key ends with a provider's name then `key` (separators and case ignored), the
 * name starting a word. */
function isProviderKey(p: usize, from: usize, keyEnd: usize): bool {
  if (keyEnd - from < 6 || !matchesFoldedAt(p, keyEnd, keyEnd - 3, "key")) return false;
  let stem = keyEnd - 3;
  if (stem > from && (load<u8>(p + stem - 1) == 0x5f || load<u8>(p + stem - 1) == 0x2d || load<u8>(p + stem - 1) == 0x2e)) stem--;
  for (let k = 0; k < PROVIDERS.length; k++) {
    const w = unchecked(PROVIDERS[k]);
    const len = <usize>w.length;
    if (stem - from < len || !matchesFoldedAt(p, stem, stem - len, w)) continue;
    return wordStartAt(p, from, stem - len);
  }
  return false;
}

/** `db_pass`, `SMTP-PASS`: `pass` as the last word after another (alone it is a count in test
 * logs, and `bypass`, `compass` end with it). */
function endsWithPassWord(p: usize, from: usize, keyEnd: usize): bool {
  if (keyEnd - from < 6 || !matchesFoldedAt(p, keyEnd, keyEnd - 4, "pass")) return false;
  const sep = <u32>load<u8>(p + keyEnd - 5);
  return sep == 0x5f || sep == 0x2d || sep == 0x2e;
}

// Words that, after a sensitive name, make the key about something else.
const BENIGN_AFTER: StaticArray<string> = [
  "name", "names", "count", "id", "ids", "type", "length", "len", "size", "file", "path", "ref", "url", "uri",
  "ttl", "expiry", "expires", "expiration", "expire", "version", "enabled", "required", "policy", "rotation",
  "manager", "store", "provider", "field", "env", "mode", "limit", "usage", "index", "encoding", "kind", "label",
  "endpoint", "header", "prefix", "format", "timeout", "max", "min", "lifetime", "validity", "issuer", "audience",
  "scope", "scopes", "status", "state", "error", "reset", "changed", "updated", "created", "age", "strength",
  "hint", "location", "source", "exists", "set", "last", "identifier", "attempts", "attempt", "valid", "invalid", "missing", "used", "display", "request",
  "requests", "endpoint", "method", "algorithm", "type", "bucket", "rate", "total", "input", "output", "cache",
];

@inline function isLowerAt(p: usize, j: usize): bool {
  return <u32>load<u8>(p + j) - 0x61 < 26;
}

@inline function isUpperAt(p: usize, j: usize): bool {
  return <u32>load<u8>(p + j) - 0x41 < 26;
}

/** Whether `b` separates the words of a key: `_`, `-` or `.`. */
@inline function isKeySeparator(b: u32): bool {
  return b == 0x5f || b == 0x2d || b == 0x2e;
}

/** Whether [from, to) starts a word at `j`: the key's start, after `_-.`, or a camel hump. */
@inline function wordStartAt(p: usize, from: usize, j: usize): bool {
  if (j == from) return true;
  const b = <u32>load<u8>(p + j - 1);
  return b == 0x5f || b == 0x2d || b == 0x2e || (isUpperAt(p, j) && isLowerAt(p, j - 1));
}

function containsSensitiveWord(p: usize, from: usize, to: usize): bool {
  for (let j = from; j + 3 < to; j++) {
    // Sensitive names start with a, c, p, s or t.
    const f = fold(load<u8>(p + j));
    if (f != 0x70 && f != 0x73 && f != 0x74 && f != 0x61 && f != 0x63) continue;
    if (!wordStartAt(p, from, j)) continue;
    for (let k = 0; k < SENSITIVE.length; k++) {
      if (<u32>unchecked(SENSITIVE[k]).charCodeAt(0) != f) continue;
      const end = keyPrefixEnd(p, to, j, unchecked(SENSITIVE[k]));
      if (end == 0 || end >= to) continue;
      // The name must end a word, and what follows must not be a benign word.
      // Then `_`, `-` or a camel hump: `password_super_secure`. Not a `.`: a dotted name goes on
      // to a member of something else (`AppWindowToken.destroySurfaces:374`, a stack frame).
      const next = <u32>load<u8>(p + end);
      if (next != 0x5f && next != 0x2d && !isUpperAt(p, end)) continue;
      let w = end;
      while (w < to && (load<u8>(p + w) == 0x5f || load<u8>(p + w) == 0x2d || load<u8>(p + w) == 0x2e)) w++;
      let e = w + 1;
      while (e < to && !wordStartAt(p, from, e)) e++;
      while (e > w + 1 && (load<u8>(p + e - 1) == 0x5f || load<u8>(p + e - 1) == 0x2d || load<u8>(p + e - 1) == 0x2e)) e--;
      if (!isOneOf(p, w, e, BENIGN_AFTER)) return true;
    }
  }
  return false;
}


/** Where a key ends before the separator at `sep`: the `.`/`:`/`+`/`?` of a compound
 * assignment (`.=`, `::=`, `+=`), spaces and a closing quote skipped. */
function keyEndBefore(p: usize, sep: usize): usize {
  let k = sep;
  for (let s = 0; s < 3 && k > 0; s++) {
    const c = <u32>load<u8>(p + k - 1);
    if (c == COLON || c == 0x2b || c == 0x3f || (c == 0x2e && k > 1 && load<u8>(p + k - 2) == SPACE)) k--;
    else break;
  }
  for (let s: usize = 0; k > 0 && s < MAX_SPACES && load<u8>(p + k - 1) == SPACE; s++) k--;
  if (k > 0) {
    const b = <u32>load<u8>(p + k - 1);
    if (b == QUOTE || b == APOSTROPHE) {
      k--;
      // `\"` in a JSON string, `\\\"` (3, 5, 7 backslashes) in JSON inside one, deeper
      for (let s = 0; s < 7 && k > 0 && load<u8>(p + k - 1) == BACKSLASH; s++) k--;
    }
  }
  return k;
}

/** The `:` or `=` after a key that ends at `j` (closing quote and spaces skipped), or 0. */
function separatorAfter(p: usize, n: usize, j: usize): usize {
  const b = peek(p, n, j);
  if (b == QUOTE || b == APOSTROPHE) j++;
  else if (b == BACKSLASH && peek(p, n, j + 1) == QUOTE) j += 2;
  else if (b == BACKSLASH) {
    const depth = deepQuoteAt(p, n, j); // `\\\"password\\\":` one level deeper
    if (depth != 0) j += depth + 1;
  }
  j = skipSpaces(p, n, j);
  const sep = peek(p, n, j);
  return sep == COLON || sep == EQUALS ? j : 0;
}

/** End of an unquoted value at `j`: whitespace, `&,;`, quotes, a closing bracket the value did
 * not open (`p{a}ss` stays whole, `(pw=x)` ends before `)`), or an escaped quote or line
 * break. Other escapes (`\/`, `\\`, `\u00e9`) are part of the value, kept whole. */
function unquotedEnd(p: usize, n: usize, j: usize): usize {
  let open = 0;
  while (j < n) {
    const b = <u32>load<u8>(p + j);
    if (b == BACKSLASH) {
      const e = peek(p, n, j + 1);
      if (e == QUOTE || e == 0x6e || e == 0x72 || e == 0x74 || e == 0x62 || e == 0x66) break;
      if (e == BACKSLASH && isLineBreakOrTab(peek(p, n, j + 2))) break; // `\\r\\n`: JSON text inside a JSON string
      j += escapeLength(p, n, j);
    } else if (b == 0x28 || b == 0x5b || b == 0x7b) {
      open++;
      j++;
    } else if ((b == 0x29 || b == 0x5d || b == 0x7d) && open > 0) {
      open--;
      j++;
    } else if ((classOf(b) & VALUE_END) != 0) {
      break;
    } else {
      j++;
    }
  }
  return j;
}

@inline function isLineBreakOrTab(e: u32): bool {
  return e == 0x6e || e == 0x72 || e == 0x74;
}

/** End of a value written after `key: ` or `key = ` (YAML, INI, prose): the rest of the line,
 * spaces included, up to a line break, a quote, or the next `word=`/`word: ` pair. */
function lineValueEnd(p: usize, n: usize, j: usize): usize {
  let end = j;
  while (j < n) {
    const b = <u32>load<u8>(p + j);
    if (b == BACKSLASH) {
      const e = peek(p, n, j + 1);
      if (e == QUOTE || isLineBreakOrTab(e) || (e == BACKSLASH && isLineBreakOrTab(peek(p, n, j + 2)))) break;
      j += escapeLength(p, n, j);
      end = j;
    } else if (b == SPACE || b == 0x09) {
      if (nextIsPair(p, n, j + 1)) break;
      j++;
    } else if ((b == 0x2c || b == 0x3b) && peek(p, n, j + 1) == SPACE) {
      break; // `password: x, user: y`
    } else if (b == 0x3b && (j + 1 == n || (peek(p, n, j + 1) == BACKSLASH && peek(p, n, j + 2) == 0x6e))) {
      break; // a statement's `;` at the end of the line: `password = $password;`
    } else if (b < 0x20 || b == QUOTE) {
      break;
    } else {
      j++;
      end = j;
    }
  }
  return end;
}

/** Whether a `word=` or `word: ` pair starts at `j` (at most 40 key bytes looked at). */
function nextIsPair(p: usize, n: usize, j: usize): bool {
  const from = j;
  while (j < n && j - from < 40 && isIn(load<u8>(p + j), KEY)) j++;
  if (j == from) return false;
  const b = peek(p, n, j);
  return b == EQUALS || (b == COLON && peek(p, n, j + 1) == SPACE);
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
function valueAt(p: usize, n: usize, j: usize, lineStart: bool): bool {
  // `key: value with spaces` / `key = value with spaces` at the start of a line (YAML, INI,
  // env files): the rest of the line; elsewhere in a log line, one word.
  const spaced = lineStart && peek(p, n, j) == SPACE;
  // aligned configuration pads values with spaces (`fbApiKey:            "…"`)
  for (let s = 0; s < 40 && peek(p, n, j) == SPACE; s++) j++;
  j = skipEscapedTabs(p, n, j); // `Elevated Token:\t\tYes` in an event's text
  if (peek(p, n, j) == 0x40 && peek(p, n, j + 1) == QUOTE) j++; // C# `@"…"` (raw `"` only outside JSON)
  else if (peek(p, n, j) == 0x40 && peek(p, n, j + 1) == BACKSLASH && peek(p, n, j + 2) == QUOTE) j++;
  const b = peek(p, n, j);
  if (b == QUOTE || b == APOSTROPHE) return quotedValue(p, n, j + 1, b, false) && (readingMember || !isObjectDump(p, j + 1, n)) && !isPlaceholderValue(p, matchStart, matchEnd);
  if (b == BACKSLASH && peek(p, n, j + 1) == QUOTE) return quotedValue(p, n, j + 2, QUOTE, true) && !isPlaceholderValue(p, matchStart, matchEnd);
  const depth = b == BACKSLASH ? deepQuoteAt(p, n, j) : 0;
  if (depth != 0) return deepQuotedValue(p, n, j, depth) && !isPlaceholderValue(p, matchStart, matchEnd);
  if (b == 0x7b || b == 0x5b) return false;
  const end = spaced ? lineValueEnd(p, n, j) : unquotedEnd(p, n, j);
  if (end == j || isJsonLiteral(p, n, j, end) || isObjectDump(p, j, n) || isPlaceholderValue(p, j, end) ||
      isCall(p, j, end)) return false;
  return found(j, end);
}

/** Past escaped tabs (`\t`, or `\\t` in JSON inside a JSON string) at `j`. */
function skipEscapedTabs(p: usize, n: usize, j: usize): usize {
  for (let s = 0; s < 4; s++) {
    if (peek(p, n, j) != BACKSLASH) break;
    if (peek(p, n, j + 1) == 0x74) j += 2;
    else if (peek(p, n, j + 1) == BACKSLASH && peek(p, n, j + 2) == 0x74) j += 3;
    else break;
  }
  return j;
}

/** How many backslashes escape the quote at `j` when they are 3, 5 or 7 (a quote of JSON text
 * inside a JSON string inside a JSON string, and deeper), else 0. */
function deepQuoteAt(p: usize, n: usize, j: usize): usize {
  const depth = escapedQuoteDepth(p, n, j);
  return depth >= 3 ? depth : 0;
}

/** The value after a quote escaped `depth` times at `j`, to the next such quote (or the end). */
function deepQuotedValue(p: usize, n: usize, j: usize, depth: usize): bool {
  const from = j + depth + 1;
  let k = from;
  while (k < n) {
    if (load<u8>(p + k) != BACKSLASH) { k++; continue; }
    if (deepQuoteAt(p, n, k) == depth) break;
    k += escapeLength(p, n, k);
  }
  return k > from && found(from, min(k, n));
}

/** `OpenProcessToken -ProcessHandle $h`: a command (a PascalCase or Verb-Noun name) given
 * parameters, PowerShell style, whose result the name holds; not a secret. A cmdlet's Verb-Noun
 * name is one with any argument or none (`$tokenPrivileges = New-Object AdjPriv+TOKEN_PRIVILEGES`). */
function isCommand(p: usize, n: usize, from: usize, to: usize): bool {
  if (to - from < 4 || !isUpperAt(p, from)) return false;
  let dashes = 0;
  let cmdlet = true;
  for (let j = from; j < to; j++) {
    const c = <u32>load<u8>(p + j);
    if (c == 0x2d) {
      dashes++;
      if (j < from + 3 || j + 1 >= to || !isUpperAt(p, j + 1) || !isLowerAt(p, j - 1)) cmdlet = false;
    } else if (c - 0x41 >= 26 && c - 0x61 >= 26) return false;
  }
  if (dashes == 1 && cmdlet) return true;
  return peek(p, n, to) == SPACE && peek(p, n, to + 1) == 0x2d && <u32>fold(peek(p, n, to + 2)) - 0x61 < 26;
}

/** `getPassword()`, `cfg.load_token()`: code calling a function with no argument (an unquoted
 * value of identifier characters and dots ending in `()`), not a secret. */
function isCall(p: usize, from: usize, to: usize): bool {
  if (to - from < 4 || load<u8>(p + to - 1) != 0x29 || load<u8>(p + to - 2) != 0x28) return false;
  for (let j = from; j < to - 2; j++) {
    const c = <u32>load<u8>(p + j);
    if (c != 0x5f && c != 0x2e && !isIn(c, ALNUM)) return false;
  }
  return <u32>load<u8>(p + from) - 0x30 >= 10;
}

/** Whether the value at `j` is a printed object rather than a secret: `Token{a64f992 …}`,
 * `AppWindowToken{…`, `android.os.BinderProxy@2bd79ce`, `Optional(…)`: an identifier that
 * starts upper case or is dotted, then `{`, `(`, `[` or `@`. */
function isObjectDump(p: usize, j: usize, n: usize): bool {
  const first = peek(p, n, j);
  if (first - 0x41 >= 26 && first - 0x61 >= 26) return false;
  let k = j;
  let dotted = false;
  while (k < n && k - j < 128) {
    const b = <u32>load<u8>(p + k);
    if (b == 0x2e) dotted = true;
    else if (b != 0x5f && b != 0x24 && !isIn(b, ALNUM)) break;
    k++;
  }
  if (k - j < 4) return false;
  let b = peek(p, n, k);
  if (b == SPACE && (peek(p, n, k + 1) == 0x7b || peek(p, n, k + 1) == 0x28)) b = peek(p, n, k + 1); // `Token { … }`
  if (b == 0x7b || b == 0x28 || b == 0x5b || b == 0x40) return first - 0x41 < 26 || dotted;
  // A reverse-DNS name (`com.apple.xpc.activity/4505`, `android.os.Binder`): lower-case words
  // joined by at least two dots.
  return first - 0x61 < 26 && reverseDns(p, j, k);
}

function reverseDns(p: usize, from: usize, to: usize): bool {
  let dots = 0;
  for (let k = from; k < to; k++) {
    if (load<u8>(p + k) != 0x2e) continue;
    if (k + 1 >= to || <u32>load<u8>(p + k + 1) - 0x61 >= 26) return false;
    dots++;
  }
  return dots >= 2;
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
  const b = <u32>load<u8>(p + sep);
  const next = peek(p, n, sep + 1);
  let value = sep + 1;
  if (b == APOSTROPHE) return spacedValueAt(p, n, sep, floor);
  if (b == 0x2c) return commaPairAt(p, n, sep);
  if (b == 0x3e) return xmlPairAt(p, n, sep);
  if (b == COLON) {
    if (next == EQUALS) value++; // `:=`
    else if (next == COLON || next == SLASH) return false; // `::`, `://`
  } else if (next == 0x3e) {
    value++; // `=>`
  } else if (sep > 0 && load<u8>(p + sep - 1) == 0x21) {
    return comparisonAt(p, n, sep - 1, sep + 1, floor); // `!=`, `!==`
  } else if (next == EQUALS) {
    return comparisonAt(p, n, sep, sep + 2, floor); // `==`, `===`
  }
  let keyEnd = keyEndBefore(p, sep);
  if (b == EQUALS && keyEnd > 2 && load<u8>(p + keyEnd - 1) == 0x5d) return arrayPairAt(p, n, keyEnd, value);
  if (isTypeWord(p, keyEnd)) keyEnd = keyEndBefore(p, keyEnd - typeWordLength(p, keyEnd)); // `var token string = "…"`
  if (!sensitiveKeyBefore(p, keyEnd)) return b == EQUALS && namedByKeyAttribute(p, keyEnd) && valueAt(p, n, value, false);
  return namedPairAt(p, n, b, next, keyEnd, value);
}

/** `{"name": "DB_PASSWORD", "value": "…"}` in a parsed record (a Kubernetes or ECS env list,
 * `{"key": "password", "value": "…"}`): the name's content ends at `nameEnd`, the value's opening
 * quote is at `value`; judged as the member `"DB_PASSWORD":"…"` would be. */
export function namedValueAt(p: usize, n: usize, nameEnd: usize, value: usize): bool {
  return sensitiveKeyBefore(p, nameEnd) && namedPairAt(p, n, COLON, QUOTE, nameEnd, value);
}

/** The rest of a pair whose key, ending at `keyEnd`, is sensitive: the exceptions of the name
 * (`nextPageToken`, `PWD=/home`…) and the value at `value` after the separator `b` (then `next`). */
function namedPairAt(p: usize, n: usize, b: u32, next: u32, keyEnd: usize, value: usize): bool {
  if (isWorkingDirectory(p, n, keyEnd, value) || isPamServiceType(p, n, b, keyEnd, value) || isPasswordCount(p, n, keyEnd, value)) return false;
  const keyStart = keyStartBefore(p, keyEnd);
  if (namesRequestToken(p, keyStart, keyEnd)) return false;
  // a field of a colon-separated name (`system_r:passwd_t:s0`, SELinux; an ARN's
  // `…:123456789012:secret:name`; `incident:canarytoken:…`), not a key; `ARGS:password: x`, with
  // a space, is one (`user:password:x` written without one is read as a name: a known leak)
  if (b == COLON && next != SPACE && keyStart > 0 && load<u8>(p + keyStart - 1) == COLON) return false;
  if (!valueAt(p, n, value, keyAtLineStart(p, keyEnd))) return false;
  if (isSecretObjectName(p, keyStart, keyEnd, matchStart, matchEnd)) return false;
  const weak = weakValue(p, n, matchStart, matchEnd);
  // a person's choice may be any word (`password=Sunshine -h host`); counts under `_pass` names
  // are numbers (`"full_hash_pass":2128`)
  return weak == 0 || (weak == WEAK_DIGITS ? namesPassword(p, keyStart, keyEnd) : namesPassword(p, keyStart, keyEnd) || endsWithPassWord(p, keyStart, keyEnd));
}

/** `"secret":"myapp-pg-cluster-ca"` (CloudNativePG, cert-manager and other Kubernetes
 * operators): under the bare name `secret` or `secrets`, a Kubernetes object name (three or
 * more lower-case words of letters and digits joined by single `-`, each word two or more
 * characters and starting with a letter) names the Secret a value comes from, not the value.
 * A passphrase of words has the same shape (`secret: correct-horse-battery-staple`), so the
 * name must also carry a mark of one: a word of two characters or one with a digit (`pg`,
 * `ca`, `db`, `v2`), or a last word operators give their Secrets (`-app`, `-tls`, `-creds`, …).
 * Under a password's name, or any longer name (`client_secret`), it is still masked. */
function isSecretObjectName(p: usize, keyStart: usize, keyEnd: usize, from: usize, to: usize): bool {
  const keyLen = keyEnd - keyStart;
  if (!((keyLen == 6 && matchesFoldedAt(p, keyEnd, keyStart, "secret")) || (keyLen == 7 && matchesFoldedAt(p, keyEnd, keyStart, "secrets")))) return false;
  let words = 1;
  let wordStart = from;
  let marked = false;
  for (let j = from; j <= to; j++) {
    const c = j < to ? <u32>load<u8>(p + j) : 0x2d;
    if (c == 0x2d) {
      if (j - wordStart < 2) return false;
      if (j - wordStart == 2) marked = true;
      if (j < to) words++;
      wordStart = j + 1;
    } else if (c - 0x61 >= 26) {
      if (c - 0x30 >= 10 || j == wordStart) return false;
      marked = true; // a digit
    }
  }
  return words >= 3 && (marked || lastWordIn(p, to, SECRET_NAME_ENDINGS));
}

// Last words of the Secrets operators create (CloudNativePG `-app`, `-superuser`, `-replication`,
// `-ca`, `-server`; cert-manager `-tls`; `-credentials`, `-token`, `-key` and their kin).
const SECRET_NAME_ENDINGS: StaticArray<string> = ["app", "superuser", "replication", "server", "client", "tls", "cert", "certs",
  "certificate", "creds", "credentials", "secret", "secrets", "token", "key", "keys", "keypair", "auth", "config", "env", "prod",
  "staging", "dev", "test"];

/** Whether the word that ends at `to` (after a `-`) is one of `words`. */
function lastWordIn(p: usize, to: usize, words: StaticArray<string>): bool {
  for (let k = 0; k < words.length; k++) {
    const w = unchecked(words[k]);
    const len = <usize>w.length;
    if (to > len && load<u8>(p + to - len - 1) == 0x2d && matchesFoldedAt(p, to, to - len, w)) return true;
  }
  return false;
}

/** Where the key that ends at `keyEnd` starts. */
function keyStartBefore(p: usize, keyEnd: usize): usize {
  let k = keyEnd;
  while (k > 0 && keyEnd - k < MAX_KEY && isIn(load<u8>(p + k - 1), KEY)) k--;
  return k;
}

// Whole names of tokens that name a request or a page, not a credential: AWS's idempotency
// tokens (`clientToken`, `ClientRequestToken`), pagination cursors (`nextToken`, `pageToken`),
// a token's hash kept to look it up (`tokenHash`, `hashed_token`). Whole names only:
// `VAULT_CLIENT_TOKEN` is a credential.
const REQUEST_TOKEN_NAMES: StaticArray<string> = [
  "clienttoken", "clientrequesttoken", "idempotencytoken", "nexttoken", "pagetoken", "nextpagetoken", "paginationtoken",
  "continuationtoken", "synctoken", "resumptiontoken", "hashedtoken", "tokenhash",
];

function namesRequestToken(p: usize, from: usize, to: usize): bool {
  let letters: usize = 0;
  for (let j = from; j < to; j++) {
    const c = <u32>load<u8>(p + j);
    if (c != 0x5f && c != 0x2d && c != 0x2e) letters++;
  }
  for (let k = 0; k < REQUEST_TOKEN_NAMES.length; k++) {
    const w = unchecked(REQUEST_TOKEN_NAMES[k]);
    if (<usize>w.length == letters && keyEndsWith(p, from, to, w)) return true;
  }
  return false;
}

// Names of what a person chooses: any value may be one (`pin=1234`, `password: dragon`).
const PASSWORD_NAMES: StaticArray<string> = ["password", "passwd", "pwd", "passphrase", "secret", "pin"];

function namesPassword(p: usize, from: usize, to: usize): bool {
  // numbered as sensitiveKeyBefore reads them (`db_password2`, `PASSWORD_1`)
  let end = to;
  while (end > from && to - end < 3 && <u32>load<u8>(p + end - 1) - 0x30 < 10) end--;
  if (end < to && end > from && (load<u8>(p + end - 1) == 0x5f || load<u8>(p + end - 1) == 0x2d)) end--;
  if (end == from) return false;
  for (let k = 0; k < PASSWORD_NAMES.length; k++) if (keyEndsWith(p, from, end, unchecked(PASSWORD_NAMES[k]))) return true;
  // `pass` glued to db/user names one too (`_pass` alone may be a count: `full_hash_pass`)
  return keyEndsWith(p, from, end, "dbpass") || keyEndsWith(p, from, end, "userpass");
}

const WEAK_DIGITS = 1;
const WEAK_WORD = 2;

/** Whether an unquoted value is one no machine-made credential is: up to 5 digits
 * (`sticky_token=274`, `"full_hash_pass":2128`, a count: WEAK_DIGITS), or a word — a capitalised
 * one of up to 7 letters, prose (`token:Expired`, `token: a new one`), or a command given parameters
 * (`$hToken = OpenProcessToken -ProcessHandle`): WEAK_WORD; else 0. */
function weakValue(p: usize, n: usize, from: usize, to: usize): i32 {
  if (from == 0) return 0;
  const q = <u32>load<u8>(p + from - 1);
  if (q == QUOTE || q == APOSTROPHE) return 0;
  if (isCommand(p, n, from, to)) return WEAK_WORD;
  if (to - from > 7) return 0;
  // one or two letters, then more words: prose (`API token: a new description`), no machine's credential
  if (to - from <= 2 && <u32>fold(load<u8>(p + from)) - 0x61 < 26 && (to - from == 1 || <u32>fold(load<u8>(p + from + 1)) - 0x61 < 26) && peek(p, n, to) == SPACE && <u32>peek(p, n, to + 1) - 0x61 < 26) return WEAK_WORD;
  let digits = true;
  let word = to - from >= 3 && isUpperAt(p, from);
  for (let j = from; j < to; j++) {
    const c = <u32>load<u8>(p + j);
    if (c - 0x30 >= 10) digits = false;
    if (j > from && c - 0x61 >= 26) word = false;
  }
  return digits && to - from <= 5 ? WEAK_DIGITS : word ? WEAK_WORD : 0;
}

// Names a quoted value may follow with only spaces (or ` is `) between: Gradle's `password 'x'`,
// Go/Groovy calls, prose (`the password is 'x'`). Only passwords: `secret "db-creds" not found`
// names a Kubernetes Secret, it does not hold one.
const SPACED_NAMES: StaticArray<string> = ["password", "passwd", "passphrase"];

/** At the opening quote (`'`, or `\"` inside a JSON string) of a value that follows a password
 * name and spaces, optionally ` is `: `password 'x'`, `password \"x\";`, `password is 'x'`. */
export function spacedValueAt(p: usize, n: usize, q: usize, floor: usize): bool {
  const escaped = load<u8>(p + q) == BACKSLASH;
  if (escaped && peek(p, n, q + 1) != QUOTE) return false;
  if (q <= floor + 1 || load<u8>(p + q - 1) != SPACE) return false;
  let k = q - 1;
  while (k > floor && q - k < MAX_SPACES && load<u8>(p + k - 1) == SPACE) k--;
  if (k >= floor + 4 && matchesFoldedAt(p, k, k - 2, "is") && load<u8>(p + k - 3) == SPACE) {
    k -= 3;
    while (k > floor && load<u8>(p + k - 1) == SPACE) k--;
  }
  const last = fold(load<u8>(p + k - 1));
  if (last != 0x64 && last != 0x65 && last != 0x73) return false; // password, passwd, passphrase, pass
  let from = k;
  while (from > floor && k - from < MAX_KEY && isIn(load<u8>(p + from - 1), KEY)) from--;
  let named = false;
  for (let w = 0; w < SPACED_NAMES.length && !named; w++) {
    const name = unchecked(SPACED_NAMES[w]);
    named = keyEndsWithChars(p, from, k, changetype<usize>(name), <usize>name.length);
  }
  // `pass` alone (`user 'bob' pass '…'`) is a verb as often as a name: only a value that looks
  // made, not written (12 characters or more, letters and digits both), is taken after it
  const pass = !named && k - from == 4 && matchesFoldedAt(p, k, from, "pass");
  if (!named && !pass) return false;
  const quote = escaped ? QUOTE : APOSTROPHE;
  if (!quotedValue(p, n, q + (escaped ? 2 : 1), quote, escaped) || isPlaceholderValue(p, matchStart, matchEnd)) return false;
  return !pass || madeValue(p, matchStart, matchEnd);
}

/** Whether [from, to) has 12 or more bytes, no space, and both letters and digits. */
function madeValue(p: usize, from: usize, to: usize): bool {
  if (to - from < 12) return false;
  let letters = false, digits = false;
  for (let j = from; j < to; j++) {
    const c = <u32>load<u8>(p + j);
    if (c == SPACE) return false;
    if (c - 0x30 < 10) digits = true;
    else if ((c | 0x20) - 0x61 < 26) letters = true;
  }
  return letters && digits;
}

/** `<add key="SmtpPassword" value="…"/>` (.NET appSettings): at `value=`, whether the attribute
 * before it is `key="…"` naming a secret. */
function namedByKeyAttribute(p: usize, keyEnd: usize): bool {
  if (keyEnd < 14 || !matchesFoldedAt(p, keyEnd, keyEnd - 5, "value") || isIn(load<u8>(p + keyEnd - 6), KEY)) return false;
  let k = keyEnd - 5;
  while (k > 0 && keyEnd - k < 16 && load<u8>(p + k - 1) == SPACE) k--;
  if (k == keyEnd - 5 || k < 2) return false;
  const q = <u32>load<u8>(p + k - 1);
  if (q != QUOTE && q != APOSTROPHE) return false;
  const close = q == QUOTE && load<u8>(p + k - 2) == BACKSLASH ? k - 2 : k - 1;
  if (!sensitiveKeyBefore(p, close)) return false;
  let o = keyStartBefore(p, close);
  // `key=` right before the quote that opens the name
  if (o == 0 || <u32>load<u8>(p + o - 1) != q) return false;
  o--;
  if (o > 0 && load<u8>(p + o - 1) == BACKSLASH) o--;
  return o >= 4 && load<u8>(p + o - 1) == EQUALS && matchesFoldedAt(p, o - 1, o - 4, "key") && (o == 4 || !isIn(load<u8>(p + o - 5), KEY));
}

/** A C array set from a literal: `secret[] = "…"`, `char secret[25] = "…"` (only with `=` and
 * a quoted value: `passwd[4242]: …` is a syslog program and its pid). */
function arrayPairAt(p: usize, n: usize, keyEnd: usize, value: usize): bool {
  const q = <u32>load<u8>(p + keyEnd - 2);
  if (q == QUOTE || q == APOSTROPHE) return subscriptPairAt(p, n, keyEnd - 2, q, value);
  let d = keyEnd - 1;
  while (d > 0 && keyEnd - d < 6 && <u32>load<u8>(p + d - 1) - 0x30 < 10) d--;
  if (d == 0 || load<u8>(p + d - 1) != 0x5b || !sensitiveKeyBefore(p, d - 1)) return false;
  const v = skipSpaces(p, n, value);
  const b = peek(p, n, v);
  return (b == QUOTE || b == APOSTROPHE || (b == BACKSLASH && peek(p, n, v + 1) == QUOTE)) && valueAt(p, n, v, false);
}

/** `$config['db_password'] = '…'`, `settings["api_token"] = "…"` (PHP, Python, Ruby): a quoted
 * name in brackets set from a quoted literal; `close` is the quote before `]`. */
function subscriptPairAt(p: usize, n: usize, close: usize, q: u32, value: usize): bool {
  const escaped = q == QUOTE && close > 0 && load<u8>(p + close - 1) == BACKSLASH; // `[\"name\"]` in a JSON string
  if (escaped) close--;
  if (!sensitiveKeyBefore(p, close)) return false;
  const o = keyStartBefore(p, close);
  if (escaped) {
    if (o < 3 || load<u8>(p + o - 1) != QUOTE || load<u8>(p + o - 2) != BACKSLASH || load<u8>(p + o - 3) != 0x5b) return false;
    const v = skipSpaces(p, n, value);
    // `os.environ[\"API_KEY\"] = '…'`: the value may be quoted either way
    return ((peek(p, n, v) == BACKSLASH && peek(p, n, v + 1) == QUOTE) || peek(p, n, v) == APOSTROPHE) && valueAt(p, n, v, false);
  }
  if (o < 2 || <u32>load<u8>(p + o - 1) != q || load<u8>(p + o - 2) != 0x5b) return false;
  const v = skipSpaces(p, n, value);
  const b = peek(p, n, v);
  return (b == QUOTE || b == APOSTROPHE) && valueAt(p, n, v, false);
}

/** A comparison with a literal (`password == "…"`, `if ("…" !== api_key)`): the operator is
 * [op, opEnd) (`===`/`!==` take one more `=`); the literal must be quoted, on either side of a
 * sensitive name. Comparisons of two names (`password == hash`) hold no secret. */
function comparisonAt(p: usize, n: usize, op: usize, opEnd: usize, floor: usize): bool {
  if (peek(p, n, opEnd) == EQUALS) opEnd++;
  // name first
  const keyEnd = keyEndBefore(p, op);
  if (keyEnd > 0 && keyEnd < op && isIn(load<u8>(p + keyEnd - 1), KEY) && sensitiveKeyBefore(p, keyEnd)) {
    let v = skipSpaces(p, n, opEnd);
    const pre = peek(p, n, v);
    const q1 = peek(p, n, v + 1);
    if ((pre == 0x66 || pre == 0x62 || pre == 0x72) && (q1 == QUOTE || q1 == APOSTROPHE || (q1 == BACKSLASH && peek(p, n, v + 2) == QUOTE))) v++; // Python's f"…", b"…", r"…"
    const b = peek(p, n, v);
    if (b == QUOTE || b == APOSTROPHE || (b == BACKSLASH && peek(p, n, v + 1) == QUOTE) || (b == 0x40 && peek(p, n, v + 1) == QUOTE)) return valueAt(p, n, v, false);
    return false;
  }
  // literal first: a closing quote before the operator, a sensitive name after it; the quotes
  // are escapes (`\"…\" == password`), so the read goes back to the last claimed span, not to
  // the last escape
  floor = claimedEnd;
  let close = op;
  while (close > floor && load<u8>(p + close - 1) == SPACE) close--;
  if (close <= floor + 1) return false;
  const q = <u32>load<u8>(p + close - 1);
  if (q != QUOTE && q != APOSTROPHE) return false;
  const escaped = q == QUOTE && close >= 2 && load<u8>(p + close - 2) == BACKSLASH;
  if (q == QUOTE && !escaped) return false; // a raw `"` ends the JSON string: never inside one
  const to = close - (escaped ? 2 : 1);
  const k = skipSpaces(p, n, opEnd);
  const kEnd = runEndWithin(p, n, k, KEY, MAX_KEY);
  if (kEnd == k || kEnd - k >= MAX_KEY || !sensitiveKeyBefore(p, kEnd)) return false;
  // the opening quote, at most 256 bytes back and not before the floor
  let j = to;
  while (j > floor && to - j < 256) {
    j--;
    const c = <u32>load<u8>(p + j);
    if (c != q) continue;
    if (escaped) {
      if (j > floor && load<u8>(p + j - 1) == BACKSLASH) return j + 1 < to && !isPlaceholderValue(p, j + 1, to) && found(j + 1, to);
    } else {
      return j + 1 < to && !isPlaceholderValue(p, j + 1, to) && found(j + 1, to);
    }
  }
  return false;
}

/** `passwords: 3`, `<weak_passwords>12</weak_passwords>`: a count of passwords (a digit first). */
function isPasswordCount(p: usize, n: usize, keyEnd: usize, value: usize): bool {
  if (keyEnd < 9 || fold(load<u8>(p + keyEnd - 1)) != 0x73 || !matchesFoldedAt(p, keyEnd, keyEnd - 9, "passwords")) return false;
  let v = skipSpaces(p, n, value);
  const q = peek(p, n, v);
  if (q == QUOTE || q == APOSTROPHE) v++;
  else if (q == BACKSLASH && peek(p, n, v + 1) == QUOTE) v += 2;
  return <u32>peek(p, n, v) - 0x30 < 10;
}

/** `PWD=/home/ubuntu`: the shell's working directory (sudo logs `PWD=… ; USER=… ; COMMAND=…`),
 * not a password: the whole key is upper-case `PWD` and the value an absolute path. */
function isWorkingDirectory(p: usize, n: usize, keyEnd: usize, value: usize): bool {
  if (keyEnd < 3 || !matchesAt(p, keyEnd, keyEnd - 3, "PWD")) return false;
  if (keyEnd > 3 && isIn(load<u8>(p + keyEnd - 4), KEY)) return false;
  return peek(p, n, skipSpaces(p, n, value)) == SLASH;
}

/** `pam_unix(chpasswd:chauthtok)`, `(passwd:chauthtok)`: PAM's service and management group in
 * parentheses, two bare lower-case words, not a name and its password. */
function isPamServiceType(p: usize, n: usize, sep: u32, keyEnd: usize, value: usize): bool {
  if (sep != COLON) return false;
  let k = keyEnd;
  while (k > 0 && keyEnd - k < MAX_KEY && isIn(load<u8>(p + k - 1), LOWER)) k--;
  if (k == keyEnd || k == 0 || load<u8>(p + k - 1) != 0x28) return false;
  let j = value;
  while (j < n && j - value < MAX_KEY && isIn(load<u8>(p + j), LOWER)) j++;
  return j > value && peek(p, n, j) == 0x29;
}

/** `"API_TOKEN", "value"` (setProperty, setenv, os.environ.get): at the comma; also as a JSON
 * string holds it, the quotes escaped (`\"API_TOKEN\", \"value\"`). */
function commaPairAt(p: usize, n: usize, sep: usize): bool {
  // `'API_KEY' , '…'` (Gradle's buildConfigField): spaces before the comma
  const comma = sep;
  while (sep > 2 && comma - sep < MAX_SPACES && load<u8>(p + sep - 1) == SPACE) sep--;
  if (sep < 2) return false;
  const q = <u32>load<u8>(p + sep - 1);
  if (q != QUOTE && q != APOSTROPHE) return false;
  const escaped = q == QUOTE && sep >= 3 && load<u8>(p + sep - 2) == BACKSLASH;
  const j = skipSpaces(p, n, comma + 1);
  if (escaped) {
    if (peek(p, n, j) != BACKSLASH || peek(p, n, j + 1) != QUOTE) return false;
    if (!sensitiveKeyBefore(p, sep - 2) || (!isFlagBefore(p, sep - 2) && inStringList(p, sep - 1, q, true)) || !quotedValue(p, n, j + 2, QUOTE, true)) return false;
    return memberValue(p, n, matchStart, matchEnd, matchEnd + 2, true) && !isPlaceholderValue(p, matchStart, matchEnd);
  }
  if (peek(p, n, j) != q) return false;
  if (!sensitiveKeyBefore(p, sep - 1) || (!isFlagBefore(p, sep - 1) && inStringList(p, sep - 1, q, false)) || !quotedValue(p, n, j + 1, q, false)) return false;
  return memberValue(p, n, matchStart, matchEnd, matchEnd + 1, false) && !isPlaceholderValue(p, matchStart, matchEnd);
}

/** Whether the string whose closing quote is at `close` is an item of a list of strings
 * (`["read:client_credentials","read:client_grants"]`, a JSON array of scopes, permissions or
 * names): back over quoted items and commas to a `[` (or a `(` behind an earlier item). Items of a list are names, not a name and
 * its value. The walk is bounded (LIST_LOOKBACK bytes) and remembers the last list item it
 * reached, so the items of one long list cost their own length, not the list's. */
function inStringList(p: usize, close: usize, q: u32, escaped: bool): bool {
  const esc: usize = escaped ? 1 : 0;
  let k = close;
  while (close - k < LIST_LOOKBACK) {
    if (p == knownListText && k == knownListItem) return remember(p, close);
    // the item's opening quote
    let j = k - esc;
    let opened = false;
    while (j > 0 && close - j < LIST_LOOKBACK) {
      j--;
      if (<u32>load<u8>(p + j) != q) continue;
      const backslash = j > 0 && load<u8>(p + j - 1) == BACKSLASH;
      if (backslash == escaped) { opened = true; break; }
    }
    if (!opened) return false;
    let o = j - esc;
    while (o > 0 && load<u8>(p + o - 1) == SPACE) o--;
    if (o == 0) return false;
    const b = <u32>load<u8>(p + o - 1);
    if (b == 0x5b) return remember(p, close);
    // `ValidateSet('All', 'ResetPassword', 'WriteMembers')`: a list in parentheses when the name
    // is not its first item (`setProperty("X_TOKEN", "…")` passes a name, then its value)
    if (b == 0x28 && k < close) return remember(p, close);
    if (b != 0x2c) return false;
    // the previous item's closing quote
    let c = o - 1;
    while (c > 0 && load<u8>(p + c - 1) == SPACE) c--;
    if (c == 0 || <u32>load<u8>(p + c - 1) != q) return false;
    k = c - 1;
    if (escaped && (k == 0 || load<u8>(p + k - 1) != BACKSLASH)) return false;
  }
  return false;
}

/** Whether the name that ends at `keyEnd` is a command-line flag (`"--password"`, `'-token'`):
 * in a list it is an argument vector (`['mysql', '--password', '…']`), the next item its value. */
function isFlagBefore(p: usize, keyEnd: usize): bool {
  return load<u8>(p + keyStartBefore(p, keyEnd)) == 0x2d;
}

const LIST_LOOKBACK: usize = 1024;
let knownListText: usize = 0;
let knownListItem: usize = 0;

function remember(p: usize, item: usize): bool {
  knownListText = p;
  knownListItem = item;
  return true;
}

/** Forgets the list items seen in the previous string (a new string starts). */
export function resetPairMemory(): void {
  knownListText = 0;
}

/** After `"DB_PASSWORD", "…"`: when the second string is followed by `:` it names the next
 * member of an object (`{"name": "DB_PASSWORD", "value": "…"}`, ECS and Kubernetes env lists,
 * `{"key": "password", "value": "…"}`): the value is the string after `"value":`, and any other
 * member holds none. [from, to) is the second string, `after` the byte after its closing quote. */
function memberValue(p: usize, n: usize, from: usize, to: usize, after: usize, escaped: bool): bool {
  const c = skipSpaces(p, n, after);
  if (peek(p, n, c) != COLON) return true;
  if (to - from != 5 || !matchesFoldedAt(p, to, from, "value")) return false;
  const v = skipSpaces(p, n, c + 1);
  if (escaped) return peek(p, n, v) == BACKSLASH && peek(p, n, v + 1) == QUOTE && quotedValue(p, n, v + 2, QUOTE, true);
  const q = peek(p, n, v);
  return (q == QUOTE || q == APOSTROPHE) && quotedValue(p, n, v + 1, q, false);
}

/** `<password>value</password>`: at the `>` of an opening tag. */
function xmlPairAt(p: usize, n: usize, sep: usize): bool {
  const k = keyStartBefore(p, sep);
  if (k == sep || k == 0 || load<u8>(p + k - 1) != 0x3c) return false;
  if (!sensitiveKeyBefore(p, sep) || isPasswordCount(p, n, sep, sep + 1)) return false;
  // The text up to the next `<`, without the whitespace (and `\n` escapes) around it.
  let from = sep + 1;
  while (from < n) {
    const c = <u32>load<u8>(p + from);
    if (c == SPACE || c == 0x09) from++;
    else if (c == BACKSLASH && (peek(p, n, from + 1) == 0x6e || peek(p, n, from + 1) == 0x74 || peek(p, n, from + 1) == 0x72)) from += 2;
    else break;
  }
  let to = from;
  let end = from;
  while (to < n && load<u8>(p + to) != 0x3c) {
    const c = <u32>load<u8>(p + to);
    if (c == BACKSLASH) {
      const e = peek(p, n, to + 1);
      to += escapeLength(p, n, to);
      if (e != 0x6e && e != 0x74 && e != 0x72) end = to;
    } else {
      to++;
      if (c != SPACE && c != 0x09) end = to;
    }
  }
  // an element has a closing tag: `"PASS <password>"` (a placeholder in angle brackets) does not
  if (to >= n || peek(p, n, to + 1) != SLASH) return false;
  return end > from && !isPlaceholderValue(p, from, end) && found(from, end);
}

// Type names between a key and its `=` (Go, Kotlin, TypeScript declarations).
const TYPE_WORDS: StaticArray<string> = ["string", "str", "String", "bytes", "char"];

function typeWordLength(p: usize, keyEnd: usize): usize {
  for (let k = 0; k < TYPE_WORDS.length; k++) {
    const w = unchecked(TYPE_WORDS[k]);
    const len = <usize>w.length;
    if (keyEnd > len && matchesAt(p, keyEnd, keyEnd - len, w) && load<u8>(p + keyEnd - len - 1) == SPACE) return len;
  }
  return 0;
}

@inline function isTypeWord(p: usize, keyEnd: usize): bool {
  if (keyEnd <= 4) return false;
  const last = <u32>load<u8>(p + keyEnd - 1);
  return (last == 0x67 || last == 0x72 || last == 0x73) && typeWordLength(p, keyEnd) != 0; // g, r, s
}

/** Whether the key that ends at `keyEnd` starts a line: only spaces (YAML indentation), a
 * list dash or `export ` before it since the string's start or a `\n` escape. */
function keyAtLineStart(p: usize, keyEnd: usize): bool {
  let k = keyStartBefore(p, keyEnd);
  for (let s = 0; s < 16 && k > 0; s++) {
    const c = <u32>load<u8>(p + k - 1);
    if (c == SPACE || c == 0x09 || c == QUOTE || c == APOSTROPHE) k--;
    else break;
  }
  if (k >= 7 && matchesAt(p, k, k - 7, "export ")) k -= 7;
  if (k == 0) return true;
  return k >= 2 && load<u8>(p + k - 2) == BACKSLASH && (load<u8>(p + k - 1) == 0x6e || load<u8>(p + k - 1) == 0x72);
}

/** Whether a pair's value is a placeholder rather than a secret: `$VAR`, `$var`, `%VAR%`, `${VAR}`, `$(cmd)`,
 * `<your token>`, `{{ .Values.x }}`, `%s`, `xxxx…`, `****`, `...`, `null`-like words. */
export function isPlaceholderValue(p: usize, from: usize, to: usize): bool {
  if (to <= from) return true;
  const first = <u32>load<u8>(p + from);
  const len = to - from;
  if (first == 0x24 && len >= 3 && load<u8>(p + from + 1) == 0x24 && (load<u8>(p + from + 2) == 0x7b || isOneCaseName(p, from + 2, to))) return true; // `$$password`, `$${DB_PASS}`: Compose's escaped `$`
  if (first == 0x24 && to - from >= 2) {
    const c = <u32>load<u8>(p + from + 1);
    if (c == 0x7b || c == 0x28) return true; // `${VAR}`, `$(cmd)`
    if (c == 0x5f || c - 0x41 < 26 || c - 0x61 < 26) {
      // `$API_KEY` (upper case and digits), `$Password`, `$db_pass` (letters, no digit): a shell,
      // PowerShell or PHP variable's name; `$P5t5agX` is a password that starts with `$`.
      let upper = true;
      let letters = true;
      for (let j = from + 1; j < to; j++) {
        const d = <u32>load<u8>(p + j);
        const isUpper = d - 0x41 < 26;
        const isLower = d - 0x61 < 26;
        if (d != 0x5f && !isUpper && (isLower || d - 0x30 >= 10)) upper = false;
        if (d != 0x5f && !isUpper && !isLower) letters = false;
      }
      if (upper || letters) return true;
    }
  }
  if (first == 0x25 && len >= 3 && load<u8>(p + to - 1) == 0x25) {
    // `%DB_PASSWORD%`: a Windows environment variable.
    let name = true;
    for (let j = from + 1; j + 1 < to; j++) {
      const d = <u32>load<u8>(p + j);
      if (d != 0x5f && d - 0x41 >= 26 && d - 0x61 >= 26 && d - 0x30 >= 10) { name = false; break; }
    }
    if (name) return true;
  }
  if (first == 0x3c && load<u8>(p + to - 1) == 0x3e) return true;
  if (first == 0x7b && len >= 3 && load<u8>(p + to - 1) == 0x7d && isTemplateName(p, from + 1, to - 1)) return true;
  if (len >= 2 && first == 0x7b && load<u8>(p + from + 1) == 0x7b) return true;
  if (len == 2 && first == 0x25) return true;
  if (first == 0x25 && isInsert(p, from + 1, to)) return true;
  if (isRedactionMarker(p, from, to)) return true;
  // Only x, X, *, . or # (`xxxxxxxx`, `********`, `...`).
  let filler = len >= 3;
  for (let j = from; j < to; j++) {
    const c = <u32>load<u8>(p + j);
    if (c != 0x78 && c != 0x58 && c != 0x2a && c != 0x2e && c != 0x23) { filler = false; break; }
  }
  if (filler) return true;
  if (isOneOf(p, from, to, PLACEHOLDER_VALUES)) return true;
  return containsFolded(p, from, to, "xxxx") || containsFolded(p, from, to, "your_") || containsFolded(p, from, to, "<your") || isEnvReference(p, from, to);
}

/** `%%1842`, `%1`: a Windows message-table reference or insert (the value is looked up, Yes/No
 * for `elevatedToken`), digits after one or two `%`. */
function isInsert(p: usize, from: usize, to: usize): bool {
  const twice = from < to && load<u8>(p + from) == 0x25;
  if (twice) from++;
  if (from == to || to - from > (twice ? 6 : 2)) return false;
  for (let j = from; j < to; j++) if (<u32>load<u8>(p + j) - 0x30 >= 10) return false;
  return true;
}

// What applications write where they have already removed a secret (Rails' `[FILTERED]`,
// `__REDACTED__`, `<masked>`): masking it again hides nothing.
const REDACTION_WORDS: StaticArray<string> = ["filtered", "redacted", "masked", "hidden", "removed", "omitted", "sanitized", "scrubbed", "censored"];

/** `[FILTERED]`, `__REDACTED__`, `(hidden)`, `**MASKED**`: one of those words, wrapped. */
function isRedactionMarker(p: usize, from: usize, to: usize): bool {
  while (from < to) {
    const c = <u32>load<u8>(p + from);
    if (c != 0x5b && c != 0x28 && c != 0x5f && c != 0x2a && c != 0x3c) break;
    from++;
  }
  while (to > from) {
    const c = <u32>load<u8>(p + to - 1);
    if (c != 0x5d && c != 0x29 && c != 0x5f && c != 0x2a && c != 0x3e) break;
    to--;
  }
  // the word alone, or as the first word of an upper-case name (CloudTrail's `HIDDEN_DUE_TO_SECURITY_REASONS`)
  for (let k = 0; k < REDACTION_WORDS.length; k++) {
    const w = unchecked(REDACTION_WORDS[k]);
    const len = <usize>w.length;
    if (to - from < len || !matchesFoldedAt(p, from + len, from, w)) continue;
    if (to - from == len) return true;
    if (load<u8>(p + from + len) == 0x5f && isUpperName(p, from, to)) return true;
  }
  return false;
}

function isUpperName(p: usize, from: usize, to: usize): bool {
  for (let j = from; j < to; j++) {
    const c = <u32>load<u8>(p + j);
    if (c != 0x5f && c - 0x41 >= 26) return false;
  }
  return true;
}

/** A variable's name in one case: lower-case letters and `_`, or upper-case letters, digits and
 * `_` (`$$IoHVRkpDCp`, mixed case, is a password that starts with `$$`). */
function isOneCaseName(p: usize, from: usize, to: usize): bool {
  if (to <= from) return false;
  let lower = true;
  let upper = true;
  for (let j = from; j < to; j++) {
    const c = <u32>load<u8>(p + j);
    if (c != 0x5f && c - 0x61 >= 26) lower = false;
    if (c != 0x5f && c - 0x41 >= 26 && c - 0x30 >= 10) upper = false;
  }
  return lower || upper;
}

/** `{password}`, `{ db_password }`: a template's field name in single braces (Python's
 * `format`, Go and .NET templates), letters, digits, `_`, `.` and spaces around. */
function isTemplateName(p: usize, from: usize, to: usize): bool {
  while (from < to && load<u8>(p + from) == SPACE) from++;
  while (to > from && load<u8>(p + to - 1) == SPACE) to--;
  if (to == from || <u32>load<u8>(p + from) - 0x30 < 10) return false;
  for (let j = from; j < to; j++) {
    const c = <u32>load<u8>(p + j);
    if (c != 0x5f && c != 0x2e && !isIn(c, ALNUM)) return false;
  }
  return true;
}

/** `env.DB_PASSWORD`, `process.env.API_TOKEN`: code reading an environment variable, ended by an
 * upper-case name after `env.`. */
function isEnvReference(p: usize, from: usize, to: usize): bool {
  let k = to;
  while (k > from) {
    const c = <u32>load<u8>(p + k - 1);
    if (c == 0x5f || c - 0x41 < 26 || c - 0x30 < 10) k--;
    else break;
  }
  if (k == to || k < from + 4 || load<u8>(p + k - 1) != 0x2e || !matchesAt(p, k - 1, k - 4, "env")) return false;
  return k - 4 == from || load<u8>(p + k - 5) == 0x2e;
}

// ...and `YES`/`NO`, which say whether a password was given (MySQL's `(using password: YES)`).
// An application's own mask (`[FILTERED]`, `__REDACTED__`) is `isRedactionMarker`'s.
const PLACEHOLDER_VALUES: StaticArray<string> = ["none", "nil", "null", "undefined", "placeholder", "empty", "n/a", "yes", "no"];

function containsFolded(p: usize, from: usize, to: usize, w: string): bool {
  const len = <usize>w.length;
  for (let j = from; j + len <= to; j++) if (matchesFoldedAt(p, to, j, w)) return true;
  return false;
}

/** `Authorization: <scheme> <credential>` in any common spelling (header, `authorization=`,
 * `"Authorization":"Bearer …"`): the credential only, whatever the scheme (`Bearer`, `Basic`,
 * `Api-Token`, `SSWS`, custom words). Schemes with parameters (`Digest username=…, response=…`,
 * `AWS4-HMAC-SHA256 Credential=…, Signature=…`) hide everything after the scheme, to the end of
 * the header. A single word is the credential itself. */
export function authHeaderAt(p: usize, n: usize, i: usize, floor: usize): bool {
  if (!matchesFoldedAt(p, n, i, "authorization") || isIn(peek(p, n, i + 13), KEY)) return false;
  const sep = separatorAfter(p, n, i + 13);
  if (sep == 0) return false;
  let j = skipSpaces(p, n, sep + 1);
  let open = peek(p, n, j);
  if (open == 0x7b) return false; // Azure's `"authorization":{"action":…}`: an object about authorisation
  if (open == 0x5b) {
    // `"Authorization":["Bearer …"]` (Caddy, Go's http.Header): the list's first string; `[]` holds none
    j = skipSpaces(p, n, j + 1);
    open = peek(p, n, j);
    if (open != QUOTE && !(open == BACKSLASH && peek(p, n, j + 1) == QUOTE)) return false;
  }
  let quote: u32 = 0;
  if (open == QUOTE || open == APOSTROPHE) {
    quote = open;
    j++;
  } else if (open == BACKSLASH && peek(p, n, j + 1) == QUOTE) {
    quote = BACKSLASH;
    j += 2;
  }
  return authValueAt(p, n, j, quote);
}

/** `{"name": "Authorization", "value": "Bearer …"}` in a parsed record (a probe's `httpHeaders`, a
 * webhook's headers): when the name's content [from, to) is `Authorization` or
 * `Proxy-Authorization`, the credential in the value, whose content starts at `value`, as the
 * header's (`authHeaderAt`). */
export function namedAuthValueAt(p: usize, n: usize, from: usize, to: usize, value: usize): bool {
  const len = to - from;
  if (!(len == 13 || (len == 19 && matchesFoldedAt(p, to, from, "proxy_")))) return false;
  return matchesFoldedAt(p, to, to - 13, "authorization") && authValueAt(p, n, value, QUOTE);
}

/** The credential of an Authorization header's value at `j`, inside `quote` (0: none). */
function authValueAt(p: usize, n: usize, j: usize, quote: u32): bool {
  const end = unquotedEnd(p, n, j);
  if (end == j) return false;
  // A scheme: a short word of letters, digits, `-`, `_`, then spaces and a credential.
  let w = j;
  while (w < end && w - j <= 32 && (isIn(load<u8>(p + w), ALNUM) || load<u8>(p + w) == 0x2d || load<u8>(p + w) == 0x5f)) w++;
  if (w == end && w - j <= 32 && peek(p, n, end) == SPACE) {
    const credential = skipSpaces(p, n, end);
    const first = unquotedEnd(p, n, credential);
    if (first > credential) {
      if (hasParameters(p, credential, first, n)) return found(credential, headerEnd(p, n, credential, quote));
      return found(credential, first);
    }
  }
  // a configuration switch, not a credential: MongoDB's `security: { authorization: "enabled" }`
  if (isPlaceholderValue(p, j, end) || isOneOf(p, j, end, SWITCH_WORDS) || isLabelWord(p, j, end)) return false;
  return found(j, end);
}

/** A word of letters (`_`, `-` allowed) ending in one `:`: the label of what follows, not a
 * credential (PostgreSQL's VACUUM report `index \"ix_for_authorization\": pages: 14 in total`).
 * Basic credentials are base64 and tokens carry digits or symbols: `Authorization: dG9rZW4:` stays. */
function isLabelWord(p: usize, from: usize, to: usize): bool {
  if (to - from < 2 || load<u8>(p + to - 1) != COLON) return false;
  for (let k = from; k < to - 1; k++) {
    const b = <u32>load<u8>(p + k);
    if (!isIn(b, UPPER | LOWER) && b != 0x5f && b != 0x2d) return false;
  }
  return true;
}

const SWITCH_WORDS: StaticArray<string> = ["enabled", "disabled", "true", "false", "on", "off", "required", "optional"];


/** Whether the credential's first word is a parameter (`Credential=AKIA…/…,`, `username="x"`). */
function hasParameters(p: usize, from: usize, to: usize, n: usize): bool {
  for (let k = from; k + 1 < to; k++) {
    if (load<u8>(p + k) == EQUALS && load<u8>(p + k + 1) != EQUALS) return true;
  }
  return false;
}

/** End of a header value at `j`: a line break, the end of the string, or the closing quote. */
function headerEnd(p: usize, n: usize, j: usize, quote: u32): usize {
  while (j < n) {
    const b = <u32>load<u8>(p + j);
    if (b == BACKSLASH) {
      const e = peek(p, n, j + 1);
      if (e == 0x6e || e == 0x72 || (quote == BACKSLASH && e == QUOTE)) break;
      j += escapeLength(p, n, j);
    } else if (b < 0x20 || (quote != 0 && b == quote) || (quote == 0 && b == QUOTE)) {
      break;
    } else {
      j++;
    }
  }
  return j;
}

// Command lines: `--password x`, `--password=x`, `--db-token x`, `mysql -pSecret`,
// `mysql -p secret`, `sshpass -p x`, `redis-cli -a x`, `curl -u user:pass`, `--user user:pass`.
const PASSWORD_P: StaticArray<string> = ["mysql", "mariadb", "sshpass", "mysqldump", "mysqladmin"];
const PASSWORD_A: StaticArray<string> = ["redis-cli", "keydb-cli"];
const USER_U: StaticArray<string> = ["curl"];

/** A secret given to a command-line flag, at the `-` that starts the flag. */
export function cliSecretAt(p: usize, n: usize, i: usize, floor: usize): bool {
  if (i > floor) {
    const before = <u32>load<u8>(p + i - 1);
    if (before != SPACE && before != QUOTE && before != APOSTROPHE && before != 0x09) return false;
  }
  if (peek(p, n, i + 1) == 0x2d) {
    const name = i + 2;
    const nameEnd = runEndWithin(p, n, name, KEY, MAX_KEY);
    if (nameEnd == name || nameEnd - name > MAX_KEY) return false;
    const sep = peek(p, n, nameEnd);
    if (sep != SPACE && sep != EQUALS) return false;
    // `--user user:pass` after `curl`; `--proxy-user user:pass` (curl, wget) names itself
    const proxyUser = nameEnd - name == 10 && matchesAt(p, n, name, "proxy-user");
    const userFlag = proxyUser || (nameEnd - name == 4 && matchesAt(p, n, name, "user"));
    if (userFlag ? !proxyUser && !hasContextWord(p, i, USER_U) : !sensitiveKeyBefore(p, nameEnd)) return false;
    return flagValue(p, n, nameEnd + 1, userFlag);
  }
  const flag = peek(p, n, i + 1);
  const after = peek(p, n, i + 2);
  if (flag == 0x70 && after == SPACE && userFlagBefore(p, i, claimedEnd)) return flagValue(p, n, i + 3, false, true); // `-u admin -p pw`
  if (after != SPACE && isIn(after, ALNUM)) {
    // a word flag naming a secret, PowerShell style: `-Password x`, `-ApiKey x`
    const nameEnd = runEndWithin(p, n, i + 1, ALNUM, MAX_KEY);
    // PascalCase ending in a secret's name, or exactly the name: not `-pSecret` (mysql's -p glued to its value)
    if (nameEnd - i > 5 && peek(p, n, nameEnd) == SPACE && (isUpperAt(p, i + 1) ? sensitiveKeyBefore(p, nameEnd) : isOneOf(p, i + 1, nameEnd, SENSITIVE))) return flagValue(p, n, nameEnd + 1, false);
  }
  if (flag == 0x70 && hasContextWord(p, i, PASSWORD_P)) {
    if (after == SPACE) return flagValue(p, n, i + 3, false);
    if (after != 0 && !isIn(after, KEY) && after != 0x21 && after != 0x40 && after != 0x23) return false;
    return flagValue(p, n, i + 2, false);
  }
  if (flag == 0x61 && after == SPACE && hasContextWord(p, i, PASSWORD_A)) return flagValue(p, n, i + 3, false);
  if (flag == 0x75 && after == SPACE && hasContextWord(p, i, USER_U)) return flagValue(p, n, i + 3, true);
  return false;
}


/** Whether `-u <user> ` comes right before the flag at `i` (PsExec, mysql, sshpass: `-u admin
 * -p pw`); the user may hold escapes (`DOMAIN\\admin`), so `floor` is the last claimed span. */
function userFlagBefore(p: usize, i: usize, floor: usize): bool {
  let k = i;
  while (k > floor && i - k < MAX_SPACES && load<u8>(p + k - 1) == SPACE) k--;
  const valueEnd = k;
  while (k > floor && valueEnd - k < MAX_KEY && load<u8>(p + k - 1) != SPACE) k--;
  if (k == valueEnd || k < floor + 3 || load<u8>(p + k - 1) != SPACE) return false;
  return load<u8>(p + k - 2) == 0x75 && load<u8>(p + k - 3) == 0x2d && (k - 3 == floor || k == 3 || load<u8>(p + k - 4) == SPACE);
}

/** The value of a flag at `j` (quoted or to the next space); with `userPass`, only what follows
 * the first `:` of `user:pass` (nothing without one: curl then asks for the password); with
 * `notPort`, a value of digits and colons (`-p 8080:80`, a port) is not a password. */
function flagValue(p: usize, n: usize, j: usize, userPass: bool, notPort: bool = false): bool {
  j = skipSpaces(p, n, j);
  const b = peek(p, n, j);
  let from = j;
  let to: usize;
  if (b == QUOTE || b == APOSTROPHE) {
    if (!quotedValue(p, n, j + 1, b, false)) return false;
    from = j + 1;
    to = matchEndOf(p, n, from, b);
  } else if (b == BACKSLASH && peek(p, n, j + 1) == QUOTE) {
    if (!quotedValue(p, n, j + 2, QUOTE, true)) return false;
    from = j + 2;
    to = matchEndOfEscaped(p, n, from);
  } else if (b == BACKSLASH && deepQuoteAt(p, n, j) != 0) {
    if (!deepQuotedValue(p, n, j, deepQuoteAt(p, n, j))) return false;
    from = matchStart;
    to = matchEnd;
  } else {
    if (b == 0x2d || b == 0) return false; // another flag, or nothing
    to = unquotedEnd(p, n, j);
  }
  if (to <= from) return false;
  if (notPort) {
    let k = from;
    while (k < to && (<u32>load<u8>(p + k) - 0x30 < 10 || load<u8>(p + k) == COLON)) k++;
    if (k == to) return false;
  }
  if (!userPass && isPlaceholderValue(p, from, to)) return false;
  if (userPass) {
    let colon = from;
    while (colon < to && load<u8>(p + colon) != COLON) colon++;
    if (colon + 1 >= to) return false;
    setMatchRule(curlUserRule);
    return found(colon + 1, to);
  }
  setMatchRule(cliPasswordRule);
  return found(from, to);
}

function matchEndOf(p: usize, n: usize, j: usize, quote: u32): usize {
  while (j < n) {
    const b = <u32>load<u8>(p + j);
    if (b == BACKSLASH) j += escapeLength(p, n, j);
    else if (b == quote) break;
    else j++;
  }
  return j;
}

function matchEndOfEscaped(p: usize, n: usize, j: usize): usize {
  while (j < n) {
    const b = <u32>load<u8>(p + j);
    if (b == BACKSLASH) {
      if (peek(p, n, j + 1) == QUOTE) break;
      j += escapeLength(p, n, j);
    } else {
      j++;
    }
  }
  return j;
}

const AWS_SECRET_LENGTH = 40;

/** `aws_key`, `AWS-KEY`, `awsKey` as the whole name (not `aws_key_id`, `aws_keypair`): with
 * exactly 40 base64 characters after it, the shape of a secret access key. */
function isAwsKeyName(p: usize, n: usize, i: usize): bool {
  const end = keyPrefixEnd(p, n, i, "awskey");
  return end != 0 && !isIn(peek(p, n, end), KEY);
}

/** A 40-character AWS secret access key shortly after its name (`aws_secret_access_key`,
 * `SecretAccessKey`, `aws_secret...`): at most 8 bytes of quotes, spaces, `=` or `:` in
 * between. A `/` in the key may arrive escaped as `\/`. */
export function awsSecretKeyAt(p: usize, n: usize, i: usize, floor: usize): bool {
  // the first letter picks the names worth comparing (the slot starts with `a` or `s` only);
  // the next two bytes (`se` then `c`, `aw` then `s`, or a `_`, `-`, `.` the names skip) turn
  // away most words (`session`, `sent`, `search`) before any compare
  const s = fold(load<u8>(p + i)) == 0x73;
  const third = fold(peek(p, n, i + 2));
  if (fold(peek(p, n, i + 1)) != (s ? 0x65 : 0x77) || (third != (s ? 0x63 : 0x73) && third != 0x5f && third != 0x2e)) return false;
  if (s ? keyPrefixEnd(p, n, i, "secretaccesskey") == 0 : keyPrefixEnd(p, n, i, "awssecret") == 0 && !isAwsKeyName(p, n, i)) return false;
  let j = runEndWithin(p, n, i, KEY, MAX_KEY);
  // The gap: quotes (`\"` too, but not the `\/` that may start the key), spaces, `=` or `:`.
  for (let gap = 0; gap < 8; gap++) {
    const b = peek(p, n, j);
    if (b == BACKSLASH && peek(p, n, j + 1) == QUOTE) j += 2;
    else if (b == SPACE || b == QUOTE || b == APOSTROPHE || b == COLON || b == EQUALS || b == 0x3e) j++; // `>`: `<aws_key>…`
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
