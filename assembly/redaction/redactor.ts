// Decides, per member and per string, what redaction does; the walk applies it.
import { ByteBuffer } from "../buffer";
import { Token } from "../json/reader";
import { NO_MATCH, PREFIX_MATCH } from "../policy/keymatch";
import { KeyPath } from "../policy/keypath";
import { RecordOut } from "../record";
import { Action, RedactPolicy, Treatment } from "./policy";
import { Renderer } from "./render";
import { Pseudonymizer } from "./pseudonym";
import { HmacKey } from "../crypto/hmac";
import { Editor } from "../json/editor";
import { findSecrets, installUserRules, memberSecretAt, namedValueSecretAt, pairRuleIn, RuleSet } from "./detectors";
import { matchEnd, matchStart } from "./detectors/match";
import { familyId, familyNames, familyOf, MAX_RULES, ruleFamilies, ruleId, ruleNames } from "./detectors/rules";
import { SpanList } from "./spans";
import { writeNetwork } from "./network";

const NO_KEY_MESSAGE = String.UTF8.encode("pseudonym key missing: values masked instead of hashed");

const detachedEditor = new Editor();

export class Redactor {
  readonly renderer: Renderer;
  /** Depth of the key that the allow-list admitted with its whole subtree (0: none). */
  private allowedDepth: i32 = 0;
  /** Depth of the key a `keep` rule exempted, with its subtree, from the detectors (0: none). */
  private exemptDepth: i32 = 0;
  private warnedNoKey: bool = false;
  /** No key rule and no allow-list: members need no matching at all. */
  readonly noKeyRules: bool;
  /** The detectors read no string at all (`"scan": []`): no member is judged by its name or role. */
  readonly scansNothing: bool;
  /** Rules whose action is not `keep`, as findSecrets' bitset. */
  private readonly enabledRules: RuleSet;
  /** Treatment per rule id: what the policy names (by family, then by rule), a mask otherwise. */
  readonly treatments: StaticArray<Treatment>;
  /** The pair detector's rule id, -1 when the policy turns it off. */
  private readonly pairRule: i32;
  // Per-record counts for the summary.
  removed: u32 = 0;
  masked: u32 = 0;
  hashed: u32 = 0;
  /** Per family: spans found in this record (for the summary). */
  private readonly found: StaticArray<u32> = new StaticArray<u32>(MAX_RULES);

  constructor(readonly policy: RedactPolicy, pseudonymKey: HmacKey | null) {
    const treatments = treatmentsFor(policy);
    const enabled = new RuleSet();
    for (let r = 0; r < ruleNames.length; r++) enabled.set(r, treatments[r].action != Action.Keep);
    this.treatments = treatments;
    const rules = enabled.finish();
    this.enabledRules = rules;
    this.pairRule = pairRuleIn(rules);
    this.noKeyRules = policy.keys.isEmpty && policy.allow == null;
    this.scansNothing = policy.scan != null && policy.scan!.isEmpty;
    const maskChar = <u8>policy.maskChar.charCodeAt(0);
    const pseudonyms = new Pseudonymizer(pseudonymKey, String.UTF8.encode(policy.pseudonymPrefix), policy.pseudonymHexChars);
    this.renderer = new Renderer(String.UTF8.encode(policy.maskText), maskChar, pseudonyms);
  }

  beginRecord(): void {
    this.allowedDepth = 0;
    this.exemptDepth = 0;
    this.removed = 0;
    this.masked = 0;
    this.hashed = 0;
    this.warnedNoKey = false;
    if (this.policy.summary) memory.fill(changetype<usize>(this.found), 0, <usize>MAX_RULES << 2);
  }

  /** Id of the key rule for the member whose key is the last of `path`, or NO_MATCH: depends on the path only. */
  keyRuleFor(path: KeyPath): i32 {
    if (this.noKeyRules) return NO_MATCH;
    const keys = this.policy.keys;
    const depth = path.depth;
    const id = keys.matchName(path.keyPtr(depth), path.keyLen(depth));
    return id == NO_MATCH && keys.maxPathDepth != 0 ? keys.matchPath(path) : id;
  }

  /**
   * The treatment for the member whose key is the last of `path` and whose key rule is `id`
   * (keyRuleFor), or null to keep and descend.
   */
  treatmentFor(path: KeyPath, id: i32): Treatment | null {
    const policy = this.policy;
    if (this.noKeyRules) return null;
    const depth = path.depth;
    if (this.exemptDepth >= depth) this.exemptDepth = 0; // left the exempted subtree
    if (id >= 0) {
      const treatment = unchecked(policy.rules[id]);
      if (treatment.action == Action.Keep && this.exemptDepth == 0) this.exemptDepth = depth;
      return treatment;
    }
    const allow = policy.allow;
    if (allow == null) return null;
    if (this.allowedDepth >= depth) this.allowedDepth = 0; // left the admitted subtree
    if (this.allowedDepth != 0) return null;
    const match = allow.matchPathOrPrefix(path);
    if (match == NO_MATCH) return policy.allowTreatment;
    if (match != PREFIX_MATCH) this.allowedDepth = depth;
    return null;
  }

