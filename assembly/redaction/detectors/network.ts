// Network identifiers: e-mail addresses, IPv4 and IPv6 addresses, and the password in a URL's
// userinfo (`scheme://user:password@host`).
import { ALNUM, AUTHORITY_END, BACKSLASH, classOf, DOMAIN, HEX, isDigit, isIn, keyEndsWith, KEY, labelBefore, LOCAL, LOWER, matchesAt, peek, runEnd, UPPER } from "./chars";
import { found } from "./match";
import { isPlaceholderValue } from "./pairs";

const AT: u32 = 0x40;
const DOT: u32 = 0x2e;
const COLON: u32 = 0x3a;
const SLASH: u32 = 0x2f;
const DASH: u32 = 0x2d;
const UNDERSCORE: u32 = 0x5f;
const MAX_LOCAL: usize = 64;

/** An e-mail address around the `@` at `at`: the local part is read backward, never below
 * `floor` (the end of the last span or escape), then labels with a final all-letter TLD. */
export function emailAt(p: usize, n: usize, at: usize, floor: usize): bool {
  let s = at;
  while (s > floor && isIn(load<u8>(p + s - 1), LOCAL)) {
    s--;
    if (at - s > MAX_LOCAL) return false;
  }
  s += innerEscapeAt(p, s, at);
  if (s == at || load<u8>(p + s) == DOT || load<u8>(p + at - 1) == DOT) return false;
  if (labelBefore(p, s, MESSAGE_ID_LABELS, true) || afterScheme(p, s, at, floor) || messageIdShape(p, s, at)) return false;
  const end = domainEnd(p, n, at + 1);
  return end != 0 && !sshAlgorithmName(p, n, s, at, end) && !bracketedMessageId(p, n, at, end, floor) && !inAlgorithmList(p, n, s, end) && !labelledAlgorithm(p, s, at) && !scpPathAfter(p, n, end) && !servicePrincipal(p, s, at, end) && found(s, end);
}

/** Length of the escape of JSON text inside a JSON string that the local part at `s` starts with:
 * `\\t` (the tab of `Account Name:\t\tbob@corp.example`) or `\\u003c` (a `<`) reach the
 * detectors as two backslashes, an escape of their own, then `t` or `u003c`, which are letters
 * of no address. */
function innerEscapeAt(p: usize, s: usize, at: usize): usize {
  if (s < 2 || load<u8>(p + s - 1) != BACKSLASH || load<u8>(p + s - 2) != BACKSLASH) return 0;
  let k = s - 2;
  while (k > 0 && load<u8>(p + k - 1) == BACKSLASH) k--;
  if ((s - k) % 4 != 2) return 0; // `\\\\t`: a backslash of the inner text, then a letter
  const b = <u32>load<u8>(p + s);
  if (b == 0x74 || b == 0x6e || b == 0x72) {
    // whitespace only after a label or another such escape: `CORP\\nancy@corp.example` (a
    // Windows DOMAIN\user in a JSON string) is a backslash, then the address
    const before = s > 2 ? <u32>load<u8>(p + s - 3) : 0x20;
    const spacing = !isIn(before, ALNUM) || ((before == 0x74 || before == 0x6e || before == 0x72) && s >= 5 && load<u8>(p + s - 4) == BACKSLASH && load<u8>(p + s - 5) == BACKSLASH);
    return spacing && at - s > 1 ? 1 : 0;
  }
  if (b == 0x78 && at - s > 3 && isIn(load<u8>(p + s + 1), HEX) && isIn(load<u8>(p + s + 2), HEX)) {
    // `\\x0a` (Zeek's and C's escape of a byte, `rcptto={\\x0abob@corp.example}`): after a
    // non-letter or another such escape, as for `\\t`; `CORP\\xavier@…` is a backslash, then him
    const before = s > 2 ? <u32>load<u8>(p + s - 3) : 0x20;
    const afterEscape = s >= 7 && load<u8>(p + s - 5) == 0x78 && load<u8>(p + s - 6) == BACKSLASH && load<u8>(p + s - 7) == BACKSLASH && isIn(load<u8>(p + s - 4), HEX) && isIn(before, HEX);
    return !isIn(before, ALNUM) || afterEscape ? 3 : 0;
  }
  if (b != 0x75 || at - s <= 5) return 0;
  for (let j = s + 1; j < s + 5; j++) if (!isIn(load<u8>(p + j), HEX)) return 0;
  return 5;
}

