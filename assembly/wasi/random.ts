// Randomness from the host (WASI random_get): instance ids.
import { random_get } from "./imports";

/** Fills `len` bytes at `ptr`; false if the host has no randomness to give. */
export function randomBytes(ptr: usize, len: usize): bool {
  return random_get(ptr, len) == 0;
}
