// SHA-256 (FIPS 180-4, https://doi.org/10.6028/NIST.FIPS.180-4) over raw linear memory.
//
// Tuned for WAMR's fast interpreter, which Fluent Bit runs: there the time is about one dispatch per
// executed wasm operation, while local.get, constants and a local.set right after an operation cost
// nothing (they become operand slots). So the compression function is fully unrolled with the
// message window and working variables in locals, round constants as immediates, and a run of full
// blocks is hashed in one call straight from the input. Measurements: docs/crypto.md.

// Design: a context is a Sha256 struct in unmanaged memory, so chain, HMAC and one-shot can run at once.

/** Digest size in bytes. */
export const SHA256_SIZE: usize = 32;
/** Block size in bytes. */
export const SHA256_BLOCK: usize = 64;

// Context layout: 8-word chaining value (native endian), message length in bytes, pending block.
const STATE: usize = 0;
const LENGTH: usize = 32;
const PENDING: usize = 40;
/** Bytes a context occupies (for memory.data or malloc). */
export const SHA256_CONTEXT_SIZE: usize = PENDING + SHA256_BLOCK;

// Initial hash value H(0), FIPS 180-4 section 5.3.3.
const IV: usize = memory.data<u32>([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

@unmanaged
export class Sha256 {
  /** A context at `ptr` (SHA256_CONTEXT_SIZE bytes, e.g. from memory.data); not reset. */
  @inline static at(ptr: usize): Sha256 {
    return changetype<Sha256>(ptr);
  }

  /** A reset context on the heap, for start-up (free with heap.free). */
  static create(): Sha256 {
    const ctx = Sha256.at(heap.alloc(SHA256_CONTEXT_SIZE));
    ctx.reset();
    return ctx;
  }

  /** Starts a new message. */
  reset(): void {
    memory.copy(changetype<usize>(this) + STATE, IV, SHA256_SIZE);
    store<u64>(changetype<usize>(this), 0, LENGTH);
  }

  /** Starts from a chaining value saved after exactly one block (how HMAC keeps its padded keys). */
  resume(state: usize): void {
    memory.copy(changetype<usize>(this) + STATE, state, SHA256_SIZE);
    store<u64>(changetype<usize>(this), SHA256_BLOCK, LENGTH);
  }

  /** The 8-word chaining value (e.g. to save after one block for resume). */
  @inline get state(): usize {
    return changetype<usize>(this) + STATE;
  }

  /** Absorbs `len` bytes at `ptr`; full blocks are hashed in place, only a tail is copied. */
  update(ptr: usize, len: usize): void {
    const self = changetype<usize>(this);
    const pending = self + PENDING;
    const length = load<u64>(self, LENGTH);
    store<u64>(self, length + len, LENGTH);
    const fill = <usize>length & (SHA256_BLOCK - 1);
    if (fill != 0) {
      const room = SHA256_BLOCK - fill;
      if (len < room) {
        memory.copy(pending + fill, ptr, len);
        return;
      }
      memory.copy(pending + fill, ptr, room);
      sha256Blocks(self + STATE, pending, 1);
      ptr += room;
      len -= room;
    }
    const full = len & ~(SHA256_BLOCK - 1);
    if (full != 0) sha256Blocks(self + STATE, ptr, full >> 6);
    memory.copy(pending, ptr + full, len - full);
  }

  /** Pads, writes the 32-byte digest to `out` and leaves the context spent (reset before reuse). */
  final(out: usize): void {
    const self = changetype<usize>(this);
    const pending = self + PENDING;
    const length = load<u64>(self, LENGTH);
    let fill = <usize>length & (SHA256_BLOCK - 1);
    store<u8>(pending + fill++, 0x80);
    if (fill > SHA256_BLOCK - 8) {
      memory.fill(pending + fill, 0, SHA256_BLOCK - fill);
      sha256Blocks(self + STATE, pending, 1);
      fill = 0;
    }
    memory.fill(pending + fill, 0, SHA256_BLOCK - 8 - fill);
    store<u64>(pending, bswap<u64>(length << 3), SHA256_BLOCK - 8);
    sha256Blocks(self + STATE, pending, 1);
    // The digest is the chaining value as big-endian words (unrolled: offsets become immediates).
    const state = self + STATE;
    storeWord(out, state, 0); storeWord(out, state, 1); storeWord(out, state, 2); storeWord(out, state, 3);
    storeWord(out, state, 4); storeWord(out, state, 5); storeWord(out, state, 6); storeWord(out, state, 7);
  }
}

// The default context of sha256Reset/Update/Final, and the one of the one-shot sha256.
const STREAM = Sha256.at(memory.data(<i32>SHA256_CONTEXT_SIZE, 8));
const ONESHOT = Sha256.at(memory.data(<i32>SHA256_CONTEXT_SIZE, 8));

export function sha256Reset(): void {
  STREAM.reset();
}

export function sha256Update(ptr: usize, len: usize): void {
  STREAM.update(ptr, len);
}

export function sha256Final(out: usize): void {
  STREAM.final(out);
}

/** The 32-byte SHA-256 of `len` bytes at `ptr`, written to `out`. */
export function sha256(ptr: usize, len: usize, out: usize): void {
  ONESHOT.reset();
  ONESHOT.update(ptr, len);
  ONESHOT.final(out);
}

// FIPS 180-4 section 4.1.2, each in its form with the fewest operations.
@inline function S0(x: u32): u32 { return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22); }
@inline function S1(x: u32): u32 { return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25); }
@inline function s0(x: u32): u32 { return rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3); }
@inline function s1(x: u32): u32 { return rotr(x, 17) ^ rotr(x, 19) ^ (x >>> 10); }
@inline function ch(x: u32, y: u32, z: u32): u32 { return z ^ (x & (y ^ z)); }
// Maj(a, b, c) = ((a ^ b) & (b ^ c)) ^ b, where b ^ c is the previous round's a ^ b.
@inline function maj(ab: u32, bc: u32, b: u32): u32 { return (ab & bc) ^ b; }
// Word i of p read big-endian; native word i of p stored big-endian at out.
@inline function word(p: usize, i: usize): u32 { return bswap<u32>(load<u32>(p + (i << 2))); }
@inline function storeWord(out: usize, p: usize, i: usize): void { store<u32>(out + (i << 2), bswap<u32>(load<u32>(p + (i << 2)))); }

