// SHA-512 (FIPS 180-4, https://doi.org/10.6028/NIST.FIPS.180-4) over raw linear memory, for Ed25519
// (RFC 8032 hashes with SHA-512). Same shape as sha256.ts: a context struct in unmanaged memory,
// full blocks hashed in place. A signature hashes a few blocks, so the compression function is
// a loop of 16 unrolled rounds with the message window in locals (K from a table), not fully unrolled.

/** Digest size in bytes. */
export const SHA512_SIZE: usize = 64;
/** Block size in bytes. */
export const SHA512_BLOCK: usize = 128;

// Context layout: 8-word chaining value (native endian), message length in bytes, pending block.
const STATE: usize = 0;
const LENGTH: usize = 64;
const PENDING: usize = 72;
/** Bytes a context occupies (for memory.data or malloc). */
export const SHA512_CONTEXT_SIZE: usize = PENDING + SHA512_BLOCK;

// Initial hash value H(0), FIPS 180-4 section 5.3.5 (BLAKE2b's IV too).
export const SHA512_IV: usize = memory.data<u64>([
  0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
  0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
]);

// The 80 round constants, section 4.2.3.
const K: usize = memory.data<u64>([
  0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538,
  0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe,
  0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2, 0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235,
  0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
  0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5, 0x983e5152ee66dfab,
  0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
  0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed,
  0x53380d139d95b3df, 0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
  0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218,
  0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8, 0x19a4c116b8d2d0c8, 0x1e376c085141ab53,
  0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373,
  0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
  0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c,
  0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6,
  0x113f9804bef90dae, 0x1b710b35131c471b, 0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc,
  0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
]);

@unmanaged
export class Sha512 {
  /** A context at `ptr` (SHA512_CONTEXT_SIZE bytes, e.g. from memory.data); not reset. */
  @inline static at(ptr: usize): Sha512 {
    return changetype<Sha512>(ptr);
  }

  /** Starts a new message. */
  reset(): void {
    memory.copy(changetype<usize>(this) + STATE, SHA512_IV, SHA512_SIZE);
    store<u64>(changetype<usize>(this), 0, LENGTH);
  }

  /** Absorbs `len` bytes at `ptr`; full blocks are hashed in place, only a tail is copied. */
  update(ptr: usize, len: usize): void {
    const self = changetype<usize>(this);
    const pending = self + PENDING;
    const length = load<u64>(self, LENGTH);
    store<u64>(self, length + len, LENGTH);
    const fill = <usize>length & (SHA512_BLOCK - 1);
    if (fill != 0) {
      const room = SHA512_BLOCK - fill;
      if (len < room) {
        memory.copy(pending + fill, ptr, len);
        return;
      }
      memory.copy(pending + fill, ptr, room);
      sha512Blocks(self + STATE, pending, 1);
      ptr += room;
      len -= room;
    }
    const full = len & ~(SHA512_BLOCK - 1);
    if (full != 0) sha512Blocks(self + STATE, ptr, full >> 7);
    memory.copy(pending, ptr + full, len - full);
  }

  /** Pads, writes the 64-byte digest to `out`, wipes the context (reset before reuse). */
  final(out: usize): void {
    const self = changetype<usize>(this);
    const pending = self + PENDING;
    const length = load<u64>(self, LENGTH);
    let fill = <usize>length & (SHA512_BLOCK - 1);
    store<u8>(pending + fill++, 0x80);
    if (fill > SHA512_BLOCK - 16) {
      memory.fill(pending + fill, 0, SHA512_BLOCK - fill);
      sha512Blocks(self + STATE, pending, 1);
      fill = 0;
    }
    memory.fill(pending + fill, 0, SHA512_BLOCK - 8 - fill);
    // The 128-bit bit length: its high word is length >> 61 (zero below 2 EiB), stored above.
    store<u64>(pending, bswap<u64>(length >> 61), SHA512_BLOCK - 16);
    store<u64>(pending, bswap<u64>(length << 3), SHA512_BLOCK - 8);
    sha512Blocks(self + STATE, pending, 1);
    for (let i: usize = 0; i < SHA512_SIZE; i += 8) store<u64>(out + i, bswap<u64>(load<u64>(self + STATE + i)));
    // Signing hashes secrets (the key's prefix, the nonce): nothing of them stays behind.
    memory.fill(self, 0, SHA512_CONTEXT_SIZE);
  }
}

const ONESHOT = Sha512.at(memory.data(<i32>SHA512_CONTEXT_SIZE, 8));

/** The 64-byte SHA-512 of `len` bytes at `ptr`, written to `out`. */
export function sha512(ptr: usize, len: usize, out: usize): void {
  ONESHOT.reset();
  ONESHOT.update(ptr, len);
  ONESHOT.final(out);
}

