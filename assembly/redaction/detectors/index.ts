// Finds secrets in the raw content of one JSON string (between the quotes, escapes as written)
// in a single pass. A 256-entry table says which detectors can start with each byte, a 64 Ki-entry
// one which can start with it and the next; most positions start none. Word detectors (cards,
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
import { ALNUM, BACKSLASH, classOf, DIGIT, escapeLength, HEX, isDigit, isIn, peek, runEndWithin } from "./chars";
import { found, matchEnd, matchStart, setClaimedEnd } from "./match";
import { cardAt, ssnAt } from "./numbers";
import { ibanAt, ibanLength } from "./iban";
import { emailAt, ipv4At, ipv6At, urlPasswordAt } from "./network";
import { jwtAt } from "./tokens";
import { pemPrivateKeyAt } from "./pem";
import { authHeaderAt, awsSecretKeyAt, cliSecretAt, namedAuthValueAt, namedValueAt, resetPairMemory, secretPairAt, setReadingMember, spacedValueAt } from "./pairs";
import {
  addFamily, familyId, familyKinds, familyNames, infixRulesAt, INFIX_FIRST, INFIX_SECOND, Kind, MAX_RULES,
  registerCode, RULE_SET_BYTES, ruleFamilies, ruleId, ruleIsCode, ruleNames, sealBuiltins, setActiveRules, wordRulesAt,
  WORD_FIRST, WORD_SECOND, wordAnchorMayStart, matchRule, setMatchRule, activeRules, suffixMinWord, suffixRulesAt, infixAnchorMayStart, wordHead, thirdByteAllowed, rebuildBuckets, resetUserRules, RuleSpec, registerPattern, setCliRules,
} from "./rules";
import { registerBuiltinPack } from "./pack";
import { COMMAND, decodeCommand, sourceEnd, sourceStart } from "./execuri";

// The families every policy has known (their ids are stable: 0-16, as the detectors were).
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
/** The legacy detector names, now family names (ids 0-16). */
export const LEGACY_FAMILIES: u32 = 17;

/** Policy names of the families known before rules were data, indexed by family id. */
export const DETECTOR_NAMES: StaticArray<string> = [
  "card", "ssn", "iban", "email", "ipv4", "ipv6", "jwt", "pem_private_key", "aws_access_key_id",
  "aws_secret_key", "github_token", "slack_token", "stripe_key", "google_api_key", "url_password",
  "auth_header", "secret_pair",
];

// Code slots: detectors written as code, each a function (p, n, i, floor) => bool, tried where
// its first two bytes allow. Two slots run the data rules (anchored at a word start; anchored
// inside text). A slot's bit is set in STARTS for the bytes it can start with.
const S_CARD: u32 = 0;
const S_SSN: u32 = 1;
const S_IBAN: u32 = 2;
const S_EMAIL: u32 = 3;
const S_IPV4: u32 = 4;
const S_IPV6: u32 = 5;
const S_JWT: u32 = 6;
const S_PEM: u32 = 7;
const S_AWS_SECRET: u32 = 8;
const S_URL: u32 = 9;
const S_AUTH: u32 = 10;
const S_PAIR: u32 = 11;
const S_CLI: u32 = 12;
const S_WORD_RULES: u32 = 13;
const S_INFIX_RULES: u32 = 14;
const S_EXEC_QUERY: u32 = 15;
const SLOT_COUNT: u32 = 16;
const ALL_SLOTS: u32 = (1 << SLOT_COUNT) - 1;
// Slots whose forms a command line holds (`-pX`, `PGPASSWORD=`, `postgres://u:p@`, `Authorization:`).
const COMMAND_LINE: u32 = (1 << S_PAIR) | (1 << S_AUTH) | (1 << S_URL) | (1 << S_CLI);
/** Slot whose match names its rule in `matchRule` (the data rules, the CLI forms). */
const MULTI: u16 = 0xffff;

/** The span list of the string being scanned (for wordEnd's suffix rules). */
let scanSpans: SpanList | null = null;
/** Spans found in a decoded exec command line, and the rules it is scanned with (allocated once). */
const COMMAND_SPANS = new SpanList(64);
let commandRules: RuleSet | null = null;

