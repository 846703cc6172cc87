// Payment card numbers and US social security numbers: digit groups with issuer ranges, a
// checksum or validity rules, and no digits/letters glued on either side.
import { ALNUM, isDigit, isIn, labelBefore, peek, runEnd, DIGIT, UPPER } from "./chars";
import { found } from "./match";
import { hasContextWord } from "./rules";

const DASH: u32 = 0x2d;
const DOT: u32 = 0x2e;
const UNDERSCORE: u32 = 0x5f;
const SPACE: u32 = 0x20;

/** Whether the number starting at `i` continues one before it or sits in an identifier: `_`,
 * or `.`/`-`/`+` after a letter, digit or `_` (`blk_-6952295868487656571`, `v-4111…`, `1.5`). */
@inline function continuesBefore(p: usize, n: usize, i: usize): bool {
  const b = peek(p, n, i - 1);
  if (b == UNDERSCORE) return true;
  if (b != DOT && b != DASH && b != 0x2b) return false;
  const c = peek(p, n, i - 2);
  return c == UNDERSCORE || isIn(c, ALNUM);
}

/** Whether the number ending at `e` goes on (a letter, digit or `_`, or `.`/`-` then a digit). */
@inline function continuesAfter(p: usize, n: usize, e: usize): bool {
  const b = peek(p, n, e);
  return b == UNDERSCORE || isIn(b, ALNUM) || ((b == DOT || b == DASH) && isDigit(peek(p, n, e + 1)));
}

