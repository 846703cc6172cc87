// BLAKE2b (RFC 7693, https://www.rfc-editor.org/rfc/rfc7693) over raw linear memory: the seal's
// hash by default (docs/crypto.md, "Why BLAKE2b seals"). Without SHA extensions, which wasm cannot
// reach, it needs about a third of SHA-256's operations per byte: 64-bit words, 12 rounds of 8 G
// functions per 128-byte block. Same shape as sha256.ts: a context struct in unmanaged memory, the
// compression function unrolled with the message words and the work vector in locals (free operands
// in WAMR's fast interpreter, registers in AOT), runs of full blocks hashed straight from the input.
//
// Unkeyed it is BLAKE2b-512 (digest length 64 in the parameter block, no salt), so node:crypto's
// `blake2b512` checks it. Keyed (section 2.5: the key, zero-padded, is the first block) it is the
// keyed seal's MAC, resumed per record from the chaining value after the key block (docs/seal-format.md).

import { SHA512_IV } from "./sha512";

/** Digest size in bytes. */
export const BLAKE2B_SIZE: usize = 64;
/** Block size in bytes. */
export const BLAKE2B_BLOCK: usize = 128;

// Context layout: 8-word chaining value, bytes compressed so far, bytes pending, pending block.
// Unlike SHA-256 a full block stays pending until more input comes: the last block is compressed
// with the final flag, so it cannot be compressed before the message is known to end.
const STATE: usize = 0;
const COUNTER: usize = 64;
const FILL: usize = 72;
const PENDING: usize = 80;
/** Bytes a context occupies (for memory.data or malloc). */
export const BLAKE2B_CONTEXT_SIZE: usize = PENDING + BLAKE2B_BLOCK;

// The IV is SHA-512's (RFC 7693 section 2.6); h[0] starts as IV[0] ^ the parameter block's first
// word: fanout 1, depth 1, key length kk (byte 1), digest length nn (byte 0) (section 2.5).
const IV: usize = SHA512_IV;
const FANOUT_DEPTH: u64 = 0x01010000;
/** Largest key in keyed mode (section 2.5: kk from 1 to 64). */
export const BLAKE2B_MAX_KEY: usize = 64;

@unmanaged
export class Blake2b {
  /** A context at `ptr` (BLAKE2B_CONTEXT_SIZE bytes, e.g. from memory.data); not reset. */
  @inline static at(ptr: usize): Blake2b {
    return changetype<Blake2b>(ptr);
  }

  /** Starts a new message (BLAKE2b-512, no key). */
  reset(): void {
    this.start(BLAKE2B_SIZE, 0);
  }

  /**
   * Starts a keyed hash of a `size`-byte digest (1 to 64) under a `keyLength`-byte key (1 to 64):
   * the key zero-padded to 128 bytes must follow, by `update` (it is the last block of an empty
   * message) or by `absorbBlock` when a message surely follows.
   */
  keyed(size: usize, keyLength: usize): void {
    this.start(size, keyLength);
  }

  @inline private start(size: usize, keyLength: usize): void {
    const self = changetype<usize>(this);
    memory.copy(self + STATE, IV, BLAKE2B_SIZE);
    store<u64>(self, load<u64>(IV) ^ FANOUT_DEPTH ^ <u64>(keyLength << 8) ^ <u64>size, STATE);
    store<u64>(self, 0, COUNTER);
    store<u32>(self, 0, FILL);
  }

  /** Starts from a chaining value saved after exactly one block (how HMAC keeps its padded keys). */
  resume(state: usize): void {
    const self = changetype<usize>(this);
    memory.copy(self + STATE, state, BLAKE2B_SIZE);
    store<u64>(self, BLAKE2B_BLOCK, COUNTER);
    store<u32>(self, 0, FILL);
  }

  /** The 8-word chaining value (e.g. to save after one block for resume). */
  @inline get state(): usize {
    return changetype<usize>(this) + STATE;
  }

  /** Compresses one full block that is not the message's last (an HMAC pad). Nothing may be pending. */
  absorbBlock(ptr: usize): void {
    const self = changetype<usize>(this);
    const counter = load<u64>(self, COUNTER);
    blake2bBlocks(self + STATE, ptr, 1, counter, false);
    store<u64>(self, counter + BLAKE2B_BLOCK, COUNTER);
  }

