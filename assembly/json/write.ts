// Writing JSON text into a ByteBuffer.
import { ByteBuffer } from "../buffer";
import { utf8SequenceLength } from "./utf8";
import { quoteBackslashOrHigh, surrogateEscapeLength } from "./reader";

const HEX = "0123456789abcdef";

/**
 * Writes raw bytes as a JSON string (with quotes): quotes, backslashes and control bytes
 * escaped, valid UTF-8 kept, each invalid byte replaced by U+FFFD. Returns whether any
 * byte had to be replaced.
 */
export function writeJsonString(out: ByteBuffer, ptr: usize, len: usize): bool {
  out.putByte(0x22);
  const repaired = writeJsonStringContent(out, ptr, len);
  out.putByte(0x22);
  return repaired;
}

export function writeJsonStringContent(out: ByteBuffer, ptr: usize, len: usize): bool {
  const end = ptr + len;
  let run = ptr;
  let repaired = false;
  let p = ptr;
  while (p < end) {
    // Plain ASCII eight bytes at a time, up to the first quote, backslash, control or non-ASCII byte.
    while (p + 8 <= end) {
      const w = load<u64>(p);
      const special = quoteBackslashOrHigh(w, w - 0x2020202020202020);
      if (special != 0) {
        p += <usize>(ctz(special) >> 3);
        break;
      }
      p += 8;
    }
    if (p >= end) break;
    const c = load<u8>(p);
    if (c >= 0x20 && c != 0x22 && c != 0x5C && c < 0x80) {
      p++;
      continue;
    }
    if (c >= 0x80) {
      const n = utf8SequenceLength(p, end);
      if (n != 0) {
        p += n;
        continue;
      }
    }
    out.putBytes(run, p - run);
    if (c >= 0x80) {
      out.putBytes(changetype<usize>(REPLACEMENT), 3);
      repaired = true;
    } else {
      writeEscape(out, c);
    }
    p++;
    run = p;
  }
  out.putBytes(run, p - run);
  return repaired;
}

/**
 * Copies raw JSON string content (escapes kept as they are) with every invalid UTF-8 byte
 * replaced by U+FFFD and every lone surrogate escape by \ufffd: what Fluent Bit's own
 * parser would turn them into, so a sealed record still verifies after the round trip.
 */
export function repairStringContent(out: ByteBuffer, ptr: usize, len: usize): void {
  const end = ptr + len;
  let run = ptr;
  let p = ptr;
  while (p < end) {
    const c = load<u8>(p);
    if (c == 0x5C) {
      const n = load<u8>(p + 1) != 0x75 ? 2 : surrogateEscapeLength(p, end);
      if (n != 0) {
        p += n;
        continue;
      }
      out.putBytes(run, p - run);
      out.putBytes(changetype<usize>(ESCAPED_REPLACEMENT), 6);
      p += 6;
      run = p;
    } else if (c < 0x80) {
      p++;
    } else {
      const n = utf8SequenceLength(p, end);
      if (n != 0) {
        p += n;
        continue;
      }
      out.putBytes(run, p - run);
      out.putBytes(changetype<usize>(REPLACEMENT), 3);
      p++;
      run = p;
    }
  }
  out.putBytes(run, p - run);
}

/** The JSON escape for an ASCII byte that cannot appear raw in a string. */
export function writeEscape(out: ByteBuffer, c: u8): void {
  out.putByte(0x5C);
  if (c == 0x22 || c == 0x5C) out.putByte(c);
  else if (c == 0x08) out.putByte(0x62);
  else if (c == 0x0C) out.putByte(0x66);
  else if (c == 0x0A) out.putByte(0x6E);
  else if (c == 0x0D) out.putByte(0x72);
  else if (c == 0x09) out.putByte(0x74);
  else {
    out.putByte(0x75);
    out.putByte(0x30);
    out.putByte(0x30);
    out.putByte(<u8>HEX.charCodeAt(c >> 4));
    out.putByte(<u8>HEX.charCodeAt(c & 15));
  }
}

/** Writes an AssemblyScript string as a JSON string (cold paths: messages, policy values). */
export function writeJsonText(out: ByteBuffer, text: string): void {
  const bytes = String.UTF8.encode(text);
  writeJsonString(out, changetype<usize>(bytes), <usize>bytes.byteLength);
}

const REPLACEMENT = memory.data<u8>([0xEF, 0xBF, 0xBD]);
const ESCAPED_REPLACEMENT = memory.data<u8>([0x5C, 0x75, 0x66, 0x66, 0x66, 0x64]); // \ufffd