type Detector = (p: usize, n: usize, i: usize, floor: usize) => bool;
const DETECTORS: StaticArray<Detector> = [
  cardAt, ssnAt, ibanAt, emailAt, ipv4At, ipv6At, jwtAt, pemPrivateKeyAt, awsSecretKeyAt, urlPasswordAt,
  authHeaderAt, secretPairAt, cliSecretAt, wordRulesAt, infixRulesAt,
];
const DETECTOR_INDEX = memory.data(<i32>SLOT_COUNT << 2);
for (let id = 0; id < DETECTORS.length; id++) store<u32>(DETECTOR_INDEX + (<usize>id << 2), DETECTORS[id].index);
// execQueryAt runs the scan itself, so it is compiled after the scan's globals (end of this file)
/** Rule id per slot (MULTI: the slot says). */
const SLOT_RULE = memory.data(<i32>SLOT_COUNT << 1);

// Rule ids of the code rules.
export let CLI_PASSWORD_RULE: u32 = 0;
export let CURL_USER_RULE: u32 = 0;

function registerRules(): void {
  for (let f = 0; f < DETECTOR_NAMES.length; f++) {
    addFamily(DETECTOR_NAMES[f], f <= <i32>EMAIL ? Kind.Personal : f <= <i32>IPV6 ? Kind.Network : Kind.Credential);
  }
  const code: StaticArray<string> = ["card", "ssn", "iban", "email", "ipv4", "ipv6", "jwt", "pem_private_key", "aws_secret_key", "url_password", "auth_header", "secret_pair"];
  for (let s = 0; s < code.length; s++) {
    const name = code[s];
    const f = familyId(name);
    const id = registerCode(name, name, familyKinds[f]);
    store<u16>(SLOT_RULE + (<usize>s << 1), <u16>id);
  }
  CLI_PASSWORD_RULE = <u32>registerCode("cli_password", "secret_pair", Kind.Credential);
  CURL_USER_RULE = <u32>registerCode("curl_user_password", "secret_pair", Kind.Credential);
  setCliRules(CLI_PASSWORD_RULE, CURL_USER_RULE);
  store<u16>(SLOT_RULE + (<usize>S_CLI << 1), MULTI);
  store<u16>(SLOT_RULE + (<usize>S_WORD_RULES << 1), MULTI);
  store<u16>(SLOT_RULE + (<usize>S_INFIX_RULES << 1), MULTI);
  store<u16>(SLOT_RULE + (<usize>S_EXEC_QUERY << 1), MULTI);
  const problems = registerBuiltinPack();
  // A broken built-in rule is a build defect: the probes report it (tests/detectors).
  builtinProblems = problems;
  sealBuiltins();
}

export let builtinProblems: string[] = [];

/** The slot that runs code rule `rule`, or -1 for data rules. */
function slotOfRule(rule: i32): i32 {
  if (rule == <i32>CLI_PASSWORD_RULE || rule == <i32>CURL_USER_RULE) return <i32>S_CLI;
  if (!ruleIsCode[rule]) return -1;
  for (let s: u32 = 0; s < SLOT_COUNT; s++) if (<i32>load<u16>(SLOT_RULE + (<usize>s << 1)) == rule) return <i32>s;
  return -1;
}

/** Which rules run: one bit per rule id in linear memory, plus the code slots they need. */
@unmanaged
export class RuleSet {
  bits: usize;
  slots: u32 = 0;

  constructor() {
    this.bits = heap.alloc(RULE_SET_BYTES);
    memory.fill(this.bits, 0, RULE_SET_BYTES);
  }

  clear(): void {
    memory.fill(this.bits, 0, RULE_SET_BYTES);
    this.slots = 0;
  }

  /** Turns rule `rule` on or off (cold: call `finish` after the last change). */
  set(rule: i32, on: bool): void {
    if (rule < 0 || rule >= MAX_RULES) return;
    const at = this.bits + (<usize>rule >> 3);
    const bit = <u8>(1 << <u8>(rule & 7));
    store<u8>(at, on ? load<u8>(at) | bit : load<u8>(at) & ~bit);
  }

  has(rule: i32): bool {
    if (rule < 0 || rule >= MAX_RULES) return false;
    return (load<u8>(this.bits + (<usize>rule >> 3)) & (1 << (rule & 7))) != 0;
  }