  /** Writes the replacement of a whole value [start, end) of kind `token`. */
  writeValue(record: RecordOut, token: Token, start: usize, end: usize, treatment: Treatment): void {
    const out = record.out;
    out.putByte(0x22);
    if (treatment.action == Action.Network && token == Token.String && writeNetwork(out, start + 1, end - start - 2, treatment.prefixBits)) {
      this.masked++;
      out.putByte(0x22);
      return;
    }
    if (treatment.action == Action.Hash) {
      const done = token == Token.String
        ? this.renderer.pseudonymOfString(out, start + 1, end - start - 2)
        : this.renderer.pseudonymOfBytes(out, start, end - start);
      if (done) {
        this.hashed++;
        out.putByte(0x22);
        return;
      }
      this.noKey(record);
    }
    if (token == Token.String) this.renderer.mask(out, start + 1, end - start - 2, treatment);
    else if (token == Token.Number) this.renderer.mask(out, start, end - start, treatment);
    else this.renderer.mask(out, 0, 0, FULL_MASK);
    this.masked++;
    out.putByte(0x22);
  }

  /** Writes the replacement of a span inside a string's raw content. */
  writeSpan(record: RecordOut, ptr: usize, len: usize, treatment: Treatment): void {
    const out = record.out;
    if (treatment.action == Action.Network && writeNetwork(out, ptr, len, treatment.prefixBits)) {
      this.masked++;
      return;
    }
    if (treatment.action == Action.Hash) {
      if (this.renderer.pseudonymOfString(out, ptr, len)) {
        this.hashed++;
        return;
      }
      this.noKey(record);
    }
    this.renderer.mask(out, ptr, len, treatment.action == Action.Mask ? treatment : FULL_MASK);
    this.masked++;
  }

  private noKey(record: RecordOut): void {
    if (this.warnedNoKey) return;
    this.warnedNoKey = true;
    record.addError(NO_KEY_MESSAGE);
  }

  /** Redacts secrets the detectors find in raw string content [ptr, end). */
  scanString(record: RecordOut, editor: Editor, ptr: usize, end: usize): void {
    findSecrets(ptr, end - ptr, this.enabledRules, spans);
    const treatments = this.treatments;
    for (let i = 0, n = spans.count; i < n; i++) {
      const start = ptr + <usize>spans.start(i);
      const stop = ptr + <usize>spans.end(i);
      const rule = spans.detector(i);
      editor.splice(start, stop);
      this.writeSpan(record, start, stop - start, unchecked(treatments[rule]));
      unchecked(this.found[familyOf(rule)]++);
    }
  }

  /**
   * Scans text held outside the record [ptr, end) (a repaired string, a body that is not JSON)
   * and writes it, redacted, at the end of the record's output.
   */
  scanDetached(record: RecordOut, ptr: usize, end: usize): void {
    detachedEditor.begin(ptr, record.out);
    this.scanString(record, detachedEditor, ptr, end);
    detachedEditor.copyTo(end);
  }

  /**
   * A string member whose name is a secret's (`"db_password": "…"`): its whole value, content
   * [contentStart, contentEnd), written as the pair detector's span when the detector takes it,
   * as it would take the same bytes inside a string. False when it does not (a placeholder, an
   * empty value, `namesSomethingElse`…): the value is then scanned as any other. `keyStart` is
   * where the name's token starts in the record [body, body + len).
   */
  memberSecret(record: RecordOut, editor: Editor, body: usize, len: usize, keyStart: usize, contentStart: usize, contentEnd: usize): bool {
    let sep = contentStart - 2; // before the value's opening quote: JSON whitespace, then the ':'
    while (sep > keyStart && load<u8>(sep) != 0x3A) sep--;
    if (sep <= keyStart) return false;
    return this.wholeValue(record, editor, body, memberSecretAt(body, len, keyStart - body, sep - body, this.enabledRules), contentStart, contentEnd);
  }

  /**
   * The string `value` member of an object whose `name` or `key` member, content [nameStart,
   * nameEnd), names a secret (`{"name": "DB_PASSWORD", "value": "…"}`): its content
   * [contentStart, contentEnd) is judged and written as memberSecret's.
   */
  namedValue(record: RecordOut, editor: Editor, body: usize, len: usize, nameStart: usize, nameEnd: usize, contentStart: usize, contentEnd: usize): bool {
    const rule = namedValueSecretAt(body, len, nameStart - body, nameEnd - body, contentStart - 1 - body, this.enabledRules);
    // the pair detector takes the whole value; an Authorization header's value its credential
    if (rule < 0 || body + matchStart < contentStart || body + matchEnd > contentEnd || matchEnd <= matchStart) return false;
    return this.wholeValue(record, editor, 0, rule, body + matchStart, body + matchEnd, false);
  }

