// Probes of SHA-256 and HMAC-SHA256 for tests/crypto.test.ts and bench/sections/crypto.ts.
import { sha256, sha256Final, sha256Reset, sha256Update } from "../crypto/sha256";
import { evolveKey, HmacKey, HMAC_KEY_SIZE, hmacBegin, hmacFinal, hmacSha256, hmacUpdate } from "../crypto/hmac";

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

export function hmac_key_evolve(key: HmacKey, epoch: u64): void {
  evolveKey(key, epoch);
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
