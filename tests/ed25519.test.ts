// SHA-512 and Ed25519 of assembly/crypto against the standards' vectors (FIPS 180-4 examples,
// RFC 8032 section 7.1) and node:crypto (OpenSSL) on thousands of random seeds and messages; bad
// signatures, keys and encodings are refused without a trap.
import { spawnSync } from "node:child_process";
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { rng } from "./support/random.js";
import { loadTestkit } from "./support/testkit.js";

const tk = loadTestkit();
const x = tk.exports;
const OUT = tk.memory.alloc(64);
const SEED = tk.memory.alloc(32);
const SECRET = tk.memory.alloc(64);
const PUBLIC = tk.memory.alloc(32);
const SIGNATURE = tk.memory.alloc(64);

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const bytesOf = (data: Uint8Array | string) => (typeof data === "string" ? Buffer.from(data) : data);
const write = (ptr: number, data: Uint8Array) => tk.memory.bytes.set(data, ptr);

function randomBytes(next: () => number, len: number): Uint8Array {
  return Uint8Array.from({ length: len }, () => Math.floor(next() * 256));
}

/** Runs `fn(ptr, len)` with `data` in module memory, frees it. */
function withData<T>(data: Uint8Array | string, fn: (ptr: number, len: number) => T): T {
  const { ptr, len } = tk.put(bytesOf(data));
  try {
    return fn(ptr, len);
  } finally {
    tk.memory.free(ptr);
  }
}

const sha512Module = (data: Uint8Array | string, chunk = -1) =>
  withData(data, (p, l) => {
    if (chunk < 0) x.sha512_oneshot(p, l, OUT);
    else x.sha512_stream(p, l, chunk, OUT);
    return hex(tk.read(OUT, 64));
  });
const sha512Node = (data: Uint8Array | string) => createHash("sha512").update(bytesOf(data)).digest("hex");

// --- the module's Ed25519 ---
function publicKeyOf(seed: Uint8Array): string {
  write(SEED, seed);
  x.ed25519_public_key(PUBLIC, SEED);
  return hex(tk.read(PUBLIC, 32));
}

function signModule(seed: Uint8Array, message: Uint8Array): string {
  write(SECRET, seed);
  x.ed25519_public_key(SECRET + 32, SECRET);
  return withData(message, (p, l) => {
    x.ed25519_sign(SIGNATURE, p, l, SECRET);
    return hex(tk.read(SIGNATURE, 64));
  });
}

function verifyModule(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  write(PUBLIC, publicKey);
  write(SIGNATURE, signature);
  return withData(message, (p, l) => x.ed25519_verify(SIGNATURE, p, l, PUBLIC) === 1);
}

// --- node:crypto's ---
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const privateKeyOf = (seed: Uint8Array) => createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
const publicKeyObject = (publicKey: Uint8Array): KeyObject => createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: "der", type: "spki" });
const nodePublicKey = (key: KeyObject) => hex(createPublicKey(key).export({ format: "der", type: "spki" }).subarray(12));
const nodeSign = (seed: Uint8Array, message: Uint8Array) => hex(sign(null, message, privateKeyOf(seed)));
const nodeVerify = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => {
  try {
    return verify(null, message, publicKeyObject(publicKey), signature);
  } catch {
    return false; // a public key OpenSSL cannot decode
  }
};

const h = (s: string) => Buffer.from(s, "hex");

