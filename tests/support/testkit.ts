// Loads build/testkit.wasm (the module's internals without the Fluent Bit boundary)
// with only WASI imports, and gives tests helpers to move bytes in and out.
import { GuestMemory, instantiate, type HostOptions } from "../../cli/host.js";

export const TESTKIT_WASM = new URL("../../build/testkit.wasm", import.meta.url).pathname;

export interface Testkit {
  exports: Record<string, any>;
  memory: GuestMemory;
  /** Copies bytes into module memory (caller frees with `memory.free`). */
  put(data: Uint8Array | string): { ptr: number; len: number };
  /** Reads `len` bytes at `ptr`. */
  read(ptr: number, len: number): Uint8Array;
}

export function loadTestkit(options: HostOptions = {}): Testkit {
  const instance = instantiate(TESTKIT_WASM, options);
  const exports = instance.exports as Record<string, any>;
  const memory = new GuestMemory(exports as any);
  return {
    exports,
    memory,
    put(data) {
      const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
      return { ptr: memory.dup(bytes), len: bytes.length };
    },
    read(ptr, len) {
      return memory.bytes.slice(ptr, ptr + len);
    },
  };
}