  /** Absorbs `len` bytes at `ptr`; full blocks known not to be the last are hashed in place. */
  update(ptr: usize, len: usize): void {
    const self = changetype<usize>(this);
    const pending = self + PENDING;
    const fill = <usize>load<u32>(self, FILL);
    if (len <= BLAKE2B_BLOCK - fill) {
      memory.copy(pending + fill, ptr, len);
      store<u32>(self, <u32>(fill + len), FILL);
      return;
    }
    // More than fits: the pending block, topped up, is not the last one.
    let counter = load<u64>(self, COUNTER);
    if (fill != 0) {
      const room = BLAKE2B_BLOCK - fill;
      memory.copy(pending + fill, ptr, room);
      blake2bBlocks(self + STATE, pending, 1, counter, false);
      counter += BLAKE2B_BLOCK;
      ptr += room;
      len -= room;
    }
    // Keep 1..128 bytes back: they may end the message.
    const blocks = (len - 1) >> 7;
    if (blocks != 0) {
      blake2bBlocks(self + STATE, ptr, blocks, counter, false);
      counter += <u64>(blocks << 7);
      ptr += blocks << 7;
      len -= blocks << 7;
    }
    store<u64>(self, counter, COUNTER);
    memory.copy(pending, ptr, len);
    store<u32>(self, <u32>len, FILL);
  }

  /** Pads, writes the first `size` (at most 64) bytes of the digest to `out`; reset before reuse. */
  final(out: usize, size: usize = BLAKE2B_SIZE): void {
    const self = changetype<usize>(this);
    const pending = self + PENDING;
    const fill = <usize>load<u32>(self, FILL);
    memory.fill(pending + fill, 0, BLAKE2B_BLOCK - fill);
    blake2bBlocks(self + STATE, pending, 1, load<u64>(self, COUNTER), true, fill);
    memory.copy(out, self + STATE, min(size, BLAKE2B_SIZE)); // words are little-endian, as wasm stores them
  }
}

// The one-shot's context.
const ONESHOT = Blake2b.at(memory.data(<i32>BLAKE2B_CONTEXT_SIZE, 8));

/** The 64-byte BLAKE2b-512 of `len` bytes at `ptr`, its first `size` bytes written to `out`. */
export function blake2b(ptr: usize, len: usize, out: usize, size: usize = BLAKE2B_SIZE): void {
  ONESHOT.reset();
  ONESHOT.update(ptr, len);
  ONESHOT.final(out, size);
}

// Cold-path scratch for keying: the padded key block and a context. Wiped after use.
const KEY_BLOCK = memory.data(<i32>BLAKE2B_BLOCK, 8);
const KEYING = Blake2b.at(memory.data(<i32>BLAKE2B_CONTEXT_SIZE, 8));

/**
 * The chaining value (64 bytes, to `out`) of a keyed hash of a `size`-byte digest under the
 * `keyLength` (1 to 64) bytes at `key`, after its key block: `resume` from it, then a message of at
 * least one byte, costs the message's blocks only (the key block is not the last one then).
 */
export function blake2bKeyedState(out: usize, key: usize, keyLength: usize, size: usize): void {
  memory.copy(KEY_BLOCK, key, keyLength);
  memory.fill(KEY_BLOCK + keyLength, 0, BLAKE2B_BLOCK - keyLength);
  KEYING.keyed(size, keyLength);
  KEYING.absorbBlock(KEY_BLOCK);
  memory.copy(out, KEYING.state, BLAKE2B_SIZE);
  memory.fill(KEY_BLOCK, 0, BLAKE2B_BLOCK);
  memory.fill(changetype<usize>(KEYING), 0, BLAKE2B_CONTEXT_SIZE);
}

/**
 * Compresses `count` 128-byte blocks at `ptr` into the chaining value at `state`. `counter` is the
 * bytes compressed before them; each full block adds 128, the last block of a message (`last`, only
 * with count 1) adds `fill`, its real length (RFC 7693 section 3.2).
 */