/** A local part no mailbox has but message ids do: 16 or more hex digits, dashes allowed (`f828ca60127d8646a0fa75cbf8db9ba3@host`,
 * a GUID: Exchange Online's `<00000000-0000-0000-0000-000000000000@az.eastus.production.microsoft.com>`,
 * Exim's `id=`), or a timestamp of 8 or more digits then `.` (`201303201244.r2KCi11V018784@host`,
 * `20240223075525.8CD9941B67@host`, Sendmail's and Postfix's). */
function messageIdShape(p: usize, s: usize, at: usize): bool {
  let hex = at - s >= 16;
  let digits = 0;
  for (let k = s; k < at && hex; k++) {
    const b = load<u8>(p + k);
    if (isIn(b, HEX)) digits++;
    else if (b != DASH) hex = false;
  }
  if (hex && digits >= 16) return true;
  let d = s;
  while (d < at && isDigit(load<u8>(p + d))) d++;
  return d - s >= 8 && d < at && load<u8>(p + d) == DOT;
}

/** `<CADsmdyWKpbe9NVsh29VkbMCRZRfXUUXH+316vKFgDGHtJxwoAw@mail.gmail.com>`: a Message-ID in its
 * angle brackets (RFC 5322 §3.6.4) whose left part is a machine's random token, not a mailbox's
 * name: from `<` to `@` only letters, digits and `+`, `-`, `_`, `=`, `/` (no `.`), 24 characters or
 * more with two or more upper-case letters, lower-case letters and digits each, and a first
 * segment (before the first `+-_=/`) with an upper-case letter and a digit, or upper case only
 * (`CA+…`, Gmail's). A tagged mailbox keeps its name in front (`<reply+AAJQ…@reply.github.com>`,
 * `<jsmith3+…@boards.trello.com>`: masked), an SRS/BATV address carries a domain's `.`. */
function bracketedMessageId(p: usize, n: usize, at: usize, end: usize, floor: usize): bool {
  if (peek(p, n, end) != 0x3e) return false;
  let lt = at;
  while (lt > floor && at - lt <= 128) {
    const b = <u32>load<u8>(p + lt - 1);
    if (!isIn(b, ALNUM) && b != 0x2b && b != DASH && b != UNDERSCORE && b != 0x3d && b != SLASH) break;
    lt--;
  }
  if (lt == floor || load<u8>(p + lt - 1) != 0x3c || at - lt < 24 || at - lt > 128) return false;
  let upper = 0, lower = 0, digits = 0;
  let segUpper = false, segLower = false, segDigit = false, inFirst = true;
  for (let k = lt; k < at; k++) {
    const b = <u32>load<u8>(p + k);
    const u = isIn(b, UPPER), l = isIn(b, LOWER), d = isDigit(b);
    if (u) upper++;
    else if (l) lower++;
    else if (d) digits++;
    else inFirst = false;
    if (inFirst) {
      segUpper = segUpper || u;
      segLower = segLower || l;
      segDigit = segDigit || d;
    }
  }
  return upper >= 2 && lower >= 2 && digits >= 2 && segUpper && (segDigit || !segLower);
}

/** `abfss://container@account.dfs.core.windows.net`, `ssh://git@host`: a URL's user, not a
 * mailbox (a password there is url_password's), unless the user is itself an address written
 * with `%40` (`https://13957525385%40163.com@contacts.icloud.com/`). */
function afterScheme(p: usize, s: usize, at: usize, floor: usize): bool {
  if (s < floor + 3 || load<u8>(p + s - 1) != SLASH || load<u8>(p + s - 2) != SLASH || load<u8>(p + s - 3) != COLON) return false;
  for (let k = s; k + 3 <= at; k++) if (load<u8>(p + k) == 0x25 && load<u8>(p + k + 1) == 0x34 && load<u8>(p + k + 2) == 0x30) return false;
  return true;
}

