// SHA-256 and HMAC-SHA256 of assembly/crypto against the standards' vectors (FIPS 180-4 examples,
// RFC 4231) and node:crypto on random inputs, one-shot and streamed in random pieces.
import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { rng } from "./support/random.js";
import { loadTestkit, TESTKIT_WASM } from "./support/testkit.js";

const tk = loadTestkit();
const x = tk.exports;
const OUT = tk.memory.alloc(32);
afterAll(() => tk.memory.free(OUT));

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const bytesOf = (data: Uint8Array | string) => (typeof data === "string" ? Buffer.from(data) : data);

/** Runs `fn` with `inputs` copied into module memory, frees them, returns the 32-byte digest in hex. */
function digest(inputs: (Uint8Array | string)[], fn: (...ptrLen: number[]) => void): string {
  const placed = inputs.map((d) => tk.put(d));
  try {
    fn(...placed.flatMap(({ ptr, len }) => [ptr, len]));
    return hex(tk.read(OUT, 32));
  } finally {
    for (const { ptr } of placed) tk.memory.free(ptr);
  }
}

/** Cut points splitting `len` bytes into random pieces, small ones favoured to cross every boundary. */
function randomSplit(next: () => number, len: number): [number, number][] {
  const pieces: [number, number][] = [];
  for (let at = 0; at < len; ) {
    const size = Math.min(len - at, next() < 0.5 ? Math.floor(next() * 8) : Math.floor(next() * 150));
    pieces.push([at, size]);
    at += size;
  }
  return pieces;
}

const sha256Node = (data: Uint8Array | string) => createHash("sha256").update(bytesOf(data)).digest("hex");
const hmacNode = (key: Uint8Array | string, data: Uint8Array | string) =>
  createHmac("sha256", bytesOf(key)).update(bytesOf(data)).digest("hex");

const sha256OneShot = (data: Uint8Array | string) => digest([data], (p, l) => x.sha256_oneshot(p, l, OUT));
const sha256Split = (data: Uint8Array | string, next: () => number) =>
  digest([data], (p, l) => {
    x.sha256_reset();
    for (const [at, size] of randomSplit(next, l)) x.sha256_update(p + at, size);
    x.sha256_final(OUT);
  });
const hmacOneShot = (key: Uint8Array | string, data: Uint8Array | string) =>
  digest([key, data], (kp, kl, p, l) => x.hmac_oneshot(kp, kl, p, l, OUT));
function hmacSplit(key: Uint8Array | string, data: Uint8Array | string, next: () => number): string {
  const k = withKey(key);
  try {
    return digest([data], (p, l) => {
      x.hmac_begin(k);
      for (const [at, size] of randomSplit(next, l)) x.hmac_update(p + at, size);
      x.hmac_final(OUT);
    });
  } finally {
    tk.memory.free(k);
  }
}

/** An HmacKey in module memory (caller frees it). */
function withKey(key: Uint8Array | string): number {
  const { ptr, len } = tk.put(key);
  const k = x.hmac_key_new(ptr, len);
  tk.memory.free(ptr);
  return k;
}

function randomBytes(next: () => number, len: number): Uint8Array {
  return Uint8Array.from({ length: len }, () => Math.floor(next() * 256));
}

// Lengths around the padding boundaries: 55 is the longest message whose length fits in its last block.
const BOUNDARY_LENGTHS = [0, 1, 54, 55, 56, 57, 63, 64, 65, 118, 119, 120, 121, 127, 128, 129, 183, 184, 191, 192, 255, 256];

