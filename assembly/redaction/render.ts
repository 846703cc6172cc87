// What replaces a redacted value or span: a mask (fixed text, or characters hidden with a
// few kept visible) or a keyed pseudonym. Written straight into the output, no strings.
import { ByteBuffer } from "../buffer";
import { decodeStringContent, rawCharLength } from "../json/decode";
import { Treatment } from "./policy";
import { Pseudonymizer } from "./pseudonym";

export class Renderer {
  private readonly decoded: ByteBuffer = new ByteBuffer(1024);

  constructor(
    private maskText: ArrayBuffer,
    private maskChar: u8,
    public pseudonyms: Pseudonymizer,
  ) {}

  /**
   * Writes the mask of raw string content [ptr, ptr+len) (no quotes). Keeps `keepFirst` and
   * `keepLast` characters when the value is long enough to still hide something.
   */
  mask(out: ByteBuffer, ptr: usize, len: usize, treatment: Treatment): void {
    const keepFirst = <usize>treatment.keepFirst;
    const keepLast = <usize>treatment.keepLast;
    if (keepFirst == 0 && keepLast == 0) {
      out.putBuffer(this.maskText);
      return;
    }
    const end = ptr + len;
    let chars: usize = 0;
    for (let p = ptr; p < end; p += rawCharLength(p, end)) chars++;
    if (chars <= keepFirst + keepLast) {
      this.maskChars(out, chars);
      return;
    }
    let p = ptr;
    for (let i: usize = 0; i < keepFirst; i++) p += rawCharLength(p, end);
    out.putBytes(ptr, p - ptr);
    const hidden = chars - keepFirst - keepLast;
    for (let i: usize = 0; i < hidden; i++) p += rawCharLength(p, end);
    this.maskChars(out, hidden);
    out.putBytes(p, end - p);
  }

  private maskChars(out: ByteBuffer, count: usize): void {
    const at = out.reserve(count);
    memory.fill(at, this.maskChar, count);
    out.len += count;
  }

  /** Writes the pseudonym of raw string content (decoded first, so it matches `logseal pseudonym VALUE`). */
  pseudonymOfString(out: ByteBuffer, ptr: usize, len: usize): bool {
    const decoded = this.decoded;
    decoded.reset();
    decodeStringContent(decoded, ptr, len);
    return this.pseudonyms.write(out, decoded.ptr, decoded.len);
  }

  /** Writes the pseudonym of raw bytes (a number, or an object's JSON text). */
  pseudonymOfBytes(out: ByteBuffer, ptr: usize, len: usize): bool {
    return this.pseudonyms.write(out, ptr, len);
  }
}
