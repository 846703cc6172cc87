// Probes of SHA-256, HMAC-SHA256, SHA-512 and Ed25519 for tests/crypto.test.ts, tests/ed25519.test.ts,
// bench/sections/crypto.ts and bench/ed25519.ts.
import { sha256, sha256Final, sha256Reset, sha256Update } from "../crypto/sha256";
import { Blake2b, BLAKE2B_BLOCK, BLAKE2B_CONTEXT_SIZE, BLAKE2B_MAX_KEY, BLAKE2B_SIZE, blake2b, blake2bKeyedState } from "../crypto/blake2b";
import { Sha512, SHA512_CONTEXT_SIZE, sha512 } from "../crypto/sha512";
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from "../crypto/ed25519";
import { EpochTree } from "../sealing/epochtree";
import { HmacKey, HMAC_KEY_SIZE, hmacBegin, hmacFinal, hmacSha256, hmacUpdate } from "../crypto/hmac";

const KEY = HmacKey.at(memory.data(<i32>HMAC_KEY_SIZE, 8));

export function sha256_oneshot(ptr: usize, len: usize, out: usize): void {
  sha256(ptr, len, out);
}

export function sha256_reset(): void {
  sha256Reset();
}

export function sha256_update(ptr: usize, len: usize): void {
  sha256Update(ptr, len);
}

export function sha256_final(out: usize): void {
  sha256Final(out);
}

/** Streams `len` bytes in pieces of `chunk` bytes (0: one piece). */
export function sha256_stream(ptr: usize, len: usize, chunk: usize, out: usize): void {
  sha256Reset();
  forEachChunk(ptr, len, chunk, sha256Update);
  sha256Final(out);
}

/** A key on the heap from raw bytes (free it with `free`). */
export function hmac_key_new(keyPtr: usize, keyLen: usize): HmacKey {
  return HmacKey.create(keyPtr, keyLen);
}

const tree = new EpochTree();

/** The epoch tree from a 32-byte root, positioned at `epoch`; its leaf to `leaf`. */
export function epoch_tree_start(root: usize, epoch: u64, leaf: usize): void {
  tree.start(root, epoch, leaf);
}

/** Moves the tree forward to `epoch`; false if it cannot. */
export function epoch_tree_seek(epoch: u64, leaf: usize): bool {
  return tree.seek(epoch, leaf);
}

/** The tree's kept siblings (32 x 32 bytes) and which are present. */
export function epoch_tree_siblings(): usize {
  return tree.siblings;
}

export function epoch_tree_present(): u32 {
  return tree.present;
}

export function hmac_with(key: HmacKey, ptr: usize, len: usize, out: usize): void {
  hmacSha256(key, ptr, len, out);
}

export function hmac_oneshot(keyPtr: usize, keyLen: usize, ptr: usize, len: usize, out: usize): void {
  KEY.set(keyPtr, keyLen);
  hmacSha256(KEY, ptr, len, out);
}

export function hmac_begin(key: HmacKey): void {
  hmacBegin(key);
}

export function hmac_update(ptr: usize, len: usize): void {
  hmacUpdate(ptr, len);
}

export function hmac_final(out: usize): void {
  hmacFinal(out);
}

/** Streams `len` bytes in pieces of `chunk` bytes (0: one piece). */
export function hmac_stream(keyPtr: usize, keyLen: usize, ptr: usize, len: usize, chunk: usize, out: usize): void {
  KEY.set(keyPtr, keyLen);
  hmacBegin(KEY);
  forEachChunk(ptr, len, chunk, hmacUpdate);
  hmacFinal(out);
}

function forEachChunk(ptr: usize, len: usize, chunk: usize, update: (ptr: usize, len: usize) => void): void {
  if (chunk == 0) chunk = len;
  for (let end = ptr + len; ptr < end; ptr += chunk) update(ptr, min(chunk, end - ptr));
}

