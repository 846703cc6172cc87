// UTF-8 validation per RFC 3629 (no overlongs, no surrogates, nothing above U+10FFFF).

/** Length of the valid UTF-8 sequence starting with lead byte `b0` at `p`, or 0 if invalid. */
export function utf8SequenceLength(p: usize, end: usize): usize {
  const b0 = <u32>load<u8>(p);
  if (b0 < 0x80) return 1;
  if (b0 < 0xC2) return 0; // continuation byte or overlong 2-byte lead
  if (b0 < 0xE0) return p + 1 < end && isContinuation(load<u8>(p + 1)) ? 2 : 0;
  if (b0 < 0xF0) {
    if (p + 2 >= end) return 0;
    const b1 = <u32>load<u8>(p + 1);
    const lo: u32 = b0 == 0xE0 ? 0xA0 : 0x80; // overlong
    const hi: u32 = b0 == 0xED ? 0x9F : 0xBF; // UTF-16 surrogates
    return b1 >= lo && b1 <= hi && isContinuation(load<u8>(p + 2)) ? 3 : 0;
  }
  if (b0 < 0xF5) {
    if (p + 3 >= end) return 0;
    const b1 = <u32>load<u8>(p + 1);
    const lo: u32 = b0 == 0xF0 ? 0x90 : 0x80; // overlong
    const hi: u32 = b0 == 0xF4 ? 0x8F : 0xBF; // above U+10FFFF
    return b1 >= lo && b1 <= hi && isContinuation(load<u8>(p + 2)) && isContinuation(load<u8>(p + 3)) ? 4 : 0;
  }
  return 0;
}

@inline function isContinuation(b: u8): bool {
  return (b & 0xC0) == 0x80;
}
