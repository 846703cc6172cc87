// The MAC of a seal, as assembly/sealing/sealer.ts computes it (docs/sealing.md, "MAC"), in
// Node: for `logseal verify`, and for tests that forge records.
import { type KeyObject, createHash, createHmac, createSecretKey } from "node:crypto";

/** A seal's fields as they appear in the record (`_seal`). */
export interface Seal {
  v: number;
  /** Chain id. */
  c: string;
  /** Sequence number in the chain. */
  s: number;
  /** Event time "<sec>.<nsec, 9 digits>". */
  t: string;
  a: "hmac-sha256" | "sha256";
  /** Key id (HMAC only). */
  k?: string;
  /** Key epoch (HMAC only). */
  e?: number;
  /** Policy version. */
  pv: string;
  /** Segment marker: "new" (genesis) or "resume" (continued from the state file). */
  g?: "new" | "resume";
  /** Records dropped by the policy since the previous record. */
  d?: number;
  /** A chain evicted to make room for this one: its id, records sealed, head, pending drops. */
  x?: { c: string; n: number; m: string; d: number };
  /** MAC of the previous record (zeros at genesis). */
  p: string;
  m: string;
}

export const GENESIS = "0".repeat(64);
const DOMAIN = Buffer.from("logseal-seal-v1\0", "latin1");
const SEGMENTS: Record<string, number> = { new: 1, resume: 2 };
const KEY_ID_LABEL = Buffer.from("logseal-key-id");
const EPOCH_LABEL = Buffer.from("logseal-epoch");

/** The binary encoding of a seal's fields that precedes the canonical record in the MAC's message. */
export function sealPrefix(seal: Seal): Buffer {
  const hmac = seal.a === "hmac-sha256";
  const dot = seal.t.indexOf(".");
  const out = new Writer();
  out.bytes(DOMAIN);
  out.u8(hmac ? 1 : 2);
  out.text(seal.c);
  out.u64(seal.s);
  out.u64(seal.t.slice(0, dot));
  out.u32(Number(seal.t.slice(dot + 1)));
  out.u32(hmac ? 8 : 0);
  if (hmac) out.hex(seal.k ?? "");
  out.u64(hmac ? seal.e ?? 0 : 0);
  out.text(seal.pv);
  out.u8(seal.g ? SEGMENTS[seal.g] : 0);
  out.u64(seal.d ?? 0);
  out.u8(seal.x ? 1 : 0);
  if (seal.x) {
    out.text(seal.x.c);
    out.u64(seal.x.n);
    out.hex(seal.x.m);
    out.u64(seal.x.d);
  }
  out.hex(seal.p);
  return out.done();
}

/** The seal's MAC (hex) over its fields and the canonical record, under `key` (HMAC) or none (SHA-256). */
export function sealMac(seal: Seal, canonical: string, key?: Buffer | KeyObject): string {
  const hash = key ? createHmac("sha256", key) : createHash("sha256");
  return hash.update(sealPrefix(seal)).update(canonical, "utf8").digest("hex");
}

/** The key id seals name: the first 8 bytes of HMAC(K0, "logseal-key-id"), hex. */
export function keyId(initialKey: Buffer): string {
  return createHmac("sha256", initialKey).update(KEY_ID_LABEL).digest("hex").slice(0, 16);
}

/** The keys of successive epochs: K(e) = HMAC(K(e-1), "logseal-epoch" || uint64_be(e)), K(0) the key file's. */
export class EpochKeys {
  private readonly raw: Buffer[];
  private readonly keys: KeyObject[];

  constructor(readonly initialKey: Buffer, readonly id = keyId(initialKey)) {
    this.raw = [initialKey];
    this.keys = [createSecretKey(initialKey)];
  }

  /** K(epoch); deriving is sequential, so an absurd epoch is refused. */
  key(epoch: number): KeyObject | undefined {
    if (!Number.isSafeInteger(epoch) || epoch < 0 || epoch > EpochKeys.MAX_EPOCH) return undefined;
    for (let e = this.raw.length; e <= epoch; e++) {
      const next = createHmac("sha256", this.raw[e - 1]).update(EPOCH_LABEL).update(u64(e)).digest();
      this.raw.push(next);
      this.keys.push(createSecretKey(next));
    }
    return this.keys[epoch];
  }

  /** The raw bytes of K(epoch), for forging in tests. */
  rawKey(epoch: number): Buffer | undefined {
    return this.key(epoch) ? this.raw[epoch] : undefined;
  }

  static readonly MAX_EPOCH = 100_000_000;
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
