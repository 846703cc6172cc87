// The MAC of a seal, as assembly/sealing/sealer.ts computes it (docs/sealing.md, "MAC"), in
// Node: for `logseal verify`, and for tests that forge records. Keyed BLAKE2b is not in
// node:crypto: @noble/hashes computes it (docs/crypto.md), never the module's own code.
import { type KeyObject, createHash, createHmac, createSecretKey } from "node:crypto";
import { blake2b } from "@noble/hashes/blake2b";
import type { HeadSignature } from "./signed.ts";

/** A seal's fields as they appear in the record (`_seal`, docs/seal-format.md). */
export interface Seal {
  v: number;
  /** Origin (node or host name), "" when none configured. */
  o: string;
  /** Instance id, 16 hex digits. */
  i: string;
  /** Chain id. */
  c: string;
  /** The chain_by field path (chains by field); absent: chains by tag. */
  cb?: string;
  /** Sequence number in the chain. */
  s: number;
  /** Event time "<sec>.<nsec, 9 digits>". */
  t: string;
  /** Keyed: "blake2b-keyed" (since December 2026) or "hmac-sha256"; "ed25519": SHA-256 links, Ed25519 signatures on checkpoints (docs/signing.md). */
  a: "blake2b-keyed" | "hmac-sha256" | "sha256" | "ed25519";
  /** Key id (keyed; signed mode: the node key's first 8 bytes). */
  k?: string;
  /** Key epoch (HMAC and signed mode). */
  e?: number;
  /** Forward security: the epoch schedule [T1, S, R], the seal's wall-clock second and the instance's count. */
  f?: [number, number, number];
  w?: number;
  n?: number;
  /** Policy version. */
  pv: string;
  /** Segment marker: "new" (genesis) or "resume" (continued from the state file). */
  g?: "new" | "resume";
  /** A resume after records the state file's saved head does not cover: how many (the link is to the record that many before). */
  u?: number;
  /** Records dropped by the policy since the previous record. */
  d?: number;
  /** A chain evicted to make room for this one: its id, records sealed, head, pending drops. */
  x?: { c: string; n: number; m: string; d: number };
  /** Signed mode: the node key (segment starts), the checkpoint and closing signatures. */
  pk?: string;
  cp?: HeadSignature;
  pc?: HeadSignature;
  /** MAC of the previous record (zeros at genesis). */
  p: string;
  m: string;
}

export const GENESIS = "0".repeat(64);
export const MAX_EPOCH = 0xffff_ffff;
/** Domain separation by seal version: 2 MACs the message itself, 3 a BLAKE2b digest of it. */
const DOMAINS: Record<number, Buffer> = { 2: Buffer.from("logseal-seal-v2\0", "latin1"), 3: Buffer.from("logseal-seal-v3\0", "latin1") };
/** Before D in a version 3 MAC: a byte no UTF-8 text starts with, so no pseudonym is a seal's MAC. */
const MAC_DIGEST_PREFIX = Buffer.of(0xff);
/** Seal versions this verifier reads. */
export const SEAL_VERSIONS = new Set([2, 3]);
const SEGMENTS: Record<string, number> = { new: 1, resume: 2 };
/** The segment byte of a resume with `u`, which follows it as a u64. */
const RESUME_BEYOND_SAVED = 3;
const KEY_ID_LABEL = Buffer.from("logseal-key-id");
const ROOT_LABEL = Buffer.from("logseal-epochs-v2\0", "latin1");
const NODE_LABEL = Buffer.from("logseal-epoch-node");
const BLAKE2B_MAC_KEY_LABEL = Buffer.from("logseal-blake2b-mac-key");
/** The algorithm byte of the MAC's message. */
const ALGORITHM_BYTES: Record<Seal["a"], number> = { "hmac-sha256": 1, sha256: 2, ed25519: 3, "blake2b-keyed": 4 };
/** Algorithms whose MAC needs the seal key K (the records name it in `k` and its epoch in `e`). */
export const KEYED_MACS: ReadonlySet<string> = new Set(["blake2b-keyed", "hmac-sha256"]);

/**
 * A chain's algorithm in the report after one more seal: "mixed" once SHA-256 (or signed mode) meets
 * another algorithm; between the keyed MACs (an upgrade from hmac-sha256 to blake2b-keyed) the
 * latest, which the chain goes on with.
 */
export function chainAlgorithm(sofar: string, a: string): string {
  if (sofar === "" || sofar === a || (KEYED_MACS.has(sofar) && KEYED_MACS.has(a))) return a;
  return "mixed";
}

