// Detectors as data: the rule table. Every detector is a rule with an id, a family and a kind
// (credential, personal data, network); most are data (a literal anchor, the body's shape,
// validators, context, placeholders: see pattern.ts), the few shapes that cannot be data
// (cards, IBANs, e-mail, IP addresses, PEM blocks, URL passwords, pairs and headers, JWTs)
// are code registered in the same table, so a policy names and enables them all alike.
//
// Hot path: rules are found through their anchors, not tried one by one. Anchors at a word
// start are bucketed by their first two bytes in a 64 Ki-entry table (one load picks the few
// anchors worth comparing; most words pick none), anchors inside text (`.atlasv1.`, `Q~`,
// `:AA`) by their first byte. A rule's segments are read greedily once, each bounded by its
// length, so a candidate costs at most its own length: linear, no allocation, no trap.
import { Pattern, Seg, parsePattern } from "./pattern";
import { found } from "./match";
import { escapedQuoteDepth, peek } from "./chars";
import { luhnValid } from "./numbers";

export const MAX_RULES: i32 = 512;
/** Bytes of a rule bitset (one bit per rule id). */
export const RULE_SET_BYTES: usize = <usize>MAX_RULES >> 3;

export const enum Kind { Credential = 0, Personal = 1, Network = 2 }
export const KIND_NAMES: string[] = ["credential", "personal", "network"];

const enum Type { Code = 0, Token = 1, Infix = 2, Keyword = 3, Suffix = 4 }

// Rule flags
export const F_CI: u32 = 1;
export const F_NO_PLACEHOLDERS: u32 = 2;
export const F_CRC32: u32 = 4;
export const F_LUHN: u32 = 8;
export const F_BASE64_JSON: u32 = 16;
/** The value may follow the keyword after spaces alone (`.netrc`'s `password x`). */
export const F_SPACED: u32 = 32;
/** The body is padded base64 of `user:password` (a Docker config's `auth`, an HTTP Basic credential). */
export const F_BASIC_CREDENTIALS: u32 = 64;

// Rule record, 32 bytes: type u8, flags u8, family u16, preCount u8, postCount u8,
// minEntropy (tenths of a bit) u8, contextCount u8, segments u32, before-bitmap u32,
// context u32 (pairs of pointer, length), keepPrefix u8 (bytes of the anchor left visible),
// a byte unused, minLength u16 (the shortest match: suffix rules, tried at word ends).
const RULE_BYTES: usize = 32;
const SEG_BYTES: usize = 12;
const RULES = heap.alloc(<usize>MAX_RULES * RULE_BYTES);
memory.fill(RULES, 0, <usize>MAX_RULES * RULE_BYTES);

// Anchors, 16 bytes: rule u16, length u8, flags u8 (F_CI), bytes u32, then the first four
// bytes as one u32 and an OR mask (0x20 on letters of case-insensitive anchors, 0xff past the
// anchor's end, where the head holds 0xff too): `(load<u32> | or) == head` compares four bytes.
const MAX_ANCHORS: i32 = 2048;
const ANCHOR_BYTES: usize = 16;
const ANCHORS = heap.alloc(<usize>MAX_ANCHORS * ANCHOR_BYTES);
let anchorCount: i32 = 0;
// Buckets: a head per two-byte key (word starts) or per byte (inside text), 1-based offsets
// into LISTS of anchor ids ended by 0xFFFF.
const WORD_HEAD = heap.alloc(65536 << 1);
const INFIX_HEAD = heap.alloc(256 << 1);
const MAX_LIST: i32 = 8192;
const LISTS = heap.alloc(<usize>MAX_LIST << 1);
/** Bytes anchors can start with and continue with (word starts; inside text): for index.ts. */
export const WORD_FIRST = heap.alloc(256);
export const WORD_SECOND = heap.alloc(256);
export const INFIX_FIRST = heap.alloc(256);
export const INFIX_SECOND = heap.alloc(256);
/** Anchors of the rules anchored where a word ends (few: tried in turn). */
const MAX_SUFFIX: i32 = 64;
const SUFFIX_LIST = heap.alloc(<usize>MAX_SUFFIX << 1);
let suffixCount: i32 = 0;
/** The shortest word a suffix rule can match (usize.MAX_VALUE: no suffix rule). */
export let suffixMinWord: usize = <usize>usize.MAX_VALUE;
/** One bit per (first, second) byte pair an anchor inside text can start with (8 KiB). */
const INFIX_PAIRS = heap.alloc(8192);

const FAIL: usize = usize.MAX_VALUE;
const BACKSLASH: u32 = 0x5c;
const SLASH: u32 = 0x2f;
const QUOTE: u32 = 0x22;
const APOSTROPHE: u32 = 0x27;

// ------------------------------------------------------------------------------------------
// Cold: the registry (names, families), compiling specs into the table.

export const ruleNames: string[] = [];
export const familyNames: string[] = [];
export const familyKinds: i32[] = [];
/** Family of each rule id (managed mirror for cold code; the hot copy is in RULES). */
export const ruleFamilies: i32[] = [];
/** Whether the rule is code (registered by index.ts) rather than a pattern. */
export const ruleIsCode: bool[] = [];
/** Rules of the built-in table; user rules come after. */
export let builtinCount: i32 = 0;
/** Memory owned by user rules, freed when they are replaced. */
const userBlocks: usize[] = [];

export class RuleSpec {
  id: string = "";
  family: string = "";
  kind: i32 = Kind.Credential;
  pattern: string = "";
  /** Words that anchor the rule as a key: the value after `key=`/`key: ` is matched. */
  keywords: string[] = [];
  /** Words one of which must appear shortly before the match. */
  context: string[] = [];
  caseInsensitive: bool = false;
  minEntropy: f64 = 0;
  flags: u32 = 0;
  /** Leading bytes of the match left visible (e.g. the `hooks.slack.com/services/` of a webhook). */
  keepPrefix: i32 = 0;
}