  /** Every rule of family `family` on or off. */
  setFamily(family: i32, on: bool): void {
    for (let r = 0; r < ruleNames.length; r++) if (ruleFamilies[r] == family) this.set(r, on);
  }

  /** Every rule on. */
  setAll(): void {
    for (let r = 0; r < ruleNames.length; r++) this.set(r, true);
  }

  /** Every rule whose family is of `kind` on. */
  setKind(kind: i32): void {
    for (let r = 0; r < ruleNames.length; r++) if (familyKinds[ruleFamilies[r]] == kind) this.set(r, true);
  }

  /** Computes the slots the enabled rules need. */
  finish(): RuleSet {
    let slots: u32 = 0;
    for (let r = 0; r < ruleNames.length; r++) {
      if (!this.has(r)) continue;
      const s = slotOfRule(r);
      if (s >= 0) slots |= 1 << s;
      else slots |= (1 << S_WORD_RULES) | (1 << S_INFIX_RULES);
    }
    // an exec request's command line is decoded for the command-line, pair, URL and header forms
    if ((slots & COMMAND_LINE) != 0) slots |= 1 << S_EXEC_QUERY;
    this.slots = slots;
    return this;
  }

  dispose(): void {
    heap.free(this.bits);
    heap.free(changetype<usize>(this));
  }
}

/** Number of rules (built-in and the policy's own). */
export function ruleCount(): i32 {
  return ruleNames.length;
}

/** The family called `name`, or -1 (cold path: policy loading). */
export function detectorId(name: string): i32 {
  return familyId(name);
}

// Per byte: STARTS has bit `slot` when that slot can start with the byte, plus how the scan
// moves on (WORD, ESCAPE); SECONDS has bit `slot` when the byte can come second.
const WORD: u32 = 1 << 30;
const ESCAPE: u32 = 1 << 31;
const STARTS = memory.data(256 << 2);
/** Per byte, 1 when it starts nothing (no slot, not a word, not an escape: a space, `/`, `?`,
 * `]`...): a word's end steps over such a byte with the word, one turn of the scan loop less per
 * word of prose. Rebuilt with the slots (a policy's own rule may start with a space). */
const STEP_AFTER_WORD = memory.data(256);
const SECONDS = memory.data(256 << 2);
// Per pair of bytes (first << 8 | second): the slots STARTS and SECONDS allow, less the data
// rules whose anchors cannot start so and IBANs of no country, so that a word start pays one
// load, not four.
const PAIR_SLOTS = heap.alloc(65536 << 1);
// Its entries are 16 bits: one more slot must widen them, or slots would silently be lost.
if (SLOT_COUNT > 16) ERROR("detectors/index.ts: PAIR_SLOTS holds 16 slots; widen its entries");

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
    store<u32>(SECONDS + (<usize>b << 2), 1 << S_PAIR); // a value may start with anything
  }
  store<u32>(STARTS + (<usize>BACKSLASH << 2), ESCAPE);
  starts(S_CARD, digits, digits);
  starts(S_SSN, digits, digits);
  starts(S_IBAN, upper, upper);
  starts(S_EMAIL, "@", alnum);
  starts(S_IPV4, digits, digits + ".");
  starts(S_IPV6, hex + ":", hex + ":");
  starts(S_JWT, "e", "y");
  starts(S_PEM, "-L", "-S"); // `-----BEGIN`, and its base64 `LS0tLS1CRUdJTi`
  starts(S_AWS_SECRET, "aAsS", "wWeE");
  starts(S_URL, ":", "/\\");
  starts(S_AUTH, "aA", "uU");
  starts(S_PAIR, ":=,>'", ""); // `'`, and `\"` above: a quoted value after `password ` (spacedValueAt)
  starts(S_CLI, "-", "-upaPAST"); // `--x`, `-u`, `-p`, `-a`, and word flags naming a secret (`-Password`, `-ApiKey`, `-SecretKey`, `-Token`)
  starts(S_EXEC_QUERY, "?", "c"); // `?command=` (kubectl and the client libraries write it first), `?container=…&command=`
  syncRuleSlots();
}