/** The binary encoding of a seal's fields that precedes the canonical record in the MAC's message. */
export function sealPrefix(seal: Seal): Buffer {
  const signed = seal.a === "ed25519";
  const keyed = KEYED_MACS.has(seal.a) || signed;
  const dot = seal.t.indexOf(".");
  const out = new Writer();
  const domain = DOMAINS[seal.v];
  if (!domain) throw new RangeError(`seal version ${seal.v}: no MAC is defined for it`); // the verifier refuses it before
  out.bytes(domain);
  out.u8(ALGORITHM_BYTES[seal.a]);
  out.text(seal.o);
  out.hex(seal.i);
  out.u8(seal.cb !== undefined ? 1 : 0);
  if (seal.cb !== undefined) out.text(seal.cb);
  out.text(seal.c);
  out.u64(seal.s);
  out.u64(seal.t.slice(0, dot));
  out.u32(Number(seal.t.slice(dot + 1)));
  out.u32(keyed ? 8 : 0);
  if (keyed) out.hex(seal.k ?? "");
  out.u64(keyed ? seal.e ?? 0 : 0);
  out.u8(seal.f ? 1 : 0);
  if (seal.f) {
    for (const v of seal.f) out.u64(v);
    out.u64(seal.w ?? 0);
    out.u64(seal.n ?? 0);
  }
  out.text(seal.pv);
  out.u8(seal.u !== undefined ? RESUME_BEYOND_SAVED : seal.g ? SEGMENTS[seal.g] : 0);
  if (seal.u !== undefined) out.u64(seal.u);
  out.u64(seal.d ?? 0);
  out.u8(seal.x ? 1 : 0);
  if (seal.x) {
    out.text(seal.x.c);
    out.u64(seal.x.n);
    out.hex(seal.x.m);
    out.u64(seal.x.d);
  }
  if (signed) {
    out.u8((seal.pk ? 1 : 0) | (seal.pc ? 2 : 0) | (seal.cp ? 4 : 0));
    if (seal.pk) out.hex(seal.pk);
  }
  out.hex(seal.p);
  return out.done();
}

/**
 * The seal's MAC (hex) over its fields and the canonical record: under the seal key `key` (K) by
 * keyed BLAKE2b with KB or by HMAC-SHA256 as `a` says, or with none (SHA-256); from version 3,
 * except keyed BLAKE2b, over 0xFF and the first 32 bytes of the message's BLAKE2b-512 digest.
 */
export function sealMac(seal: Seal, canonical: string, key?: Buffer | KeyObject): string {
  if (seal.a === "blake2b-keyed") {
    if (!key) throw new TypeError("a blake2b-keyed seal needs its key");
    const mac = blake2b.create({ key: blake2bMacKey(key), dkLen: 32 }).update(sealPrefix(seal)).update(Buffer.from(canonical, "utf8")).digest();
    return Buffer.from(mac.buffer, mac.byteOffset, mac.byteLength).toString("hex");
  }
  const hash = key ? createHmac("sha256", key) : createHash("sha256");
  if (seal.v === 2) return hash.update(sealPrefix(seal)).update(canonical, "utf8").digest("hex");
  const digest = createHash("blake2b512").update(sealPrefix(seal)).update(canonical, "utf8").digest();
  return hash.update(MAC_DIGEST_PREFIX).update(digest.subarray(0, 32)).digest("hex");
}

/** KB of each key object (the verifier's keys are cached KeyObjects): derived once per key. */
const blake2bKeys = new WeakMap<KeyObject, Buffer>();

/** KB = HMAC-SHA256(K, "logseal-blake2b-mac-key"), the key of keyed BLAKE2b seals under K. */
export function blake2bMacKey(key: Buffer | KeyObject): Buffer {
  if (Buffer.isBuffer(key)) return createHmac("sha256", key).update(BLAKE2B_MAC_KEY_LABEL).digest();
  let derived = blake2bKeys.get(key);
  if (!derived) {
    derived = createHmac("sha256", key).update(BLAKE2B_MAC_KEY_LABEL).digest();
    blake2bKeys.set(key, derived);
  }
  return derived;
}

/** The key id seals name: the first 8 bytes of HMAC(K0, "logseal-key-id"), hex. */
export function keyId(initialKey: Buffer): string {
  return createHmac("sha256", initialKey).update(KEY_ID_LABEL).digest("hex").slice(0, 16);
}

/** The epoch a record sealed at `w` after `n` records must have under the schedule [T1, S, R]. */
export function scheduledEpoch([start, seconds, records]: [number, number, number], w: number, n: number): number {
  const bySeconds = seconds > 0 && w > start ? Math.floor((w - start) / seconds) : 0;
  const byRecords = records > 0 ? Math.floor(n / records) : 0;
  return 1 + Math.max(bySeconds, byRecords);
}