export function familyId(name: string): i32 {
  for (let f = 0; f < familyNames.length; f++) if (familyNames[f] == name) return f;
  return -1;
}

export function ruleId(name: string): i32 {
  for (let r = 0; r < ruleNames.length; r++) if (ruleNames[r] == name) return r;
  return -1;
}

export function addFamily(name: string, kind: i32): i32 {
  const existing = familyId(name);
  if (existing >= 0) return existing;
  familyNames.push(name);
  familyKinds.push(kind);
  return familyNames.length - 1;
}

function newRule(name: string, family: string, kind: i32, code: bool): i32 {
  const id = ruleNames.length;
  if (id >= MAX_RULES) return -1;
  const f = addFamily(family, kind);
  ruleNames.push(name);
  ruleFamilies.push(f);
  ruleIsCode.push(code);
  const r = RULES + <usize>id * RULE_BYTES;
  memory.fill(r, 0, RULE_BYTES);
  store<u16>(r, <u16>f, 2);
  return id;
}

/** Registers a detector written as code (its matching is in index.ts's slot table). */
export function registerCode(name: string, family: string, kind: i32): i32 {
  return newRule(name, family, kind, true);
}

@inline export function familyOf(rule: u32): u32 {
  return <u32>load<u16>(RULES + <usize>rule * RULE_BYTES, 2);
}

function bytesOf(text: string, lower: bool): usize {
  const len = text.length;
  const at = heap.alloc(<usize>max(len, 1));
  for (let k = 0; k < len; k++) {
    let c = text.charCodeAt(k);
    if (lower && c >= 0x41 && c <= 0x5a) c |= 0x20;
    store<u8>(at + <usize>k, <u8>c);
  }
  return at;
}

function bitmapOf(bm: Uint8Array): usize {
  const at = heap.alloc(32);
  for (let k = 0; k < 32; k++) store<u8>(at + <usize>k, bm[k]);
  return at;
}

function writeSegs(segs: Seg[], at: usize, blocks: usize[]): void {
  for (let k = 0; k < segs.length; k++) {
    const s = segs[k];
    const e = at + <usize>k * SEG_BYTES;
    if (s.bitmap != null) {
      const bm = bitmapOf(s.bitmap!);
      blocks.push(bm);
      store<u32>(e, <u32>bm);
      store<u16>(e, <u16>s.min, 4);
      store<u16>(e, <u16>s.max, 6);
      store<u32>(e, 0, 8);
    } else {
      const lit = bytesOf(s.literal, false);
      blocks.push(lit);
      store<u32>(e, 0);
      store<u16>(e, <u16>s.literal.length, 4);
      store<u16>(e, <u16>s.literal.length, 6);
      store<u32>(e, <u32>lit, 8);
    }
  }
}

/** Compiles `spec` into the table; returns "" or why it cannot be. `user`: freed on the next reset. */
export function registerPattern(spec: RuleSpec, user: bool): string {
  if (ruleId(spec.id) >= 0 || familyIsCodeOnly(spec.id)) return "rule id \"" + spec.id + "\" is already taken";
  const keyword = spec.keywords.length > 0;
  const pattern = parsePattern(spec.pattern, keyword);
  if (pattern.error.length > 0) return pattern.error;
  if (keyword) {
    for (let k = 0; k < spec.keywords.length; k++) {
      const w = spec.keywords[k];
      if (w.length < 3 || !isAlnumByte(w.charCodeAt(0))) return "keyword \"" + w + "\" needs at least 3 characters and must start with a letter or digit";
    }
  }
  if (ruleNames.length >= MAX_RULES) return "too many rules (at most " + MAX_RULES.toString() + ")";
  if (anchorCount + spec.keywords.length + pattern.anchors.length > MAX_ANCHORS) return "too many anchors";
  const id = newRule(spec.id, spec.family.length > 0 ? spec.family : spec.id, spec.kind, false);
  const r = RULES + <usize>id * RULE_BYTES;
  const blocks = user ? userBlocks : new Array<usize>();
  const segCount = pattern.pre.length + pattern.post.length;
  const segs = heap.alloc(<usize>max(segCount, 1) * SEG_BYTES);
  blocks.push(segs);
  writeSegs(pattern.pre, segs, blocks);
  writeSegs(pattern.post, segs + <usize>pattern.pre.length * SEG_BYTES, blocks);
  // Bytes that may not come right before a match: letters, digits and the classes it reads
  // at its start (so `xoxb-xoxb-…` is read once, not from every word).
  const before = new Uint8Array(32);
  for (let c = 0x30; c <= 0x39; c++) before[c >> 3] |= <u8>(1 << <u8>(c & 7));
  for (let c = 0x41; c <= 0x5a; c++) before[c >> 3] |= <u8>(1 << <u8>(c & 7));
  for (let c = 0x61; c <= 0x7a; c++) before[c >> 3] |= <u8>(1 << <u8>(c & 7));
  const reads = keyword ? new Array<Seg>() : (pattern.atWordStart ? pattern.post : pattern.pre.slice(0, 1));
  const body = new Uint8Array(32);
  for (let k = 0; k < reads.length; k++) {
    const bm = reads[k].bitmap;
    if (bm != null) for (let q = 0; q < 32; q++) body[q] |= bm[q];
  }
  // An anchor at a word start with a byte its body cannot hold (`hooks.slack.com/services/`
  // then `[A-Za-z0-9/_-]`) never starts inside a run of that body, so only a letter or digit
  // before it says it is not at a word start (`https://hooks.slack.com/…` is).
  if (!(pattern.atWordStart && anchorsLeaveBody(pattern.anchors, body))) for (let q = 0; q < 32; q++) before[q] |= body[q];
  if (!pattern.atWordStart) before[0x5f >> 3] |= <u8>(1 << 7);
  before[0x20 >> 3] &= ~<u8>(1 << (0x20 & 7)); // a space before a match is a boundary
  before[0x09 >> 3] &= ~<u8>(1 << (0x09 & 7));
  // `=` before a token's prefix ends a key (`ref=figp_…`, `Key=ATATT3…`), even when the body may
  // hold `=` (base64 padding, only at the end: no token runs on into another's prefix after it)
  if (pattern.atWordStart) before[0x3d >> 3] &= ~<u8>(1 << (0x3d & 7));
  const beforeBm = bitmapOf(before);
  blocks.push(beforeBm);
  let ctx: usize = 0;
  if (spec.context.length > 0) {
    ctx = heap.alloc(<usize>spec.context.length * 8);
    blocks.push(ctx);
    for (let k = 0; k < spec.context.length; k++) {
      const w = bytesOf(spec.context[k], true);
      blocks.push(w);
      store<u32>(ctx + <usize>k * 8, <u32>w);
      store<u32>(ctx + <usize>k * 8, <u32>spec.context[k].length, 4);
    }
  }
  const type = keyword ? Type.Keyword : pattern.atWordStart ? Type.Token : pattern.atWordEnd ? Type.Suffix : Type.Infix;
  let minLength = 0;
  for (let k = 0; k < pattern.pre.length; k++) minLength += pattern.pre[k].bitmap == null ? pattern.pre[k].literal.length : pattern.pre[k].min;
  for (let k = 0; k < pattern.anchors.length; k++) minLength += k == 0 ? pattern.anchors[k].length : 0;
  let flags = spec.flags;
  if (spec.caseInsensitive || keyword) flags |= F_CI;
  store<u8>(r, <u8>type);
  store<u8>(r, <u8>flags, 1);
  store<u8>(r, <u8>pattern.pre.length, 4);
  store<u8>(r, <u8>pattern.post.length, 5);
  store<u8>(r, <u8>min(255, <i32>Math.round(spec.minEntropy * 10)), 6);
  store<u8>(r, <u8>spec.context.length, 7);
  store<u32>(r, <u32>segs, 8);
  store<u32>(r, <u32>beforeBm, 12);
  store<u32>(r, <u32>ctx, 16);
  store<u8>(r, <u8>min(255, spec.keepPrefix), 20);
  store<u16>(r, <u16>min(65535, minLength), 22);
  const anchors = keyword ? spec.keywords : pattern.anchors;
  for (let k = 0; k < anchors.length; k++) {
    const a = anchors[k];
    const ci = (flags & F_CI) != 0;
    const bytes = bytesOf(a, ci);
    blocks.push(bytes);
    const e = ANCHORS + <usize>anchorCount * ANCHOR_BYTES;
    store<u16>(e, <u16>id);
    store<u8>(e, <u8>a.length, 2);
    store<u8>(e, <u8>(ci ? 1 : 0), 3);
    store<u32>(e, <u32>bytes, 4);
    let head: u32 = 0;
    let or: u32 = 0;
    for (let q = 0; q < 4; q++) {
      let b: u32 = 0xff;
      let m: u32 = 0xff;
      if (q < a.length) {
        b = <u32>load<u8>(bytes + <usize>q);
        m = ci && b - 0x61 < 26 ? 0x20 : 0;
      }
      head |= b << (8 * q);
      or |= m << (8 * q);
    }
    store<u32>(e, head, 8);
    store<u32>(e, or, 12);
    anchorCount++;
  }
  return "";
}

