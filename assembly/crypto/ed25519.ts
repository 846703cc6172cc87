// Ed25519 (RFC 8032, https://www.rfc-editor.org/rfc/rfc8032): key pairs from a 32-byte seed,
// signatures, and verification (for tests: verifiers use node:crypto).
//
// Signing is constant time: no branch and no memory index depends on the seed, the scalar or the
// nonce. The one scalar multiplication it needs is by the fixed base point B, with ref10's method
// (https://ed25519.cr.yp.to/ed25519-20110926.pdf, section 4): the scalar in 64 signed radix-16
// digits, a table of [1..8] 256^i B in affine "precomp" form, each digit's entry read by scanning
// all 8 entries of its row under masks and negated by a mask, 64 mixed additions and 4 doublings.
// The table (30 KiB) is computed on first use from B, so modules that never sign never pay for it.
// Scalars mod L use TweetNaCl's carry loops (https://tweetnacl.cr.yp.to), whose bounds are constants.
// Verification (public inputs only) is variable time.
import {
  FE_SIZE, feAdd, feCopy, feFromBytes, feInvert, feIsNegative, feIsNonZero, feMul, feNeg, feOne,
  fePow22523, feReduce, feSq, feSq2, feSub, feToBytes, feZero,
} from "./field25519";
import { Sha512, SHA512_CONTEXT_SIZE, SHA512_SIZE, sha512 } from "./sha512";

export const ED25519_SEED_SIZE: usize = 32;
export const ED25519_PUBLIC_KEY_SIZE: usize = 32;
/** A secret key as signing takes it: the seed, then the public key (as in NaCl and libsodium). */
export const ED25519_SECRET_KEY_SIZE: usize = 64;
export const ED25519_SIGNATURE_SIZE: usize = 64;

// Curve constants as limbs (radix 2^25.5): d = -121665/121666, 2d, sqrt(-1), the base point B.
const D = memory.data<i32>([56195235, 13857412, 51736253, 6949390, 114729, 24766616, 60832955, 30306712, 48412415, 21499315]);
const D2 = memory.data<i32>([45281625, 27714825, 36363642, 13898781, 229458, 15978800, 54557047, 27058993, 29715967, 9444199]);
const SQRTM1 = memory.data<i32>([34513072, 25610706, 9377949, 3500415, 12389472, 33281959, 41962654, 31548777, 326685, 11406482]);
const BASE_X = memory.data<i32>([52811034, 25909283, 16144682, 17082669, 27570973, 30858332, 40966398, 8378388, 20764389, 8758491]);
const BASE_Y = memory.data<i32>([40265304, 26843545, 13421772, 20132659, 26843545, 6710886, 53687091, 13421772, 40265318, 26843545]);

// Point layouts, as consecutive elements (ref10's names):
//   p2 (X:Y:Z), p3 extended (X:Y:Z:T, x = X/Z, y = Y/Z, xy = T/Z), p1p1 completed ((X:Z), (Y:T)),
//   precomp (y+x, y-x, 2dxy) affine, cached (Y+X, Y-X, Z, 2dT).
const X: usize = 0;
const Y: usize = FE_SIZE;
const Z: usize = 2 * FE_SIZE;
const T: usize = 3 * FE_SIZE;
const P3_SIZE: usize = 4 * FE_SIZE;
const PRECOMP_SIZE: usize = 3 * FE_SIZE;
const CACHED_SIZE: usize = 4 * FE_SIZE;
const ROW_SIZE: usize = 8 * PRECOMP_SIZE;

const t0 = memory.data(<i32>FE_SIZE, 8);

/** r = p + q (p extended, q precomp): ref10's ge_madd. */
function addPrecomp(r: usize, p: usize, q: usize): void {
  feAdd(r + X, p + Y, p + X);
  feSub(r + Y, p + Y, p + X);
  feMul(r + Z, r + X, q + X);
  feMul(r + Y, r + Y, q + Y);
  feMul(r + T, q + Z, p + T);
  feAdd(t0, p + Z, p + Z);
  feSub(r + X, r + Z, r + Y);
  feAdd(r + Y, r + Z, r + Y);
  feAdd(r + Z, t0, r + T);
  feSub(r + T, t0, r + T);
}