/** Sets the data-rule slots' bytes from the anchors (after the rules changed). */
function syncRuleSlots(): void {
  const mask = ~((1 << S_WORD_RULES) | (1 << S_INFIX_RULES));
  for (let b: usize = 0; b < 256; b++) {
    let s = load<u32>(STARTS + (b << 2)) & mask;
    let t = load<u32>(SECONDS + (b << 2)) & mask;
    if (load<u8>(WORD_FIRST + b) != 0) s |= 1 << S_WORD_RULES;
    if (load<u8>(WORD_SECOND + b) != 0) t |= 1 << S_WORD_RULES;
    if (load<u8>(INFIX_FIRST + b) != 0) s |= 1 << S_INFIX_RULES;
    if (load<u8>(INFIX_SECOND + b) != 0) t |= 1 << S_INFIX_RULES;
    store<u32>(STARTS + (b << 2), s);
    store<u32>(SECONDS + (b << 2), t);
  }
  for (let b: usize = 0; b < 256; b++) store<u8>(STEP_AFTER_WORD + b, <u8>((load<u32>(STARTS + (b << 2)) & (ALL_SLOTS | WORD | ESCAPE)) == 0));
  for (let b0: usize = 0; b0 < 256; b0++) {
    const row = PAIR_SLOTS + (b0 << 9);
    const first = load<u32>(STARTS + (b0 << 2)) & ALL_SLOTS;
    if (first == 0) {
      memory.fill(row, 0, 512);
      continue;
    }
    for (let b1: usize = 0; b1 < 256; b1++) {
      let slots = first & load<u32>(SECONDS + (b1 << 2));
      if (wordHead(b0, b1) == 0) slots &= ~(1 << S_WORD_RULES);
      if (!infixAnchorMayStart(b0, b1)) slots &= ~(1 << S_INFIX_RULES);
      if (ibanLength(<u32>b0, <u32>b1) == 0) slots &= ~(1 << S_IBAN); // `GB29…`, not `INFO`, `ERROR`
      store<u16>(row + (b1 << 1), <u16>slots);
    }
  }
}

registerRules();
buildTables();

/** Replaces the policy's own rules (cold: a policy is being put in force). */
export function installUserRules(specs: RuleSpec[]): void {
  resetUserRules();
  for (let k = 0; k < specs.length; k++) registerPattern(specs[k], true);
  rebuildBuckets();
  syncRuleSlots();
}

/** Every rule (built-in and the policy's), for tests and tools. */
export const ALL_RULES: RuleSet = new RuleSet();
ALL_RULES.setAll();
ALL_RULES.finish();

// Slots that find a value by its name rather than its shape.
const BY_NAME: u32 = (1 << S_PAIR) | (1 << S_AUTH) | (1 << S_AWS_SECRET) | (1 << S_URL) | (1 << S_CLI) | (1 << S_EXEC_QUERY);

/** Tries the candidate slots at `i`; returns the rule that matched, or -1. Slots that can
 * start with the same byte are exclusive by construction (different prefixes: `::` for
 * IPv6 but `://` for URLs and neither for pairs; 13+ digits or 4 and a separator for cards,
 * 3 and a dash for SSNs, a dot for IPv4...), so the order they are tried in hardly matters;
 * code slots come before the data rules. */
function tryDetectors(p: usize, n: usize, i: usize, candidates: u32, floor: usize): i32 {
  while (candidates != 0) {
    const slot = ctz(candidates);
    candidates &= candidates - 1;
    if (call_indirect<bool>(load<u32>(DETECTOR_INDEX + (<usize>slot << 2)), p, n, i, floor)) {
      const rule = load<u16>(SLOT_RULE + (<usize>slot << 1));
      return rule == MULTI ? <i32>matchRule : <i32>rule;
    }
  }
  return -1;
}

/** Candidate slots at `i`: those that can start with its byte and continue with the next. */
@inline function candidatesAt(p: usize, n: usize, i: usize, entry: u32, enabled: u32): u32 {
  let candidates = entry & enabled;
  if (candidates == 0) return 0;
  candidates &= <u32>load<u16>(PAIR_SLOTS + ((<usize>load<u8>(p + i) << 9) | (<usize>peek(p, n, i + 1) << 1)));
  // the pair has an anchor's first two bytes; the third decides (and the string may end)
  if ((candidates & (1 << S_WORD_RULES)) != 0 && !wordAnchorMayStart(p, n, i)) candidates &= ~(1 << S_WORD_RULES);
  return candidates & NUMERIC ? numericShapes(p, n, i, candidates) : candidates;
}