/**
 * Keys of one initial key K0: K0 itself (epoch 0), and with forward security the leaves of the epoch
 * tree rooted in K0, the seal's origin, instance and schedule. Any epoch costs at most 33 HMACs;
 * roots and leaves are cached in bounded maps, so a forged epoch costs what a real one does.
 */
export class EpochKeys {
  private readonly initial: KeyObject;
  private readonly roots = new BoundedMap<string, Buffer>(256);
  private readonly leaves = new BoundedMap<string, KeyObject>(4096);

  constructor(readonly initialKey: Buffer, readonly id = keyId(initialKey)) {
    this.initial = createSecretKey(initialKey);
  }

  /** The MAC key of a seal: K0 without a schedule, else its epoch's leaf; undefined for an epoch out of range. */
  key(seal: Pick<Seal, "o" | "i" | "f" | "e">, epoch = seal.e ?? 0): KeyObject | undefined {
    if (!seal.f) return epoch === 0 ? this.initial : undefined;
    if (!Number.isSafeInteger(epoch) || epoch < 1 || epoch > MAX_EPOCH) return undefined;
    const rootId = `${seal.o}\0${seal.i}\0${seal.f.join("/")}`;
    const leafId = `${rootId}\0${epoch}`;
    let leaf = this.leaves.get(leafId);
    if (!leaf) {
      leaf = createSecretKey(this.rawLeaf(seal, epoch, rootId));
      this.leaves.set(leafId, leaf);
    }
    return leaf;
  }

  /** The raw bytes of a leaf, for forging in tests. */
  rawKey(seal: Pick<Seal, "o" | "i" | "f">, epoch: number): Buffer {
    return this.rawLeaf(seal, epoch, `${seal.o}\0${seal.i}\0${seal.f!.join("/")}`);
  }

  private rawLeaf(seal: Pick<Seal, "o" | "i" | "f">, epoch: number, rootId: string): Buffer {
    let node = this.roots.get(rootId);
    if (!node) {
      const origin = Buffer.from(seal.o, "utf8");
      const length = Buffer.alloc(4);
      length.writeUInt32BE(origin.length);
      node = createHmac("sha256", this.initialKey)
        .update(Buffer.concat([ROOT_LABEL, length, origin, Buffer.from(seal.i, "hex"), ...seal.f!.map(u64)]))
        .digest();
      this.roots.set(rootId, node);
    }
    for (let depth = 31; depth >= 0; depth--) {
      const bit = Math.floor(epoch / 2 ** depth) % 2;
      node = createHmac("sha256", node).update(NODE_LABEL).update(Buffer.of(bit)).digest();
    }
    return node;
  }
}

/** A Map that forgets its oldest entry beyond `limit` (memory stays bounded on hostile input). */
class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (this.size >= this.limit && !this.has(key)) this.delete(this.keys().next().value as K);
    return super.set(key, value);
  }
}

/** Big-endian fields into one reused buffer (verification runs this once per record). */
class Writer {
  private static buffer = Buffer.alloc(1024);
  private at = 0;

  private room(n: number): Buffer {
    if (this.at + n > Writer.buffer.length) {
      const bigger = Buffer.alloc(Math.max(Writer.buffer.length * 2, this.at + n));
      Writer.buffer.copy(bigger, 0, 0, this.at);
      Writer.buffer = bigger;
    }
    return Writer.buffer;
  }

  u8(v: number): void {
    this.room(1)[this.at++] = v;
  }

  u32(v: number): void {
    this.room(4).writeUInt32BE(v >>> 0, this.at);
    this.at += 4;
  }

  /** An unsigned integer below 2^53 (sequence numbers, seconds, counts) as 64 bits. */
  u64(v: number | string): void {
    const n = Number(v);
    const buffer = this.room(8);
    buffer.writeUInt32BE(Math.floor(n / 0x100000000), this.at);
    buffer.writeUInt32BE(n >>> 0, this.at + 4);
    this.at += 8;
  }

  bytes(b: Buffer): void {
    b.copy(this.room(b.length), this.at);
    this.at += b.length;
  }

  /** Bytes given in hex. */
  hex(value: string): void {
    this.at += this.room(value.length >> 1).write(value, this.at, "hex");
  }

  /** UTF-8 text with its length in front. */
  text(value: string): void {
    const length = Buffer.byteLength(value, "utf8");
    this.u32(length);
    this.at += this.room(length).write(value, this.at, "utf8");
  }

  /** The bytes written (a view valid until the next Writer is used). */
  done(): Buffer {
    return Writer.buffer.subarray(0, this.at);
  }
}

function u64(v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(v));
  return b;
}
