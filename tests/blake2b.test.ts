// BLAKE2b-512 of assembly/crypto/blake2b.ts against RFC 7693's vector and node:crypto (OpenSSL's
// BLAKE2B-512) at every length around the block boundaries, one-shot and streamed in pieces.
import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { rng } from "./support/random.js";
import { loadTestkit } from "./support/testkit.js";

const tk = loadTestkit();
const x = tk.exports;
const OUT = tk.memory.alloc(64);
afterAll(() => tk.memory.free(OUT));

const node = (data: Uint8Array) => createHash("blake2b512").update(data).digest("hex");

function ours(data: Uint8Array, chunk = 0, size = 64): string {
  const { ptr, len } = tk.put(data);
  try {
    if (chunk === 0 && size === 64) x.blake2b_oneshot(ptr, len, OUT);
    else x.blake2b_stream(ptr, len, chunk, OUT, size);
    return Buffer.from(tk.read(OUT, size)).toString("hex");
  } finally {
    tk.memory.free(ptr);
  }
}

describe("BLAKE2b-512", () => {
  it("RFC 7693 Appendix A: BLAKE2b-512(\"abc\")", () => {
    expect(ours(Buffer.from("abc"))).toBe(
      "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1" +
        "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
    );
  });

  it("the empty message (the final block is all padding, counter 0)", () => {
    expect(ours(new Uint8Array(0))).toBe(
      "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419" +
        "d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce",
    );
  });

  it("matches node:crypto at every length from 0 to 520 bytes (1 to 4 blocks and their edges)", () => {
    const next = rng(11);
    for (let n = 0; n <= 520; n++) {
      const data = Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
      expect(ours(data), `length ${n}`).toBe(node(data));
    }
  });

  it("streamed in pieces of 1, 127, 128 and 129 bytes gives the one-shot digest", () => {
    const next = rng(12);
    for (const n of [0, 1, 127, 128, 129, 255, 256, 257, 1000, 4096]) {
      const data = Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
      for (const chunk of [1, 127, 128, 129]) expect(ours(data, chunk), `length ${n}, chunk ${chunk}`).toBe(node(data));
    }
  });

  it("keeps the first `size` bytes of the 512-bit digest when asked for fewer (the seal's 32)", () => {
    const data = Buffer.from("a record's canonical form");
    expect(ours(data, 0, 32)).toBe(node(data).slice(0, 64));
  });

  it("long random messages (64 KiB) match node:crypto", () => {
    const next = rng(13);
    const data = Uint8Array.from({ length: 65536 }, () => Math.floor(next() * 256));
    expect(ours(data)).toBe(node(data));
    expect(ours(data, 1000)).toBe(node(data));
  });
});