function familyIsCodeOnly(name: string): bool {
  const f = familyId(name);
  if (f < 0) return false;
  // A user rule may not take the name of a built-in family (policy names must stay unambiguous).
  return true;
}

@inline function isAlnumByte(c: i32): bool {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** Ends the built-in table: what is registered from now on is a user rule. */
export function sealBuiltins(): void {
  builtinCount = ruleNames.length;
  builtinAnchors = anchorCount;
  builtinFamilies = familyNames.length;
  rebuildBuckets();
}

let builtinAnchors: i32 = 0;
/** Families of the built-in table; user rules' own families come after. */
export let builtinFamilies: i32 = 0;

/** Drops the user rules (a new policy brings its own). */
export function resetUserRules(): void {
  if (ruleNames.length == builtinCount) return;
  for (let k = 0; k < userBlocks.length; k++) heap.free(userBlocks[k]);
  userBlocks.length = 0;
  ruleNames.length = builtinCount;
  ruleFamilies.length = builtinCount;
  ruleIsCode.length = builtinCount;
  familyNames.length = builtinFamilies;
  familyKinds.length = builtinFamilies;
  anchorCount = builtinAnchors;
  rebuildBuckets();
}

/** Rebuilds the anchor buckets after rules were added or removed (cold). */
export function rebuildBuckets(): void {
  memory.fill(WORD_HEAD, 0, 65536 << 1);
  memory.fill(INFIX_HEAD, 0, 256 << 1);
  memory.fill(WORD_FIRST, 0, 256);
  memory.fill(WORD_SECOND, 0, 256);
  memory.fill(INFIX_FIRST, 0, 256);
  memory.fill(INFIX_SECOND, 0, 256);
  memory.fill(INFIX_PAIRS, 0, 8192);
  suffixCount = 0;
  suffixMinWord = <usize>usize.MAX_VALUE;
  // Group anchor ids by key; longest anchors first within a bucket (`sk-ant-api03-` before `sk-`).
  const keys = new Map<i32, i32[]>();
  for (let a = 0; a < anchorCount; a++) {
    const e = ANCHORS + <usize>a * ANCHOR_BYTES;
    const rule = <usize>load<u16>(e);
    const type = load<u8>(RULES + rule * RULE_BYTES);
    if (type == <u8>Type.Suffix) {
      // suffix anchors: one short list, tried where a word at least this long ends
      if (suffixCount < MAX_SUFFIX) {
        store<u16>(SUFFIX_LIST + (<usize>suffixCount << 1), <u16>a);
        suffixCount++;
      }
      suffixMinWord = min(suffixMinWord, <usize>load<u16>(RULES + rule * RULE_BYTES, 22));
      continue;
    }
    const word = type != <u8>Type.Infix;
    const bytes = <usize>load<u32>(e, 4);
    const ci = load<u8>(e, 3) != 0;
    const b0 = <i32>load<u8>(bytes);
    const firsts = variants(b0, ci);
    let seconds: i32[];
    if (load<u8>(e, 2) >= 2) {
      seconds = variants(<i32>load<u8>(bytes, 1), ci);
    } else {
      // A one-byte anchor (`.`, `/`, `~`): the second byte is the first of what follows it.
      seconds = firstBytesAfterAnchor(<i32>rule);
    }
    for (let x = 0; x < firsts.length; x++) {
      for (let y = 0; y < seconds.length; y++) {
        const key = word ? (firsts[x] << 8) | seconds[y] : 0x10000 | firsts[x];
        if (!keys.has(key)) keys.set(key, []);
        const list = keys.get(key);
        if (!list.includes(a)) list.push(a);
        store<u8>((word ? WORD_FIRST : INFIX_FIRST) + <usize>firsts[x], 1);
        store<u8>((word ? WORD_SECOND : INFIX_SECOND) + <usize>seconds[y], 1);
        if (!word) {
          const bit = INFIX_PAIRS + (<usize>firsts[x] << 5) + (<usize>seconds[y] >> 3);
          store<u8>(bit, load<u8>(bit) | <u8>(1 << <u8>(seconds[y] & 7)));
        }
      }
    }
  }
  const all = keys.keys();
  let used: i32 = 0;
  for (let k = 0; k < all.length; k++) {
    const key = all[k];
    const list = keys.get(key);
    list.sort((x: i32, y: i32): i32 => <i32>load<u8>(ANCHORS + <usize>y * ANCHOR_BYTES, 2) - <i32>load<u8>(ANCHORS + <usize>x * ANCHOR_BYTES, 2));
    if (used + list.length + 3 >= MAX_LIST) break;
    // The bucket starts with a 32-bit mask of the third bytes its anchors allow (bit b & 31,
    // so both cases of a letter share a bit; all bits for two-byte anchors).
    let third: u32 = 0;
    for (let q = 0; q < list.length; q++) {
      const e = ANCHORS + <usize>list[q] * ANCHOR_BYTES;
      third |= load<u8>(e, 2) < 3 ? 0xffffffff : <u32>1 << (<u32>load<u8>(<usize>load<u32>(e, 4), 2) & 31);
    }
    const head = key >= 0x10000 ? INFIX_HEAD + (<usize>(key & 0xff) << 1) : WORD_HEAD + (<usize>key << 1);
    store<u16>(head, <u16>(used + 1));
    store<u16>(LISTS + (<usize>(used++) << 1), <u16>(third & 0xffff));
    store<u16>(LISTS + (<usize>(used++) << 1), <u16>(third >>> 16));
    for (let q = 0; q < list.length; q++) store<u16>(LISTS + (<usize>(used++) << 1), <u16>list[q]);
    store<u16>(LISTS + (<usize>(used++) << 1), 0xffff);
  }
}

/** Bytes the first segment after rule `rule`'s anchor can start with. */
function firstBytesAfterAnchor(rule: i32): i32[] {
  const r = RULES + <usize>rule * RULE_BYTES;
  const out = new Array<i32>();
  if (load<u8>(r, 5) == 0) {
    for (let b = 0; b < 256; b++) out.push(b);
    return out;
  }
  const seg = <usize>load<u32>(r, 8) + <usize>load<u8>(r, 4) * SEG_BYTES;
  const bm = <usize>load<u32>(seg);
  if (bm == 0) {
    out.push(<i32>load<u8>(<usize>load<u32>(seg, 8)));
    return out;
  }
  for (let b = 0; b < 256; b++) if (inBm(bm, <u32>b)) out.push(b);
  return out;
}

function variants(b: i32, ci: bool): i32[] {
  const out = [b];
  if (ci && b >= 0x61 && b <= 0x7a) out.push(b & 0xdf);
  return out;
}

// ------------------------------------------------------------------------------------------
// Hot: matching.

/** The rule that matched last (set with `found`). */
export let matchRule: u32 = 0;
/** The bitset of enabled rules for the string being scanned (set by findSecrets). */
export let activeRules: usize = 0;

@inline export function setMatchRule(rule: u32): void {
  matchRule = rule;
}

/** Rule ids of code rules that pairs.ts reports itself (set by index.ts at start-up). */
export let cliPasswordRule: u32 = 0;
export let curlUserRule: u32 = 0;
export function setCliRules(cli: u32, curl: u32): void {
  cliPasswordRule = cli;
  curlUserRule = curl;
}

@inline export function setActiveRules(bits: usize): void {
  activeRules = bits;
}

@inline export function ruleEnabled(bits: usize, rule: u32): bool {
  return (load<u8>(bits + (<usize>rule >> 3)) & (1 << (rule & 7))) != 0;
}

@inline function inBm(bm: usize, b: u32): bool {
  return (load<u8>(bm + (<usize>b >> 3)) & (1 << (b & 7))) != 0;
}

@inline function isIdent(b: u32): bool {
  return b - 0x30 < 10 || (b | 0x20) - 0x61 < 26 || b == 0x5f;
}

/** Whether some anchor may start at the word start `i`: its first two bytes have a bucket and
 * the third byte is one the bucket allows (one table load and one mask test; most words stop
 * here, before any call). */
@inline export function wordAnchorMayStart(p: usize, n: usize, i: usize): bool {
  if (i + 1 >= n) return false;
  const head = <usize>load<u16>(WORD_HEAD + ((<usize>load<u8>(p + i) << 9) | (<usize>load<u8>(p + i + 1) << 1)));
  if (head == 0) return false;
  const third = <u32>(i + 2 < n ? load<u8>(p + i + 2) : 0);
  return (load<u32>(LISTS + ((head - 1) << 1)) & (<u32>1 << (third & 31))) != 0;
}

/** The bucket of anchors that start with bytes `b0 b1` at a word start (0: none). */
@inline export function wordHead(b0: usize, b1: usize): usize {
  return <usize>load<u16>(WORD_HEAD + ((b0 << 9) | (b1 << 1)));
}

/** Whether bucket `head` has an anchor whose third byte may be `third`. */
@inline export function thirdByteAllowed(head: usize, third: u32): bool {
  return (load<u32>(LISTS + ((head - 1) << 1)) & (<u32>1 << (third & 31))) != 0;
}

/** Data rules anchored at the word start `i`: the first that matches wins. */
export function wordRulesAt(p: usize, n: usize, i: usize, floor: usize): bool {
  if (i + 1 >= n) return false;
  const head = <usize>load<u16>(WORD_HEAD + ((<usize>load<u8>(p + i) << 9) | (<usize>load<u8>(p + i + 1) << 1)));
  if (head == 0) return false;
  return tryList(p, n, i, floor, LISTS + ((head + 1) << 1));
}

/** Whether an anchor inside text may start with the bytes `b0 b1` (exact, one bit). */
@inline export function infixAnchorMayStart(b0: usize, b1: usize): bool {
  return (load<u8>(INFIX_PAIRS + (b0 << 5) + (b1 >> 3)) & (1 << <u8>(b1 & 7))) != 0;
}

/** Data rules anchored inside text on the byte at `i` (`.atlasv1.`, `Q~`, `:AA`). */
export function infixRulesAt(p: usize, n: usize, i: usize, floor: usize): bool {
  const head = <usize>load<u16>(INFIX_HEAD + (<usize>load<u8>(p + i) << 1));
  if (head == 0) return false;
  return tryList(p, n, i, floor, LISTS + ((head + 1) << 1));
}

/** Data rules anchored where a word ends: the word [start, end) of letters and digits ends
 * with a rule's closing literal and the segments before it read backward (`…FFFFNRAL`). */
export function suffixRulesAt(p: usize, n: usize, start: usize, end: usize, floor: usize): bool {
  if (peek(p, n, end) == 0x5f) return false;
  const bits = activeRules;
  for (let k = 0; k < suffixCount; k++) {
    const e = ANCHORS + (<usize>load<u16>(SUFFIX_LIST + (<usize>k << 1)) << 4);
    const rule = <u32>load<u16>(e);
    if (end - start < <usize>load<u16>(RULES + <usize>rule * RULE_BYTES, 22) || !ruleEnabled(bits, rule)) continue;
    const len = <usize>load<u8>(e, 2);
    if (!anchorEquals(p + end - len, <usize>load<u32>(e, 4), len, load<u8>(e, 3) != 0)) continue;
    if (matchRuleAt(p, n, end - len, floor, len, rule)) return true;
  }
  return false;
}

function tryList(p: usize, n: usize, i: usize, floor: usize, list: usize): bool {
  const bits = activeRules;
  // The next four bytes as one word (0xff past the end of the string: no anchor byte is 0xff).
  let word: u32;
  if (i + 4 <= n) word = load<u32>(p + i);
  else {
    word = 0xffffffff;
    for (let k: usize = n; k > i; k--) word = (word << 8) | <u32>load<u8>(p + k - 1);
    word = i + 4 > n ? word | (0xffffffff << (8 * <u32>(n - i))) : word;
  }
  while (true) {
    const a = <u32>load<u16>(list);
    if (a == 0xffff) return false;
    list += 2;
    const e = ANCHORS + (<usize>a << 4);
    if ((word | load<u32>(e, 12)) != load<u32>(e, 8)) continue;
    const rule = <u32>load<u16>(e);
    if (!ruleEnabled(bits, rule)) continue;
    const len = <usize>load<u8>(e, 2);
    if (len > 4 && (i + len > n || !anchorEquals(p + i + 4, <usize>load<u32>(e, 4) + 4, len - 4, load<u8>(e, 3) != 0))) continue;
    if (matchRuleAt(p, n, i, floor, len, rule)) return true;
  }
}

@inline function anchorEquals(at: usize, bytes: usize, len: usize, ci: bool): bool {
  for (let k: usize = 0; k < len; k++) {
    let b = <u32>load<u8>(at + k);
    if (ci && b - 0x41 < 26) b |= 0x20;
    if (b != <u32>load<u8>(bytes + k)) return false;
  }
  return true;
}

function matchRuleAt(p: usize, n: usize, i: usize, floor: usize, anchorLen: usize, rule: u32): bool {
  const r = RULES + <usize>rule * RULE_BYTES;
  const type = <u32>load<u8>(r);
  const segs = <usize>load<u32>(r, 8);
  const pre = <usize>load<u8>(r, 4);
  const post = <usize>load<u8>(r, 5);
  let from = i;
  let body = i + anchorLen;
  let end: usize;
  if (type == Type.Keyword) {
    body = valueAfterKey(p, n, i + anchorLen, (<u32>load<u8>(r, 1) & F_SPACED) != 0);
    if (body == FAIL) return false;
    from = body;
    end = forward(p, n, body, segs, post);
  } else {
    // Forward first: for a rule anchored inside text (on `.`, `:`, `-`) the bytes after the
    // anchor rule out most places more cheaply than the run before it.
    end = forward(p, n, i + anchorLen, segs + pre * SEG_BYTES, post);
    if (end == FAIL) return false;
    if (type == Type.Infix || type == Type.Suffix) {
      from = backward(p, floor, i, segs, pre);
      if (from == FAIL) return false;
    }
    if (from != floor && from > 0 && inBm(<usize>load<u32>(r, 12), load<u8>(p + from - 1))) return false;
  }
  if (end == FAIL || end == from) return false;
  // A match that ends in a class may not go on with a letter, digit or `_`.
  if (post > 0 && load<u32>(segs + (pre + post - 1) * SEG_BYTES) != 0 && isIdent(peek(p, n, end))) return false;
  const flags = <u32>load<u8>(r, 1);
  if ((flags & F_NO_PLACEHOLDERS) == 0 && isPlaceholder(p, from, end)) return false;
  const entropy = <u32>load<u8>(r, 6);
  if (entropy != 0 && entropyTenths(p, body, end) < entropy) return false;
  if ((flags & F_CRC32) != 0 && !crc32Valid(p, body, end)) return false;
  if ((flags & F_LUHN) != 0 && !luhnValid(p, body, end)) return false;
  if ((flags & F_BASIC_CREDENTIALS) != 0 && !basicCredentialsValid(p, body, end)) return false;
  const ctxCount = <usize>load<u8>(r, 7);
  if (ctxCount != 0 && !contextBefore(p, from, <usize>load<u32>(r, 16), ctxCount)) return false;
  matchRule = rule;
  const keep = <usize>load<u8>(r, 20);
  return found(min(from + keep, end - 1), end);
}

/** Whether every anchor has a byte outside the body's bitmap. */
function anchorsLeaveBody(anchors: string[], body: Uint8Array): bool {
  if (anchors.length == 0) return false;
  for (let k = 0; k < anchors.length; k++) {
    const a = anchors[k];
    let leaves = false;
    for (let c = 0; c < a.length && !leaves; c++) {
      const b = a.charCodeAt(c);
      leaves = b < 256 && (body[b >> 3] & <u8>(1 << <u8>(b & 7))) == 0;
    }
    if (!leaves) return false;
  }
  return true;
}

/** Where the value starts after a keyword: the rest of the key name, a closing quote, `:` or
 * `=` between spaces, an opening quote; FAIL when there is no such separator. */
function valueAfterKey(p: usize, n: usize, j: usize, spaced: bool): usize {
  for (let t = 0; t < 48; t++) {
    const b = peek(p, n, j);
    if (isIdent(b) || b == 0x2d || b == 0x2e) j++;
    else break;
  }
  let b = peek(p, n, j);
  // a call with the provider's name (`new HubSpotAPI("…")`): the quoted first argument
  if (b == 0x28) {
    const q = peek(p, n, j + 1);
    if (q == BACKSLASH && peek(p, n, j + 2) == QUOTE) return j + 3;
    return q == QUOTE || q == APOSTROPHE ? j + 2 : FAIL;
  }
  let quoted = false;
  if (b == QUOTE || b == APOSTROPHE) { j++; quoted = true; }
  else if (b == BACKSLASH && escapedQuoteEnd(p, n, j) != 0) { j = escapedQuoteEnd(p, n, j); quoted = true; }
  if (quoted) {
    // a quoted name, then its value as the next quoted item: `{ "AccountKey", "…" }`,
    // `Add("AccountKey", "…")`, `x['AccountKey'], '…'`
    let k = j;
    if (peek(p, n, k) == 0x5d || peek(p, n, k) == 0x29) k++;
    if (peek(p, n, k) == 0x2c) {
      k++;
      for (let s = 0; s < 8 && peek(p, n, k) == 0x20; s++) k++;
      const q = peek(p, n, k);
      if (q == QUOTE || q == APOSTROPHE) return k + 1;
      if (q == BACKSLASH && peek(p, n, k + 1) == QUOTE) return k + 2;
      return FAIL;
    }
  }
  let key = j;
  // a name of up to three words (`new relic license key = …`, `Unseal Key 2: …`, `nuget secret
  // K`): short words after single spaces, taken when a separator or (spaced rules) a value follows
  let w = j;
  // the first such word must be a credential's (key, token, secret, license, password, api, auth)
  for (let words = 0; words < 2 && peek(p, n, w) == 0x20 && (words > 0 ? isIdent(peek(p, n, w + 1)) : nameWordAt(p, n, w + 1)); words++) {
    let e = w + 1;
    for (let t = 0; t < 12 && isIdent(peek(p, n, e)); t++) e++;
    if (isIdent(peek(p, n, e))) break;
    w = e;
  }
  if (w > j) {
    let m = w;
    for (let s = 0; s < 40 && peek(p, n, m) == 0x20; s++) m++;
    const c = peek(p, n, m);
    const dash = c == 0x2d && m > w && peek(p, n, m + 1) == 0x20;
    if (c == 0x3a || c == 0x3d || dash || (spaced && m > w && (isIdent(c) || c == QUOTE || c == APOSTROPHE))) key = j = w;
  }
  // aligned configuration files pad names with spaces before the `=` (`azure_devops_pat      = "…"`)
  for (let s = 0; s < 40 && peek(p, n, j) == 0x20; s++) j++;
  b = peek(p, n, j);
  // `okta token - '…'`: a dash between spaces, then a quoted value
  if (b == 0x2d && j > key && peek(p, n, j + 1) == 0x20) {
    const q = peek(p, n, j + 2);
    if (q == QUOTE || q == APOSTROPHE) return j + 3;
    return FAIL;
  }
  // the provider's name, then a word that names its credential (`algolia Key=…`, `mailgun api_key: …`)
  // (first letters k, t, s, a, p only: most words after a name are not tried)
  if (j == key + 1 && ((b | 0x20) == 0x6b || (b | 0x20) == 0x74 || (b | 0x20) == 0x73 || (b | 0x20) == 0x61 || (b | 0x20) == 0x70)) {
    const w = credentialWordEnd(p, n, j);
    if (w != 0) {
      j = w;
      b = peek(p, n, j);
    }
  }
  if (spaced && j > key && b != 0x3a && b != 0x3d && b != 0) {
    // `mailgun 'key'`: a quoted value after the name and spaces
    if (b == QUOTE || b == APOSTROPHE) return j + 1;
    if (b == BACKSLASH && peek(p, n, j + 1) == QUOTE) return j + 2;
    return j;
  }
  if (b != 0x3a && b != 0x3d) return FAIL;
  j++;
  if (peek(p, n, j) == 0x3a && peek(p, n, j + 1) == 0x3d) j++; // `::=` (make, BNF)
  if (peek(p, n, j) == 0x3d || peek(p, n, j) == 0x3e) j++; // `:=`, `=>`
  for (let s = 0; s < 8 && peek(p, n, j) == 0x20; s++) j++;
  b = peek(p, n, j);
  if (b == QUOTE || b == APOSTROPHE) j++;
  else if (b == BACKSLASH && escapedQuoteEnd(p, n, j) != 0) j = escapedQuoteEnd(p, n, j);
  return j;
}

/** Past a quote escaped once, or three, five or seven times (JSON text inside a JSON string, and
 * deeper) at `j`, or 0. */
function escapedQuoteEnd(p: usize, n: usize, j: usize): usize {
  const depth = escapedQuoteDepth(p, n, j);
  return depth != 0 ? j + depth + 1 : 0;
}

const NAME_WORDS: StaticArray<string> = ["key", "token", "secret", "license", "licence", "password", "api", "auth"];

/** Whether a word naming a credential starts at `j` (any case; a prefix of a longer word too:
 * `keys`, `tokens`, `apikey`). */
function nameWordAt(p: usize, n: usize, j: usize): bool {
  const c = peek(p, n, j) | 0x20;
  if (c != 0x6b && c != 0x74 && c != 0x73 && c != 0x6c && c != 0x70 && c != 0x61) return false;
  for (let k = 0; k < NAME_WORDS.length; k++) {
    const w = unchecked(NAME_WORDS[k]);
    let same = true;
    for (let q = 0; q < w.length; q++) {
      if ((peek(p, n, j + <usize>q) | 0x20) != <u32>w.charCodeAt(q)) { same = false; break; }
    }
    if (same) return true;
  }
  return false;
}

/** After a provider's name and one space: where the `=` or `:` is after a word naming a
 * credential (`key`, `token`, `secret`, `apikey`, `api_key`, `api-key`, `pat`, any case) or a
 * declaration's type (`string`) and spaces; else 0. */
function credentialWordEnd(p: usize, n: usize, j: usize): usize {
  let e = j;
  while (e < n && e - j < 8 && (isIdent(peek(p, n, e)) || peek(p, n, e) == 0x2d)) e++;
  let sep = e;
  for (let s = 0; s < 8 && peek(p, n, sep) == 0x20; s++) sep++;
  const after = peek(p, n, sep);
  if (after != 0x3a && after != 0x3d) return 0;
  const len = e - j;
  // lower-cased word, `-`/`_` dropped, compared with the names (at most 7 letters)
  let w: u64 = 0;
  let count = 0;
  for (let k = j; k < e; k++) {
    let c = <u64>load<u8>(p + k);
    if (c == 0x5f || c == 0x2d) continue;
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    w = (w << 8) | c;
    count++;
  }
  if (len == 0 || count > 7) return 0;
  // "key", "token", "secret", "apikey", "pat"; "string", a declaration's type (`const fastlyKey string = "…"`)
  if (w == 0x6b6579 || w == 0x746f6b656e || w == 0x736563726574 || w == 0x6170696b6579 || w == 0x706174 || w == 0x737472696e67) return sep;
  return 0;
}

/** Reads `count` segments at `j`; the end, or FAIL. A `/` may arrive as `\/`. */
function forward(p: usize, n: usize, j: usize, seg: usize, count: usize): usize {
  for (let k: usize = 0; k < count; k++, seg += SEG_BYTES) {
    const bm = <usize>load<u32>(seg);
    const lo = <u32>load<u16>(seg, 4);
    const hi = <u32>load<u16>(seg, 6);
    if (bm == 0) {
      const lit = <usize>load<u32>(seg, 8);
      for (let c: usize = 0; c < <usize>lo; c++) {
        const want = <u32>load<u8>(lit + c);
        const b = peek(p, n, j);
        if (b == want) j++;
        else if (want == SLASH && b == BACKSLASH && peek(p, n, j + 1) == SLASH) j += 2;
        else return FAIL;
      }
      continue;
    }
    const limit = k + 1 == count ? hi + 1 : hi;
    let c: u32 = 0;
    while (c < limit && j < n) {
      const b = <u32>load<u8>(p + j);
      if (inBm(bm, b)) j++;
      else if (b == BACKSLASH && peek(p, n, j + 1) == SLASH && inBm(bm, SLASH)) j += 2;
      else break;
      c++;
    }
    if (c < lo || c > hi) return FAIL;
  }
  return j;
}

/** Reads `count` segments backward, ending at `j`, never below `floor`; the start, or FAIL. */
function backward(p: usize, floor: usize, j: usize, segs: usize, count: usize): usize {
  for (let k = count; k > 0; k--) {
    const seg = segs + (k - 1) * SEG_BYTES;
    const bm = <usize>load<u32>(seg);
    const lo = <u32>load<u16>(seg, 4);
    const hi = <u32>load<u16>(seg, 6);
    if (bm == 0) {
      const lit = <usize>load<u32>(seg, 8);
      if (j < floor + <usize>lo) return FAIL;
      j -= <usize>lo;
      for (let c: usize = 0; c < <usize>lo; c++) if (load<u8>(p + j + c) != load<u8>(lit + c)) return FAIL;
      continue;
    }
    const limit = k == 1 ? hi + 1 : hi;
    let c: u32 = 0;
    while (c < limit && j > floor && inBm(bm, load<u8>(p + j - 1))) {
      j--;
      c++;
    }
    if (c < lo || c > hi) return FAIL;
  }
  return j;
}

// Placeholders written where a secret would go: `XXXX…`, `EXAMPLE`, `${VAR}`, `<YOUR_…>`,
// `{{ … }}`, `your_…`, `changeme`.
const PLACEHOLDERS: StaticArray<string> = ["example", "xxxx", "${", "<your", "your_", "your-", "{{", "placeholder", "changeme", "redacted", "****", "dummy"];

function isPlaceholder(p: usize, from: usize, to: usize): bool {
  for (let j = from; j < to; j++) {
    const b = <u32>load<u8>(p + j);
    const f = b - 0x41 < 26 ? b | 0x20 : b;
    if (f != 0x65 && f != 0x78 && f != 0x24 && f != 0x3c && f != 0x79 && f != 0x7b && f != 0x70 && f != 0x63 && f != 0x72 && f != 0x2a && f != 0x64) continue;
    for (let k = 0; k < PLACEHOLDERS.length; k++) {
      const w = unchecked(PLACEHOLDERS[k]);
      const len = <usize>w.length;
      if (to - j < len || <u32>w.charCodeAt(0) != f) continue;
      let same = true;
      for (let c: usize = 1; c < len; c++) {
        let x = <u32>load<u8>(p + j + c);
        if (x - 0x41 < 26) x |= 0x20;
        if (x != <u32>w.charCodeAt(<i32>c)) { same = false; break; }
      }
      if (same) return true;
    }
  }
  return false;
}

const HISTOGRAM = heap.alloc(256 << 1);
memory.fill(HISTOGRAM, 0, 256 << 1);

/** Shannon entropy of [from, to) in tenths of a bit per character (at most 1,024 bytes read). */
export function entropyTenths(p: usize, from: usize, to: usize): u32 {
  if (to - from > 1024) to = from + 1024;
  const len = <f64>(to - from);
  if (len == 0) return 0;
  for (let j = from; j < to; j++) {
    const at = HISTOGRAM + (<usize>load<u8>(p + j) << 1);
    store<u16>(at, load<u16>(at) + 1);
  }
  let h: f64 = 0;
  for (let j = from; j < to; j++) {
    const at = HISTOGRAM + (<usize>load<u8>(p + j) << 1);
    const c = <f64>load<u16>(at);
    if (c == 0) continue;
    const q = c / len;
    h -= q * Math.log2(q);
    store<u16>(at, 0);
  }
  return <u32>Math.floor(h * 10);
}

const CRC_TABLE = heap.alloc(256 << 2);
for (let k: u32 = 0; k < 256; k++) {
  let c = k;
  for (let b = 0; b < 8; b++) c = (c & 1) != 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  store<u32>(CRC_TABLE + (<usize>k << 2), c);
}

/** CRC-32 (IEEE) of [from, to). */
export function crc32(p: usize, from: usize, to: usize): u32 {
  let crc: u32 = 0xffffffff;
  for (let j = from; j < to; j++) crc = (crc >>> 8) ^ load<u32>(CRC_TABLE + (<usize>((crc ^ <u32>load<u8>(p + j)) & 0xff) << 2));
  return crc ^ 0xffffffff;
}

/** GitHub/npm-style checksum: the last 6 characters are the CRC-32 of the rest of the body in
 * base 62 (0-9, A-Z, a-z), left-padded with `0`.
 * https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/ */
export function crc32Valid(p: usize, from: usize, to: usize): bool {
  if (to - from < 7) return false;
  let v = crc32(p, from, to - 6);
  for (let k: usize = 0; k < 6; k++) {
    const d = v % 62;
    v /= 62;
    const want = d < 10 ? 0x30 + d : d < 36 ? 0x41 + d - 10 : 0x61 + d - 36;
    if (<u32>load<u8>(p + to - 1 - k) != want) return false;
  }
  return v == 0;
}

/** Whether [from, to) is padded standard base64 of printable ASCII holding a `:` that is neither
 * first nor last: `user:password`, as a Docker config's `auth` and HTTP Basic carry it (RFC 7617). */
export function basicCredentialsValid(p: usize, from: usize, to: usize): bool {
  if (to - from < 8 || ((to - from) & 3) != 0) return false;
  let colon: i32 = -1;
  let out: i32 = 0;
  for (let k = from; k < to; k += 4) {
    let v: u32 = 0;
    let pad = 0;
    for (let c: usize = 0; c < 4; c++) {
      const b = <u32>load<u8>(p + k + c);
      let d: u32 = 0;
      if (b == 0x3d && k + 4 == to && c >= 2) pad++; // `=` only ends the text
      else if (pad != 0) return false;
      else if (b - 0x41 < 26) d = b - 0x41;
      else if (b - 0x61 < 26) d = b - 0x61 + 26;
      else if (b - 0x30 < 10) d = b - 0x30 + 52;
      else if (b == 0x2b) d = 62;
      else if (b == 0x2f) d = 63;
      else return false;
      v = (v << 6) | d;
    }
    for (let j = 0; j < 3 - pad; j++) {
      const x = (v >> (16 - 8 * <u32>j)) & 0xff;
      if (x < 0x20 || x > 0x7e) return false;
      if (x == 0x3a && colon < 0) colon = out;
      out++;
    }
  }
  return colon > 0 && colon < out - 1;
}

const CONTEXT_WINDOW: usize = 64;

/** Whether the word of `len` ASCII characters at `w` (one every `stride` bytes: 1 for bytes,
 * 2 for a string's UTF-16 data), lower case, appears in any case in the 64 bytes before `at`. */
function wordBefore(p: usize, at: usize, w: usize, len: usize, stride: usize): bool {
  const from = at > CONTEXT_WINDOW ? at - CONTEXT_WINDOW : 0;
  if (at - from < len) return false;
  for (let j = from; j + len <= at; j++) {
    let same = true;
    for (let c: usize = 0; c < len; c++) {
      let x = <u32>load<u8>(p + j + c);
      if (x - 0x41 < 26) x |= 0x20;
      if (x != <u32>load<u8>(w + c * stride)) { same = false; break; }
    }
    if (same) return true;
  }
  return false;
}

/** Whether one of the context words (pointer, length pairs) appears shortly before `at`. */
function contextBefore(p: usize, at: usize, words: usize, count: usize): bool {
  for (let w: usize = 0; w < count; w++) {
    if (wordBefore(p, at, <usize>load<u32>(words + w * 8), <usize>load<u32>(words + w * 8, 4), 1)) return true;
  }
  return false;
}

/** Context check for code rules (e.g. unseparated SSNs): one of `words` in the 64 bytes before. */
export function hasContextWord(p: usize, at: usize, words: StaticArray<string>): bool {
  for (let k = 0; k < words.length; k++) {
    const w = unchecked(words[k]);
    if (wordBefore(p, at, changetype<usize>(w), <usize>w.length, 2)) return true;
  }
  return false;
}