export function blake2bBlocks(state: usize, ptr: usize, count: usize, counter: u64, last: bool, fill: usize = BLAKE2B_BLOCK): void {
  let h0 = load<u64>(state, 0), h1 = load<u64>(state, 8), h2 = load<u64>(state, 16), h3 = load<u64>(state, 24);
  let h4 = load<u64>(state, 32), h5 = load<u64>(state, 40), h6 = load<u64>(state, 48), h7 = load<u64>(state, 56);
  const final: u64 = last ? <u64>-1 : 0;
  for (const end = ptr + (count << 7); ptr < end; ptr += BLAKE2B_BLOCK) {
    counter += <u64>fill;
    const m0 = load<u64>(ptr, 0), m1 = load<u64>(ptr, 8), m2 = load<u64>(ptr, 16), m3 = load<u64>(ptr, 24);
    const m4 = load<u64>(ptr, 32), m5 = load<u64>(ptr, 40), m6 = load<u64>(ptr, 48), m7 = load<u64>(ptr, 56);
    const m8 = load<u64>(ptr, 64), m9 = load<u64>(ptr, 72), m10 = load<u64>(ptr, 80), m11 = load<u64>(ptr, 88);
    const m12 = load<u64>(ptr, 96), m13 = load<u64>(ptr, 104), m14 = load<u64>(ptr, 112), m15 = load<u64>(ptr, 120);
    let v0 = h0, v1 = h1, v2 = h2, v3 = h3, v4 = h4, v5 = h5, v6 = h6, v7 = h7;
    let v8 = load<u64>(IV, 0), v9 = load<u64>(IV, 8), v10 = load<u64>(IV, 16), v11 = load<u64>(IV, 24);
    // The counter's high word stays 0: no message here comes near 2^64 bytes.
    let v12 = load<u64>(IV, 32) ^ counter, v13 = load<u64>(IV, 40), v14 = load<u64>(IV, 48) ^ final, v15 = load<u64>(IV, 56);
    // G(a, b, c, d, x, y) of section 3.1 written out, the message words in section 2.7's SIGMA order.
    // round 0
    v0 += v4 + m0; v12 = rotr(v12 ^ v0, 32); v8 += v12; v4 = rotr(v4 ^ v8, 24); v0 += v4 + m1; v12 = rotr(v12 ^ v0, 16); v8 += v12; v4 = rotr(v4 ^ v8, 63);
    v1 += v5 + m2; v13 = rotr(v13 ^ v1, 32); v9 += v13; v5 = rotr(v5 ^ v9, 24); v1 += v5 + m3; v13 = rotr(v13 ^ v1, 16); v9 += v13; v5 = rotr(v5 ^ v9, 63);
    v2 += v6 + m4; v14 = rotr(v14 ^ v2, 32); v10 += v14; v6 = rotr(v6 ^ v10, 24); v2 += v6 + m5; v14 = rotr(v14 ^ v2, 16); v10 += v14; v6 = rotr(v6 ^ v10, 63);
    v3 += v7 + m6; v15 = rotr(v15 ^ v3, 32); v11 += v15; v7 = rotr(v7 ^ v11, 24); v3 += v7 + m7; v15 = rotr(v15 ^ v3, 16); v11 += v15; v7 = rotr(v7 ^ v11, 63);
    v0 += v5 + m8; v15 = rotr(v15 ^ v0, 32); v10 += v15; v5 = rotr(v5 ^ v10, 24); v0 += v5 + m9; v15 = rotr(v15 ^ v0, 16); v10 += v15; v5 = rotr(v5 ^ v10, 63);
    v1 += v6 + m10; v12 = rotr(v12 ^ v1, 32); v11 += v12; v6 = rotr(v6 ^ v11, 24); v1 += v6 + m11; v12 = rotr(v12 ^ v1, 16); v11 += v12; v6 = rotr(v6 ^ v11, 63);
    v2 += v7 + m12; v13 = rotr(v13 ^ v2, 32); v8 += v13; v7 = rotr(v7 ^ v8, 24); v2 += v7 + m13; v13 = rotr(v13 ^ v2, 16); v8 += v13; v7 = rotr(v7 ^ v8, 63);
    v3 += v4 + m14; v14 = rotr(v14 ^ v3, 32); v9 += v14; v4 = rotr(v4 ^ v9, 24); v3 += v4 + m15; v14 = rotr(v14 ^ v3, 16); v9 += v14; v4 = rotr(v4 ^ v9, 63);
    // round 1
    v0 += v4 + m14; v12 = rotr(v12 ^ v0, 32); v8 += v12; v4 = rotr(v4 ^ v8, 24); v0 += v4 + m10; v12 = rotr(v12 ^ v0, 16); v8 += v12; v4 = rotr(v4 ^ v8, 63);
    v1 += v5 + m4; v13 = rotr(v13 ^ v1, 32); v9 += v13; v5 = rotr(v5 ^ v9, 24); v1 += v5 + m8; v13 = rotr(v13 ^ v1, 16); v9 += v13; v5 = rotr(v5 ^ v9, 63);
    v2 += v6 + m9; v14 = rotr(v14 ^ v2, 32); v10 += v14; v6 = rotr(v6 ^ v10, 24); v2 += v6 + m15; v14 = rotr(v14 ^ v2, 16); v10 += v14; v6 = rotr(v6 ^ v10, 63);
    v3 += v7 + m13; v15 = rotr(v15 ^ v3, 32); v11 += v15; v7 = rotr(v7 ^ v11, 24); v3 += v7 + m6; v15 = rotr(v15 ^ v3, 16); v11 += v15; v7 = rotr(v7 ^ v11, 63);
    v0 += v5 + m1; v15 = rotr(v15 ^ v0, 32); v10 += v15; v5 = rotr(v5 ^ v10, 24); v0 += v5 + m12; v15 = rotr(v15 ^ v0, 16); v10 += v15; v5 = rotr(v5 ^ v10, 63);
    v1 += v6 + m0; v12 = rotr(v12 ^ v1, 32); v11 += v12; v6 = rotr(v6 ^ v11, 24); v1 += v6 + m2; v12 = rotr(v12 ^ v1, 16); v11 += v12; v6 = rotr(v6 ^ v11, 63);
    v2 += v7 + m11; v13 = rotr(v13 ^ v2, 32); v8 += v13; v7 = rotr(v7 ^ v8, 24); v2 += v7 + m7; v13 = rotr(v13 ^ v2, 16); v8 += v13; v7 = rotr(v7 ^ v8, 63);
    v3 += v4 + m5; v14 = rotr(v14 ^ v3, 32); v9 += v14; v4 = rotr(v4 ^ v9, 24); v3 += v4 + m3; v14 = rotr(v14 ^ v3, 16); v9 += v14; v4 = rotr(v4 ^ v9, 63);
    // round 2
    v0 += v4 + m11; v12 = rotr(v12 ^ v0, 32); v8 += v12; v4 = rotr(v4 ^ v8, 24); v0 += v4 + m8; v12 = rotr(v12 ^ v0, 16); v8 += v12; v4 = rotr(v4 ^ v8, 63);
    v1 += v5 + m12; v13 = rotr(v13 ^ v1, 32); v9 += v13; v5 = rotr(v5 ^ v9, 24); v1 += v5 + m0; v13 = rotr(v13 ^ v1, 16); v9 += v13; v5 = rotr(v5 ^ v9, 63);
    v2 += v6 + m5; v14 = rotr(v14 ^ v2, 32); v10 += v14; v6 = rotr(v6 ^ v10, 24); v2 += v6 + m2; v14 = rotr(v14 ^ v2, 16); v10 += v14; v6 = rotr(v6 ^ v10, 63);
    v3 += v7 + m15; v15 = rotr(v15 ^ v3, 32); v11 += v15; v7 = rotr(v7 ^ v11, 24); v3 += v7 + m13; v15 = rotr(v15 ^ v3, 16); v11 += v15; v7 = rotr(v7 ^ v11, 63);
    v0 += v5 + m10; v15 = rotr(v15 ^ v0, 32); v10 += v15; v5 = rotr(v5 ^ v10, 24); v0 += v5 + m14; v15 = rotr(v15 ^ v0, 16); v10 += v15; v5 = rotr(v5 ^ v10, 63);
    v1 += v6 + m3; v12 = rotr(v12 ^ v1, 32); v11 += v12; v6 = rotr(v6 ^ v11, 24); v1 += v6 + m6; v12 = rotr(v12 ^ v1, 16); v11 += v12; v6 = rotr(v6 ^ v11, 63);
    v2 += v7 + m7; v13 = rotr(v13 ^ v2, 32); v8 += v13; v7 = rotr(v7 ^ v8, 24); v2 += v7 + m1; v13 = rotr(v13 ^ v2, 16); v8 += v13; v7 = rotr(v7 ^ v8, 63);
    v3 += v4 + m9; v14 = rotr(v14 ^ v3, 32); v9 += v14; v4 = rotr(v4 ^ v9, 24); v3 += v4 + m4; v14 = rotr(v14 ^ v3, 16); v9 += v14; v4 = rotr(v4 ^ v9, 63);
    // round 3
    v0 += v4 + m7; v12 = rotr(v12 ^ v0, 32); v8 += v12; v4 = rotr(v4 ^ v8, 24); v0 += v4 + m9; v12 = rotr(v12 ^ v0, 16); v8 += v12; v4 = rotr(v4 ^ v8, 63);
    v1 += v5 + m3; v13 = rotr(v13 ^ v1, 32); v9 += v13; v5 = rotr(v5 ^ v9, 24); v1 += v5 + m1; v13 = rotr(v13 ^ v1, 16); v9 += v13; v5 = rotr(v5 ^ v9, 63);
    v2 += v6 + m13; v14 = rotr(v14 ^ v2, 32); v10 += v14; v6 = rotr(v6 ^ v10, 24); v2 += v6 + m12; v14 = rotr(v14 ^ v2, 16); v10 += v14; v6 = rotr(v6 ^ v10, 63);
    v3 += v7 + m11; v15 = rotr(v15 ^ v3, 32); v11 += v15; v7 = rotr(v7 ^ v11, 24); v3 += v7 + m14; v15 = rotr(v15 ^ v3, 16); v11 += v15; v7 = rotr(v7 ^ v11, 63);
    v0 += v5 + m2; v15 = rotr(v15 ^ v0, 32); v10 += v15; v5 = rotr(v5 ^ v10, 24); v0 += v5 + m6; v15 = rotr(v15 ^ v0, 16); v10 += v15; v5 = rotr(v5 ^ v10, 63);
    v1 += v6 + m5; v12 = rotr(v12 ^ v1, 32); v11 += v12; v6 = rotr(v6 ^ v11, 24); v1 += v6 + m10; v12 = rotr(v12 ^ v1, 16); v11 += v12; v6 = rotr(v6 ^ v11, 63);
    v2 += v7 + m4; v13 = rotr(v13 ^ v2, 32); v8 += v13; v7 = rotr(v7 ^ v8, 24); v2 += v7 + m0; v13 = rotr(v13 ^ v2, 16); v8 += v13; v7 = rotr(v7 ^ v8, 63);
    v3 += v4 + m15; v14 = rotr(v14 ^ v3, 32); v9 += v14; v4 = rotr(v4 ^ v9, 24); v3 += v4 + m8; v14 = rotr(v14 ^ v3, 16); v9 += v14; v4 = rotr(v4 ^ v9, 63);
    // round 4
    v0 += v4 + m9; v12 = rotr(v12 ^ v0, 32); v8 += v12; v4 = rotr(v4 ^ v8, 24); v0 += v4 + m0; v12 = rotr(v12 ^ v0, 16); v8 += v12; v4 = rotr(v4 ^ v8, 63);
    v1 += v5 + m5; v13 = rotr(v13 ^ v1, 32); v9 += v13; v5 = rotr(v5 ^ v9, 24); v1 += v5 + m7; v13 = rotr(v13 ^ v1, 16); v9 += v13; v5 = rotr(v5 ^ v9, 63);
    v2 += v6 + m2; v14 = rotr(v14 ^ v2, 32); v10 += v14; v6 = rotr(v6 ^ v10, 24); v2 += v6 + m4; v14 = rotr(v14 ^ v2, 16); v10 += v14; v6 = rotr(v6 ^ v10, 63);
    v3 += v7 + m10; v15 = rotr(v15 ^ v3, 32); v11 += v15; v7 = rotr(v7 ^ v11, 24); v3 += v7 + m15; v15 = rotr(v15 ^ v3, 16); v11 += v15; v7 = rotr(v7 ^ v11, 63);
    v0 += v5 + m14; v15 = rotr(v15 ^ v0, 32); v10 += v15; v5 = rotr(v5 ^ v10, 24); v0 += v5 + m1; v15 = rotr(v15 ^ v0, 16); v10 += v15; v5 = rotr(v5 ^ v10, 63);
    v1 += v6 + m11; v12 = rotr(v12 ^ v1, 32); v11 += v12; v6 = rotr(v6 ^ v11, 24); v1 += v6 + m12; v12 = rotr(v12 ^ v1, 16); v11 += v12; v6 = rotr(v6 ^ v11, 63);
    v2 += v7 + m6; v13 = rotr(v13 ^ v2, 32); v8 += v13; v7 = rotr(v7 ^ v8, 24); v2 += v7 + m8; v13 = rotr(v13 ^ v2, 16); v8 += v13; v7 = rotr(v7 ^ v8, 63);
    v3 += v4 + m3; v14 = rotr(v14 ^ v3, 32); v9 += v14; v4 = rotr(v4 ^ v9, 24); v3 += v4 + m13; v14 = rotr(v14 ^ v3, 16); v9 += v14; v4 = rotr(v4 ^ v9, 63);
    // round 5
    v0 += v4 + m2; v12 = rotr(v12 ^ v0, 32); v8 += v12; v4 = rotr(v4 ^ v8, 24); v0 += v4 + m12; v12 = rotr(v12 ^ v0, 16); v8 += v12; v4 = rotr(v4 ^ v8, 63);
    v1 += v5 + m6; v13 = rotr(v13 ^ v1, 32); v9 += v13; v5 = rotr(v5 ^ v9, 24); v1 += v5 + m10; v13 = rotr(v13 ^ v1, 16); v9 += v13; v5 = rotr(v5 ^ v9, 63);
    v2 += v6 + m0; v14 = rotr(v14 ^ v2, 32); v10 += v14; v6 = rotr(v6 ^ v10, 24); v2 += v6 + m11; v14 = rotr(v14 ^ v2, 16); v10 += v14; v6 = rotr(v6 ^ v10, 63);
    v3 += v7 + m8; v15 = rotr(v15 ^ v3, 32); v11 += v15; v7 = rotr(v7 ^ v11, 24); v3 += v7 + m3; v15 = rotr(v15 ^ v3, 16); v11 += v15; v7 = rotr(v7 ^ v11, 63);
    v0 += v5 + m4; v15 = rotr(v15 ^ v0, 32); v10 += v15; v5 = rotr(v5 ^ v10, 24); v0 += v5 + m13; v15 = rotr(v15 ^ v0, 16); v10 += v15; v5 = rotr(v5 ^ v10, 63);
    v1 += v6 + m7; v12 = rotr(v12 ^ v1, 32); v11 += v12; v6 = rotr(v6 ^ v11, 24); v1 += v6 + m5; v12 = rotr(v12 ^ v1, 16); v11 += v12; v6 = rotr(v6 ^ v11, 63);
    v2 += v7 + m15; v13 = rotr(v13 ^ v2, 32); v8 += v13; v7 = rotr(v7 ^ v8, 24); v2 += v7 + m14; v13 = rotr(v13 ^ v2, 16); v8 += v13; v7 = rotr(v7 ^ v8, 63);
    v3 += v4 + m1; v14 = rotr(v14 ^ v3, 32); v9 += v14; v4 = rotr(v4 ^ v9, 24); v3 += v4 + m9; v14 = rotr(v14 ^ v3, 16); v9 += v14; v4 = rotr(v4 ^ v9, 63);
    // round 6
    v0 += v4 + m12; v12 = rotr(v12 ^ v0, 32); v8 += v12; v4 = rotr(v4 ^ v8, 24); v0 += v4 + m5; v12 = rotr(v12 ^ v0, 16); v8 += v12; v4 = rotr(v4 ^ v8, 63);
    v1 += v5 + m1; v13 = rotr(v13 ^ v1, 32); v9 += v13; v5 = rotr(v5 ^ v9, 24); v1 += v5 + m15; v13 = rotr(v13 ^ v1, 16); v9 += v13; v5 = rotr(v5 ^ v9, 63);
    v2 += v6 + m14; v14 = rotr(v14 ^ v2, 32); v10 += v14; v6 = rotr(v6 ^ v10, 24); v2 += v6 + m13; v14 = rotr(v14 ^ v2, 16); v10 += v14; v6 = rotr(v6 ^ v10, 63);
    v3 += v7 + m4; v15 = rotr(v15 ^ v3, 32); v11 += v15; v7 = rotr(v7 ^ v11, 24); v3 += v7 + m10; v15 = rotr(v15 ^ v3, 16); v11 += v15; v7 = rotr(v7 ^ v11, 63);
    v0 += v5 + m0; v15 = rotr(v15 ^ v0, 32); v10 += v15; v5 = rotr(v5 ^ v10, 24); v0 += v5 + m7; v15 = rotr(v15 ^ v0, 16); v10 += v15; v5 = rotr(v5 ^ v10, 63);
    v1 += v6 + m6; v12 = rotr(v12 ^ v1, 32); v11 += v12; v6 = rotr(v6 ^ v11, 24); v1 += v6 + m3; v12 = rotr(v12 ^ v1, 16); v11 += v12; v6 = rotr(v6 ^ v11, 63);
    v2 += v7 + m9; v13 = rotr(v13 ^ v2, 32); v8 += v13; v7 = rotr(v7 ^ v8, 24); v2 += v7 + m2; v13 = rotr(v13 ^ v2, 16); v8 += v13; v7 = rotr(v7 ^ v8, 63);
    v3 += v4 + m8; v14 = rotr(v14 ^ v3, 32); v9 += v14; v4 = rotr(v4 ^ v9, 24); v3 += v4 + m11; v14 = rotr(v14 ^ v3, 16); v9 += v14; v4 = rotr(v4 ^ v9, 63);
    // round 7
    v0 += v4 + m13; v12 = rotr(v12 ^ v0, 32); v8 += v12; v4 = rotr(v4 ^ v8, 24); v0 += v4 + m11; v12 = rotr(v12 ^ v0, 16); v8 += v12; v4 = rotr(v4 ^ v8, 63);
    v1 += v5 + m7; v13 = rotr(v13 ^ v1, 32); v9 += v13; v5 = rotr(v5 ^ v9, 24); v1 += v5 + m14; v13 = rotr(v13 ^ v1, 16); v9 += v13; v5 = rotr(v5 ^ v9, 63);
    v2 += v6 + m12; v14 = rotr(v14 ^ v2, 32); v10 += v14; v6 = rotr(v6 ^ v10, 24); v2 += v6 + m1; v14 = rotr(v14 ^ v2, 16); v10 += v14; v6 = rotr(v6 ^ v10, 63);
    v3 += v7 + m3; v15 = rotr(v15 ^ v3, 32); v11 += v15; v7 = rotr(v7 ^ v11, 24); v3 += v7 + m9; v15 = rotr(v15 ^ v3, 16); v11 += v15; v7 = rotr(v7 ^ v11, 63);
    v0 += v5 + m5; v15 = rotr(v15 ^ v0, 32); v10 += v15; v5 = rotr(v5 ^ v10, 24); v0 += v5 + m0; v15 = rotr(v15 ^ v0, 16); v10 += v15; v5 = rotr(v5 ^ v10, 63);
    v1 += v6 + m15; v12 = rotr(v12 ^ v1, 32); v11 += v12; v6 = rotr(v6 ^ v11, 24); v1 += v6 + m4; v12 = rotr(v12 ^ v1, 16); v11 += v12; v6 = rotr(v6 ^ v11, 63);
    v2 += v7 + m8; v13 = rotr(v13 ^ v2, 32); v8 += v13; v7 = rotr(v7 ^ v8, 24); v2 += v7 + m6; v13 = rotr(v13 ^ v2, 16); v8 += v13; v7 = rotr(v7 ^ v8, 63);
    v3 += v4 + m2; v14 = rotr(v14 ^ v3, 32); v9 += v14; v4 = rotr(v4 ^ v9, 24); v3 += v4 + m10; v14 = rotr(v14 ^ v3, 16); v9 += v14; v4 = rotr(v4 ^ v9, 63);
    // round 8
    v0 += v4 + m6; v12 = rotr(v12 ^ v0, 32); v8 += v12; v4 = rotr(v4 ^ v8, 24); v0 += v4 + m15; v12 = rotr(v12 ^ v0, 16); v8 += v12; v4 = rotr(v4 ^ v8, 63);
    v1 += v5 + m14; v13 = rotr(v13 ^ v1, 32); v9 += v13; v5 = rotr(v5 ^ v9, 24); v1 += v5 + m9; v13 = rotr(v13 ^ v1, 16); v9 += v13; v5 = rotr(v5 ^ v9, 63);
    v2 += v6 + m11; v14 = rotr(v14 ^ v2, 32); v10 += v14; v6 = rotr(v6 ^ v10, 24); v2 += v6 + m3; v14 = rotr(v14 ^ v2, 16); v10 += v14; v6 = rotr(v6 ^ v10, 63);
    v3 += v7 + m0; v15 = rotr(v15 ^ v3, 32); v11 += v15; v7 = rotr(v7 ^ v11, 24); v3 += v7 + m8; v15 = rotr(v15 ^ v3, 16); v11 += v15; v7 = rotr(v7 ^ v11, 63);
    v0 += v5 + m12; v15 = rotr(v15 ^ v0, 32); v10 += v15; v5 = rotr(v5 ^ v10, 24); v0 += v5 + m2; v15 = rotr(v15 ^ v0, 16); v10 += v15; v5 = rotr(v5 ^ v10, 63);
    v1 += v6 + m13; v12 = rotr(v12 ^ v1, 32); v11 += v12; v6 = rotr(v6 ^ v11, 24); v1 += v6 + m7; v12 = rotr(v12 ^ v1, 16); v11 += v12; v6 = rotr(v6 ^ v11, 63);
    v2 += v7 + m1; v13 = rotr(v13 ^ v2, 32); v8 += v13; v7 = rotr(v7 ^ v8, 24); v2 += v7 + m4; v13 = rotr(v13 ^ v2, 16); v8 += v13; v7 = rotr(v7 ^ v8, 63);
    v3 += v4 + m10; v14 = rotr(v14 ^ v3, 32); v9 += v14; v4 = rotr(v4 ^ v9, 24); v3 += v4 + m5; v14 = rotr(v14 ^ v3, 16); v9 += v14; v4 = rotr(v4 ^ v9, 63);
    // round 9
    v0 += v4 + m10; v12 = rotr(v12 ^ v0, 32); v8 += v12; v4 = rotr(v4 ^ v8, 24); v0 += v4 + m2; v12 = rotr(v12 ^ v0, 16); v8 += v12; v4 = rotr(v4 ^ v8, 63);
    v1 += v5 + m8; v13 = rotr(v13 ^ v1, 32); v9 += v13; v5 = rotr(v5 ^ v9, 24); v1 += v5 + m4; v13 = rotr(v13 ^ v1, 16); v9 += v13; v5 = rotr(v5 ^ v9, 63);
    v2 += v6 + m7; v14 = rotr(v14 ^ v2, 32); v10 += v14; v6 = rotr(v6 ^ v10, 24); v2 += v6 + m6; v14 = rotr(v14 ^ v2, 16); v10 += v14; v6 = rotr(v6 ^ v10, 63);
    v3 += v7 + m1; v15 = rotr(v15 ^ v3, 32); v11 += v15; v7 = rotr(v7 ^ v11, 24); v3 += v7 + m5; v15 = rotr(v15 ^ v3, 16); v11 += v15; v7 = rotr(v7 ^ v11, 63);
    v0 += v5 + m15; v15 = rotr(v15 ^ v0, 32); v10 += v15; v5 = rotr(v5 ^ v10, 24); v0 += v5 + m11; v15 = rotr(v15 ^ v0, 16); v10 += v15; v5 = rotr(v5 ^ v10, 63);
    v1 += v6 + m9; v12 = rotr(v12 ^ v1, 32); v11 += v12; v6 = rotr(v6 ^ v11, 24); v1 += v6 + m14; v12 = rotr(v12 ^ v1, 16); v11 += v12; v6 = rotr(v6 ^ v11, 63);
    v2 += v7 + m3; v13 = rotr(v13 ^ v2, 32); v8 += v13; v7 = rotr(v7 ^ v8, 24); v2 += v7 + m12; v13 = rotr(v13 ^ v2, 16); v8 += v13; v7 = rotr(v7 ^ v8, 63);
    v3 += v4 + m13; v14 = rotr(v14 ^ v3, 32); v9 += v14; v4 = rotr(v4 ^ v9, 24); v3 += v4 + m0; v14 = rotr(v14 ^ v3, 16); v9 += v14; v4 = rotr(v4 ^ v9, 63);
    // round 10 (sigma 0)
    v0 += v4 + m0; v12 = rotr(v12 ^ v0, 32); v8 += v12; v4 = rotr(v4 ^ v8, 24); v0 += v4 + m1; v12 = rotr(v12 ^ v0, 16); v8 += v12; v4 = rotr(v4 ^ v8, 63);
    v1 += v5 + m2; v13 = rotr(v13 ^ v1, 32); v9 += v13; v5 = rotr(v5 ^ v9, 24); v1 += v5 + m3; v13 = rotr(v13 ^ v1, 16); v9 += v13; v5 = rotr(v5 ^ v9, 63);
    v2 += v6 + m4; v14 = rotr(v14 ^ v2, 32); v10 += v14; v6 = rotr(v6 ^ v10, 24); v2 += v6 + m5; v14 = rotr(v14 ^ v2, 16); v10 += v14; v6 = rotr(v6 ^ v10, 63);
    v3 += v7 + m6; v15 = rotr(v15 ^ v3, 32); v11 += v15; v7 = rotr(v7 ^ v11, 24); v3 += v7 + m7; v15 = rotr(v15 ^ v3, 16); v11 += v15; v7 = rotr(v7 ^ v11, 63);
    v0 += v5 + m8; v15 = rotr(v15 ^ v0, 32); v10 += v15; v5 = rotr(v5 ^ v10, 24); v0 += v5 + m9; v15 = rotr(v15 ^ v0, 16); v10 += v15; v5 = rotr(v5 ^ v10, 63);
    v1 += v6 + m10; v12 = rotr(v12 ^ v1, 32); v11 += v12; v6 = rotr(v6 ^ v11, 24); v1 += v6 + m11; v12 = rotr(v12 ^ v1, 16); v11 += v12; v6 = rotr(v6 ^ v11, 63);
    v2 += v7 + m12; v13 = rotr(v13 ^ v2, 32); v8 += v13; v7 = rotr(v7 ^ v8, 24); v2 += v7 + m13; v13 = rotr(v13 ^ v2, 16); v8 += v13; v7 = rotr(v7 ^ v8, 63);
    v3 += v4 + m14; v14 = rotr(v14 ^ v3, 32); v9 += v14; v4 = rotr(v4 ^ v9, 24); v3 += v4 + m15; v14 = rotr(v14 ^ v3, 16); v9 += v14; v4 = rotr(v4 ^ v9, 63);
    // round 11 (sigma 1)
    v0 += v4 + m14; v12 = rotr(v12 ^ v0, 32); v8 += v12; v4 = rotr(v4 ^ v8, 24); v0 += v4 + m10; v12 = rotr(v12 ^ v0, 16); v8 += v12; v4 = rotr(v4 ^ v8, 63);
    v1 += v5 + m4; v13 = rotr(v13 ^ v1, 32); v9 += v13; v5 = rotr(v5 ^ v9, 24); v1 += v5 + m8; v13 = rotr(v13 ^ v1, 16); v9 += v13; v5 = rotr(v5 ^ v9, 63);
    v2 += v6 + m9; v14 = rotr(v14 ^ v2, 32); v10 += v14; v6 = rotr(v6 ^ v10, 24); v2 += v6 + m15; v14 = rotr(v14 ^ v2, 16); v10 += v14; v6 = rotr(v6 ^ v10, 63);
    v3 += v7 + m13; v15 = rotr(v15 ^ v3, 32); v11 += v15; v7 = rotr(v7 ^ v11, 24); v3 += v7 + m6; v15 = rotr(v15 ^ v3, 16); v11 += v15; v7 = rotr(v7 ^ v11, 63);
    v0 += v5 + m1; v15 = rotr(v15 ^ v0, 32); v10 += v15; v5 = rotr(v5 ^ v10, 24); v0 += v5 + m12; v15 = rotr(v15 ^ v0, 16); v10 += v15; v5 = rotr(v5 ^ v10, 63);
    v1 += v6 + m0; v12 = rotr(v12 ^ v1, 32); v11 += v12; v6 = rotr(v6 ^ v11, 24); v1 += v6 + m2; v12 = rotr(v12 ^ v1, 16); v11 += v12; v6 = rotr(v6 ^ v11, 63);
    v2 += v7 + m11; v13 = rotr(v13 ^ v2, 32); v8 += v13; v7 = rotr(v7 ^ v8, 24); v2 += v7 + m7; v13 = rotr(v13 ^ v2, 16); v8 += v13; v7 = rotr(v7 ^ v8, 63);
    v3 += v4 + m5; v14 = rotr(v14 ^ v3, 32); v9 += v14; v4 = rotr(v4 ^ v9, 24); v3 += v4 + m3; v14 = rotr(v14 ^ v3, 16); v9 += v14; v4 = rotr(v4 ^ v9, 63);
    h0 ^= v0 ^ v8; h1 ^= v1 ^ v9; h2 ^= v2 ^ v10; h3 ^= v3 ^ v11;
    h4 ^= v4 ^ v12; h5 ^= v5 ^ v13; h6 ^= v6 ^ v14; h7 ^= v7 ^ v15;
  }
  store<u64>(state, h0, 0); store<u64>(state, h1, 8); store<u64>(state, h2, 16); store<u64>(state, h3, 24);
  store<u64>(state, h4, 32); store<u64>(state, h5, 40); store<u64>(state, h6, 48); store<u64>(state, h7, 56);
}
