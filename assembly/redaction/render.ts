// What replaces a redacted value or span: a mask (fixed text, or characters hidden with a
// few kept visible) or a keyed pseudonym. Written straight into the output, no strings.
import { ByteBuffer } from "../buffer";
import { decodeStringContent, rawCharLength } from "../json/decode";
import { Treatment } from "./policy";
import { Pseudonymizer } from "./pseudonym";

// Scratch shared by every Renderer: engines are rebuilt on a policy reload, buffers are not.
const decoded = new ByteBuffer(1024);

export class Renderer {
  constructor(
    private maskText: ArrayBuffer,
    private maskChar: u8,
    public pseudonyms: Pseudonymizer,
  ) {}

  /**
   * Writes the mask of raw string content [ptr, ptr+len) (no quotes). A partial mask keeps
   * `keepFirst`/`keepLast` characters, counting only non-separators, and keeps the
   * separators (space, dash) in place: `4111 1111 1111 1111` -> `**** **** **** 1111`. If the
   * value is too short to still hide something, all of it is masked.
   */
  mask(out: ByteBuffer, ptr: usize, len: usize, treatment: Treatment): void {
    const keepFirst = <usize>treatment.keepFirst;
    const keepLast = <usize>treatment.keepLast;
    if (keepFirst == 0 && keepLast == 0) {
      out.putBuffer(this.maskText);
      return;
    }
    const end = ptr + len;
    let significant: usize = 0;
    for (let p = ptr; p < end; p += rawCharLength(p, end)) if (!isSeparator(load<u8>(p))) significant++;
    const maskAll = significant <= keepFirst + keepLast;
    let index: usize = 0;
    for (let p = ptr; p < end;) {
      const n = rawCharLength(p, end);
      if (isSeparator(load<u8>(p))) {
        out.putByte(load<u8>(p));
      } else {
        if (!maskAll && (index < keepFirst || index >= significant - keepLast)) out.putBytes(p, n);
        else out.putByte(this.maskChar);
        index++;
      }
      p += n;
    }
  }

  /** Writes the pseudonym of raw string content (decoded first, so it matches `logseal pseudonym VALUE`). */
  pseudonymOfString(out: ByteBuffer, ptr: usize, len: usize): bool {
    decoded.reset();
    decodeStringContent(decoded, ptr, len);
    return this.pseudonyms.write(out, decoded.ptr, decoded.len);
  }

  /** Writes the pseudonym of raw bytes (a number, or an object's JSON text). */
  pseudonymOfBytes(out: ByteBuffer, ptr: usize, len: usize): bool {
    return this.pseudonyms.write(out, ptr, len);
  }
}

@inline function isSeparator(c: u8): bool {
  return c == 0x20 || c == 0x2D;
}