const DECIMAL: u32 = (1 << S_CARD) | (1 << S_SSN) | (1 << S_IPV4);
const NUMERIC: u32 = DECIMAL | (1 << S_IPV6);

/** Drops the numeric slots the characters at `i` cannot fit, from one look at the run of
 * digits (or hex digits) and the byte after it: most numbers in logs (counts, epochs, ports)
 * and hex words (`cache`, `deadline`) fit none. */
@inline function numericShapes(p: usize, n: usize, i: usize, candidates: u32): u32 {
  let fits = ~NUMERIC;
  if (candidates & (1 << S_IPV6)) {
    const group = runEndWithin(p, n, i, HEX, 4);
    if (group - i <= 4 && peek(p, n, group) == COLON) fits |= 1 << S_IPV6;
  }
  if (candidates & DECIMAL) {
    const run = digitRun(p, n, i);
    const after = peek(p, n, i + run);
    // a group and its separator are worth a call only when another group follows (`2026-11`,
    // not `200 in`), and nine digits only when nothing glues on (`000000000Z`)
    const grouped = isDigit(peek(p, n, i + run + 1));
    // every layout a card is printed in has a second group of 4 or 6 digits (not `2026-11-23`)
    if (run >= 13 || (run == 4 && (after == SPACE || after == DASH) && grouped && isDigit(peek(p, n, i + 7)) &&
        isDigit(peek(p, n, i + 8)) && isDigit(peek(p, n, i + 6)))) fits |= 1 << S_CARD;
    if ((((run == 3 && (after == DASH || after == SPACE || after == DOT)) || (run == 5 && after == DASH)) && grouped) ||
        (run == 9 && after != UNDERSCORE && !isIn(after, ALNUM))) fits |= 1 << S_SSN;
    if (run <= 3 && after == DOT) fits |= 1 << S_IPV4;
  }
  return candidates & fits;
}

/** Length of the run of digits at `i`, reading at most 20 bytes (as runEndWithin(…, 19)): the
 * first eight at once (SWAR, as nonAlnumBytes), so the usual short run costs no loop. */
@inline function digitRun(p: usize, n: usize, i: usize): usize {
  if (i + 8 > n) return runEndWithin(p, n, i, DIGIT, 19) - i;
  const w = load<u64>(p + i);
  const ascii = w & ASCII_BITS;
  const stop = (~((ascii + 0x5050505050505050) & ~(ascii + 0x4646464646464646)) | w) & HIGH_BITS;
  if (stop != 0) return <usize>(ctz(stop) >> 3);
  return runEndWithin(p, n, i + 8, DIGIT, 11) - i;
}

const SPACE: u32 = 0x20;
const QUOTE_BYTE: u32 = 0x22;
const DASH: u32 = 0x2d;
const DOT: u32 = 0x2e;
const COLON: u32 = 0x3a;
const UNDERSCORE: u32 = 0x5f;

/** Finds the secrets in the raw JSON string content [ptr, ptr+len) with the rules on in
 * `rules`; `spans` is cleared, then holds them as offsets from `ptr`, each with its rule id. */