describe("SHA-512: FIPS 180-4 examples", () => {
  const VECTORS: [string, string, string][] = [
    ["empty", "", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"],
    ["abc", "abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"],
    ["896 bits",
      "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
      "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"],
    ["one million a", "a".repeat(1_000_000),
      "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"],
  ];

  it.each(VECTORS)("%s, one-shot, as node:crypto", (_, data, expected) => {
    expect(sha512Node(data)).toBe(expected);
    expect(sha512Module(data)).toBe(expected);
  });

  it.each(VECTORS)("%s, streamed in chunks of 1, 127, 128 and 129 bytes", (_, data, expected) => {
    for (const chunk of [1, 127, 128, 129]) {
      if (chunk === 1 && data.length > 10_000) continue;
      expect(sha512Module(data, chunk), `chunk ${chunk}`).toBe(expected);
    }
  });
});

describe("SHA-512 against node:crypto", () => {
  it("every length from 0 to 300 and around the block and padding boundaries, one-shot and streamed", () => {
    const next = rng(21);
    const lengths = [...Array(301).keys(), 383, 384, 385, 495, 496, 511, 512, 513, 1023, 1024, 1025];
    for (const len of lengths) {
      const data = randomBytes(next, len);
      const expected = sha512Node(data);
      expect(sha512Module(data), `length ${len}`).toBe(expected);
      expect(sha512Module(data, 1 + Math.floor(next() * 200)), `length ${len}, streamed`).toBe(expected);
    }
  });
});

// RFC 8032 section 7.1: TEST 1, 2, 3, 1024 and SHA(abc) (lines 1, 2, 3, 1024 of Bernstein's sign.input).
const RFC8032: { name: string; seed: string; publicKey: string; message: string; signature: string }[] = [
  {
    name: "TEST 1",
    seed: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    message: "",
    signature: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  },
  {
    name: "TEST 2",
    seed: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    message: "72",
    signature: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  },
  {
    name: "TEST 3",
    seed: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    publicKey: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
    message: "af82",
    signature: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
  },
  {
    name: "TEST 1024",
    seed: "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
    publicKey: "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
    message: [
      "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12ee50f8f54e9f77b1",
      "e355f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d",
      "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc1a858efcb8550ee3a5e1998bd177e93a",
      "7363c344fe6b199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e",
      "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbefefd75499da96bd68a8a97b928a8bbc10",
      "3b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1",
      "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2d17ba70eb6248e594e1a2297acbbb39d",
      "502f1a8c6eb6f1ce22b3de1a1f40cc24554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270",
      "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089b",
      "eccf80cfe2df16a2cf65bd92dd597b0707e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba",
      "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51addd3b75a2b1ae0784504df543af8969b",
      "e3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7",
      "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c42f58c30c04aafdb038dda0847dd988d",
      "cda6f3bfd15c4b4c4525004aa06eeff8ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df",
      "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08d78ff4ef5d63653a65040cf9bfd4aca7",
      "984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4",
      "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a32ef5b52a1ecc820e308aa342721aac09",
      "43bf6686b64b2579376504ccc493d97e6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f",
      "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b50d334ba77c225bc307ba537152f3f161",
      "0e4eafe595f6d9d90d11faa933a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d",
      "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef68d3a101e8a3b8ca",
      "c60c905c15fc910840b94c00a0b9d0",
    ].join(""),
    signature: "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03",
  },
  {
    name: "TEST SHA(abc)",
    seed: "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
    publicKey: "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
    message: "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    signature: "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704",
  },
];

describe("Ed25519: RFC 8032 section 7.1", () => {
  it.each(RFC8032)("$name: the vector is node:crypto's (transcription check)", (v) => {
    expect(nodePublicKey(privateKeyOf(h(v.seed)))).toBe(v.publicKey);
    expect(nodeSign(h(v.seed), h(v.message))).toBe(v.signature);
  });

  it.each(RFC8032)("$name: public key, signature, verification", (v) => {
    expect(publicKeyOf(h(v.seed))).toBe(v.publicKey);
    expect(signModule(h(v.seed), h(v.message))).toBe(v.signature);
    expect(verifyModule(h(v.publicKey), h(v.message), h(v.signature))).toBe(true);
  });

  it("TEST 1024's message is 1023 bytes", () => {
    expect(h(RFC8032[3].message).length).toBe(1023);
  });
});

describe("Ed25519 against node:crypto", () => {
  it("3000 random seeds and messages (0 to 300 bytes): same public keys and signatures, each verifies the other's", () => {
    const next = rng(31);
    for (let i = 0; i < 3000; i++) {
      const seed = randomBytes(next, 32);
      const message = randomBytes(next, i < 256 ? i : Math.floor(next() * 301));
      const key = privateKeyOf(seed);
      const publicKey = publicKeyOf(seed);
      expect(publicKey, `seed ${hex(seed)}`).toBe(nodePublicKey(key));
      const signature = signModule(seed, message);
      expect(signature, `seed ${hex(seed)}, message ${message.length} bytes`).toBe(hex(sign(null, message, key)));
      if (i % 10 === 0) {
        expect(verify(null, message, createPublicKey(key), h(signature))).toBe(true);
        expect(verifyModule(h(publicKey), message, h(signature))).toBe(true);
      }
    }
  });

  it("seeds of extreme bytes (all 0x00, all 0xff, one bit set)", () => {
    const seeds = [new Uint8Array(32), new Uint8Array(32).fill(0xff), ...Array.from({ length: 32 }, (_, i) => {
      const s = new Uint8Array(32);
      s[i] = 1 << (i % 8);
      return s;
    })];
    for (const seed of seeds) {
      expect(publicKeyOf(seed)).toBe(nodePublicKey(privateKeyOf(seed)));
      expect(signModule(seed, Buffer.from("logseal"))).toBe(nodeSign(seed, Buffer.from("logseal")));
    }
  });

  it("signing a 1 MB message", () => {
    const next = rng(32);
    const seed = randomBytes(next, 32);
    const message = randomBytes(next, 1 << 20);
    expect(signModule(seed, message)).toBe(nodeSign(seed, message));
  });
});

describe("Ed25519 verification refuses what was not signed, and never traps", () => {
  const v = RFC8032[1];
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  const scalarBytes = (n: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
  const scalarOf = (b: Uint8Array) => b.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n);

  it("a changed message, signature or key", () => {
    const message = h(v.message), signature = h(v.signature), publicKey = h(v.publicKey);
    for (let bit = 0; bit < 8; bit++) {
      const m = Buffer.from(message);
      m[0] ^= 1 << bit;
      expect(verifyModule(publicKey, m, signature)).toBe(false);
    }
    for (let i = 0; i < 64; i++) {
      const s = Buffer.from(signature);
      s[i] ^= 1 << (i % 8);
      expect(verifyModule(publicKey, message, s), `signature byte ${i}`).toBe(false);
    }
    for (let i = 0; i < 32; i++) {
      const k = Buffer.from(publicKey);
      k[i] ^= 1 << (i % 8);
      expect(verifyModule(k, message, signature), `key byte ${i}`).toBe(false);
    }
    expect(verifyModule(h(RFC8032[0].publicKey), message, signature)).toBe(false);
  });

  it("S not below L (S + L, S + 2L, all ones), as RFC 8032 and OpenSSL require", () => {
    const signature = h(v.signature);
    const S = scalarOf(signature.subarray(32));
    for (const bad of [S + L, S + 2n * L, L, 2n ** 256n - 1n]) {
      const forged = Buffer.concat([signature.subarray(0, 32), scalarBytes(bad)]);
      expect(verifyModule(h(v.publicKey), h(v.message), forged)).toBe(false);
      expect(nodeVerify(h(v.publicKey), h(v.message), forged)).toBe(false);
    }
  });

  it("keys that are not points, non-canonical y, x = 0 with the sign bit", () => {
    const p = 2n ** 255n - 19n;
    const bad = [
      scalarBytes(p),            // y = p: not canonical
      scalarBytes(p + 1n),       // y = p + 1 (= 1): not canonical
      scalarBytes(2n ** 255n - 1n), // y = p + 18
      scalarBytes(1n | (1n << 255n)), // y = 1 (x = 0) with the sign bit set
      scalarBytes(2n),           // y = 2: no x on the curve
    ];
    for (const key of bad) {
      expect(verifyModule(key, h(v.message), h(v.signature)), hex(key)).toBe(false);
    }
  });

  it("2000 random keys and signatures: refused, as node:crypto refuses them", () => {
    const next = rng(33);
    let agreed = 0;
    for (let i = 0; i < 2000; i++) {
      const publicKey = randomBytes(next, 32);
      const signature = randomBytes(next, 64);
      if (i % 2 === 0) signature[63] &= 0x0f; // S below L often enough to reach the point arithmetic
      const message = randomBytes(next, Math.floor(next() * 100));
      const got = verifyModule(publicKey, message, signature);
      expect(got).toBe(false);
      if (got === nodeVerify(publicKey, message, signature)) agreed++;
    }
    expect(agreed).toBe(2000);
  });

  it("a valid signature of a real key with a random R or S half", () => {
    const next = rng(34);
    const seed = randomBytes(next, 32);
    const publicKey = h(publicKeyOf(seed));
    const message = Buffer.from("checkpoint");
    const signature = h(signModule(seed, message));
    expect(verifyModule(publicKey, message, signature)).toBe(true);
    for (let i = 0; i < 200; i++) {
      const forged = Buffer.from(signature);
      if (i % 2) forged.set(randomBytes(next, 32), 0);
      else forged.set(scalarBytes(scalarOf(randomBytes(next, 32)) % L), 32);
      expect(verifyModule(publicKey, message, forged)).toBe(false);
      expect(nodeVerify(publicKey, message, forged)).toBe(false);
    }
  });
});

describe("Ed25519 signing is constant time in its structure", () => {
  // A named build of signing alone: in every function a secret passes through, the only branches
  // are loop tests (one `if` per loop, on a counter), and there is no select, br_if or br_table.
  // SHA-512's update and final branch on the message length only (public); the base table is
  // built once from public data.
  const ROOT = new URL("..", import.meta.url).pathname;
  const SECRET_PATH = [
    "ed25519/ed25519Sign", "ed25519/ed25519PublicKey", "ed25519/expand", "ed25519/scalarMultBase", "ed25519/selectEntry",
    "ed25519/addPrecomp", "ed25519/doublePoint", "ed25519/toP2", "ed25519/toP3", "ed25519/encode", "ed25519/modL",
    "ed25519/scReduce", "field25519/feMul", "field25519/feSq", "field25519/feSq2", "field25519/feSqTimes",
    "field25519/feInvert", "field25519/feToBytes", "sha512/sha512Blocks",
  ];

  it("signing's functions branch only on loop counters", () => {
    const dir = `${ROOT}build/ct-check`;
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/entry.ts`, `import "../../assembly/wasi/abort";\nexport { ed25519PublicKey, ed25519Sign } from "../../assembly/crypto/ed25519";\n`);
    const asc = spawnSync(`${ROOT}node_modules/.bin/asc`, [`${dir}/entry.ts`, "--target", "testkit", "--debug", "-o", `${dir}/entry.wasm`, "-t", `${dir}/entry.wat`], { cwd: ROOT, encoding: "utf8" });
    expect(asc.status, asc.stderr).toBe(0);
    const functions = new Map<string, string>();
    for (const chunk of readFileSync(`${dir}/entry.wat`, "utf8").split(/\n (?=\(func )/)) {
      const name = /^\(func \$assembly\/crypto\/(\S+)/.exec(chunk)?.[1];
      if (name) functions.set(name, chunk);
    }
    const count = (code: string, op: string) => code.match(new RegExp(`\\n\\s+${op}\\b`, "g"))?.length ?? 0;
    let checked = 0;
    for (const name of SECRET_PATH) {
      const code = functions.get(name);
      if (code === undefined) continue; // inlined into its caller, which is checked
      checked++;
      for (const op of ["select", "br_if", "br_table"]) expect(count(code, op), `${name}: ${op}`).toBe(0);
      expect(count(code, "if"), `${name}: an if that is not a loop test`).toBe(count(code, "loop"));
    }
    expect(checked).toBeGreaterThan(12);
  });
});
