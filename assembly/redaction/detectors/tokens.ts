// Credentials with a recognisable shape: vendor tokens (a fixed prefix, an alphabet, a length)
// and JSON Web Tokens. A token starts where no byte of its alphabet precedes it and ends where
// no letter, digit or `_` follows.
import { ALNUM, B64URL, DIGIT, IDENT, isIn, matchesAt, peek, runEnd, SLACK, startsRun, UPPER } from "./chars";
import { found } from "./match";

/** One of `prefixes` at `i`, then a run of `cls` bytes whose length is within [min, max]. */
function prefixedToken(p: usize, n: usize, i: usize, floor: usize, prefixes: StaticArray<string>, cls: u32, min: usize, max: usize): bool {
  if (!startsRun(p, n, i, floor, cls)) return false;
  for (let k = 0; k < prefixes.length; k++) {
    const prefix = unchecked(prefixes[k]);
    if (!matchesAt(p, n, i, prefix)) continue;
    const from = i + <usize>prefix.length;
    const end = runEnd(p, n, from, cls);
    const len = end - from;
    return len >= min && len <= max && !isIn(peek(p, n, end), IDENT) && found(i, end);
  }
  return false;
}

// Access key ids: AKIA (long-term), ASIA (temporary), and the ids of other IAM resources.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
const AWS_KEY_ID: StaticArray<string> = ["AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA"];
// Classic, OAuth, user-to-server, server-to-server and refresh tokens; fine-grained PATs.
// https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/
const GITHUB: StaticArray<string> = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"];
const GITHUB_PAT: StaticArray<string> = ["github_pat_"];
// Bot, user, app, refresh and legacy workspace tokens.
const SLACK_PREFIXES: StaticArray<string> = ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"];
// Secret and restricted keys, live and test: a test key still authenticates to the account
// (test-mode data, webhooks). Publishable keys (`pk_`) are public and stay.
const STRIPE: StaticArray<string> = ["sk_live_", "rk_live_", "sk_test_", "rk_test_"];
const GOOGLE: StaticArray<string> = ["AIza"];

/** An AWS access key id: a known prefix and 16 upper-case letters or digits. */
export function awsAccessKeyIdAt(p: usize, n: usize, i: usize, floor: usize): bool {
  return prefixedToken(p, n, i, floor, AWS_KEY_ID, UPPER | DIGIT, 16, 16);
}

/** GitHub tokens: `gh?_` + 36 letters/digits, `github_pat_` + 82 of [A-Za-z0-9_]; longer bodies
 * pass too (GitHub reserves up to 255 characters). */
export function githubTokenAt(p: usize, n: usize, i: usize, floor: usize): bool {
  return prefixedToken(p, n, i, floor, GITHUB, ALNUM, 36, 251) || prefixedToken(p, n, i, floor, GITHUB_PAT, IDENT, 82, 244);
}

/** Slack tokens: `xox?-` + 20 to 250 letters, digits and dashes. */
export function slackTokenAt(p: usize, n: usize, i: usize, floor: usize): bool {
  return prefixedToken(p, n, i, floor, SLACK_PREFIXES, SLACK, 20, 250);
}

/** Stripe secret and restricted keys: prefix + 24 or more letters/digits. */
export function stripeKeyAt(p: usize, n: usize, i: usize, floor: usize): bool {
  return prefixedToken(p, n, i, floor, STRIPE, ALNUM, 24, 247);
}

/** Google API keys: `AIza` + 35 of [A-Za-z0-9_-]. */
export function googleApiKeyAt(p: usize, n: usize, i: usize, floor: usize): bool {
  return prefixedToken(p, n, i, floor, GOOGLE, B64URL, 35, 35);
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