/** `ldap/dc1.corp.example/corp.example@CORP.EXAMPLE`, `HTTP/web01@CORP.EXAMPLE`: a Kerberos
 * service principal (a service and its host before a `/`, the realm in upper case), not a
 * mailbox. A user's principal (`bob@CORP.EXAMPLE`) and an address in a URL path stay. */
function servicePrincipal(p: usize, s: usize, at: usize, end: usize): bool {
  if (s == 0 || load<u8>(p + s - 1) != SLASH) return false;
  for (let k = at + 1; k < end; k++) if (isIn(load<u8>(p + k), LOWER)) return false;
  return true;
}

/** `git@github.com:owner/repo.git`: scp-style SSH (a user and a host, then `:` and a path with a
 * `/` before any space or quote). `bob@example.com: denied` stays an address. */
function scpPathAfter(p: usize, n: usize, end: usize): bool {
  if (peek(p, n, end) != COLON) return false;
  for (let k = end + 1; k < n && k - end < 128; k++) {
    const b = <u32>load<u8>(p + k);
    if (b == SLASH) return k > end + 1;
    if (b <= 0x20 || b == 0x22 || b == 0x27 || b == BACKSLASH) return false;
  }
  return false;
}

// Message identifiers look like addresses (`Message-ID: <20240223075525.8CD9941B67@mx.example>`,
// RFC 5322 §3.6.4) but name a message, not a mailbox.
const MESSAGE_ID_LABELS: StaticArray<string> = ["message_id", "messageid", "msgid", "msg_id", "in_reply_to", "references"]; // `_` stands for `-` too

/** Whether `name@domain` at [s, end) is an item of a comma list of algorithm names, as SSH
 * prints its offers (`aes256-cbc,rijndael-cbc@lysator.liu.se,aes192-cbc`), or a column of a
 * tab-separated log beside another algorithm (Zeek's ssh.log: `aes128-ctr\thmac-md5\tzlib@openssh.com`):
 * SSH names its local extensions `name@domain` (RFC 4251 §6), not a mailbox. A neighbour right
 * across the comma or tab must look like an algorithm: lower case, digits, `-`, `.`, with a `-`
 * and a digit. */
function inAlgorithmList(p: usize, n: usize, s: usize, end: usize): bool {
  // each item may be quoted, as in a JSON list (cowrie's `["aes128-ctr","aes128-gcm@openssh.com"]`)
  const from = s - quoteBefore(p, s);
  const to = end + quoteAt(p, n, end);
  // a column's own name: an algorithm's shape, with a `-` and a digit (`umac-64@openssh.com`;
  // `zlib@…` is not told from a mailbox, nor `jane-doe@…` after a host `web-01`)
  if (algorithmShaped(p, s, atIn(p, s, end))) {
    const tabBefore = tabEndingAt(p, from);
    if (tabBefore != 0) {
      const itemEnd = from - tabBefore;
      let k = itemEnd;
      while (k > 0 && itemEnd - k < 96 && (isAlgorithmByte(load<u8>(p + k - 1)) || load<u8>(p + k - 1) == AT) && tabEndingAt(p, k) == 0) k--;
      if (k < itemEnd && isAlgorithmByte(load<u8>(p + k)) && columnAlgorithm(p, k, itemEnd)) return true;
    }
    const tabAfter = peek(p, n, to) == 0x09 ? 1 : peek(p, n, to) == BACKSLASH && peek(p, n, to + 1) == 0x74 ? 2 : 0;
    if (tabAfter != 0) {
      const itemStart = to + tabAfter;
      let k = itemStart;
      while (k < n && k - itemStart < 96 && (isAlgorithmByte(load<u8>(p + k)) || load<u8>(p + k) == AT)) k++;
      if (columnAlgorithm(p, itemStart, k)) return true;
    }
  }
  if (from > 0 && load<u8>(p + from - 1) == 0x2c) {
    const itemEnd = from - 1 - quoteBefore(p, from - 1);
    let k = itemEnd;
    while (k > 0 && itemEnd - k < 64 && isAlgorithmByte(load<u8>(p + k - 1))) k--;
    if (algorithmName(p, k, itemEnd)) return true;
  }
  if (peek(p, n, to) == 0x2c) {
    const itemStart = to + 1 + quoteAt(p, n, to + 1);
    let k = itemStart;
    while (k < n && k - itemStart < 64 && isAlgorithmByte(load<u8>(p + k))) k++;
    if (algorithmName(p, itemStart, k)) return true;
  }
  return false;
}