// FIPS 180-4 section 4.1.3.
@inline function S0(x: u64): u64 { return rotr(x, 28) ^ rotr(x, 34) ^ rotr(x, 39); }
@inline function S1(x: u64): u64 { return rotr(x, 14) ^ rotr(x, 18) ^ rotr(x, 41); }
@inline function s0(x: u64): u64 { return rotr(x, 1) ^ rotr(x, 8) ^ (x >>> 7); }
@inline function s1(x: u64): u64 { return rotr(x, 19) ^ rotr(x, 61) ^ (x >>> 6); }
@inline function ch(x: u64, y: u64, z: u64): u64 { return z ^ (x & (y ^ z)); }
@inline function maj(x: u64, y: u64, z: u64): u64 { return (x & y) ^ (z & (x ^ y)); }
@inline function word(p: usize, i: usize): u64 { return bswap<u64>(load<u64>(p + (i << 3))); }
@inline function k(round: usize, i: usize): u64 { return load<u64>(K + ((round + i) << 3)); }

/** Compresses `count` 128-byte blocks at `ptr` into the chaining value at `state` (8 native-endian words). */
export function sha512Blocks(state: usize, ptr: usize, count: usize): void {
  let h0 = load<u64>(state, 0), h1 = load<u64>(state, 8), h2 = load<u64>(state, 16), h3 = load<u64>(state, 24);
  let h4 = load<u64>(state, 32), h5 = load<u64>(state, 40), h6 = load<u64>(state, 48), h7 = load<u64>(state, 56);
  for (const end = ptr + (count << 7); ptr < end; ptr += SHA512_BLOCK) {
    let w0 = word(ptr, 0), w1 = word(ptr, 1), w2 = word(ptr, 2), w3 = word(ptr, 3);
    let w4 = word(ptr, 4), w5 = word(ptr, 5), w6 = word(ptr, 6), w7 = word(ptr, 7);
    let w8 = word(ptr, 8), w9 = word(ptr, 9), w10 = word(ptr, 10), w11 = word(ptr, 11);
    let w12 = word(ptr, 12), w13 = word(ptr, 13), w14 = word(ptr, 14), w15 = word(ptr, 15);
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    // 5 x 16 rounds; the variables are renamed instead of shifted, the window expanded in place.
    for (let round: usize = 0; ; round += 16) {
      h += S1(e) + ch(e, f, g) + k(round, 0) + w0; d += h; h += S0(a) + maj(a, b, c);
      g += S1(d) + ch(d, e, f) + k(round, 1) + w1; c += g; g += S0(h) + maj(h, a, b);
      f += S1(c) + ch(c, d, e) + k(round, 2) + w2; b += f; f += S0(g) + maj(g, h, a);
      e += S1(b) + ch(b, c, d) + k(round, 3) + w3; a += e; e += S0(f) + maj(f, g, h);
      d += S1(a) + ch(a, b, c) + k(round, 4) + w4; h += d; d += S0(e) + maj(e, f, g);
      c += S1(h) + ch(h, a, b) + k(round, 5) + w5; g += c; c += S0(d) + maj(d, e, f);
      b += S1(g) + ch(g, h, a) + k(round, 6) + w6; f += b; b += S0(c) + maj(c, d, e);
      a += S1(f) + ch(f, g, h) + k(round, 7) + w7; e += a; a += S0(b) + maj(b, c, d);
      h += S1(e) + ch(e, f, g) + k(round, 8) + w8; d += h; h += S0(a) + maj(a, b, c);
      g += S1(d) + ch(d, e, f) + k(round, 9) + w9; c += g; g += S0(h) + maj(h, a, b);
      f += S1(c) + ch(c, d, e) + k(round, 10) + w10; b += f; f += S0(g) + maj(g, h, a);
      e += S1(b) + ch(b, c, d) + k(round, 11) + w11; a += e; e += S0(f) + maj(f, g, h);
      d += S1(a) + ch(a, b, c) + k(round, 12) + w12; h += d; d += S0(e) + maj(e, f, g);
      c += S1(h) + ch(h, a, b) + k(round, 13) + w13; g += c; c += S0(d) + maj(d, e, f);
      b += S1(g) + ch(g, h, a) + k(round, 14) + w14; f += b; b += S0(c) + maj(c, d, e);
      a += S1(f) + ch(f, g, h) + k(round, 15) + w15; e += a; a += S0(b) + maj(b, c, d);
      if (round == 64) break;
      w0 += s1(w14) + w9 + s0(w1); w1 += s1(w15) + w10 + s0(w2); w2 += s1(w0) + w11 + s0(w3); w3 += s1(w1) + w12 + s0(w4);
      w4 += s1(w2) + w13 + s0(w5); w5 += s1(w3) + w14 + s0(w6); w6 += s1(w4) + w15 + s0(w7); w7 += s1(w5) + w0 + s0(w8);
      w8 += s1(w6) + w1 + s0(w9); w9 += s1(w7) + w2 + s0(w10); w10 += s1(w8) + w3 + s0(w11); w11 += s1(w9) + w4 + s0(w12);
      w12 += s1(w10) + w5 + s0(w13); w13 += s1(w11) + w6 + s0(w14); w14 += s1(w12) + w7 + s0(w15); w15 += s1(w13) + w8 + s0(w0);
    }
    h0 += a; h1 += b; h2 += c; h3 += d; h4 += e; h5 += f; h6 += g; h7 += h;
  }
  store<u64>(state, h0, 0); store<u64>(state, h1, 8); store<u64>(state, h2, 16); store<u64>(state, h3, 24);
  store<u64>(state, h4, 32); store<u64>(state, h5, 40); store<u64>(state, h6, 48); store<u64>(state, h7, 56);
}