// SHA-512 and Ed25519 probes for tests/ed25519.test.ts and bench/ed25519.ts.

const SHA512_STREAM = Sha512.at(memory.data(<i32>SHA512_CONTEXT_SIZE, 8));

export function sha512_oneshot(ptr: usize, len: usize, out: usize): void {
  sha512(ptr, len, out);
}

/** Streams `len` bytes in pieces of `chunk` bytes (0: one piece). */
export function sha512_stream(ptr: usize, len: usize, chunk: usize, out: usize): void {
  SHA512_STREAM.reset();
  if (chunk == 0) chunk = len;
  for (let end = ptr + len; ptr < end; ptr += chunk) SHA512_STREAM.update(ptr, min(chunk, end - ptr));
  SHA512_STREAM.final(out);
}

/** The public key of a 32-byte seed. */
export function ed25519_public_key(out: usize, seed: usize): void {
  ed25519PublicKey(out, seed);
}

/** Signs with a 64-byte secret key (seed, public key). */
export function ed25519_sign(signature: usize, message: usize, len: usize, secretKey: usize): void {
  ed25519Sign(signature, message, len, secretKey);
}

export function ed25519_verify(signature: usize, message: usize, len: usize, publicKey: usize): bool {
  return ed25519Verify(signature, message, len, publicKey);
}

export function blake2b_oneshot(ptr: usize, len: usize, out: usize): void {
  blake2b(ptr, len, out);
}

const B2 = Blake2b.at(memory.data(<i32>BLAKE2B_CONTEXT_SIZE, 8));

/** BLAKE2b-512 of `len` bytes streamed in pieces of `chunk` bytes (0: one piece), first `size` bytes. */
export function blake2b_stream(ptr: usize, len: usize, chunk: usize, out: usize, size: usize): void {
  B2.reset();
  forEachChunk(ptr, len, chunk, (p: usize, l: usize): void => B2.update(p, l));
  B2.final(out, size);
}

const B2_KEY_BLOCK = memory.data(<i32>BLAKE2B_BLOCK, 8);
const B2_STATE = memory.data(<i32>BLAKE2B_SIZE, 8);

/**
 * Keyed BLAKE2b (RFC 7693 section 2.5) of `len` bytes streamed in pieces of `chunk` bytes (0: one
 * piece), a `size`-byte digest under `keyLen` (1 to 64) bytes of key; the key block is hashed as a
 * block like the message's (so the empty message works: its key block is the last one).
 */
export function blake2b_keyed(keyPtr: usize, keyLen: usize, ptr: usize, len: usize, chunk: usize, out: usize, size: usize): void {
  keyLen = min(keyLen, BLAKE2B_MAX_KEY);
  memory.copy(B2_KEY_BLOCK, keyPtr, keyLen);
  memory.fill(B2_KEY_BLOCK + keyLen, 0, BLAKE2B_BLOCK - keyLen);
  B2.keyed(size, keyLen);
  B2.update(B2_KEY_BLOCK, BLAKE2B_BLOCK);
  forEachChunk(ptr, len, chunk, (p: usize, l: usize): void => B2.update(p, l));
  B2.final(out, size);
}

/** The chaining value after the key block of a keyed hash (what a seal key keeps, sealkey.ts). */
export function blake2b_keyed_state(out: usize, keyPtr: usize, keyLen: usize, size: usize): void {
  blake2bKeyedState(out, keyPtr, min(keyLen, BLAKE2B_MAX_KEY), size);
}

/** The same as the seal does it: the chaining value after the key block saved, then resumed (the message must not be empty). */
export function blake2b_keyed_resume(keyPtr: usize, keyLen: usize, ptr: usize, len: usize, out: usize, size: usize): void {
  blake2bKeyedState(B2_STATE, keyPtr, min(keyLen, BLAKE2B_MAX_KEY), size);
  B2.resume(B2_STATE);
  B2.update(ptr, len);
  B2.final(out, size);
}