// The domains OpenSSH and libssh name their own protocol extensions under (RFC 4251 §6:
// `zlib@openssh.com`, `hmac-md5-etm@openssh.com`, `curve25519-sha256@libssh.org`).
const SSH_NAME_DOMAINS: StaticArray<string> = ["openssh.com", "libssh.org"];

/** Whether `name@domain` at [s, end) is an SSH algorithm's or extension's name wherever it stands:
 * the domain exactly one of SSH_NAME_DOMAINS (lower case, as the names are written) and the
 * local part a name's shape (lower case, digits, `-`, `.`). `Jane.Doe@openssh.com`,
 * `zlib@openssh.com.example.net` and `zlib@mail.openssh.com` stay addresses. */
function sshAlgorithmName(p: usize, n: usize, s: usize, at: usize, end: usize): bool {
  let domain = false;
  for (let i = 0; i < SSH_NAME_DOMAINS.length; i++) {
    const d = SSH_NAME_DOMAINS[i];
    if (end - at - 1 == <usize>d.length && matchesAt(p, n, at + 1, d)) domain = true;
  }
  if (!domain) return false;
  for (let k = s; k < at; k++) if (!isAlgorithmByte(load<u8>(p + k))) return false;
  return true;
}

// Labels of cryptographic algorithm names (`cipher=chacha20-poly1305@openssh.com
// pfs=curve25519-sha256@libssh.org` in sshd's audit records; `kex_algorithms`, `HostKeyAlgorithms`).
const ALGORITHM_LABELS: StaticArray<string> = ["cipher", "ciphers", "mac", "macs", "kex", "pfs", "hostkey", "algo", "algorithm", "algorithms", "compression"];

/** Whether the local part [s, at) is an algorithm's name (lower case, digits, `-`, `.`) under an
 * algorithm's label: one algorithm SSH names `name@domain` (RFC 4251 §6), not a mailbox. */
function labelledAlgorithm(p: usize, s: usize, at: usize): bool {
  for (let k = s; k < at; k++) if (!isAlgorithmByte(load<u8>(p + k))) return false;
  return labelBefore(p, s, ALGORITHM_LABELS, true);
}

/** Length of the quote (`"`, or `\"` inside a JSON string) that ends at `j`, or 0. */
function quoteBefore(p: usize, j: usize): usize {
  if (j == 0 || load<u8>(p + j - 1) != 0x22) return 0;
  return j > 1 && load<u8>(p + j - 2) == BACKSLASH ? 2 : 1;
}

/** Where the `@` in [from, to) is, or `to`. */
function atIn(p: usize, from: usize, to: usize): usize {
  for (let k = from; k < to; k++) if (load<u8>(p + k) == AT) return k;
  return to;
}

function algorithmShaped(p: usize, from: usize, to: usize): bool {
  for (let k = from; k < to; k++) if (!isAlgorithmByte(load<u8>(p + k))) return false;
  return algorithmName(p, from, to);
}

/** A column's value that is an algorithm's name, alone or as `name@domain`: the name (before any
 * `@`) lower case, digits and `-`, with a `-` and a digit, no `.` (a host name is not one). */
function columnAlgorithm(p: usize, from: usize, to: usize): bool {
  const name = atIn(p, from, to);
  for (let k = from; k < name; k++) if (load<u8>(p + k) == DOT) return false;
  return algorithmName(p, from, name);
}

/** Length of the tab (a tab byte, or `\t` in a JSON string) that ends at `j`, or 0. */
function tabEndingAt(p: usize, j: usize): usize {
  if (j == 0) return 0;
  const b = load<u8>(p + j - 1);
  if (b == 0x09) return 1;
  return b == 0x74 && j >= 2 && load<u8>(p + j - 2) == BACKSLASH && (j < 3 || load<u8>(p + j - 3) != BACKSLASH) ? 2 : 0;
}

/** Length of the quote that starts at `j`, or 0. */
function quoteAt(p: usize, n: usize, j: usize): usize {
  if (peek(p, n, j) == 0x22) return 1;
  return peek(p, n, j) == BACKSLASH && peek(p, n, j + 1) == 0x22 ? 2 : 0;
}

