// Arithmetic in GF(2^255 - 19) for Ed25519, in constant time: no branch and no memory index
// depends on a value. An element is 10 signed 32-bit limbs in radix 2^25.5 (26, 25, 26, ... bits),
// as in ref10 (Bernstein, Duif, Lange, Schwabe, Yang, "High-speed high-security signatures",
// https://ed25519.cr.yp.to/ed25519-20110926.pdf): products fit in i64, which wasm multiplies
// natively, and the bounds of ref10 hold (additions carry nothing; products and squares carry).
// Multiplication and squaring are unrolled with every limb in a local (free in WAMR's interpreter).

/** Bytes an element occupies: 10 x i32. */
export const FE_SIZE: usize = 40;

const MASK25: i64 = (1 << 25) - 1;
const MASK26: i64 = (1 << 26) - 1;
// Scratch of the byte conversions (wiped after use).
const bytes = memory.data(32, 8);

@inline function limb(f: usize, i: usize): i64 {
  return <i64>load<i32>(f + (i << 2));
}

@inline function put(h: usize, i: usize, v: i64): void {
  store<i32>(h + (i << 2), <i32>v);
}

/** h = 0 */
export function feZero(h: usize): void {
  memory.fill(h, 0, FE_SIZE);
}

/** h = 1 */
export function feOne(h: usize): void {
  memory.fill(h, 0, FE_SIZE);
  store<i32>(h, 1);
}

/** h = f */
@inline export function feCopy(h: usize, f: usize): void {
  memory.copy(h, f, FE_SIZE);
}

/** h = f + g (no carry: ref10's bounds allow a sum of two reduced elements into a product). */
export function feAdd(h: usize, f: usize, g: usize): void {
  for (let i: usize = 0; i < FE_SIZE; i += 4) store<i32>(h + i, load<i32>(f + i) + load<i32>(g + i));
}

/** h = f - g (no carry). */
export function feSub(h: usize, f: usize, g: usize): void {
  for (let i: usize = 0; i < FE_SIZE; i += 4) store<i32>(h + i, load<i32>(f + i) - load<i32>(g + i));
}

/** h = -f */
export function feNeg(h: usize, f: usize): void {
  for (let i: usize = 0; i < FE_SIZE; i += 4) store<i32>(h + i, -load<i32>(f + i));
}

/** f = g where `mask` is all ones, unchanged where it is 0 (no branch on the mask). */
export function feCmov(f: usize, g: usize, mask: i32): void {
  for (let i: usize = 0; i < FE_SIZE; i += 4) {
    const a = load<i32>(f + i);
    store<i32>(f + i, a ^ (mask & (a ^ load<i32>(g + i))));
  }
}

/** Carries a product's 64-bit limbs down to 26/25 bits and stores them (ref10's order). */
@inline function carry(h: usize, h0: i64, h1: i64, h2: i64, h3: i64, h4: i64, h5: i64, h6: i64, h7: i64, h8: i64, h9: i64): void {
  let c: i64;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + (1 << 24)) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + (1 << 24)) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + (1 << 25)) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + (1 << 25)) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + (1 << 24)) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + (1 << 24)) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + (1 << 25)) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + (1 << 24)) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  put(h, 0, h0); put(h, 1, h1); put(h, 2, h2); put(h, 3, h3); put(h, 4, h4);
  put(h, 5, h5); put(h, 6, h6); put(h, 7, h7); put(h, 8, h8); put(h, 9, h9);
}