// The 64 round constants of section 4.2.2, read per group of 16 rounds: one copy of the rounds
// in the code (2.6 KB instead of 10.5 KB ahead of time), so hashing a record's MAC does not push
// the rest of the per-record code out of the instruction cache.
const K: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/**
 * Compresses `count` 64-byte blocks at `ptr` into the chaining value at `state` (8 native-endian
 * words), straight from the input: no copy, one call for the whole run.
 */
export function sha256Blocks(state: usize, ptr: usize, count: usize): void {
  let h0 = load<u32>(state, 0), h1 = load<u32>(state, 4), h2 = load<u32>(state, 8), h3 = load<u32>(state, 12);
  let h4 = load<u32>(state, 16), h5 = load<u32>(state, 20), h6 = load<u32>(state, 24), h7 = load<u32>(state, 28);
  for (const end = ptr + (count << 6); ptr < end; ptr += SHA256_BLOCK) {
    let w0 = word(ptr, 0), w1 = word(ptr, 1), w2 = word(ptr, 2), w3 = word(ptr, 3);
    let w4 = word(ptr, 4), w5 = word(ptr, 5), w6 = word(ptr, 6), w7 = word(ptr, 7);
    let w8 = word(ptr, 8), w9 = word(ptr, 9), w10 = word(ptr, 10), w11 = word(ptr, 11);
    let w12 = word(ptr, 12), w13 = word(ptr, 13), w14 = word(ptr, 14), w15 = word(ptr, 15);
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    // 64 rounds, 16 at a time: the variables are renamed instead of shifted (16 rounds bring the
    // names back), and the schedule is expanded 16 words at a time in place between the groups.
    let p: u32, q = b ^ c;
    for (let k = K; ; k += 64) {
      h += S1(e) + ch(e, f, g) + load<u32>(k, 0) + w0; d += h; p = a ^ b; h += S0(a) + maj(p, q, b);
      g += S1(d) + ch(d, e, f) + load<u32>(k, 4) + w1; c += g; q = h ^ a; g += S0(h) + maj(q, p, a);
      f += S1(c) + ch(c, d, e) + load<u32>(k, 8) + w2; b += f; p = g ^ h; f += S0(g) + maj(p, q, h);
      e += S1(b) + ch(b, c, d) + load<u32>(k, 12) + w3; a += e; q = f ^ g; e += S0(f) + maj(q, p, g);
      d += S1(a) + ch(a, b, c) + load<u32>(k, 16) + w4; h += d; p = e ^ f; d += S0(e) + maj(p, q, f);
      c += S1(h) + ch(h, a, b) + load<u32>(k, 20) + w5; g += c; q = d ^ e; c += S0(d) + maj(q, p, e);
      b += S1(g) + ch(g, h, a) + load<u32>(k, 24) + w6; f += b; p = c ^ d; b += S0(c) + maj(p, q, d);
      a += S1(f) + ch(f, g, h) + load<u32>(k, 28) + w7; e += a; q = b ^ c; a += S0(b) + maj(q, p, c);
      h += S1(e) + ch(e, f, g) + load<u32>(k, 32) + w8; d += h; p = a ^ b; h += S0(a) + maj(p, q, b);
      g += S1(d) + ch(d, e, f) + load<u32>(k, 36) + w9; c += g; q = h ^ a; g += S0(h) + maj(q, p, a);
      f += S1(c) + ch(c, d, e) + load<u32>(k, 40) + w10; b += f; p = g ^ h; f += S0(g) + maj(p, q, h);
      e += S1(b) + ch(b, c, d) + load<u32>(k, 44) + w11; a += e; q = f ^ g; e += S0(f) + maj(q, p, g);
      d += S1(a) + ch(a, b, c) + load<u32>(k, 48) + w12; h += d; p = e ^ f; d += S0(e) + maj(p, q, f);
      c += S1(h) + ch(h, a, b) + load<u32>(k, 52) + w13; g += c; q = d ^ e; c += S0(d) + maj(q, p, e);
      b += S1(g) + ch(g, h, a) + load<u32>(k, 56) + w14; f += b; p = c ^ d; b += S0(c) + maj(p, q, d);
      a += S1(f) + ch(f, g, h) + load<u32>(k, 60) + w15; e += a; q = b ^ c; a += S0(b) + maj(q, p, c);
      if (k == K + 192) break;
      w0 += s1(w14) + w9 + s0(w1); w1 += s1(w15) + w10 + s0(w2); w2 += s1(w0) + w11 + s0(w3); w3 += s1(w1) + w12 + s0(w4);
      w4 += s1(w2) + w13 + s0(w5); w5 += s1(w3) + w14 + s0(w6); w6 += s1(w4) + w15 + s0(w7); w7 += s1(w5) + w0 + s0(w8);
      w8 += s1(w6) + w1 + s0(w9); w9 += s1(w7) + w2 + s0(w10); w10 += s1(w8) + w3 + s0(w11); w11 += s1(w9) + w4 + s0(w12);
      w12 += s1(w10) + w5 + s0(w13); w13 += s1(w11) + w6 + s0(w14); w14 += s1(w12) + w7 + s0(w15); w15 += s1(w13) + w8 + s0(w0);
    }
    h0 += a; h1 += b; h2 += c; h3 += d; h4 += e; h5 += f; h6 += g; h7 += h;
  }
  store<u32>(state, h0, 0); store<u32>(state, h1, 4); store<u32>(state, h2, 8); store<u32>(state, h3, 12);
  store<u32>(state, h4, 16); store<u32>(state, h5, 20); store<u32>(state, h6, 24); store<u32>(state, h7, 28);
}
