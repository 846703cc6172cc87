// Member order of the canonical form: keys compared as UTF-16 code units of their decoded text
// (RFC 8785 section 3.2.3), straight from the JSON bytes, and a stable sort so that duplicate keys
// keep their document order.
import { utf8SequenceLength } from "../json/utf8";
import { hex4 } from "../json/decode";

/**
 * Compares two keys given as raw string content (between the quotes). `plain`: neither holds an
 * escape or invalid UTF-8, so their bytes can be compared directly.
 */
export function compareKeys(a: usize, aEnd: usize, b: usize, bEnd: usize, plain: bool): i32 {
  return plain ? compareUtf8(a, aEnd, b, bEnd) : compareDecoded(a, aEnd, b, bEnd);
}

/**
 * UTF-8 byte order is code point order, which is UTF-16 order except between a character above
 * U+FFFF (lead byte F0-F4, a surrogate pair in UTF-16) and one in U+E000-U+FFFF (lead EE or EF).
 */
function compareUtf8(a: usize, aEnd: usize, b: usize, bEnd: usize): i32 {
  const aLen = aEnd - a, bLen = bEnd - b;
  const n = min(aLen, bLen);
  let i: usize = 0;
  while (i + 8 <= n && load<u64>(a + i) == load<u64>(b + i)) i += 8;
  for (; i < n; i++) {
    const x = <u32>load<u8>(a + i), y = <u32>load<u8>(b + i);
    if (x == y) continue;
    if (x >= 0xEE && y >= 0xEE && (x >= 0xF0) != (y >= 0xF0)) return x >= 0xF0 ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return aLen == bLen ? 0 : aLen < bLen ? -1 : 1;
}

// The next UTF-16 code unit(s) of raw string content at p: unit | second unit << 16 | bytes << 32,
// second unit 0 when there is none (0 is never the second half of a pair).
function nextUnits(p: usize, end: usize): u64 {
  const c = <u32>load<u8>(p);
  if (c == 0x5C && p + 1 < end) {
    const e = load<u8>(p + 1);
    if (e == 0x75 && p + 6 <= end) return <u64>hex4(p + 2) | (<u64>6 << 32);
    const unit: u32 = e == 0x6E ? 0x0A : e == 0x74 ? 0x09 : e == 0x72 ? 0x0D : e == 0x62 ? 0x08 : e == 0x66 ? 0x0C : e;
    return <u64>unit | (<u64>2 << 32);
  }
  if (c < 0x80) return <u64>c | (<u64>1 << 32);
  if (utf8SequenceLength(p, end) == 0) return <u64>0xFFFD | (<u64>1 << 32); // as the walk repairs values
  let cp: u32;
  let n: u64;
  if (c < 0xE0) {
    cp = ((c & 0x1F) << 6) | (<u32>load<u8>(p + 1) & 0x3F);
    n = 2;
  } else if (c < 0xF0) {
    cp = ((c & 0x0F) << 12) | ((<u32>load<u8>(p + 1) & 0x3F) << 6) | (<u32>load<u8>(p + 2) & 0x3F);
    n = 3;
  } else {
    cp = ((c & 0x07) << 18) | ((<u32>load<u8>(p + 1) & 0x3F) << 12) | ((<u32>load<u8>(p + 2) & 0x3F) << 6)
      | (<u32>load<u8>(p + 3) & 0x3F);
    const high = 0xD800 + ((cp - 0x10000) >> 10), low = 0xDC00 + (cp & 0x3FF);
    return <u64>high | (<u64>low << 16) | (<u64>4 << 32);
  }
  return <u64>cp | (n << 32);
}

function compareDecoded(a: usize, aEnd: usize, b: usize, bEnd: usize): i32 {
  let aPending: u32 = 0, bPending: u32 = 0;
  while (true) {
    const aDone = aPending == 0 && a >= aEnd;
    const bDone = bPending == 0 && b >= bEnd;
    if (aDone || bDone) return aDone && bDone ? 0 : aDone ? -1 : 1;
    let x: u32, y: u32;
    if (aPending != 0) {
      x = aPending;
      aPending = 0;
    } else {
      const units = nextUnits(a, aEnd);
      x = <u32>units & 0xFFFF;
      aPending = <u32>(units >> 16) & 0xFFFF;
      a += <usize>(units >> 32);
    }
    if (bPending != 0) {
      y = bPending;
      bPending = 0;
    } else {
      const units = nextUnits(b, bEnd);
      y = <u32>units & 0xFFFF;
      bPending = <u32>(units >> 16) & 0xFFFF;
      b += <usize>(units >> 32);
    }
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}
