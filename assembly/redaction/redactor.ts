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
import { DETECTOR_COUNT, DETECTOR_NAMES, findSecrets } from "./detectors";
import { SpanList } from "./spans";
import { writeNetwork } from "./network";

const NO_KEY_MESSAGE = String.UTF8.encode("pseudonym key missing: values masked instead of hashed");

export class Redactor {
  readonly renderer: Renderer;
  /** Depth of the key that the allow-list admitted with its whole subtree (0: none). */
  private allowedDepth: i32 = 0;
  /** Depth of the key a `keep` rule exempted, with its subtree, from the detectors (0: none). */
  private exemptDepth: i32 = 0;
  private warnedNoKey: bool = false;
  /** No key rule and no allow-list: members need no matching at all. */
  private readonly noKeyRules: bool;
  /** Detectors whose action is not `keep`, as findSecrets' bit mask. */
  private readonly enabledDetectors: u32;
  // Per-record counts for the summary.
  removed: u32 = 0;
  masked: u32 = 0;
  hashed: u32 = 0;
  private readonly found: StaticArray<u32> = new StaticArray<u32>(DETECTOR_COUNT);

  constructor(readonly policy: RedactPolicy, pseudonymKey: HmacKey | null) {
    let enabled: u32 = 0;
    for (let id: u32 = 0; id < DETECTOR_COUNT; id++) {
      if (policy.detectorTreatments[id].action != Action.Keep) enabled |= 1 << id;
    }
    this.enabledDetectors = enabled;
    this.noKeyRules = policy.keys.isEmpty && policy.allow == null;
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
    if (this.policy.summary) memory.fill(changetype<usize>(this.found), 0, <usize>DETECTOR_COUNT << 2);
  }

  /** The treatment for the member whose key is the last of `path`, or null to keep and descend. */
  treatmentFor(path: KeyPath): Treatment | null {
    const policy = this.policy;
    if (this.noKeyRules) return null;
    const depth = path.depth;
    if (this.exemptDepth >= depth) this.exemptDepth = 0; // left the exempted subtree
    let id = policy.keys.matchName(path.keyPtr(depth), path.keyLen(depth));
    if (id == NO_MATCH && policy.keys.maxPathDepth != 0) id = policy.keys.matchPath(path);
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
    findSecrets(ptr, end - ptr, this.enabledDetectors, spans);
    const treatments = this.policy.detectorTreatments;
    for (let i = 0, n = spans.count; i < n; i++) {
      const start = ptr + <usize>spans.start(i);
      const stop = ptr + <usize>spans.end(i);
      const detector = spans.detector(i);
      editor.splice(start, stop);
      this.writeSpan(record, start, stop - start, unchecked(treatments[detector]));
      unchecked(this.found[detector]++);
    }
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
    for (let id: i32 = 0; id < <i32>DETECTOR_COUNT; id++) {
      const count = this.found[id];
      if (count == 0) continue;
      if (!first) out.putByte(0x2C);
      first = false;
      out.putBuffer(DETECTOR_KEYS[id]);
      out.putUint(count);
    }
    out.putByte(0x7D);
    out.putByte(0x7D);
  }
}

const FULL_MASK = new Treatment(Action.Mask);
// Scratch shared by every Redactor: engines are rebuilt on a policy reload, buffers are not.
const spans = new SpanList();
const SUMMARY_KEY = String.UTF8.encode("\"redaction\"");
const REMOVED = String.UTF8.encode("{\"removed\":");
const MASKED = String.UTF8.encode(",\"masked\":");
const HASHED = String.UTF8.encode(",\"hashed\":");
const DETECTORS = String.UTF8.encode(",\"found\":{");
const DETECTOR_KEYS = detectorKeys();

function detectorKeys(): ArrayBuffer[] {
  const keys = new Array<ArrayBuffer>();
  for (let id = 0; id < DETECTOR_NAMES.length; id++) keys.push(String.UTF8.encode("\"" + DETECTOR_NAMES[id] + "\":"));
  return keys;
}
