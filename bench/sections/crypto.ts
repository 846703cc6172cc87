// SHA-256 and HMAC-SHA256 through build/testkit.wasm in Node (V8, JIT-compiled): a sanity check.
// What Fluent Bit's interpreter costs per block is counted in docs/crypto.md.
import { loadTestkit } from "../../tests/support/testkit.js";
import { type BenchRow, measure } from "../lib.js";

export default async (): Promise<BenchRow[]> => {
  const tk = loadTestkit();
  const x = tk.exports;
  const pseudo = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + 7) & 0xff);
  const out = tk.memory.alloc(32);
  const placed = [tk.put(pseudo(64 * 1024)), tk.put(pseudo(1024)), tk.put(pseudo(32))];
  const [big, kib, short] = placed;
  const key = x.hmac_key_new(short.ptr, short.len);
  const rows: BenchRow[] = [];
  const row = (name: string, len: number, fn: () => void, note: string) => {
    const { ops, seconds } = measure(fn);
    rows.push({ name, records: ops, bytes: ops * len, seconds, note });
  };
  try {
    row("SHA-256 64 KiB", big.len, () => x.sha256_oneshot(big.ptr, big.len, out), "1025 blocks");
    row("HMAC-SHA256 1 KiB, precomputed key", kib.len, () => x.hmac_with(key, kib.ptr, kib.len, out), "17 + 1 blocks");
    row("HMAC-SHA256 32 B, precomputed key", short.len, () => x.hmac_with(key, short.ptr, short.len, out), "1 + 1 blocks");
  } finally {
    tk.memory.free(key);
    tk.memory.free(out);
    for (const { ptr } of placed) tk.memory.free(ptr);
  }
  return rows;
};