/** r = p + q (p extended, q cached): ref10's ge_add. */
function addCached(r: usize, p: usize, q: usize): void {
  feAdd(r + X, p + Y, p + X);
  feSub(r + Y, p + Y, p + X);
  feMul(r + Z, r + X, q + X);
  feMul(r + Y, r + Y, q + Y);
  feMul(r + T, q + T, p + T);
  feMul(r + X, p + Z, q + Z);
  feAdd(t0, r + X, r + X);
  feSub(r + X, r + Z, r + Y);
  feAdd(r + Y, r + Z, r + Y);
  feAdd(r + Z, t0, r + T);
  feSub(r + T, t0, r + T);
}

/** r = 2 p (p projective, or extended: T is not read): ref10's ge_p2_dbl. */
function doublePoint(r: usize, p: usize): void {
  feSq(r + X, p + X);
  feSq(r + Z, p + Y);
  feSq2(r + T, p + Z);
  feAdd(r + Y, p + X, p + Y);
  feSq(t0, r + Y);
  feAdd(r + Y, r + Z, r + X);
  feSub(r + Z, r + Z, r + X);
  feSub(r + X, t0, r + Y);
  feSub(r + T, r + T, r + Z);
}

/** Completed to projective (T not written). */
function toP2(r: usize, p: usize): void {
  feMul(r + X, p + X, p + T);
  feMul(r + Y, p + Y, p + Z);
  feMul(r + Z, p + Z, p + T);
}

/** Completed to extended (r must not be p). */
function toP3(r: usize, p: usize): void {
  feMul(r + X, p + X, p + T);
  feMul(r + Y, p + Y, p + Z);
  feMul(r + Z, p + Z, p + T);
  feMul(r + T, p + X, p + Y);
}

/** Extended to cached. */
function toCached(r: usize, p: usize): void {
  feAdd(r + X, p + Y, p + X);
  feSub(r + Y, p + Y, p + X);
  feCopy(r + Z, p + Z);
  feMul(r + T, p + T, D2);
}

/** The neutral element (0, 1) in extended coordinates. */
function identity(r: usize): void {
  feZero(r + X);
  feOne(r + Y);
  feOne(r + Z);
  feZero(r + T);
}

// Encoding scratch.
const recip = memory.data(<i32>FE_SIZE, 8);
const ex = memory.data(<i32>FE_SIZE, 8);
const ey = memory.data(<i32>FE_SIZE, 8);

/** The 32-byte encoding of p (projective or extended): y, with x's sign in the top bit. */
function encode(s: usize, p: usize): void {
  feInvert(recip, p + Z);
  feMul(ex, p + X, recip);
  feMul(ey, p + Y, recip);
  feToBytes(s, ey);
  store<u8>(s + 31, load<u8>(s + 31) ^ <u8>(feIsNegative(ex) << 7));
  memory.fill(recip, 0, FE_SIZE);
  memory.fill(ex, 0, FE_SIZE);
  memory.fill(ey, 0, FE_SIZE);
}

// ---------------------------------------------------------------------------------------------
// The fixed-base table: row i holds [1..8] 256^i B as precomp points (y+x, y-x, 2dxy), reduced.

let table: usize = 0;