describe("SHA-256: FIPS 180-4 examples", () => {
  const VECTORS: [string, string | Uint8Array, string][] = [
    ["empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    ["448 bits", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"],
    ["896 bits",
      "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"],
    ["one million a", "a".repeat(1_000_000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"],
  ];

  it.each(VECTORS)("%s, one-shot", (_, data, expected) => {
    expect(sha256OneShot(data)).toBe(expected);
  });

  it.each(VECTORS)("%s, streamed in random pieces", (_, data, expected) => {
    expect(sha256Split(data, rng(7))).toBe(expected);
  });

  it.each(VECTORS)("%s, streamed in fixed chunks of 1, 63, 64 and 65 bytes", (_, data, expected) => {
    for (const chunk of [1, 63, 64, 65]) {
      if (chunk === 1 && data.length > 10_000) continue;
      expect(digest([data], (p, l) => x.sha256_stream(p, l, chunk, OUT))).toBe(expected);
    }
  });
});

describe("HMAC-SHA256: RFC 4231 test cases", () => {
  const fill = (byte: number, n: number) => new Uint8Array(n).fill(byte);
  const CASES: [number, Uint8Array | string, Uint8Array | string, string][] = [
    [1, fill(0x0b, 20), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"],
    [2, "Jefe", "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"],
    [3, fill(0xaa, 20), fill(0xdd, 50), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"],
    [4, Uint8Array.from({ length: 25 }, (_, i) => i + 1), fill(0xcd, 50),
      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"],
    [5, fill(0x0c, 20), "Test With Truncation", "a3b6167473100ee06e0c796c2955552b"],
    [6, fill(0xaa, 131), "Test Using Larger Than Block-Size Key - Hash Key First",
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"],
    [7, fill(0xaa, 131),
      "This is a test using a larger than block-size key and a larger than block-size data. " +
        "The key needs to be hashed before being used by the HMAC algorithm.",
      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"],
  ];

  // Case 5 gives only the first 128 bits of the output.
  const truncated = (digestHex: string, expected: string) => digestHex.slice(0, expected.length);

  it.each(CASES)("case %i, one-shot", (_, key, data, expected) => {
    expect(truncated(hmacOneShot(key, data), expected)).toBe(expected);
  });

  it.each(CASES)("case %i, streamed in random pieces with a precomputed key", (_, key, data, expected) => {
    expect(truncated(hmacSplit(key, data, rng(11)), expected)).toBe(expected);
  });

  it.each(CASES)("case %i, streamed in chunks of 7 bytes", (_, key, data, expected) => {
    const got = digest([key, data], (kp, kl, p, l) => x.hmac_stream(kp, kl, p, l, 7, OUT));
    expect(truncated(got, expected)).toBe(expected);
  });
});

describe("SHA-256 against node:crypto", () => {
  it("every length from 0 to 300 and around the block boundaries, one-shot and streamed", () => {
    const next = rng(1);
    for (const len of [...Array(301).keys(), ...BOUNDARY_LENGTHS.map((n) => n + 640)]) {
      const data = randomBytes(next, len);
      const expected = sha256Node(data);
      expect(sha256OneShot(data), `length ${len}`).toBe(expected);
      expect(sha256Split(data, next), `length ${len}, split`).toBe(expected);
    }
  });

  it("3000 random inputs of 0 to 1000 bytes, one-shot and in random pieces", () => {
    const next = rng(2);
    for (let i = 0; i < 3000; i++) {
      const data = randomBytes(next, Math.floor(next() * 1001));
      const expected = sha256Node(data);
      expect(sha256OneShot(data)).toBe(expected);
      expect(sha256Split(data, next)).toBe(expected);
    }
  });

  it("a streamed hash is not disturbed by one-shot hashes in between", () => {
    const next = rng(3);
    const data = randomBytes(next, 5000);
    const got = digest([data], (p, l) => {
      x.sha256_reset();
      for (const [at, size] of randomSplit(next, l)) {
        x.sha256_update(p + at, size);
        x.sha256_oneshot(p, at, OUT);
      }
      x.sha256_final(OUT);
    });
    expect(got).toBe(sha256Node(data));
  });
});

describe("HMAC-SHA256 against node:crypto", () => {
  it("2000 random keys (0 to 200 bytes) and messages (0 to 1000 bytes), one-shot and streamed", () => {
    const next = rng(4);
    for (let i = 0; i < 2000; i++) {
      const key = randomBytes(next, Math.floor(next() * 201));
      const len = i < BOUNDARY_LENGTHS.length ? BOUNDARY_LENGTHS[i] : Math.floor(next() * 1001);
      const data = randomBytes(next, len);
      const expected = hmacNode(key, data);
      expect(hmacOneShot(key, data), `key ${key.length}, message ${len}`).toBe(expected);
      expect(hmacSplit(key, data, next), `key ${key.length}, message ${len}, split`).toBe(expected);
    }
  });

  it("every key length from 0 to 130 (short, one block, hashed first)", () => {
    const next = rng(5);
    for (let keyLen = 0; keyLen <= 130; keyLen++) {
      const key = randomBytes(next, keyLen);
      expect(hmacOneShot(key, "logseal"), `key ${keyLen}`).toBe(hmacNode(key, "logseal"));
    }
  });

  it("a streamed HMAC is not disturbed by one-shot HMACs under another key in between", () => {
    const next = rng(6);
    const data = randomBytes(next, 3000);
    const k = withKey("stream key");
    const other = withKey("other key");
    const got = digest([data], (p, l) => {
      x.hmac_begin(k);
      for (const [at, size] of randomSplit(next, l)) {
        x.hmac_update(p + at, size);
        x.hmac_with(other, p, at, OUT);
      }
      x.hmac_final(OUT);
    });
    tk.memory.free(k);
    tk.memory.free(other);
    expect(got).toBe(hmacNode("stream key", data));
  });
});

describe("epoch key tree", () => {
  // docs/seal-format.md, "Keys": child(N, b) = HMAC-SHA256(N, "logseal-epoch-node" || b), leaf e by
  // the bits of e as a u32, most significant first. Node's crypto is the oracle.
  const child = (node: Buffer, bit: number) => createHmac("sha256", node).update(Buffer.concat([Buffer.from("logseal-epoch-node"), Buffer.from([bit])])).digest();
  const leafNode = (root: Buffer, epoch: number) => {
    let node = root;
    for (let d = 31; d >= 0; d--) node = child(node, Math.floor(epoch / 2 ** d) % 2);
    return node;
  };
  const root = createHash("sha256").update("a tree's root").digest();
  const ROOT = tk.put(root).ptr; // read, never written, by the tree
  const leafOf = (fn: () => unknown) => {
    fn();
    return hex(tk.read(OUT, 32));
  };

  it("reaches every epoch's leaf from the root, and forward from any epoch, as the reference does", () => {
    const next = rng(11);
    for (let round = 0; round < 40; round++) {
      let epoch = 1 + Math.floor(next() * 2 ** (1 + Math.floor(next() * 31)));
      expect(leafOf(() => x.epoch_tree_start(ROOT, BigInt(epoch), OUT)), `start ${epoch}`).toBe(hex(leafNode(root, epoch)));
      for (let step = 0; step < 6 && epoch < 0xffff_fff0; step++) {
        epoch += 1 + Math.floor(next() * (next() < 0.5 ? 3 : 2 ** Math.floor(next() * 20)));
        if (epoch > 0xffff_ffff) break;
        let ok = 0;
        const leaf = leafOf(() => (ok = x.epoch_tree_seek(BigInt(epoch), OUT)));
        expect(ok).toBe(1);
        expect(leaf, `seek ${epoch}`).toBe(hex(leafNode(root, epoch)));
      }
    }
  });

  it("cannot go back, nor past 2^32 - 1", () => {
    x.epoch_tree_start(ROOT, 1000n, OUT);
    expect(x.epoch_tree_seek(999n, OUT)).toBe(0);
    expect(x.epoch_tree_seek(1000n, OUT)).toBe(0);
    expect(x.epoch_tree_seek(0x1_0000_0000n, OUT)).toBe(0);
    expect(x.epoch_tree_seek(0xffff_ffffn, OUT)).toBe(1);
    expect(hex(tk.read(OUT, 32))).toBe(hex(leafNode(root, 0xffff_ffff)));
  });

  it("keeps only nodes that lead to later epochs (forward security)", () => {
    const epoch = 0b1011_0110;
    x.epoch_tree_start(ROOT, BigInt(epoch), OUT);
    const present = x.epoch_tree_present() >>> 0;
    const siblings = tk.read(x.epoch_tree_siblings(), 32 * 32);
    // Every kept node is the right sibling where the path turned left, and the only nodes kept.
    for (let depth = 1; depth <= 32; depth++) {
      const bit = Math.floor(epoch / 2 ** (32 - depth)) % 2;
      const kept = (present >>> (depth - 1)) & 1;
      expect(kept, `depth ${depth}`).toBe(bit === 0 ? 1 : 0);
      const slot = hex(siblings.subarray((depth - 1) * 32, depth * 32));
      if (!kept) {
        expect(slot).toBe("00".repeat(32));
        continue;
      }
      let node = root;
      const prefix = Math.floor(epoch / 2 ** (32 - depth)) + 1; // the right sibling's prefix
      for (let d = 1; d <= depth; d++) node = child(node, Math.floor(prefix / 2 ** (depth - d)) % 2);
      expect(slot, `depth ${depth}`).toBe(hex(node));
    }
    // No kept node derives an earlier leaf: each covers only prefixes above the epoch's own.
    expect(present).toBeGreaterThan(0);
  });
});

describe("module", () => {
  it("imports nothing but WASI", () => {
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(TESTKIT_WASM)));
    expect(imports.filter((i) => i.module !== "wasi_snapshot_preview1")).toEqual([]);
  });
});