/** h = f * g (h may be f or g). */
export function feMul(h: usize, f: usize, g: usize): void {
  const f0 = limb(f, 0), f1 = limb(f, 1), f2 = limb(f, 2), f3 = limb(f, 3), f4 = limb(f, 4);
  const f5 = limb(f, 5), f6 = limb(f, 6), f7 = limb(f, 7), f8 = limb(f, 8), f9 = limb(f, 9);
  const g0 = limb(g, 0), g1 = limb(g, 1), g2 = limb(g, 2), g3 = limb(g, 3), g4 = limb(g, 4);
  const g5 = limb(g, 5), g6 = limb(g, 6), g7 = limb(g, 7), g8 = limb(g, 8), g9 = limb(g, 9);
  // 2^255 = 19 (mod p): a product's part beyond limb 9 comes back times 19; two odd limbs
  // (25 bits each, at half-bit offsets) multiply into twice the next limb's unit.
  const g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4, g5_19 = 19 * g5;
  const g6_19 = 19 * g6, g7_19 = 19 * g7, g8_19 = 19 * g8, g9_19 = 19 * g9;
  const f1_2 = 2 * f1, f3_2 = 2 * f3, f5_2 = 2 * f5, f7_2 = 2 * f7, f9_2 = 2 * f9;
  const h0 = f0 * g0 + f1_2 * g9_19 + f2 * g8_19 + f3_2 * g7_19 + f4 * g6_19 + f5_2 * g5_19 + f6 * g4_19 + f7_2 * g3_19 + f8 * g2_19 + f9_2 * g1_19;
  const h1 = f0 * g1 + f1 * g0 + f2 * g9_19 + f3 * g8_19 + f4 * g7_19 + f5 * g6_19 + f6 * g5_19 + f7 * g4_19 + f8 * g3_19 + f9 * g2_19;
  const h2 = f0 * g2 + f1_2 * g1 + f2 * g0 + f3_2 * g9_19 + f4 * g8_19 + f5_2 * g7_19 + f6 * g6_19 + f7_2 * g5_19 + f8 * g4_19 + f9_2 * g3_19;
  const h3 = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + f4 * g9_19 + f5 * g8_19 + f6 * g7_19 + f7 * g6_19 + f8 * g5_19 + f9 * g4_19;
  const h4 = f0 * g4 + f1_2 * g3 + f2 * g2 + f3_2 * g1 + f4 * g0 + f5_2 * g9_19 + f6 * g8_19 + f7_2 * g7_19 + f8 * g6_19 + f9_2 * g5_19;
  const h5 = f0 * g5 + f1 * g4 + f2 * g3 + f3 * g2 + f4 * g1 + f5 * g0 + f6 * g9_19 + f7 * g8_19 + f8 * g7_19 + f9 * g6_19;
  const h6 = f0 * g6 + f1_2 * g5 + f2 * g4 + f3_2 * g3 + f4 * g2 + f5_2 * g1 + f6 * g0 + f7_2 * g9_19 + f8 * g8_19 + f9_2 * g7_19;
  const h7 = f0 * g7 + f1 * g6 + f2 * g5 + f3 * g4 + f4 * g3 + f5 * g2 + f6 * g1 + f7 * g0 + f8 * g9_19 + f9 * g8_19;
  const h8 = f0 * g8 + f1_2 * g7 + f2 * g6 + f3_2 * g5 + f4 * g4 + f5_2 * g3 + f6 * g2 + f7_2 * g1 + f8 * g0 + f9_2 * g9_19;
  const h9 = f0 * g9 + f1 * g8 + f2 * g7 + f3 * g6 + f4 * g5 + f5 * g4 + f6 * g3 + f7 * g2 + f8 * g1 + f9 * g0;
  carry(h, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9);
}

/** h = f^2, times 2 when `double` (ref10's fe_sq and fe_sq2; `double` is never a secret). */
@inline function square(h: usize, f: usize, double: bool): void {
  const f0 = limb(f, 0), f1 = limb(f, 1), f2 = limb(f, 2), f3 = limb(f, 3), f4 = limb(f, 4);
  const f5 = limb(f, 5), f6 = limb(f, 6), f7 = limb(f, 7), f8 = limb(f, 8), f9 = limb(f, 9);
  const f0_2 = 2 * f0, f1_2 = 2 * f1, f2_2 = 2 * f2, f3_2 = 2 * f3, f4_2 = 2 * f4;
  const f5_2 = 2 * f5, f6_2 = 2 * f6, f7_2 = 2 * f7, f8_2 = 2 * f8, f9_2 = 2 * f9;
  const f1_4 = 4 * f1, f3_4 = 4 * f3, f5_4 = 4 * f5, f7_4 = 4 * f7;
  const f5_19 = 19 * f5, f6_19 = 19 * f6, f7_19 = 19 * f7, f8_19 = 19 * f8, f9_19 = 19 * f9;
  let h0 = f0 * f0 + f1_4 * f9_19 + f2_2 * f8_19 + f3_4 * f7_19 + f4_2 * f6_19 + f5_2 * f5_19;
  let h1 = f0_2 * f1 + f2_2 * f9_19 + f3_2 * f8_19 + f4_2 * f7_19 + f5_2 * f6_19;
  let h2 = f0_2 * f2 + f1_2 * f1 + f3_4 * f9_19 + f4_2 * f8_19 + f5_4 * f7_19 + f6 * f6_19;
  let h3 = f0_2 * f3 + f1_2 * f2 + f4_2 * f9_19 + f5_2 * f8_19 + f6_2 * f7_19;
  let h4 = f0_2 * f4 + f1_4 * f3 + f2 * f2 + f5_4 * f9_19 + f6_2 * f8_19 + f7_2 * f7_19;
  let h5 = f0_2 * f5 + f1_2 * f4 + f2_2 * f3 + f6_2 * f9_19 + f7_2 * f8_19;
  let h6 = f0_2 * f6 + f1_4 * f5 + f2_2 * f4 + f3_2 * f3 + f7_4 * f9_19 + f8 * f8_19;
  let h7 = f0_2 * f7 + f1_2 * f6 + f2_2 * f5 + f3_2 * f4 + f8_2 * f9_19;
  let h8 = f0_2 * f8 + f1_4 * f7 + f2_2 * f6 + f3_4 * f5 + f4 * f4 + f9_2 * f9_19;
  let h9 = f0_2 * f9 + f1_2 * f8 + f2_2 * f7 + f3_2 * f6 + f4_2 * f5;
  if (double) {
    h0 += h0; h1 += h1; h2 += h2; h3 += h3; h4 += h4; h5 += h5; h6 += h6; h7 += h7; h8 += h8; h9 += h9;
  }
  carry(h, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9);
}

