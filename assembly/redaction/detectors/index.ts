// Finds secrets in the raw content of one JSON string (between the quotes, escapes as written)
// in a single pass. A 256-entry table says which detectors can start at each byte; most bytes
// start none. Detectors of words (cards, keys, tokens...) are tried only where a word starts,
// then the rest of the word is skipped, so plain text costs about one table lookup per byte.
//
// Overlaps: a span claims its bytes and the scan resumes after it, and detectors that read
// backward (the local part of an e-mail, the key of a pair) never read into a claimed span, so
// spans come out sorted and disjoint: the earliest start wins. At one position detectors are
// tried in the order of `tryDetectors`, the more specific shapes first; the first match wins.
// A value found through its name (secret_pair, auth_header) that is, as a whole, a secret of a
// specific shape (a JWT, a GitHub token, a PEM key...) is reported as that detector.
import { SpanList } from "../spans";
import { ALNUM, BACKSLASH, classOf, escapeLength } from "./chars";
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

// Table entry per byte: bit `id` when detector `id` can start there, plus how to move on.
const WORD: u32 = 1 << 30;
const ESCAPE: u32 = 1 << 31;
const STARTS = memory.data(256 << 2);

function canStart(bytes: string, id: u32): void {
  for (let k = 0; k < bytes.length; k++) {
    const at = STARTS + (<usize>bytes.charCodeAt(k) << 2);
    store<u32>(at, load<u32>(at) | (1 << id));
  }
}

function buildStarts(): void {
  const digits = "0123456789";
  const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  for (let b: u32 = 0; b < 256; b++) {
    if ((classOf(b) & ALNUM) != 0) store<u32>(STARTS + (<usize>b << 2), WORD);
  }
  store<u32>(STARTS + (<usize>BACKSLASH << 2), ESCAPE);
  canStart(digits, CARD);
  canStart(digits, SSN);
  canStart(upper, IBAN);
  canStart("@", EMAIL);
  canStart(digits, IPV4);
  canStart(digits + "abcdefABCDEF:", IPV6);
  canStart("e", JWT);
  canStart("-", PEM_PRIVATE_KEY);
  canStart("A", AWS_ACCESS_KEY_ID);
  canStart("aAsS", AWS_SECRET_KEY);
  canStart("g", GITHUB_TOKEN);
  canStart("x", SLACK_TOKEN);
  canStart("sr", STRIPE_KEY);
  canStart("A", GOOGLE_API_KEY);
  canStart(":", URL_PASSWORD);
  canStart("aA", AUTH_HEADER);
  canStart(":=", SECRET_PAIR);
}

buildStarts();

@inline function on(candidates: u32, id: u32): bool {
  return (candidates & (1 << id)) != 0;
}

// Detectors that find a value by its name rather than its shape.
const BY_NAME: u32 = (1 << SECRET_PAIR) | (1 << AUTH_HEADER) | (1 << AWS_SECRET_KEY) | (1 << URL_PASSWORD);

/** Tries the candidate detectors at `i` in priority order; returns the id that matched, or -1.
 * `floor` is where backward reading must stop: the end of the last span or escape. */
function tryDetectors(p: usize, n: usize, i: usize, candidates: u32, floor: usize, spanFloor: usize): i32 {
  if (on(candidates, PEM_PRIVATE_KEY) && pemPrivateKeyAt(p, n, i)) return PEM_PRIVATE_KEY;
  if (on(candidates, JWT) && jwtAt(p, n, i)) return JWT;
  if (on(candidates, AUTH_HEADER) && authHeaderAt(p, n, i)) return AUTH_HEADER;
  if (on(candidates, AWS_SECRET_KEY) && awsSecretKeyAt(p, n, i)) return AWS_SECRET_KEY;
  if (on(candidates, AWS_ACCESS_KEY_ID) && awsAccessKeyIdAt(p, n, i)) return AWS_ACCESS_KEY_ID;
  if (on(candidates, GITHUB_TOKEN) && githubTokenAt(p, n, i)) return GITHUB_TOKEN;
  if (on(candidates, SLACK_TOKEN) && slackTokenAt(p, n, i)) return SLACK_TOKEN;
  if (on(candidates, STRIPE_KEY) && stripeKeyAt(p, n, i)) return STRIPE_KEY;
  if (on(candidates, GOOGLE_API_KEY) && googleApiKeyAt(p, n, i)) return GOOGLE_API_KEY;
  if (on(candidates, URL_PASSWORD) && urlPasswordAt(p, n, i)) return URL_PASSWORD;
  // The key of a pair may sit before an escape (`\"password\":`): only spans bound it.
  if (on(candidates, SECRET_PAIR) && secretPairAt(p, n, i, spanFloor)) return SECRET_PAIR;
  if (on(candidates, EMAIL) && emailAt(p, n, i, floor)) return EMAIL;
  if (on(candidates, CARD) && cardAt(p, n, i)) return CARD;
  if (on(candidates, SSN) && ssnAt(p, n, i)) return SSN;
  if (on(candidates, IBAN) && ibanAt(p, n, i)) return IBAN;
  if (on(candidates, IPV4) && ipv4At(p, n, i)) return IPV4;
  if (on(candidates, IPV6) && ipv6At(p, n, i, floor)) return IPV6;
  return -1;
}

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
    const candidates = entry & enabled;
    if (candidates != 0) {
      const spanFloor = <usize>spans.lastEnd();
      let id = tryDetectors(ptr, len, i, candidates, max(spanFloor, escapeEnd), spanFloor);
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
  const candidates = load<u32>(STARTS + (<usize>load<u8>(p + from) << 2)) & enabled & ~BY_NAME;
  if (candidates != 0) {
    const id = tryDetectors(p, to, from, candidates, from, from);
    if (id >= 0 && matchStart == from && matchEnd == to) return id;
  }
  matchStart = from;
  matchEnd = to;
  return byName;
}

/** End of the word (letters and digits) that goes on at `j`. */
function wordEnd(p: usize, n: usize, j: usize): usize {
  while (j < n && (load<u32>(STARTS + (<usize>load<u8>(p + j) << 2)) & WORD) != 0) j++;
  return j;
}