export function findSecrets(ptr: usize, len: usize, rules: RuleSet, spans: SpanList): void {
  spans.reset();
  const enabled = rules.slots;
  if (enabled == 0) return;
  setClaimedEnd(0);
  resetPairMemory();
  setActiveRules(rules.bits);
  scanSpans = spans;
  let escapeEnd: usize = 0;
  let i: usize = 0;
  while (i < len) {
    const entry = load<u32>(STARTS + (<usize>load<u8>(ptr + i) << 2));
    const candidates = candidatesAt(ptr, len, i, entry, enabled);
    if (candidates != 0) {
      let id = tryDetectors(ptr, len, i, candidates, max(<usize>spans.lastEnd(), escapeEnd));
      if (id >= 0 && (id == <i32>PAIR_RULE || id == <i32>AUTH_RULE || id == <i32>CLI_PASSWORD_RULE)) id = specificShape(ptr, id, enabled);
      if (id >= 0) {
        spans.add(<u32>matchStart, <u32>matchEnd, id);
        setClaimedEnd(matchEnd);
        i = max(matchEnd, i + 1);
        continue;
      }
    }
    if (entry & WORD) {
      i = wordEnd(ptr, len, i + 1);
    } else if (entry & ESCAPE) {
      // `password \"x\"`: a quoted value after a password's name; tried here, not through the
      // slots, so that the other escapes (most of a JSON-in-JSON line) cost one compare
      if (peek(ptr, len, i + 1) == QUOTE_BYTE && i > 0 && load<u8>(ptr + i - 1) == SPACE && (enabled & (1 << S_PAIR)) != 0 &&
          spacedValueAt(ptr, len, i, max(<usize>spans.lastEnd(), escapeEnd))) {
        spans.add(<u32>matchStart, <u32>matchEnd, specificShape(ptr, <i32>PAIR_RULE, enabled));
        setClaimedEnd(matchEnd);
        i = matchEnd;
        continue;
      }
      i += escapeLength(ptr, len, i);
      escapeEnd = i;
    } else {
      i++;
    }
  }
}

/**
 * A member of the record whose name is a secret's (`"db_password": "…"`, `"aws_secret_access_key":
 * "…"`), judged as the pair detector judges the same bytes inside a string (`secret_pair`, or a
 * more specific shape for the whole value): the record [body, body + len) read as text, `keyStart`
 * the offset of the name's opening quote, `sep` of the `:` after it. Returns the rule, the value's
 * bounds in matchStart/matchEnd, or -1 (not a secret, or the pair detector is off).
 */
export function memberSecretAt(body: usize, len: usize, keyStart: usize, sep: usize, rules: RuleSet): i32 {
  if (!beginMember(keyStart, rules)) return -1;
  return endMember(secretPairAt(body, len, sep, keyStart), body, rules);
}

/**
 * The `value` member of an object whose `name` (or `key`) member is a secret's name
 * (`{"name": "DB_PASSWORD", "value": "…"}`), judged as the member `"DB_PASSWORD": "…"` would be:
 * the name's content is [nameStart, nameEnd) and the value's opening quote at `valueQuote`, offsets
 * in the record [body, body + len). Returns as memberSecretAt; a name `Authorization` gives the
 * credential in the value, as the header's (`auth_header`), not the whole value.
 */
export function namedValueSecretAt(body: usize, len: usize, nameStart: usize, nameEnd: usize, valueQuote: usize, rules: RuleSet): i32 {
  if ((rules.slots & (1 << S_AUTH)) != 0 && namedAuthValueAt(body, len, nameStart, nameEnd, valueQuote + 1)) {
    setActiveRules(rules.bits);
    return specificShape(body, <i32>AUTH_RULE, rules.slots); // `{"name": "Authorization", "value": "Bearer …"}`: the credential
  }
  if (!beginMember(min(nameStart, valueQuote), rules)) return -1;
  return endMember(namedValueAt(body, len, nameEnd, valueQuote), body, rules);
}

/** Sets the detectors up to judge a member whose name starts at `floor`; false when the pair detector is off. */
function beginMember(floor: usize, rules: RuleSet): bool {
  if ((rules.slots & (1 << S_PAIR)) == 0) return false;
  setClaimedEnd(floor); // backward reads stop at the member's name
  resetPairMemory();
  setActiveRules(rules.bits);
  setReadingMember(true);
  return true;
}

@inline function endMember(isSecret: bool, body: usize, rules: RuleSet): i32 {
  setReadingMember(false);
  return isSecret ? specificShape(body, <i32>PAIR_RULE, rules.slots) : -1;
}

const PAIR_RULE: u32 = <u32>load<u16>(SLOT_RULE + (<usize>S_PAIR << 1));

/** The pair detector's rule id when `rules` has it on, else -1. */
export function pairRuleIn(rules: RuleSet): i32 {
  return (rules.slots & (1 << S_PAIR)) != 0 ? <i32>PAIR_RULE : -1;
}
const AUTH_RULE: u32 = <u32>load<u16>(SLOT_RULE + (<usize>S_AUTH << 1));

