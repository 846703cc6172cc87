// Keys of the audit stage's bounded tables (open sessions, failure bursts): 64-bit FNV-1a of the
// key's bytes, never 0 (0 marks a free slot).
const FNV_OFFSET: u64 = 0xcbf29ce484222325;
const FNV_PRIME: u64 = 0x100000001b3;

/** FNV-1a of bytes [p, end), then of `extra` when it is not 0; never 0. */
export function hashKey(p: usize, end: usize, extra: u64 = 0): u64 {
  let hash = FNV_OFFSET;
  for (let at = p; at < end; at++) hash = (hash ^ <u64>load<u8>(at)) * FNV_PRIME;
  if (extra != 0) hash = (hash ^ extra) * FNV_PRIME;
  return hash == 0 ? 1 : hash;
}
