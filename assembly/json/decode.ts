// Decoding a JSON string's content into UTF-8 on the hot path, into a reused buffer.
import { ByteBuffer } from "../buffer";
import { isHexDigit } from "./reader";

/** Appends the decoded UTF-8 of raw string content [ptr, ptr+len) (escapes already validated). */
export function decodeStringContent(out: ByteBuffer, ptr: usize, len: usize): void {
  const end = ptr + len;
  let run = ptr;
  let p = ptr;
  while (p < end) {
    if (load<u8>(p) != 0x5C) {
      p++;
      continue;
    }
    out.putBytes(run, p - run);
    const c = load<u8>(p + 1);
    if (c == 0x75) {
      let cp = hex4(p + 2);
      p += 6;
      if (cp >= 0xD800 && cp < 0xDC00 && p + 6 <= end && load<u16>(p) == 0x755C) {
        const low = hex4(p + 2);
        if (low >= 0xDC00 && low < 0xE000) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          p += 6;
        }
      }
      putCodePoint(out, cp);
    } else {
      out.putByte(c == 0x6E ? 0x0A : c == 0x74 ? 0x09 : c == 0x72 ? 0x0D : c == 0x62 ? 0x08 : c == 0x66 ? 0x0C : c);
      p += 2;
    }
    run = p;
  }
  out.putBytes(run, p - run);
}

/** UTF-8 of a code point; a lone surrogate becomes U+FFFD, as in well-formed UTF-8 output. */
export function putCodePoint(out: ByteBuffer, cp: u32): void {
  if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;
  if (cp < 0x80) {
    out.putByte(<u8>cp);
  } else if (cp < 0x800) {
    out.putByte(<u8>(0xC0 | (cp >> 6)));
    out.putByte(<u8>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.putByte(<u8>(0xE0 | (cp >> 12)));
    out.putByte(<u8>(0x80 | ((cp >> 6) & 0x3F)));
    out.putByte(<u8>(0x80 | (cp & 0x3F)));
  } else {
    out.putByte(<u8>(0xF0 | (cp >> 18)));
    out.putByte(<u8>(0x80 | ((cp >> 12) & 0x3F)));
    out.putByte(<u8>(0x80 | ((cp >> 6) & 0x3F)));
    out.putByte(<u8>(0x80 | (cp & 0x3F)));
  }
}

/** Length of the character starting at `p` in raw string content: an escape or a UTF-8 sequence. */
@inline export function rawCharLength(p: usize, end: usize): usize {
  const c = load<u8>(p);
  if (c == 0x5C) return p + 1 < end && load<u8>(p + 1) == 0x75 ? 6 : 2;
  if (c < 0x80) return 1;
  let n: usize = 1;
  while (p + n < end && (load<u8>(p + n) & 0xC0) == 0x80) n++;
  return n;
}

/** Value of four hex digits at `p` (validated by the reader). */
export function hex4(p: usize): u32 {
  let v: u32 = 0;
  for (let i: usize = 0; i < 4; i++) {
    const c = load<u8>(p + i);
    v = (v << 4) | (isHexDigit(c) && c <= 0x39 ? <u32>c - 0x30 : (<u32>(c | 0x20) - 0x61 + 10));
  }
  return v;
}
