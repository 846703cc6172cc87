// Finds secrets in the raw content of one JSON string (between the quotes, escapes as written)
// in a single pass. A 256-entry table says which detectors can start with each byte, a second
// which can continue with the next one; most positions start none. Word detectors (cards,
// keys, tokens...) are tried only where a word starts, and the rest of the word is skipped
// eight bytes at a time, so plain text costs little more than one table lookup per word.
//
// Overlaps: a span claims its bytes and the scan resumes after it, and detectors that read
// backward (the local part of an e-mail, the key of a pair) never read into a claimed span, so
// spans come out sorted and disjoint: the earliest start wins (at one position at most one
// detector can match, see `tryDetectors`).
// A value found through its name (secret_pair, auth_header) that is, as a whole, a secret of a
// specific shape (a JWT, a GitHub token, a PEM key...) is reported as that detector.
import { SpanList } from "../spans";
import { ALNUM, BACKSLASH, classOf, DIGIT, escapeLength, HEX, isIn, peek, runEndWithin } from "./chars";
import { matchEnd, matchStart } from "./match";
import { cardAt, ssnAt } from "./numbers";
import { ibanAt } from "./iban";
import { emailAt, ipv4At, ipv6At, urlPasswordAt } from "./network";
import { awsAccessKeyIdAt, githubTokenAt, googleApiKeyAt, jwtAt, slackTokenAt, stripeKeyAt } from "./tokens";
import { pemPrivateKeyAt } from "./pem";
import { authHeaderAt, awsSecretKeyAt, secretPairAt } from "./pairs";

export const CARD: u32 = 0;
export const SSN: u32 = 1;
export const IBAN: u32 = 2;
export const EMAIL: u32 = 3;
export const IPV4: u32 = 4;
export const IPV6: u32 = 5;
export const JWT: u32 = 6;
export const PEM_PRIVATE_KEY: u32 = 7;
export const AWS_ACCESS_KEY_ID: u32 = 8;
export const AWS_SECRET_KEY: u32 = 9;
export const GITHUB_TOKEN: u32 = 10;
export const SLACK_TOKEN: u32 = 11;
export const STRIPE_KEY: u32 = 12;
export const GOOGLE_API_KEY: u32 = 13;
export const URL_PASSWORD: u32 = 14;
export const AUTH_HEADER: u32 = 15;
export const SECRET_PAIR: u32 = 16;
export const DETECTOR_COUNT: u32 = 17;
/** Enabled-mask with every detector on; bit `id` enables detector `id`. */
export const ALL_DETECTORS: u32 = (1 << DETECTOR_COUNT) - 1;

/** Policy names, indexed by detector id. */
export const DETECTOR_NAMES: StaticArray<string> = [
  "card", "ssn", "iban", "email", "ipv4", "ipv6", "jwt", "pem_private_key", "aws_access_key_id",
  "aws_secret_key", "github_token", "slack_token", "stripe_key", "google_api_key", "url_password",
  "auth_header", "secret_pair",
];

/** The id of the detector called `name`, or -1 (cold path: policy loading). */
export function detectorId(name: string): i32 {
  for (let id = 0; id < DETECTOR_NAMES.length; id++) if (DETECTOR_NAMES[id] == name) return id;
  return -1;
}

// Per byte: STARTS has bit `id` when detector `id` can start with the byte, plus how the scan
// moves on (WORD, ESCAPE); SECONDS has bit `id` when the byte can come second. Two lookups
// rule out nearly every word before any detector runs: `record` starts with the `r` of
// `rk_live_`, but its `e` is not a `k`.
const WORD: u32 = 1 << 30;
const ESCAPE: u32 = 1 << 31;
const STARTS = memory.data(256 << 2);
const SECONDS = memory.data(256 << 2);

function allow(table: usize, bytes: string, id: u32): void {
  for (let k = 0; k < bytes.length; k++) {
    const at = table + (<usize>bytes.charCodeAt(k) << 2);
    store<u32>(at, load<u32>(at) | (1 << id));
  }
}

function starts(id: u32, first: string, second: string): void {
  allow(STARTS, first, id);
  allow(SECONDS, second, id);
}