/** h = f^2 */
export function feSq(h: usize, f: usize): void {
  square(h, f, false);
}

/** h = 2 f^2 */
export function feSq2(h: usize, f: usize): void {
  square(h, f, true);
}

/** h = f^(2^n): n squarings (n is a constant of the exponent chain). */
function feSqTimes(h: usize, f: usize, n: i32): void {
  square(h, f, false);
  for (let i = 1; i < n; i++) square(h, h, false);
}

// Scratch of the exponentiations: z^(2^250 - 1) and the values on the way.
const t0 = memory.data(<i32>FE_SIZE, 8);
const t1 = memory.data(<i32>FE_SIZE, 8);
const t2 = memory.data(<i32>FE_SIZE, 8);
const t3 = memory.data(<i32>FE_SIZE, 8);

/** t1 = z^(2^250 - 1), t0 = z^11 (the common head of inversion and square root; a fixed chain). */
function pow2250(z: usize): void {
  feSq(t0, z);                              // z^2
  feSqTimes(t1, t0, 2);                     // z^8
  feMul(t1, z, t1);                         // z^9
  feMul(t0, t0, t1);                        // z^11
  feSq(t2, t0);                             // z^22
  feMul(t1, t1, t2);                        // z^(2^5 - 1)
  feSqTimes(t2, t1, 5); feMul(t1, t2, t1);  // z^(2^10 - 1)
  feSqTimes(t2, t1, 10); feMul(t2, t2, t1); // z^(2^20 - 1)
  feSqTimes(t3, t2, 20); feMul(t2, t3, t2); // z^(2^40 - 1)
  feSqTimes(t2, t2, 10); feMul(t1, t2, t1); // z^(2^50 - 1)
  feSqTimes(t2, t1, 50); feMul(t2, t2, t1); // z^(2^100 - 1)
  feSqTimes(t3, t2, 100); feMul(t2, t3, t2); // z^(2^200 - 1)
  feSqTimes(t2, t2, 50); feMul(t1, t2, t1); // z^(2^250 - 1)
}

/** out = 1 / z = z^(p - 2) = z^(2^255 - 21) (0 for 0). */
export function feInvert(out: usize, z: usize): void {
  pow2250(z);
  feSqTimes(t1, t1, 5);                     // z^(2^255 - 32)
  feMul(out, t1, t0);                       // z^(2^255 - 21)
  wipeScratch();
}

/** out = z^((p - 5) / 8) = z^(2^252 - 3), for square roots. */
export function fePow22523(out: usize, z: usize): void {
  pow2250(z);
  feSqTimes(t1, t1, 2);                     // z^(2^252 - 4)
  feMul(out, t1, z);                        // z^(2^252 - 3)
  wipeScratch();
}

function wipeScratch(): void {
  memory.fill(t0, 0, FE_SIZE);
  memory.fill(t1, 0, FE_SIZE);
  memory.fill(t2, 0, FE_SIZE);
  memory.fill(t3, 0, FE_SIZE);
}