/** Luhn (mod 10) over the digits in [from, to), separators skipped. https://en.wikipedia.org/wiki/Luhn_algorithm */
export function luhnValid(p: usize, from: usize, to: usize): bool {
  let sum: u32 = 0;
  let double = false;
  for (let j = to; j > from; j--) {
    let d = <u32>load<u8>(p + j - 1) - 0x30;
    if (d > 9) continue;
    if (double) {
      d <<= 1;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 == 0;
}

/** The first six digits in [from, to) as a number (the issuer identification number). */
function issuerPrefix(p: usize, from: usize, to: usize): u32 {
  let v: u32 = 0;
  let digits = 0;
  for (let j = from; j < to && digits < 6; j++) {
    const d = <u32>load<u8>(p + j) - 0x30;
    if (d > 9) continue;
    v = v * 10 + d;
    digits++;
  }
  return v;
}

/** Whether a card of `digits` digits may start with `iin` (six digits) in a known network.
 * Ranges: https://en.wikipedia.org/wiki/Payment_card_number#Issuer_identification_number_(IIN) */
function knownIssuer(iin: u32, digits: u32): bool {
  const d1 = iin / 100000;
  const d2 = iin / 10000;
  const d3 = iin / 1000;
  const d4 = iin / 100;
  if (d1 == 4) return digits == 13 || digits == 16 || digits == 19; // Visa
  if (d2 >= 51 && d2 <= 55) return digits == 16; // Mastercard
  if (d4 >= 2221 && d4 <= 2720) return digits == 16; // Mastercard 2-series
  if (d4 >= 2200 && d4 <= 2204) return digits >= 16; // Mir
  if (d2 == 34 || d2 == 37) return digits == 15; // American Express
  if ((d3 >= 300 && d3 <= 305) || d2 == 36 || d2 == 38 || d2 == 39) return digits >= 14; // Diners Club
  if (d4 >= 3528 && d4 <= 3589) return digits >= 16; // JCB
  if (d1 == 1) return digits == 15; // UATP
  // Discover (6011, 644-649, 65), UnionPay (62), Maestro (50, 56-69), RuPay (60)
  return d2 == 50 || (d2 >= 56 && d2 <= 69);
}

@inline function isCard(p: usize, from: usize, to: usize, digits: u32): bool {
  return digits >= 13 && digits <= 19 && knownIssuer(issuerPrefix(p, from, to), digits) && luhnValid(p, from, to);
}

const MAX_GROUPS = 6;
const groupEnds = memory.data(MAX_GROUPS << 3);

/** Whether the groups (sizes packed 4 bits each, first in the low bits) are a layout cards are
 * printed in: 4-4-4-4, 4-4-4-4-3 (19 digits), 4-6-5 (Amex), 4-6-4 (Diners), 4-4-4-3, 4-4-4-1. */
function realLayout(sizes: u32, groups: i32): bool {
  if (groups == 4) return sizes == 0x4444 || sizes == 0x3444 || sizes == 0x1444;
  if (groups == 5) return sizes == 0x34444;
  if (groups == 3) return sizes == 0x564 || sizes == 0x464;
  return false;
}

/** Whether an IBAN's head (`DE89 `, `GB29-`) comes right before the group at `i`: its
 * account part is not a card, valid or not. */
@inline function afterIbanHead(p: usize, n: usize, i: usize): bool {
  if (i < 5) return false;
  const sep = peek(p, n, i - 1);
  return (sep == SPACE || sep == DASH) && isDigit(peek(p, n, i - 2)) && isDigit(peek(p, n, i - 3))
    && isIn(peek(p, n, i - 4), UPPER) && isIn(peek(p, n, i - 5), UPPER);
}

// Labels of identifiers: a number a log names so is not a card (`[session 56035785906040]`,
// `pid=…`, `trace_id: …`) even when it passes Luhn in an issuer's range.
const ID_LABELS: StaticArray<string> = [
  "session", "sid", "id", "pid", "tid", "uid", "gid", "txid", "xid", "trace", "trace_id", "span", "span_id",
  "thread", "job", "build", "seq", "request", "request_id", "req", "msgid", "queue_id", "mail_id",
  // the same in camel case (`traceID=2223839516656616`)
  "traceid", "spanid", "requestid", "sessionid", "correlationid", "messageid",
  // PostgreSQL's query identifier (`[queryid=6133553607493706416]` in log_line_prefix, jsonlog's `query_id`)
  "queryid",
  // cache busters in ad and analytics URLs (`;ord=6795061899455057?`); Go's time.Time printed
  // with %#v (`wall:0x…, ext:583521218251528`)
  "ord", "cb", "rnd", "rand", "random", "nonce", "correlator", "cachebuster", "ext", "wall",
]; // `_` stands for `-` too

// Last words of labels of bit sets written in decimal (`"QueryOptions":"2251801021800464"` and
// `option 2251801021800464` in Windows' DNS client events; `open_flags`, `access_mask`): whole or
// ending a longer label.
const FLAG_LABELS: StaticArray<string> = ["options", "option", "flags", "mask"];

// `id` or `handle` ending a longer label (`query_id`, `recordId`, `externalID`, Chromium's
// `--field-trial-handle=1776,6404088009311199867,…`): an identifier, as above.
const ID_SUFFIX: StaticArray<string> = ["id", "handle"];

/** Where the comma list of numbers that the number at `i` is an item of starts (`1776,` before
 * it), or `i`: the list's label names its items (`--field-trial-handle=1776,6404…`). */
function numberListStart(p: usize, i: usize): usize {
  if (i == 0 || load<u8>(p + i - 1) != 0x2c) return i;
  let k = i - 1;
  while (k > 0 && i - k < 64 && (isDigit(load<u8>(p + k - 1)) || load<u8>(p + k - 1) == 0x2c)) k--;
  return k < i - 1 && isDigit(load<u8>(p + k)) ? k : i;
}

/** Whether a label of `words` names the number at `i`, or the comma list of numbers it is in. */
function labelled(p: usize, i: usize, words: StaticArray<string>, suffix: bool): bool {
  if (labelBefore(p, i, words, suffix)) return true;
  const start = numberListStart(p, i);
  return start != i && labelBefore(p, start, words, suffix);
}

/** Whether a label says the number at `i` is an identifier or a bit set, not a card (asked
 * last: reading the words before costs more than the number's own checks). */
function labelledNotCard(p: usize, i: usize): bool {
  return labelled(p, i, ID_LABELS, false) || labelled(p, i, FLAG_LABELS, true) || labelled(p, i, ID_SUFFIX, true);
}

/** A card number at `i`: 13-19 digits in one run, or groups as cards are printed (4-4-4-4,
 * 4-6-5, 4-4-4-4-3...), all separated by the same single space or dash. When grouped, shorter
 * layouts are tried too, so a number written after a card stays out. */
export function cardAt(p: usize, n: usize, i: usize, floor: usize): bool {
  if (continuesBefore(p, n, i) || afterIbanHead(p, n, i)) return false;
  const run = runEnd(p, n, i, DIGIT);
  const first = <u32>(run - i);
  if (first >= 13) return !continuesAfter(p, n, run) && isCard(p, i, run, first) && !labelledNotCard(p, i) && found(i, run);
  if (first != 4) return false;
  const sep = peek(p, n, run);
  if (sep != SPACE && sep != DASH) return false;
  let groups = 0;
  let end = run;
  let digits = first;
  let sizes: u32 = 4;
  while (groups < MAX_GROUPS && peek(p, n, end) == sep && isDigit(peek(p, n, end + 1))) {
    const e = runEnd(p, n, end + 1, DIGIT);
    const g = <u32>(e - end - 1);
    if (g < 1 || g > 6 || digits + g > 19) break;
    digits += g;
    end = e;
    sizes |= g << (4 * (groups + 1));
    store<u32>(groupEnds + (<usize>groups << 3), <u32>end);
    store<u32>(groupEnds + (<usize>groups << 3), digits, 4);
    groups++;
  }
  for (let k = groups - 1; k >= 0; k--) {
    const e = <usize>load<u32>(groupEnds + (<usize>k << 3));
    const d = load<u32>(groupEnds + (<usize>k << 3), 4);
    if (d < 13) break;
    const mask: u32 = k + 2 >= 8 ? 0xffffffff : (1 << (4 * (k + 2))) - 1;
    if (realLayout(sizes & mask, k + 2) && !continuesAfter(p, n, e) && isCard(p, i, e, d)) return !labelledNotCard(p, i) && found(i, e);
  }
  return false;
}

/** A US social security number `AAA-GG-SSSS` (dashes, or spaces, both the same) with the SSA's
 * validity rules: area not 000, 666 or 900-999, group not 00, serial not 0000.
 * https://www.ssa.gov/employer/randomization.html */
export function ssnAt(p: usize, n: usize, i: usize, floor: usize): bool {
  if (continuesBefore(p, n, i)) return false;
  const run = runEnd(p, n, i, DIGIT) - i;
  if (run == 9) {
    // Unseparated: only where the text says it is an SSN (`ssn=078051121`, `SSN: …`).
    if (continuesAfter(p, n, i + 9) || !hasContextWord(p, i, SSN_CONTEXT)) return false;
    return validSsn(digitsValue(p, i, 3), digitsValue(p, i + 3, 2), digitsValue(p, i + 5, 4)) && found(i, i + 9);
  }
  if (run == 5 || (run == 3 && peek(p, n, i + 3) == DASH && runEnd(p, n, i + 4, DIGIT) == i + 10)) {
    // `07805-1121`, `078-051121`: misplaced dashes, only with context.
    const dash = i + run;
    if (peek(p, n, dash) != DASH || runEnd(p, n, dash + 1, DIGIT) != i + 10 || continuesAfter(p, n, i + 10)) return false;
    if (!hasContextWord(p, i, SSN_CONTEXT)) return false;
    const area = digitsValue(p, i, 3);
    const group = run == 5 ? digitsValue(p, i + 3, 2) : digitsValue(p, i + 4, 2);
    const serial = digitsValue(p, i + 6, 4);
    return validSsn(area, group, serial) && found(i, i + 10);
  }
  if (run != 3) return false;
  const sep = peek(p, n, i + 3);
  if ((sep != DASH && sep != SPACE && sep != DOT) || peek(p, n, i + 6) != sep) return false;
  if (runEnd(p, n, i + 4, DIGIT) != i + 6 || runEnd(p, n, i + 7, DIGIT) != i + 11) return false;
  if (continuesAfter(p, n, i + 11)) return false;
  // Dotted (`078.05.1123`) too, without context: versions and addresses are not 3-2-4 digits,
  // and a longer dotted number (`1.078.05.1123`, `078.05.1123.4`) is refused on both sides.
  if (!validSsn(digitsValue(p, i, 3), digitsValue(p, i + 4, 2), digitsValue(p, i + 7, 4))) return false;
  return found(i, i + 11);
}

const SSN_CONTEXT: StaticArray<string> = ["ssn", "social security", "social_security", "socialsecurity", "social-security"];

@inline function validSsn(area: u32, group: u32, serial: u32): bool {
  return !(area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0);
}

@inline function digitsValue(p: usize, at: usize, count: usize): u32 {
  let v: u32 = 0;
  for (let k: usize = 0; k < count; k++) v = v * 10 + <u32>load<u8>(p + at + k) - 0x30;
  return v;
}
