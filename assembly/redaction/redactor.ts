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

const NO_KEY_MESSAGE = "pseudonym key missing: values masked instead of hashed";

export class Redactor {
  readonly renderer: Renderer;
  /** Depth of the key that the allow-list admitted with its whole subtree (0: none). */
  private allowedDepth: i32 = 0;
  private warnedNoKey: bool = false;
  // Per-record counts for the summary.
  removed: u32 = 0;
  masked: u32 = 0;
  hashed: u32 = 0;

  constructor(readonly policy: RedactPolicy, pseudonymKey: HmacKey | null) {
    const maskChar = <u8>policy.maskChar.charCodeAt(0);
    const pseudonyms = new Pseudonymizer(pseudonymKey, String.UTF8.encode(policy.pseudonymPrefix), policy.pseudonymHexChars);
    this.renderer = new Renderer(String.UTF8.encode(policy.maskText), maskChar, pseudonyms);
  }

  beginRecord(): void {
    this.allowedDepth = 0;
    this.removed = 0;
    this.masked = 0;
    this.hashed = 0;
    this.warnedNoKey = false;
  }

  /** The treatment for the member whose key is the last of `path`, or null to keep and descend. */
  treatmentFor(path: KeyPath): Treatment | null {
    const policy = this.policy;
    const depth = path.depth;
    let id = policy.keys.matchName(path.keyPtr(depth), path.keyLen(depth));
    if (id == NO_MATCH && policy.keys.maxPathDepth != 0) id = policy.keys.matchPath(path, false);
    if (id >= 0) return unchecked(policy.rules[id]);
    const allow = policy.allow;
    if (allow == null) return null;
    if (this.allowedDepth >= depth) this.allowedDepth = 0; // left the admitted subtree
    if (this.allowedDepth != 0) return null;
    const match = allow.matchPath(path, true);
    if (match == NO_MATCH) return policy.allowTreatment;
    if (match != PREFIX_MATCH) this.allowedDepth = depth;
    return null;
  }

  /** Writes the replacement of a whole value [start, end) of kind `token`. */
  writeValue(record: RecordOut, token: Token, start: usize, end: usize, treatment: Treatment): void {
    const out = record.out;
    out.putByte(0x22);
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
    if (treatment.action == Action.Hash) {
      if (this.renderer.pseudonymOfString(out, ptr, len)) {
        this.hashed++;
        return;
      }
      this.noKey(record);
    }
    this.renderer.mask(out, ptr, len, treatment.action == Action.Remove ? FULL_MASK : treatment);
    this.masked++;
  }

  private noKey(record: RecordOut): void {
    if (this.warnedNoKey) return;
    this.warnedNoKey = true;
    record.addError(NO_KEY_MESSAGE);
  }

  /** Redacts secrets the detectors find in raw string content [ptr, end). */
  scanString(record: RecordOut, editor: Editor, ptr: usize, end: usize): void {
    // Wired to the detectors in redaction/detectors.
  }

  /** Whether free-text detectors run on string values under `path`. */
  @inline scans(path: KeyPath): bool {
    const scan = this.policy.scan;
    if (scan == null) return true;
    const depth = path.depth;
    if (depth == 0) return false;
    return scan.matchName(path.keyPtr(depth), path.keyLen(depth)) >= 0 || scan.matchPath(path, false) >= 0;
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
    out.putByte(0x7D);
  }
}

const FULL_MASK = new Treatment(Action.Mask);
const SUMMARY_KEY = String.UTF8.encode("\"redaction\"");
const REMOVED = String.UTF8.encode("{\"removed\":");
const MASKED = String.UTF8.encode(",\"masked\":");
const HASHED = String.UTF8.encode(",\"hashed\":");