  /**
   * A value of a Kubernetes Secret's data in an audit event about it, content [contentStart,
   * contentEnd): a secret whatever its key, written as the pair detector's span (with its action;
   * nothing when the policy turns that detector off). An empty value is left.
   */
  secretData(record: RecordOut, editor: Editor, contentStart: usize, contentEnd: usize): bool {
    if (contentEnd == contentStart) return false;
    return this.wholeValue(record, editor, 0, this.pairRule, contentStart, contentEnd, false);
  }

  /** Writes the content [contentStart, contentEnd) as the span of `rule` when the detector took it whole. */
  private wholeValue(record: RecordOut, editor: Editor, body: usize, rule: i32, contentStart: usize, contentEnd: usize, matched: bool = true): bool {
    if (rule < 0 || (matched && (body + matchStart != contentStart || body + matchEnd != contentEnd))) return false;
    editor.splice(contentStart, contentEnd);
    this.writeSpan(record, contentStart, contentEnd - contentStart, unchecked(this.treatments[rule]));
    unchecked(this.found[familyOf(rule)]++);
    return true;
  }

  /** Whether free-text detectors run on string values under `path`. */
  @inline scans(path: KeyPath): bool {
    const depth = path.depth;
    if (this.exemptDepth != 0 && depth >= this.exemptDepth) return false;
    const scan = this.policy.scan;
    if (scan == null) return true;
    if (depth == 0) return false;
    return scan.matchName(path.keyPtr(depth), path.keyLen(depth)) >= 0 || scan.matchPath(path) >= 0;
  }

  /** Writes `"redaction":{...}` counts when the policy asks for a summary. */
  writeSummary(record: RecordOut): void {
    if (!this.policy.summary) return;
    const out = record.member(SUMMARY_KEY);
    out.putBuffer(REMOVED);
    out.putUint(this.removed);
    out.putBuffer(MASKED);
    out.putUint(this.masked);
    out.putBuffer(HASHED);
    out.putUint(this.hashed);
    out.putBuffer(DETECTORS);
    let first = true;
    for (let id: i32 = 0; id < familyNames.length; id++) {
      const count = this.found[id];
      if (count == 0) continue;
      if (!first) out.putByte(0x2C);
      first = false;
      out.putBuffer(familyKey(id));
      out.putUint(count);
    }
    out.putByte(0x7D);
    out.putByte(0x7D);
  }
}

const FULL_MASK = new Treatment(Action.Mask);

/** Puts the policy's own rules in the table, then the actions per rule id: a detector the
 * policy does not name masks what it finds (forgetting one must not leak), a family's action
 * applies to its rules, a rule's own action wins over its family's. */
function treatmentsFor(policy: RedactPolicy): StaticArray<Treatment> {
  installUserRules(policy.userRules);
  rebuildFamilyKeys();
  const treatments = new StaticArray<Treatment>(MAX_RULES);
  for (let r = 0; r < MAX_RULES; r++) treatments[r] = FULL_MASK;
  const settings = policy.detectors;
  for (let pass = 0; pass < 2; pass++) {
    for (let k = 0; k < settings.length; k++) {
      const name = settings[k].name;
      const f = familyId(name);
      if (pass == 0) {
        if (f < 0) continue;
        for (let r = 0; r < ruleNames.length; r++) if (ruleFamilies[r] == f) treatments[r] = settings[k].treatment;
      } else {
        const r = ruleId(name);
        if (r >= 0 && (f < 0 || ruleFamilies[r] != f)) treatments[r] = settings[k].treatment;
      }
    }
  }
  return treatments;
}
// Scratch shared by every Redactor: engines are rebuilt on a policy reload, buffers are not.
const spans = new SpanList();
const SUMMARY_KEY = String.UTF8.encode("\"redaction\"");
const REMOVED = String.UTF8.encode("{\"removed\":");
const MASKED = String.UTF8.encode(",\"masked\":");
const HASHED = String.UTF8.encode(",\"hashed\":");
const DETECTORS = String.UTF8.encode(",\"found\":{");
const FAMILY_KEYS = new Array<ArrayBuffer>();

/** `"family":` as UTF-8 per family id, made when a policy is put in force (cold). */
function rebuildFamilyKeys(): void {
  FAMILY_KEYS.length = 0;
  for (let id = 0; id < familyNames.length; id++) FAMILY_KEYS.push(String.UTF8.encode("\"" + familyNames[id] + "\":"));
}

@inline function familyKey(id: i32): ArrayBuffer {
  return unchecked(FAMILY_KEYS[id]);
}