@inline function isAlgorithmByte(b: u32): bool {
  return b - 0x61 < 26 || b - 0x30 < 10 || b == DASH || b == DOT;
}

function algorithmName(p: usize, from: usize, to: usize): bool {
  if (to - from < 6) return false;
  let dash = false;
  let digit = false;
  for (let k = from; k < to; k++) {
    const b = <u32>load<u8>(p + k);
    if (b == DASH) dash = true;
    else if (b - 0x30 < 10) digit = true;
  }
  return dash && digit;
}

/** End of `label(.label)+` at `j` whose last label is letters only (2+), or 0. Trailing labels
 * that break the rule are left out (`a@example.com.5` ends after `com`). */
function domainEnd(p: usize, n: usize, j: usize): usize {
  let labels = 0;
  let end: usize = 0;
  while (isIn(peek(p, n, j), ALNUM)) {
    const from = j;
    j = runEnd(p, n, j, DOMAIN);
    if (load<u8>(p + j - 1) == DASH) break;
    labels++;
    // The last label: letters (`com`), or an internationalised TLD in punycode (`xn--p1ai`).
    if (labels >= 2 && j - from >= 2 && (runEnd(p, n, from, UPPER | LOWER) == j || (j - from >= 5 && isPunycode(p, from)))) end = j;
    if (peek(p, n, j) != DOT) break;
    j++;
  }
  return end;
}

@inline function isPunycode(p: usize, at: usize): bool {
  return (load<u8>(p + at) | 0x20) == 0x78 && (load<u8>(p + at + 1) | 0x20) == 0x6e && load<u8>(p + at + 2) == DASH && load<u8>(p + at + 3) == DASH;
}

/** End of a dotted quad at `j` (each octet 0-255, no leading zeros), or 0. */
export function dottedQuadEnd(p: usize, n: usize, j: usize): usize {
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (peek(p, n, j) != DOT) return 0;
      j++;
    }
    let v = peek(p, n, j) - 0x30;
    if (v > 9) return 0;
    j++;
    if (v != 0) {
      for (let k = 0; k < 2 && isDigit(peek(p, n, j)); k++, j++) v = v * 10 + peek(p, n, j) - 0x30;
      if (v > 255) return 0;
    }
    if (isDigit(peek(p, n, j))) return 0;
  }
  return j;
}

/** An IPv4 address at `i`, not part of a longer dotted number (1.2.3.4.5, OIDs) nor the value
 * of a version (`version=1.2.3.4`). */
export function ipv4At(p: usize, n: usize, i: usize, floor: usize): bool {
  const before = peek(p, n, i - 1);
  if (before == DOT || before == UNDERSCORE) return false;
  const end = dottedQuadEnd(p, n, i);
  if (end == 0) return false;
  const after = peek(p, n, end);
  if (after == UNDERSCORE || isIn(after, ALNUM) || (after == DOT && isDigit(peek(p, n, end + 1)))) return false;
  return !namedVersion(p, n, i) && found(i, end);
}

/** Whether the value at `i` follows a key or word that names a version or release. */
function namedVersion(p: usize, n: usize, i: usize): bool {
  let k = i;
  // `version=`, `"version": "`, `\"version\":\"`, `version ` ...
  for (let skipped = 0; skipped < 6 && k > 0 && !isIn(load<u8>(p + k - 1), ALNUM); skipped++) k--;
  let from = k;
  while (from > 0 && k - from < 32 && isIn(load<u8>(p + from - 1), KEY)) from--;
  return keyEndsWith(p, from, k, "version") || keyEndsWith(p, from, k, "release");
}

/** An IPv6 address at `i` (a hex digit, or the first `:` of a leading `::`): eight groups of
 * 1-4 hex digits, or fewer around one `::`, optionally ending in a dotted quad. Compressed
 * forms need two groups and a decimal digit, so `Abc::Def` (C++) and `::1` stay. Times and
 * MAC addresses (12:30:45, 00:1a:2b:3c:4d:5e) have neither eight groups nor `::`. */
