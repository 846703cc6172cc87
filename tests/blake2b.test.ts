// BLAKE2b-512 of assembly/crypto/blake2b.ts against RFC 7693's vector and node:crypto (OpenSSL's
// BLAKE2B-512) at every length around the block boundaries, one-shot and streamed in pieces; keyed
// BLAKE2b (the keyed seal's MAC) against the BLAKE2 team's KAT and @noble/hashes.
import { createHash } from "node:crypto";
import { blake2b as nobleBlake2b } from "@noble/hashes/blake2b";
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

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** Keyed BLAKE2b by the module: the key block hashed like the message's (`resume`: from the saved state, as a seal does). */
function oursKeyed(key: Uint8Array, data: Uint8Array, size: number, how: { chunk?: number; resume?: boolean } = {}): string {
  const k = tk.put(key);
  const m = tk.put(data);
  try {
    if (how.resume) x.blake2b_keyed_resume(k.ptr, k.len, m.ptr, m.len, OUT, size);
    else x.blake2b_keyed(k.ptr, k.len, m.ptr, m.len, how.chunk ?? 0, OUT, size);
    return hex(tk.read(OUT, size));
  } finally {
    tk.memory.free(m.ptr);
    tk.memory.free(k.ptr);
  }
}

const noble = (key: Uint8Array, data: Uint8Array, size: number) => hex(nobleBlake2b(data, { key, dkLen: size }));
const counting = (n: number) => Uint8Array.from({ length: n }, (_, i) => i & 0xff);

// github.com/BLAKE2/BLAKE2, testvectors/blake2b-kat.txt (commit ed1974e): key = 00..3f, in = 00..(n-1), 64-byte hash.
const KAT: [number, string][] = [
  [0, "10ebb67700b1868efb4417987acf4690ae9d972fb7a590c2f02871799aaa4786b5e996e8f0f4eb981fc214b005f42d2ff4233499391653df7aefcbc13fc51568"],
  [1, "961f6dd1e4dd30f63901690c512e78e4b45e4742ed197c3c5e45c549fd25f2e4187b0bc9fe30492b16b0d0bc4ef9b0f34c7003fac09a5ef1532e69430234cebd"],
  [127, "76d2d819c92bce55fa8e092ab1bf9b9eab237a25267986cacf2b8ee14d214d730dc9a5aa2d7b596e86a1fd8fa0804c77402d2fcd45083688b218b1cdfa0dcbcb"],
  [128, "72065ee4dd91c2d8509fa1fc28a37c7fc9fa7d5b3f8ad3d0d7a25626b57b1b44788d4caf806290425f9890a3a2a35a905ab4b37acfd0da6e4517b2525c9651e4"],
  [129, "64475dfe7600d7171bea0b394e27c9b00d8e74dd1e416a79473682ad3dfdbb706631558055cfc8a40e07bd015a4540dcdea15883cbbf31412df1de1cd4152b91"],
  [255, "142709d62e28fcccd0af97fad0f8465b971e82201dc51070faa0372aa43e92484be1c1e73ba10906d5d1853db6a4106e0a7bf9800d373d6dee2d46d62ef2a461"],
];

describe("keyed BLAKE2b (RFC 7693 section 2.5)", () => {
  const katKey = counting(64);

  it("the BLAKE2 KAT (64-byte key and digest) at lengths 0, 1, 127, 128, 129 and 255: the module and @noble/hashes", () => {
    for (const [n, expected] of KAT) {
      expect(noble(katKey, counting(n), 64), `noble, length ${n}`).toBe(expected);
      expect(oursKeyed(katKey, counting(n), 64), `length ${n}`).toBe(expected);
      for (const chunk of [1, 127, 128]) expect(oursKeyed(katKey, counting(n), 64, { chunk }), `length ${n}, chunk ${chunk}`).toBe(expected);
      // From the state after the key block (a seal's way), for messages of at least one byte.
      if (n > 0) expect(oursKeyed(katKey, counting(n), 64, { resume: true }), `length ${n}, resumed`).toBe(expected);
    }
  });

  it("a 32-byte key and a 32-byte digest (the seal's MAC) agree with @noble/hashes at every length from 0 to 600", () => {
    const next = rng(14);
    for (let n = 0; n <= 600; n++) {
      const key = Uint8Array.from({ length: 32 }, () => Math.floor(next() * 256));
      const data = Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
      const expected = noble(key, data, 32);
      expect(oursKeyed(key, data, 32), `length ${n}`).toBe(expected);
      if (n > 0) expect(oursKeyed(key, data, 32, { resume: true }), `length ${n}, resumed`).toBe(expected);
    }
  });

  it("the key and the digest length change the output (kk and nn are in the parameter block)", () => {
    const data = Buffer.from("a record's canonical form");
    const key = counting(32);
    const other = Uint8Array.from(key, (b, i) => (i === 31 ? b ^ 1 : b));
    expect(oursKeyed(other, data, 32)).not.toBe(oursKeyed(key, data, 32));
    // A 32-byte digest is not the first half of the 64-byte one, nor the unkeyed digest.
    expect(oursKeyed(key, data, 32)).not.toBe(oursKeyed(key, data, 64).slice(0, 64));
    expect(oursKeyed(key, data, 32)).not.toBe(ours(data, 0, 32));
  });
});