/** h = the 255 low bits of the 32 little-endian bytes at s (the top bit is ignored; not reduced). */
export function feFromBytes(h: usize, s: usize): void {
  const w0 = load<u64>(s), w1 = load<u64>(s, 8), w2 = load<u64>(s, 16), w3 = load<u64>(s, 24);
  put(h, 0, <i64>(w0 & MASK26));
  put(h, 1, <i64>((w0 >> 26) & MASK25));
  put(h, 2, <i64>(((w0 >> 51) | (w1 << 13)) & MASK26));
  put(h, 3, <i64>((w1 >> 13) & MASK25));
  put(h, 4, <i64>((w1 >> 38) & MASK26));
  put(h, 5, <i64>(w2 & MASK25));
  put(h, 6, <i64>((w2 >> 25) & MASK26));
  put(h, 7, <i64>(((w2 >> 51) | (w3 << 13)) & MASK25));
  put(h, 8, <i64>((w3 >> 12) & MASK26));
  put(h, 9, <i64>((w3 >> 38) & MASK25));
  // Centre the limbs (carry with rounding) so sums of decoded elements stay within a product's bounds.
  let h0 = limb(h, 0), h1 = limb(h, 1), h2 = limb(h, 2), h3 = limb(h, 3), h4 = limb(h, 4);
  let h5 = limb(h, 5), h6 = limb(h, 6), h7 = limb(h, 7), h8 = limb(h, 8), h9 = limb(h, 9);
  let c: i64;
  c = (h9 + (1 << 24)) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h1 + (1 << 24)) >> 25; h2 += c; h1 -= c << 25;
  c = (h3 + (1 << 24)) >> 25; h4 += c; h3 -= c << 25;
  c = (h5 + (1 << 24)) >> 25; h6 += c; h5 -= c << 25;
  c = (h7 + (1 << 24)) >> 25; h8 += c; h7 -= c << 25;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  c = (h2 + (1 << 25)) >> 26; h3 += c; h2 -= c << 26;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h6 + (1 << 25)) >> 26; h7 += c; h6 -= c << 26;
  c = (h8 + (1 << 25)) >> 26; h9 += c; h8 -= c << 26;
  put(h, 0, h0); put(h, 1, h1); put(h, 2, h2); put(h, 3, h3); put(h, 4, h4);
  put(h, 5, h5); put(h, 6, h6); put(h, 7, h7); put(h, 8, h8); put(h, 9, h9);
}

/** h = f fully carried (limbs centred, as a product leaves them). */
export function feReduce(h: usize, f: usize): void {
  feToBytes(bytes, f);
  feFromBytes(h, bytes);
  memory.fill(bytes, 0, 32);
}

/** The canonical encoding of h (fully reduced mod p), 32 little-endian bytes at s. */
export function feToBytes(s: usize, h: usize): void {
  let h0 = limb(h, 0), h1 = limb(h, 1), h2 = limb(h, 2), h3 = limb(h, 3), h4 = limb(h, 4);
  let h5 = limb(h, 5), h6 = limb(h, 6), h7 = limb(h, 7), h8 = limb(h, 8), h9 = limb(h, 9);
  // q = floor(h / p) (0 or 1 for a carried element): h - q p is h + 19 q with bit 255 dropped.
  let q = (19 * h9 + (1 << 24)) >> 25;
  q = (h0 + q) >> 26; q = (h1 + q) >> 25; q = (h2 + q) >> 26; q = (h3 + q) >> 25; q = (h4 + q) >> 26;
  q = (h5 + q) >> 25; q = (h6 + q) >> 26; q = (h7 + q) >> 25; q = (h8 + q) >> 26; q = (h9 + q) >> 25;
  h0 += 19 * q;
  let c: i64;
  c = h0 >> 26; h1 += c; h0 -= c << 26;
  c = h1 >> 25; h2 += c; h1 -= c << 25;
  c = h2 >> 26; h3 += c; h2 -= c << 26;
  c = h3 >> 25; h4 += c; h3 -= c << 25;
  c = h4 >> 26; h5 += c; h4 -= c << 26;
  c = h5 >> 25; h6 += c; h5 -= c << 25;
  c = h6 >> 26; h7 += c; h6 -= c << 26;
  c = h7 >> 25; h8 += c; h7 -= c << 25;
  c = h8 >> 26; h9 += c; h8 -= c << 26;
  c = h9 >> 25; h9 -= c << 25;
  // Every limb is now within its width: pack them into four 64-bit words.
  store<u64>(s, <u64>h0 | (<u64>h1 << 26) | (<u64>h2 << 51));
  store<u64>(s, (<u64>h2 >> 13) | (<u64>h3 << 13) | (<u64>h4 << 38), 8);
  store<u64>(s, <u64>h5 | (<u64>h6 << 25) | (<u64>h7 << 51), 16);
  store<u64>(s, (<u64>h7 >> 13) | (<u64>h8 << 12) | (<u64>h9 << 38), 24);
}

/** 1 if f (reduced) is odd, the "negative" elements of RFC 8032; else 0. */
export function feIsNegative(f: usize): i32 {
  feToBytes(bytes, f);
  const bit = <i32>load<u8>(bytes) & 1;
  memory.fill(bytes, 0, 32);
  return bit;
}

/** 1 if f is not 0 mod p, else 0 (without a branch on f). */
export function feIsNonZero(f: usize): i32 {
  feToBytes(bytes, f);
  const any = load<u64>(bytes) | load<u64>(bytes, 8) | load<u64>(bytes, 16) | load<u64>(bytes, 24);
  memory.fill(bytes, 0, 32);
  return <i32>((any | (0 - any)) >> 63);
}