function buildTables(): void {
  const digits = "0123456789";
  const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const hex = digits + "abcdefABCDEF";
  const alnum = digits + upper + "abcdefghijklmnopqrstuvwxyz";
  for (let b: u32 = 0; b < 256; b++) {
    if ((classOf(b) & ALNUM) != 0) store<u32>(STARTS + (<usize>b << 2), WORD);
    store<u32>(SECONDS + (<usize>b << 2), 1 << SECRET_PAIR); // a value may start with anything
  }
  store<u32>(STARTS + (<usize>BACKSLASH << 2), ESCAPE);
  starts(CARD, digits, digits);
  starts(SSN, digits, digits);
  starts(IBAN, upper, upper);
  starts(EMAIL, "@", alnum);
  starts(IPV4, digits, digits + ".");
  starts(IPV6, hex + ":", hex + ":");
  starts(JWT, "e", "y");
  starts(PEM_PRIVATE_KEY, "-", "-");
  starts(AWS_ACCESS_KEY_ID, "A", "KSGIRN");
  starts(AWS_SECRET_KEY, "aAsS", "wWeE");
  starts(GITHUB_TOKEN, "g", "hi");
  starts(SLACK_TOKEN, "x", "o");
  starts(STRIPE_KEY, "sr", "k");
  starts(GOOGLE_API_KEY, "A", "I");
  starts(URL_PASSWORD, ":", "/\\");
  starts(AUTH_HEADER, "aA", "uU");
  starts(SECRET_PAIR, ":=", "");
}

buildTables();

// Detectors that find a value by its name rather than its shape.
const BY_NAME: u32 = (1 << SECRET_PAIR) | (1 << AUTH_HEADER) | (1 << AWS_SECRET_KEY) | (1 << URL_PASSWORD);

/** A detector: whether one of its secrets is at `i` (where it starts, or for e-mail its `@`);
 * the bounds go to `found`. `floor` is where reading backward must stop: the end of the last
 * span or escape. */
type Detector = (p: usize, n: usize, i: usize, floor: usize) => bool;

// By id, as function-table indices in raw memory, called with `call_indirect`: no managed
// references on the hot path (they cost shadow-stack traffic in every function that holds
// one), and no detector is inlined into one giant dispatcher.
const DETECTORS: StaticArray<Detector> = [
  cardAt, ssnAt, ibanAt, emailAt, ipv4At, ipv6At, jwtAt, pemPrivateKeyAt, awsAccessKeyIdAt,
  awsSecretKeyAt, githubTokenAt, slackTokenAt, stripeKeyAt, googleApiKeyAt, urlPasswordAt,
  authHeaderAt, secretPairAt,
];
const DETECTOR_INDEX = memory.data(<i32>DETECTOR_COUNT << 2);
for (let id = 0; id < DETECTORS.length; id++) store<u32>(DETECTOR_INDEX + (<usize>id << 2), DETECTORS[id].index);

/** Tries the candidate detectors at `i`; returns the id that matched, or -1. Detectors that
 * can start with the same byte are exclusive by construction (different prefixes: `::` for
 * IPv6 but `://` for URLs and neither for pairs; 13+ digits or 4 and a separator for cards,
 * 3 and a dash for SSNs, a dot for IPv4...), so the order they are tried in does not matter. */
function tryDetectors(p: usize, n: usize, i: usize, candidates: u32, floor: usize): i32 {
  while (candidates != 0) {
    const id = ctz(candidates);
    candidates &= candidates - 1;
    if (call_indirect<bool>(load<u32>(DETECTOR_INDEX + (<usize>id << 2)), p, n, i, floor)) return id;
  }
  return -1;
}

/** Candidate detectors at `i`: those that can start with its byte and continue with the next. */
@inline function candidatesAt(p: usize, n: usize, i: usize, entry: u32, enabled: u32): u32 {
  let candidates = entry & enabled;
  if (candidates == 0) return 0;
  candidates &= load<u32>(SECONDS + (<usize>peek(p, n, i + 1) << 2));
  return candidates & NUMERIC ? numericShapes(p, n, i, candidates) : candidates;
}

const DECIMAL: u32 = (1 << CARD) | (1 << SSN) | (1 << IPV4);
const NUMERIC: u32 = DECIMAL | (1 << IPV6);

/** Drops the numeric detectors the characters at `i` cannot fit, from one look at the run of
 * digits (or hex digits) and the byte after it: most numbers in logs (counts, epochs, ports)
 * and hex words (`cache`, `deadline`) fit none. */