/** The rule of a specific shape that matches the whole value [matchStart, matchEnd) found
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

/** An exec request's query at its `?` (`?command=mysql&command=-pS3cret`): the `command=`
 * arguments decoded into one command line and scanned with the same rules (but this slot), each
 * span found there mapped back onto the raw query. The spans before the last are added here, the
 * last is the match; the scan goes on after it. */
function execQueryAt(p: usize, n: usize, i: usize, floor: usize): bool {
  const len = decodeCommand(p, n, i + 1);
  if (len == 0) return false;
  const outer = scanSpans!;
  // the string's rules (activeRules), their slots but this one: computed again only when the
  // rules differ from the last exec query's (a string stores no more than it did for this)
  const inner = commandRules!;
  const bits = activeRules;
  if (memory.compare(inner.bits, bits, RULE_SET_BYTES) != 0) {
    memory.copy(inner.bits, bits, RULE_SET_BYTES);
    inner.finish();
    inner.slots &= ~(1 << S_EXEC_QUERY);
  }
  findSecrets(COMMAND, len, inner, COMMAND_SPANS);
  scanSpans = outer;
  setActiveRules(bits);
  setClaimedEnd(<usize>outer.lastEnd());
  const count = COMMAND_SPANS.count;
  if (count == 0) return false;
  for (let k = 0; k < count - 1; k++) {
    outer.add(<u32>sourceStart(COMMAND_SPANS.start(k)), <u32>sourceEnd(COMMAND_SPANS.end(k) - 1), COMMAND_SPANS.detector(k));
  }
  const last = count - 1;
  setMatchRule(COMMAND_SPANS.detector(last));
  return found(sourceStart(COMMAND_SPANS.start(last)), sourceEnd(COMMAND_SPANS.end(last) - 1));
}

/** Where the scan goes on after the word (letters and digits) that goes on at `j`, eight
 * bytes at a time: the word's end, or past it when the byte there starts nothing. A word
 * longer than the first eight bytes is also where rules anchored on a word's end are tried
 * (`…FFFFNRAL`); a match is added to the spans, and its end is the word's. Most words end in
 * the first eight bytes and pay nothing for it. */
@inline function wordEnd(p: usize, n: usize, j: usize): usize {
  if (j + 8 > n) return shortWordEnd(p, n, j);
  const first = nonAlnumBytes(load<u64>(p + j));
  if (first != 0) {
    const end = j + <usize>(ctz(first) >> 3);
    return end + <usize>load<u8>(STEP_AFTER_WORD + <usize>load<u8>(p + end));
  }
  return longWordEnd(p, n, j);
}

/** wordEnd near the end of the string (the last word of most values), here rather than in
 * longWordEnd: a call costs more than these few bytes. */
@inline function shortWordEnd(p: usize, n: usize, j: usize): usize {
  const start = j - 1;
  j = wordTailEnd(p, n, j);
  if (j - start >= suffixMinWord) trySuffixRules(p, n, start, j);
  return j;
}

/** wordEnd past the first eight bytes. */
function longWordEnd(p: usize, n: usize, j: usize): usize {
  const start = j - 1;
  while (j + 8 <= n) {
    const stop = nonAlnumBytes(load<u64>(p + j));
    if (stop != 0) {
      j += <usize>(ctz(stop) >> 3);
      break;
    }
    j += 8;
  }
  if (j + 8 > n) j = wordTailEnd(p, n, j);
  if (j - start >= suffixMinWord) trySuffixRules(p, n, start, j);
  return j;
}

/** End of the word at `j`, one byte at a time (fewer than eight are left). */
@inline function wordTailEnd(p: usize, n: usize, j: usize): usize {
  while (j < n && (load<u32>(STARTS + (<usize>load<u8>(p + j) << 2)) & WORD) != 0) j++;
  return j;
}

/** The rules anchored on the end of the word [start, end): a match is added to the spans. */
function trySuffixRules(p: usize, n: usize, start: usize, end: usize): void {
  if (suffixRulesAt(p, n, start, end, start)) {
    scanSpans!.add(<u32>matchStart, <u32>matchEnd, <i32>matchRule);
    setClaimedEnd(matchEnd);
  }
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

store<u32>(DETECTOR_INDEX + (<usize>S_EXEC_QUERY << 2), execQueryAt.index);
commandRules = new RuleSet();