/** Builds the table once (public data: its computation may branch; it runs on first use). */
function baseTable(): usize {
  if (table != 0) return table;
  const count: usize = 256;
  const points = heap.alloc(count * P3_SIZE);
  const products = heap.alloc(count * FE_SIZE);
  const r = heap.alloc(P3_SIZE), cached = heap.alloc(CACHED_SIZE), base = heap.alloc(P3_SIZE), q = heap.alloc(P3_SIZE);
  feCopy(base + X, BASE_X);
  feCopy(base + Y, BASE_Y);
  feOne(base + Z);
  feMul(base + T, BASE_X, BASE_Y);
  for (let row: usize = 0; row < 32; row++) {
    const first = points + row * 8 * P3_SIZE;
    memory.copy(first, base, P3_SIZE);
    toCached(cached, base);
    for (let j: usize = 1; j < 8; j++) {
      addCached(r, first + (j - 1) * P3_SIZE, cached);
      toP3(first + j * P3_SIZE, r);
    }
    // The next row's base: 256 times this one.
    for (let k = 0; k < 8; k++) {
      doublePoint(r, base);
      toP3(q, r);
      memory.copy(base, q, P3_SIZE);
    }
  }
  // Affine coordinates with one inversion (Montgomery's trick): products[i] = Z_0 ... Z_i.
  feCopy(products, points + Z);
  for (let i: usize = 1; i < count; i++) feMul(products + i * FE_SIZE, products + (i - 1) * FE_SIZE, points + i * P3_SIZE + Z);
  const inverse = heap.alloc(FE_SIZE), zinv = heap.alloc(FE_SIZE), x = heap.alloc(FE_SIZE), y = heap.alloc(FE_SIZE);
  feInvert(inverse, products + (count - 1) * FE_SIZE);
  const out = heap.alloc(count * PRECOMP_SIZE);
  for (let i = <isize>count - 1; i >= 0; i--) {
    const point = points + <usize>i * P3_SIZE;
    if (i > 0) {
      feMul(zinv, inverse, products + <usize>(i - 1) * FE_SIZE);
      feMul(inverse, inverse, point + Z);
    } else {
      feCopy(zinv, inverse);
    }
    feMul(x, point + X, zinv);
    feMul(y, point + Y, zinv);
    const entry = out + <usize>i * PRECOMP_SIZE;
    feAdd(entry + X, y, x);
    feReduce(entry + X, entry + X);
    feSub(entry + Y, y, x);
    feReduce(entry + Y, entry + Y);
    feMul(entry + Z, x, y);
    feMul(entry + Z, entry + Z, D2);
    feReduce(entry + Z, entry + Z);
  }
  heap.free(points); heap.free(products); heap.free(r); heap.free(cached); heap.free(base); heap.free(q);
  heap.free(inverse); heap.free(zinv); heap.free(x); heap.free(y);
  table = out;
  return out;
}

/** An all-ones mask if a == b, else 0 (a, b small non-negative). */
@inline function equalMask(a: i32, b: i32): i32 {
  return ((a ^ b) - 1) >> 31;
}

/**
 * t = digit * (the row's point), digit in [-8, 8], reading every entry of the row: which one is
 * taken, and whether it is negated, shows in neither branches nor addresses.
 */
function selectEntry(t: usize, row: usize, digit: i32): void {
  const negative = digit >>> 31;
  const magnitude = digit - ((-negative & digit) << 1);
  const m0 = equalMask(magnitude, 0), m1 = equalMask(magnitude, 1), m2 = equalMask(magnitude, 2);
  const m3 = equalMask(magnitude, 3), m4 = equalMask(magnitude, 4), m5 = equalMask(magnitude, 5);
  const m6 = equalMask(magnitude, 6), m7 = equalMask(magnitude, 7), m8 = equalMask(magnitude, 8);
  for (let k: usize = 0; k < PRECOMP_SIZE; k += 4) {
    const e = row + k;
    store<i32>(t + k,
      (m1 & load<i32>(e)) | (m2 & load<i32>(e, PRECOMP_SIZE)) | (m3 & load<i32>(e, 2 * PRECOMP_SIZE)) |
      (m4 & load<i32>(e, 3 * PRECOMP_SIZE)) | (m5 & load<i32>(e, 4 * PRECOMP_SIZE)) | (m6 & load<i32>(e, 5 * PRECOMP_SIZE)) |
      (m7 & load<i32>(e, 6 * PRECOMP_SIZE)) | (m8 & load<i32>(e, 7 * PRECOMP_SIZE)));
  }
  // Digit 0: the neutral element (1, 1, 0).
  store<i32>(t + X, load<i32>(t + X) | (m0 & 1));
  store<i32>(t + Y, load<i32>(t + Y) | (m0 & 1));
  // A negative digit: -P is (y-x, y+x, -2dxy).
  const swap = -(<i32>negative);
  for (let k: usize = 0; k < FE_SIZE; k += 4) {
    const a = load<i32>(t + X + k), b = load<i32>(t + Y + k), c = load<i32>(t + Z + k);
    const d = swap & (a ^ b);
    store<i32>(t + X + k, a ^ d);
    store<i32>(t + Y + k, b ^ d);
    store<i32>(t + Z + k, c ^ (swap & (c ^ -c)));
  }
}

