// HMAC-SHA256 (RFC 2104, https://www.rfc-editor.org/rfc/rfc2104) with precomputed keys: an HmacKey
// keeps only the chaining values after the K ^ ipad and K ^ opad blocks, so each HMAC costs its
// message blocks plus one outer block, and the raw key never stays in memory.
import { Sha256, SHA256_BLOCK, SHA256_CONTEXT_SIZE, SHA256_SIZE } from "./sha256";

/** Bytes an HmacKey occupies (for memory.data or malloc). */
export const HMAC_KEY_SIZE: usize = 2 * SHA256_SIZE;
const INNER: usize = 0;
const OUTER: usize = SHA256_SIZE;

// Cold-path scratch for keying: the padded key block and a context. Wiped after use.
const PAD = memory.data(<i32>SHA256_BLOCK, 8);
const SCRATCH = Sha256.at(memory.data(<i32>SHA256_CONTEXT_SIZE, 8));

@unmanaged
export class HmacKey {
  /** A key at `ptr` (HMAC_KEY_SIZE bytes, e.g. from memory.data); set it before use. */
  @inline static at(ptr: usize): HmacKey {
    return changetype<HmacKey>(ptr);
  }

  /** A key on the heap from `len` raw key bytes at `ptr`, for start-up: free with heap.free. */
  static create(ptr: usize, len: usize): HmacKey {
    const key = HmacKey.at(heap.alloc(HMAC_KEY_SIZE));
    key.set(ptr, len);
    return key;
  }

  /** (Re)keys in place from raw key bytes, overwriting the previous key material. */
  set(ptr: usize, len: usize): void {
    // K0: the key, hashed first when longer than a block, zero-padded to a block.
    if (len > SHA256_BLOCK) {
      SCRATCH.reset();
      SCRATCH.update(ptr, len);
      SCRATCH.final(PAD);
      len = SHA256_SIZE;
    } else {
      memory.copy(PAD, ptr, len);
    }
    memory.fill(PAD + len, 0, SHA256_BLOCK - len);
    this.absorbPad(INNER, 0x36363636);
    this.absorbPad(OUTER, 0x36363636 ^ 0x5c5c5c5c); // PAD already holds K0 ^ ipad
    memory.fill(PAD, 0, SHA256_BLOCK);
    memory.fill(changetype<usize>(SCRATCH), 0, SHA256_CONTEXT_SIZE);
  }

  /** XORs PAD with `mask` and keeps the chaining value after that one block at `slot`. */
  private absorbPad(slot: usize, mask: u32): void {
    for (let i: usize = 0; i < SHA256_BLOCK; i += 4) store<u32>(PAD + i, load<u32>(PAD + i) ^ mask);
    SCRATCH.reset();
    SCRATCH.update(PAD, SHA256_BLOCK);
    memory.copy(changetype<usize>(this) + slot, SCRATCH.state, SHA256_SIZE);
  }

  /** Starts an HMAC in `ctx`: the inner hash, already past K ^ ipad. */
  @inline begin(ctx: Sha256): void {
    ctx.resume(changetype<usize>(this) + INNER);
  }

  /** Ends the HMAC begun in `ctx`: out = H(K ^ opad || H(K ^ ipad || message)), 32 bytes. */
  finish(ctx: Sha256, out: usize): void {
    ctx.final(out);
    ctx.resume(changetype<usize>(this) + OUTER);
    ctx.update(out, SHA256_SIZE);
    ctx.final(out);
  }
}

// The streaming HMAC's context and key, and the one-shot's own context, so both can be in use at once.
const STREAM = Sha256.at(memory.data(<i32>SHA256_CONTEXT_SIZE, 8));
const ONESHOT = Sha256.at(memory.data(<i32>SHA256_CONTEXT_SIZE, 8));
let streamKey = changetype<HmacKey>(0);

export function hmacBegin(key: HmacKey): void {
  streamKey = key;
  key.begin(STREAM);
}

export function hmacUpdate(ptr: usize, len: usize): void {
  STREAM.update(ptr, len);
}

export function hmacFinal(out: usize): void {
  streamKey.finish(STREAM, out);
}

/** Zeroes the one-shot's context, which holds the last HMAC's outer state (its result) after a call: for key derivations. */
export function wipeHmacOneShot(): void {
  memory.fill(changetype<usize>(ONESHOT), 0, SHA256_CONTEXT_SIZE);
}

/** The 32-byte HMAC-SHA256 under `key` of `len` bytes at `ptr`, written to `out`. */
export function hmacSha256(key: HmacKey, ptr: usize, len: usize, out: usize): void {
  key.begin(ONESHOT);
  ONESHOT.update(ptr, len);
  key.finish(ONESHOT, out);
}