@inline function numericShapes(p: usize, n: usize, i: usize, candidates: u32): u32 {
  let fits = ~NUMERIC;
  if (candidates & (1 << IPV6)) {
    const group = runEndWithin(p, n, i, HEX, 4);
    if (group - i <= 4 && peek(p, n, group) == COLON) fits |= 1 << IPV6;
  }
  if (candidates & DECIMAL) {
    const run = runEndWithin(p, n, i, DIGIT, 19) - i;
    const after = peek(p, n, i + run);
    if (run >= 13 || (run == 4 && (after == SPACE || after == DASH))) fits |= 1 << CARD;
    if (run == 3 && (after == DASH || after == SPACE) && peek(p, n, i + 6) == after) fits |= 1 << SSN;
    if (run <= 3 && after == DOT) fits |= 1 << IPV4;
  }
  return candidates & fits;
}

const SPACE: u32 = 0x20;
const DASH: u32 = 0x2d;
const DOT: u32 = 0x2e;
const COLON: u32 = 0x3a;

/** Finds the secrets in the raw JSON string content [ptr, ptr+len) with the detectors whose
 * bit is set in `enabled`; `spans` is cleared, then holds them as offsets from `ptr`. */
export function findSecrets(ptr: usize, len: usize, enabled: u32, spans: SpanList): void {
  spans.reset();
  enabled &= ALL_DETECTORS;
  if (enabled == 0) return;
  let escapeEnd: usize = 0;
  let i: usize = 0;
  while (i < len) {
    const entry = load<u32>(STARTS + (<usize>load<u8>(ptr + i) << 2));
    const candidates = candidatesAt(ptr, len, i, entry, enabled);
    if (candidates != 0) {
      let id = tryDetectors(ptr, len, i, candidates, max(<usize>spans.lastEnd(), escapeEnd));
      if (id == SECRET_PAIR || id == AUTH_HEADER) id = specificShape(ptr, id, enabled);
      if (id >= 0) {
        spans.add(<u32>matchStart, <u32>matchEnd, id);
        i = max(matchEnd, i + 1);
        continue;
      }
    }
    if (entry & WORD) {
      i = wordEnd(ptr, len, i + 1);
    } else if (entry & ESCAPE) {
      i += escapeLength(ptr, len, i);
      escapeEnd = i;
    } else {
      i++;
    }
  }
}

/** The detector of a specific shape that matches the whole value [matchStart, matchEnd) found
 * by `byName`, or `byName`. The value is scanned as if it were the whole string, so shape
 * detectors see its ends as boundaries; the match bounds are restored when none fits. */
function specificShape(p: usize, byName: i32, enabled: u32): i32 {
  const from = matchStart;
  const to = matchEnd;
  const candidates = candidatesAt(p, to, from, load<u32>(STARTS + (<usize>load<u8>(p + from) << 2)), enabled & ~BY_NAME);
  if (candidates != 0) {
    const id = tryDetectors(p, to, from, candidates, from);
    if (id >= 0 && matchStart == from && matchEnd == to) return id;
  }
  matchStart = from;
  matchEnd = to;
  return byName;
}

/** End of the word (letters and digits) that goes on at `j`, eight bytes at a time. */
function wordEnd(p: usize, n: usize, j: usize): usize {
  while (j + 8 <= n) {
    const stop = nonAlnumBytes(load<u64>(p + j));
    if (stop != 0) return j + <usize>(ctz(stop) >> 3);
    j += 8;
  }
  while (j < n && (load<u32>(STARTS + (<usize>load<u8>(p + j) << 2)) & WORD) != 0) j++;
  return j;
}

const HIGH_BITS: u64 = 0x8080808080808080;
const ASCII_BITS: u64 = 0x7f7f7f7f7f7f7f7f;
const CASE_BITS: u64 = 0x2020202020202020;

/** The high bit of every byte of `w` that is not an ASCII letter or digit (SWAR: adding
 * 0x80 - lo to a 7-bit byte sets its high bit exactly when the byte is >= lo, and no carry
 * crosses into the next byte). */
@inline function nonAlnumBytes(w: u64): u64 {
  const ascii = w & ASCII_BITS;
  const folded = ascii | CASE_BITS;
  const letter = (folded + 0x1f1f1f1f1f1f1f1f) & ~(folded + 0x0505050505050505); // 'a'..'z'
  const digit = (ascii + 0x5050505050505050) & ~(ascii + 0x4646464646464646); // '0'..'9'
  return (~(letter | digit) | w) & HIGH_BITS;
}