// Scalar multiplication scratch: the digits, the selected entry, the sum, a completed point.
const digits = memory.data(64, 8);
const entry = memory.data(<i32>PRECOMP_SIZE, 8);
const sum = memory.data(<i32>P3_SIZE, 8);
const completed = memory.data(<i32>P3_SIZE, 8);

/** h = a B for a 32-byte little-endian scalar a with a[31] <= 127 (constant time in a). */
function scalarMultBase(h: usize, a: usize): void {
  const rows = baseTable();
  // a = sum e[i] 16^i with e[i] in [-8, 8).
  for (let i: usize = 0; i < 32; i++) {
    const byte = <i32>load<u8>(a + i);
    store<i8>(digits + 2 * i, <i8>(byte & 15));
    store<i8>(digits + 2 * i + 1, <i8>(byte >> 4));
  }
  let carry: i32 = 0;
  for (let i: usize = 0; i < 63; i++) {
    const e = <i32>load<i8>(digits + i) + carry;
    carry = (e + 8) >> 4;
    store<i8>(digits + i, <i8>(e - (carry << 4)));
  }
  store<i8>(digits + 63, <i8>(<i32>load<i8>(digits + 63) + carry));
  // Odd digits first (each row's entry is 256^i B, odd digits weigh 16 more), then times 16, then even ones.
  identity(h);
  for (let i: usize = 1; i < 64; i += 2) {
    selectEntry(entry, rows + (i >> 1) * ROW_SIZE, <i32>load<i8>(digits + i));
    addPrecomp(completed, h, entry);
    toP3(h, completed);
  }
  doublePoint(completed, h);
  toP2(sum, completed);
  doublePoint(completed, sum);
  toP2(sum, completed);
  doublePoint(completed, sum);
  toP2(sum, completed);
  doublePoint(completed, sum);
  toP3(h, completed);
  for (let i: usize = 0; i < 64; i += 2) {
    selectEntry(entry, rows + (i >> 1) * ROW_SIZE, <i32>load<i8>(digits + i));
    addPrecomp(completed, h, entry);
    toP3(h, completed);
  }
  memory.fill(digits, 0, 64);
  memory.fill(t0, 0, FE_SIZE);
  memory.fill(entry, 0, PRECOMP_SIZE);
  memory.fill(sum, 0, P3_SIZE);
  memory.fill(completed, 0, P3_SIZE);
}

// ---------------------------------------------------------------------------------------------
// Scalars modulo L = 2^252 + 27742317777372353535851937790883648493, as bytes (TweetNaCl's modL).