export function ipv6At(p: usize, n: usize, i: usize, floor: usize): bool {
  // A letter or digit right before (and not the tail of an escape) means the address would
  // have started there: `::` inside `std::1:2` is not one.
  const before = peek(p, n, i - 1);
  if (before == COLON || before == DOT || before == UNDERSCORE || (i > floor && isIn(before, ALNUM))) return false;
  let j = i;
  let groups = 0;
  let compressed = false;
  let digits = false;
  if (peek(p, n, j) == COLON) {
    if (peek(p, n, j + 1) != COLON) return false;
    compressed = true;
    j += 2;
  }
  while (true) {
    const from = j;
    let k = j;
    while (k - from < 5 && isIn(peek(p, n, k), HEX)) k++;
    if (k == from) break;
    if (peek(p, n, k) == DOT && isDigit(peek(p, n, k + 1))) {
      const quad = dottedQuadEnd(p, n, from);
      if (quad == 0) return false;
      groups += 2;
      digits = true;
      j = quad;
      break;
    }
    if (k - from > 4) return false;
    if (hasDecimal(p, from, k)) digits = true;
    groups++;
    j = k;
    if (peek(p, n, j) != COLON) break;
    if (peek(p, n, j + 1) == COLON) {
      if (compressed) break;
      compressed = true;
      j += 2;
    } else if (isIn(peek(p, n, j + 1), HEX)) {
      j++;
    } else {
      break;
    }
  }
  if (compressed ? groups < 2 || groups > 7 || !digits : groups != 8) return false;
  const after = peek(p, n, j);
  if (after == COLON || after == UNDERSCORE || isIn(after, ALNUM) || (after == DOT && isDigit(peek(p, n, j + 1)))) return false;
  // A zone id (`fe80::1%eth0`, `%25eth0` in URLs) belongs to the address.
  if (after == 0x25) {
    let z = j + 1;
    while (z < n && z - j <= 32 && (isIn(load<u8>(p + z), ALNUM) || load<u8>(p + z) == DOT || load<u8>(p + z) == DASH || load<u8>(p + z) == UNDERSCORE)) z++;
    if (z > j + 1) j = z;
  }
  return found(i, j);
}

@inline function hasDecimal(p: usize, from: usize, to: usize): bool {
  for (let k = from; k < to; k++) if (isDigit(load<u8>(p + k))) return true;
  return false;
}

/** The password in `scheme://user:password@host` at the `:` after the scheme: from the first
 * `:` of the authority to its last `@` (passwords may hold unencoded `@`). `//` may arrive
 * escaped as `\/\/`. */
export function urlPasswordAt(p: usize, n: usize, colon: usize, floor: usize): bool {
  if (!isIn(peek(p, n, colon - 1), ALNUM)) return false;
  let j = colon + 1;
  if (peek(p, n, j) == SLASH && peek(p, n, j + 1) == SLASH) j += 2;
  else if (peek(p, n, j) == BACKSLASH && peek(p, n, j + 1) == SLASH && peek(p, n, j + 2) == BACKSLASH && peek(p, n, j + 3) == SLASH) j += 4;
  else return false;
  const authority = j;
  let userColon: usize = 0;
  let lastAt: usize = 0;
  for (; j < n; j++) {
    const b = <u32>load<u8>(p + j);
    if ((classOf(b) & AUTHORITY_END) != 0) break;
    if (b == AT) lastAt = j;
    else if (b == COLON && userColon == 0 && lastAt == 0) userColon = j;
  }
  if (userColon == 0 || lastAt <= userColon + 1) return false;
  // `https://<token>:x-oauth-basic@github.com/…`: GitHub's documented way to put a token in a
  // URL, as the user with a fixed password; the token is the secret (the span ends at `@`, so
  // the fixed word does not read as an e-mail's local part).
  if (lastAt - userColon - 1 == 13 && userColon > authority && matchesAt(p, n, userColon + 1, "x-oauth-basic")) return found(authority, lastAt);
  // a template's or a document's stand-in (`${PASSWORD}`, `{{pass}}`, `$(PGPASSWORD)`, `YOUR_PASSWORD`)
  if (isPlaceholderValue(p, userColon + 1, lastAt)) return false;
  return found(userColon + 1, lastAt);
}
