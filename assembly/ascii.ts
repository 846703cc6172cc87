// ASCII helpers on raw bytes, shared by the matchers (no strings on the hot path).

@inline export function isAsciiLetter(c: u8): bool {
  return <u32>(c | 0x20) - 0x61 < 26;
}

/** Compares `len` bytes at `ptr` with an already lower-case pattern, folding ASCII letters only. */
export function equalsLowercase(ptr: usize, lower: usize, len: usize): bool {
  for (let i: usize = 0; i < len; i++) {
    let c = load<u8>(ptr + i);
    if (<u32>c - 0x41 < 26) c |= 0x20;
    if (c != load<u8>(lower + i)) return false;
  }
  return true;
}