const L = memory.data<i64>([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);
const wide = memory.data(64 * 8, 8);

@inline function w(i: usize): usize {
  return wide + (i << 3);
}

/** r (32 bytes) = the 64 signed limbs of radix 2^8 at `wide`, mod L; `wide` is wiped. */
function modL(r: usize): void {
  for (let i: usize = 63; i >= 32; i--) {
    // 2^256 = -16 (L - 2^252) mod L: limb i folds into limbs i - 32 .. i - 13.
    const top = load<i64>(w(i));
    let carry: i64 = 0;
    let j = i - 32;
    for (; j < i - 12; j++) {
      let v = load<i64>(w(j)) + carry - 16 * top * load<i64>(L + ((j - (i - 32)) << 3));
      carry = (v + 128) >> 8;
      store<i64>(w(j), v - (carry << 8));
    }
    store<i64>(w(j), load<i64>(w(j)) + carry);
    store<i64>(w(i), 0);
  }
  let carry: i64 = 0;
  const top = load<i64>(w(31)) >> 4;
  for (let j: usize = 0; j < 32; j++) {
    const v = load<i64>(w(j)) + carry - top * load<i64>(L + (j << 3));
    carry = v >> 8;
    store<i64>(w(j), v & 255);
  }
  for (let j: usize = 0; j < 32; j++) store<i64>(w(j), load<i64>(w(j)) - carry * load<i64>(L + (j << 3)));
  for (let i: usize = 0; i < 32; i++) {
    const v = load<i64>(w(i));
    store<i64>(w(i + 1), load<i64>(w(i + 1)) + (v >> 8));
    store<u8>(r + i, <u8>(v & 255));
  }
  memory.fill(wide, 0, 64 * 8);
}

/** s (32 bytes) = the 64-byte little-endian number at s, mod L. */
function scReduce(s: usize): void {
  for (let i: usize = 0; i < 64; i++) store<i64>(w(i), <i64>load<u8>(s + i));
  modL(s);
}

/** s = (a b + c) mod L, all 32-byte little-endian. */
function scMulAdd(s: usize, a: usize, b: usize, c: usize): void {
  memory.fill(wide, 0, 64 * 8);
  for (let i: usize = 0; i < 32; i++) store<i64>(w(i), <i64>load<u8>(c + i));
  for (let i: usize = 0; i < 32; i++) {
    const ai = <i64>load<u8>(a + i);
    for (let j: usize = 0; j < 32; j++) store<i64>(w(i + j), load<i64>(w(i + j)) + ai * <i64>load<u8>(b + j));
  }
  modL(s);
}

/** Whether the 32 bytes at s are a scalar below L (the signature's S must be: RFC 8032 5.1.7). */
function scIsCanonical(s: usize): bool {
  for (let i = 31; i >= 0; i--) {
    const a = <i64>load<u8>(s + <usize>i), b = load<i64>(L + (<usize>i << 3));
    if (a != b) return a < b;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Keys, signatures.

const expanded = memory.data(<i32>SHA512_SIZE, 8);
const nonce = memory.data(<i32>SHA512_SIZE, 8);
const hram = memory.data(<i32>SHA512_SIZE, 8);
const point = memory.data(<i32>P3_SIZE, 8);
const hash = Sha512.at(memory.data(<i32>SHA512_CONTEXT_SIZE, 8));

/** The secret scalar a (clamped) and the nonce prefix: SHA-512 of the seed, RFC 8032 5.1.5. */
function expand(seed: usize): void {
  sha512(seed, ED25519_SEED_SIZE, expanded);
  store<u8>(expanded, load<u8>(expanded) & 248);
  store<u8>(expanded + 31, (load<u8>(expanded + 31) & 127) | 64);
}

/** The public key (32 bytes at `publicKey`) of the 32-byte seed at `seed`. */
export function ed25519PublicKey(publicKey: usize, seed: usize): void {
  expand(seed);
  scalarMultBase(point, expanded);
  encode(publicKey, point);
  memory.fill(expanded, 0, SHA512_SIZE);
  memory.fill(point, 0, P3_SIZE);
}

/**
 * The 64-byte signature of `len` bytes at `message` under `secretKey` (the seed, then its public
 * key), written to `signature` (which must not overlap the message). RFC 8032 5.1.6.
 */
export function ed25519Sign(signature: usize, message: usize, len: usize, secretKey: usize): void {
  expand(secretKey);
  // r = SHA-512(prefix || M) mod L; R = r B.
  hash.reset();
  hash.update(expanded + 32, 32);
  hash.update(message, len);
  hash.final(nonce);
  scReduce(nonce);
  scalarMultBase(point, nonce);
  encode(signature, point);
  // k = SHA-512(R || A || M) mod L; S = r + k a mod L.
  hash.reset();
  hash.update(signature, 32);
  hash.update(secretKey + ED25519_SEED_SIZE, ED25519_PUBLIC_KEY_SIZE);
  hash.update(message, len);
  hash.final(hram);
  scReduce(hram);
  scMulAdd(signature + 32, hram, expanded, nonce);
  memory.fill(expanded, 0, SHA512_SIZE);
  memory.fill(nonce, 0, SHA512_SIZE);
  memory.fill(hram, 0, SHA512_SIZE);
  memory.fill(point, 0, P3_SIZE);
}

// Decoding and verification scratch (public values).
const u = memory.data(<i32>FE_SIZE, 8);
const v = memory.data(<i32>FE_SIZE, 8);
const v3 = memory.data(<i32>FE_SIZE, 8);
const check = memory.data(<i32>FE_SIZE, 8);
const difference = memory.data(<i32>FE_SIZE, 8);
const encoded = memory.data(32, 8);

/** h = the point encoded at s (RFC 8032 5.1.3: y below p, x = 0 only with a clear sign bit); false if none. */
function decode(h: usize, s: usize): bool {
  feFromBytes(h + Y, s);
  feToBytes(encoded, h + Y);
  const top = load<u8>(s + 31);
  if (memory.compare(encoded, s, 31) != 0 || load<u8>(encoded + 31) != (top & 127)) return false;
  feOne(h + Z);
  feSq(u, h + Y);
  feMul(v, u, D);
  feSub(u, u, h + Z);            // u = y^2 - 1
  feAdd(v, v, h + Z);            // v = d y^2 + 1
  feSq(v3, v);
  feMul(v3, v3, v);              // v^3
  feSq(h + X, v3);
  feMul(h + X, h + X, v);
  feMul(h + X, h + X, u);        // u v^7
  fePow22523(h + X, h + X);
  feMul(h + X, h + X, v3);
  feMul(h + X, h + X, u);        // x = u v^3 (u v^7)^((p-5)/8)
  feSq(check, h + X);
  feMul(check, check, v);        // v x^2
  feSub(difference, check, u);
  if (feIsNonZero(difference)) {
    feAdd(difference, check, u);
    if (feIsNonZero(difference)) return false;
    feMul(h + X, h + X, SQRTM1);
  }
  const sign = <i32>(top >> 7);
  if (!feIsNonZero(h + X) && sign == 1) return false;
  if (feIsNegative(h + X) != sign) feNeg(h + X, h + X);
  feMul(h + T, h + X, h + Y);
  return true;
}

const minusA = memory.data(<i32>P3_SIZE, 8);
const cachedA = memory.data(<i32>CACHED_SIZE, 8);
const sB = memory.data(<i32>P3_SIZE, 8);
const kA = memory.data(<i32>P3_SIZE, 8);
const result = memory.data(32, 8);

/**
 * Whether the 64 bytes at `signature` are a valid signature of `len` bytes at `message` under the
 * public key at `publicKey` (RFC 8032 5.1.7, cofactorless, as OpenSSL and node:crypto check).
 * Variable time: every input is public. Never traps, whatever the bytes.
 */
export function ed25519Verify(signature: usize, message: usize, len: usize, publicKey: usize): bool {
  if (!scIsCanonical(signature + 32)) return false;
  if (!decode(minusA, publicKey)) return false;
  feNeg(minusA + X, minusA + X);
  feNeg(minusA + T, minusA + T);
  hash.reset();
  hash.update(signature, 32);
  hash.update(publicKey, ED25519_PUBLIC_KEY_SIZE);
  hash.update(message, len);
  hash.final(hram);
  scReduce(hram);
  // R' = S B - k A, by double-and-add for k A.
  toCached(cachedA, minusA);
  identity(kA);
  for (let i = 255; i >= 0; i--) {
    doublePoint(completed, kA);
    toP3(kA, completed);
    if (((load<u8>(hram + (<usize>i >> 3)) >> <u8>(i & 7)) & 1) != 0) {
      addCached(completed, kA, cachedA);
      toP3(kA, completed);
    }
  }
  scalarMultBase(sB, signature + 32);
  toCached(cachedA, kA);
  addCached(completed, sB, cachedA);
  toP2(sum, completed);
  encode(result, sum);
  return memory.compare(result, signature, 32) == 0;
}
