// Credentials with a recognisable shape: vendor tokens with a fixed prefix, alphabet and
// length, and JSON Web Tokens. Each is matched at the start of a word and must end there too.
import { ALNUM, B64URL, DIGIT, IDENT, matchesAt, peek, runEnd, SLACK, startsRun, UPPER } from "./chars";
import { found } from "./match";

/** `prefix` then a run of `cls` bytes whose length is within [min, max]. The run is maximal,
 * so a longer word of the same alphabet is not a token. */
function prefixed(p: usize, n: usize, i: usize, floor: usize, prefix: string, cls: u32, min: usize, max: usize): bool {
  if (!matchesAt(p, n, i, prefix) || !startsRun(p, n, i, floor, cls)) return false;
  const from = i + <usize>prefix.length;
  const end = runEnd(p, n, from, cls);
  const len = end - from;
  return len >= min && len <= max && found(i, end);
}

// Access key ids: AKIA (long-term), ASIA (temporary), and the ids of other IAM resources.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
const AWS_PREFIXES: StaticArray<string> = ["AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA"];

/** An AWS access key id: a known 4-letter prefix and 16 upper-case letters or digits. */
export function awsAccessKeyIdAt(p: usize, n: usize, i: usize): bool {
  for (let k = 0; k < AWS_PREFIXES.length; k++) {
    if (!matchesAt(p, n, i, unchecked(AWS_PREFIXES[k]))) continue;
    const end = runEnd(p, n, i + 4, UPPER | DIGIT);
    return end - i == 20 && runEnd(p, n, i + 4, ALNUM) == end && found(i, end);
  }
  return false;
}

/** GitHub tokens: `gh[pousr]_` + 36 letters/digits (classic, OAuth, user, server, refresh), and
 * fine-grained `github_pat_` + 82 of [A-Za-z0-9_]; longer bodies allowed (GitHub reserves up
 * to 255 characters). https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/ */
export function githubTokenAt(p: usize, n: usize, i: usize, floor: usize): bool {
  if (peek(p, n, i + 1) != 0x68) return prefixed(p, n, i, floor, "github_pat_", IDENT, 82, 244);
  const kind = peek(p, n, i + 2);
  if (kind != 0x70 && kind != 0x6f && kind != 0x75 && kind != 0x73 && kind != 0x72) return false;
  if (peek(p, n, i + 3) != 0x5f) return false;
  const end = runEnd(p, n, i + 4, ALNUM);
  const len = end - i - 4;
  return len >= 36 && len <= 251 && peek(p, n, end) != 0x5f && found(i, end);
}

/** Slack tokens `xox[bpars]-` + digits, letters and dashes (20-250). */
export function slackTokenAt(p: usize, n: usize, i: usize, floor: usize): bool {
  if (!matchesAt(p, n, i, "xox") || !startsRun(p, n, i, floor, SLACK)) return false;
  const kind = peek(p, n, i + 3);
  if (kind != 0x62 && kind != 0x70 && kind != 0x61 && kind != 0x72 && kind != 0x73) return false;
  if (peek(p, n, i + 4) != 0x2d) return false;
  const end = runEnd(p, n, i + 5, SLACK);
  const len = end - i - 5;
  return len >= 20 && len <= 250 && found(i, end);
}

/** Stripe secret and restricted keys, live and test: `sk_live_`, `rk_live_`, `sk_test_`,
 * `rk_test_` + 24 or more letters/digits. Test keys are redacted too: they still authenticate
 * to the account (test mode data, webhooks). Publishable keys (`pk_`) are public. */
export function stripeKeyAt(p: usize, n: usize, i: usize): bool {
  if (peek(p, n, i + 1) != 0x6b || peek(p, n, i + 2) != 0x5f) return false;
  const mode = i + 3;
  if (!matchesAt(p, n, mode, "live_") && !matchesAt(p, n, mode, "test_")) return false;
  const end = runEnd(p, n, i + 8, ALNUM);
  const len = end - i - 8;
  return len >= 24 && len <= 247 && peek(p, n, end) != 0x5f && found(i, end);
}

/** Google API keys: `AIza` + 35 of [A-Za-z0-9_-]. */
export function googleApiKeyAt(p: usize, n: usize, i: usize, floor: usize): bool {
  return prefixed(p, n, i, floor, "AIza", B64URL, 35, 35);
}

const JWT_MIN_SEGMENT: usize = 10;

/** A JSON Web Token: header and payload both base64url of a JSON object (so they start with
 * `eyJ`, the encoding of `{"`), then a signature that may be empty (`alg: none`). */
export function jwtAt(p: usize, n: usize, i: usize, floor: usize): bool {
  if (!startsRun(p, n, i, floor, B64URL)) return false;
  const header = jwtSegmentEnd(p, n, i);
  if (header == 0 || peek(p, n, header) != 0x2e) return false;
  const payload = jwtSegmentEnd(p, n, header + 1);
  if (payload == 0 || peek(p, n, payload) != 0x2e) return false;
  return found(i, runEnd(p, n, payload + 1, B64URL));
}

function jwtSegmentEnd(p: usize, n: usize, j: usize): usize {
  if (!matchesAt(p, n, j, "eyJ")) return 0;
  const end = runEnd(p, n, j, B64URL);
  return end - j >= JWT_MIN_SEGMENT ? end : 0;
}
