// Signed mode in the verifier (docs/signing.md): the signature objects of a seal (`cp` checkpoint,
// `pc` closing), the statements they sign, node keys from a trust file, certificates from epoch to
// epoch back to the trusted node key, and the chain rules: segment starts signed, no epoch left
// unsigned behind a key change, the unsigned tail reported. node:crypto checks every signature.
import { type KeyObject, createPublicKey, verify } from "node:crypto";
import { readInput } from "./util.ts";
import type { Member } from "./canonical.ts";
import { MAX_EPOCH, type Seal, scheduledEpoch, sealMac } from "./seal-mac.ts";

/** A signature over a chain's head, as a seal carries it (`cp`, `pc`). */
export interface HeadSignature {
  /** The signing key's epoch (0: the node key). */
  e: number;
  /** The head's sequence number. */
  s: number;
  /** When it was signed (seconds). */
  w: number;
  /** The signing key, 64 hex. */
  pk: string;
  /** The certifier's epoch and its signature over `pk` (absent for the node key). */
  ce?: number;
  cs?: string;
  sg: string;
}

const HEX64 = /^[0-9a-f]{64}$/;
const HEX128 = /^[0-9a-f]{128}$/;
const UINT = /^(0|[1-9]\d*)$/;
const SIGNATURE_MEMBERS = new Set(["e", "s", "w", "pk", "ce", "cs", "sg"]);
const HEAD_DOMAIN = Buffer.from("logseal-head-v1\0", "latin1");
const CERT_DOMAIN = Buffer.from("logseal-key-cert-v1\0", "latin1");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** A signature object's fields, checked for shape; a string says what is wrong. */
export function signatureOf(members: Member[] | undefined, line: string): HeadSignature | string {
  if (members === undefined) return "is not an object";
  const fields: Record<string, Member> = Object.create(null);
  for (const member of members) {
    if (member.key in fields || !SIGNATURE_MEMBERS.has(member.key)) return `has a duplicate or unknown member ${JSON.stringify(member.key)}`;
    fields[member.key] = member;
  }
  const uint = (m: Member | undefined) => {
    if (m === undefined) return undefined;
    const written = line.slice(m.at, m.end);
    return UINT.test(written) && Number.isSafeInteger(Number(written)) ? Number(written) : undefined;
  };
  const hex = (m: Member | undefined, pattern: RegExp) => {
    const text = m?.text;
    return text !== undefined && text.length > 2 && text[0] === '"' && pattern.test(text.slice(1, -1)) ? text.slice(1, -1) : undefined;
  };
  const signature = { e: uint(fields.e), s: uint(fields.s), w: uint(fields.w), pk: hex(fields.pk, HEX64), sg: hex(fields.sg, HEX128) };
  if (signature.e === undefined || signature.s === undefined || signature.w === undefined || !signature.pk || !signature.sg) return "lacks its epoch, head, time, key or signature";
  if (signature.e > MAX_EPOCH) return "has an epoch outside 0 to 2^32 - 1";
  const out: HeadSignature = signature as HeadSignature;
  if (fields.ce !== undefined || fields.cs !== undefined) {
    out.ce = uint(fields.ce);
    out.cs = hex(fields.cs, HEX128);
    if (out.ce === undefined || !out.cs || out.ce >= out.e) return "has an invalid certificate (its signer must be of an earlier epoch)";
  } else if (out.e !== 0) {
    return "has an epoch key without a certificate";
  }
  return out;
}

/** lp(x) */
function text(value: string): Buffer {
  const bytes = Buffer.from(value, "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function u64(v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(v));
  return b;
}

/** What a head signature signs (docs/signing.md): the head of `seal`'s chain at `s` with MAC `m`. */
export function headStatement(seal: Pick<Seal, "o" | "i" | "c" | "cb">, signature: HeadSignature, m: string): Buffer {
  return Buffer.concat([
    HEAD_DOMAIN, text(seal.o), Buffer.from(seal.i, "hex"),
    seal.cb !== undefined ? Buffer.concat([Buffer.of(1), text(seal.cb)]) : Buffer.of(0),
    text(seal.c), u64(signature.s), Buffer.from(m, "hex"), u64(signature.w), u64(signature.e), Buffer.from(signature.pk, "hex"),
  ]);
}

/** What a certificate signs: the key of epoch `e`, vouched for by the key of epoch `ce`. */
export function certificateStatement(o: string, i: string, ce: number, e: number, pk: string): Buffer {
  return Buffer.concat([CERT_DOMAIN, text(o), Buffer.from(i, "hex"), u64(ce), u64(e), Buffer.from(pk, "hex")]);
}

const publicKeys = new Map<string, KeyObject>();

/** Whether `signature` (hex) is `publicKey`'s (hex) Ed25519 signature of `message`. */
export function verifySignature(publicKey: string, message: Buffer, signature: string): boolean {
  let key = publicKeys.get(publicKey);
  if (!key) {
    try {
      key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(publicKey, "hex")]), format: "der", type: "spki" });
    } catch {
      return false;
    }
    if (publicKeys.size >= 4096) publicKeys.delete(publicKeys.keys().next().value as string);
    publicKeys.set(publicKey, key);
  }
  try {
    return verify(null, message, key, Buffer.from(signature, "hex"));
  } catch {
    return false;
  }
}

/**
 * Why a signed-mode record does not hold on its own, or null: its epoch against its seal time and
 * count, its SHA-256 link, its published key against its key id, each signature for the head it
 * claims (`cp`: this record; `pc`: the previous one). Keys are vouched for later (SignedChains).
 */
export function checkSignedRecord(seal: Seal, canonical: string, now: number, futureSlack: number): { reason: "modified" | "time" | "signature"; detail: string } | null {
  if (seal.f) {
    if (seal.w! > now + futureSlack) return { reason: "time", detail: `sealed at ${seal.w}, in the future` };
    const due = scheduledEpoch(seal.f, seal.w!, seal.n!);
    if (seal.e !== due) return { reason: "time", detail: `epoch ${seal.e} is not the epoch of its seal time and count (${due})` };
  }
  if (sealMac(seal, canonical) !== seal.m) return { reason: "modified", detail: "SHA-256 mismatch: content or seal changed" };
  const cp = seal.cp;
  if (cp) {
    if (cp.s !== seal.s || cp.e !== seal.e) return { reason: "signature", detail: `checkpoint for seq ${cp.s} epoch ${cp.e} on the record of seq ${seal.s} epoch ${seal.e}` };
    if (!verifySignature(cp.pk, headStatement(seal, cp, seal.m), cp.sg)) return { reason: "signature", detail: "checkpoint signature does not verify" };
  }
  const pc = seal.pc;
  if (pc) {
    if (pc.s + 1 !== seal.s || pc.e > (seal.e ?? 0)) return { reason: "signature", detail: `closing signature for seq ${pc.s} epoch ${pc.e} on the record of seq ${seal.s} epoch ${seal.e}` };
    if (!verifySignature(pc.pk, headStatement(seal, pc, seal.p), pc.sg)) return { reason: "signature", detail: "closing signature does not verify" };
  }
  return null;
}

// ------------------------------------------------------------------------------------------------
// Trust files: origin -> node keys (docs/signing.md, "Trust").

export interface TrustEntry {
  origin: string;
  /** The node key, 64 hex; with `epoch`, an epoch key a verification certified back to it. */
  key: string;
  instance?: string;
  /** An epoch key (written by `logseal verify --trust-out`): lets the next run start mid-way. */
  epoch?: number;
  since?: string;
  source?: string;
}

export interface TrustFile {
  logseal_trust: 1;
  keys: TrustEntry[];
}

export function readTrust(path: string): TrustFile {
  let parsed: TrustFile;
  try {
    parsed = JSON.parse(readInput(path, "trust file").toString("utf8")) as TrustFile;
  } catch (error) {
    throw error instanceof SyntaxError ? new Error(`${path} is not a logseal trust file (not JSON)`) : error;
  }
  if (parsed?.logseal_trust !== 1 || !Array.isArray(parsed.keys)) throw new Error(`${path} is not a logseal trust file`);
  for (const entry of parsed.keys) {
    if (typeof entry?.origin !== "string" || typeof entry.key !== "string" || !HEX64.test(entry.key)) {
      throw new Error(`${path}: every key needs an origin and a 64-hex key`);
    }
    if (entry.epoch !== undefined && (!Number.isSafeInteger(entry.epoch) || entry.epoch < 1 || typeof entry.instance !== "string")) {
      throw new Error(`${path}: an epoch key needs its epoch (from 1) and instance`);
    }
  }
  return parsed;
}

/** Trusted node keys by origin, and epoch keys earlier verifications certified, by instance. */
export class Trust {
  private readonly byOrigin = new Map<string, Set<string>>();
  private readonly epochKeys = new Map<string, [number, string][]>();

  constructor(readonly file: TrustFile = { logseal_trust: 1, keys: [] }) {
    for (const entry of file.keys) {
      if (entry.epoch !== undefined) this.epochKeys.set(entry.instance!, [...(this.epochKeys.get(entry.instance!) ?? []), [entry.epoch, entry.key]]);
      else this.index(entry.origin, entry.key);
    }
  }

  /** Trusts `key` for `origin` (kept in `file` too). */
  add(origin: string, key: string): void {
    if (!this.has(origin, key)) this.file.keys.push({ origin, key });
    this.index(origin, key);
  }

  /** Epoch keys of `instance` certified by an earlier verification: [epoch, key]. */
  certified(instance: string): [number, string][] {
    return this.epochKeys.get(instance) ?? [];
  }

  private index(origin: string, key: string): void {
    const keys = this.byOrigin.get(origin) ?? new Set<string>();
    keys.add(key);
    this.byOrigin.set(origin, keys);
  }

  /** The trusted node key of `origin` whose id is `k`, if any. */
  key(origin: string, k: string): string | undefined {
    for (const key of this.byOrigin.get(origin) ?? []) if (key.startsWith(k)) return key;
    return undefined;
  }

  has(origin: string, key: string): boolean {
    return this.byOrigin.get(origin)?.has(key) ?? false;
  }

  get origins(): string[] {
    return [...this.byOrigin.keys()];
  }
}

// ------------------------------------------------------------------------------------------------
// Chain rules and key certificates, in input order on the main thread.

type SignedReason = "no-key" | "untrusted" | "signature" | "unsigned" | "truncated" | "modified";

/** A checkpoint kept off the node (docs/signing.md, "Anchors"): the head its chain must reach. */
export interface Anchor {
  /** chainKey(origin, chain) */
  key: string;
  seal: Seal;
  place: Place;
}

interface Place {
  file: string;
  line: number;
}

/** A key some signature claims for (instance, epoch), where it was first seen. */
interface KeyClaim {
  origin: string;
  instance: string;
  k: string;
  e: number;
  pk: string;
  ce?: number;
  cs?: string;
  place: Place;
  chain: string;
  /** undefined: not decided yet. */
  valid?: boolean;
}

/** Per chain: the last record, how far signatures reach. */
interface SignedChain {
  last?: { s: number; e: number; checkpoint: boolean };
  /** The highest sequence number a signature covers; -1 none. */
  signedThrough: number;
  lastSeq: number;
  trustReported: boolean;
}

export interface SignedReport {
  /** Highest sequence number covered by a signature (-1: none). */
  signedThrough: number;
  /** Records after it: the unsigned tail. */
  unsignedTail: number;
}

export class SignedChains {
  /** After finish(): the latest certified epoch key of every instance (docs/signing.md, "Trust"). */
  certifiedKeys: TrustEntry[] = [];
  private readonly chains = new Map<string, SignedChain>();
  /** Key claims by instance, then "epoch:pk". */
  private readonly claims = new Map<string, Map<string, KeyClaim>>();
  /** The latest epoch key each instance's certificates led to (for --trust-out). */
  private readonly latest = new Map<string, TrustEntry>();
  /** Node keys the instances published (`pk`), used when no trust file is given. */
  private readonly published = new Map<string, string>();

  /** The highest anchored checkpoint of every chain, and whether the store reached it. */
  private readonly anchors = new Map<string, { anchor: Anchor; reached: boolean }>();

  constructor(
    private readonly trust: Trust | undefined,
    private readonly fail: (chainKey: string, place: Place, reason: SignedReason, detail: string) => void,
    anchors: Anchor[] = [],
  ) {
    for (const anchor of anchors) {
      const known = this.anchors.get(anchor.key);
      if (!known || known.anchor.seal.s < anchor.seal.s) this.anchors.set(anchor.key, { anchor, reached: false });
      // Its signature's key is decided with the rest: an anchor under an untrusted or uncertified key fails.
      this.claim(anchor.key, anchor.seal, anchor.seal.cp!, anchor.place);
    }
  }

  /** A signed-mode record of chain `key`, in input order (whether or not its own checks passed). */
  add(key: string, seal: Seal, place: Place): void {
    const anchored = this.anchors.get(key);
    if (anchored && seal.s === anchored.anchor.seal.s && seal.i === anchored.anchor.seal.i) {
      anchored.reached = true;
      if (seal.m !== anchored.anchor.seal.m) {
        this.fail(key, place, "modified", `seq ${seal.s} is not the record anchored at ${anchored.anchor.place.file}:${anchored.anchor.place.line} (another MAC)`);
      }
    }
    let chain = this.chains.get(key);
    if (!chain) {
      chain = { signedThrough: -1, lastSeq: -1, trustReported: false };
      this.chains.set(key, chain);
    }
    if (!chain.trustReported) {
      const why = !this.trust
        ? `signed by node key ${seal.k}: give the origins' public keys (--trust; logseal keys trust)`
        : this.trust.key(seal.o, seal.k!) === undefined ? `node key ${seal.k} is not trusted for origin ${JSON.stringify(seal.o)}` : "";
      if (why) {
        chain.trustReported = true;
        this.fail(key, place, this.trust ? "untrusted" : "no-key", why);
      }
    }
    if (seal.pk && !this.published.has(seal.i)) this.published.set(seal.i, seal.pk);
    if (seal.g !== undefined && (!seal.pk || !seal.cp)) this.fail(key, place, "unsigned", "a segment's first record without the node key and its checkpoint");
    // Its checkpoint covers the head it links to, u records back: the records between are SHA-256
    // links that anyone recomputes, under no signature (logseal never writes u in signed mode).
    if (seal.u !== undefined) this.fail(key, place, "unsigned", `a resume that links past seq ${seal.s - seal.u} to ${seal.s - 1} (u): no signature covers them`);
    const last = chain.last;
    if (last && seal.s === last.s + 1 && (seal.e ?? 0) > last.e && !last.checkpoint && !(seal.pc && seal.pc.e === last.e)) {
      this.fail(key, place, "unsigned", `seq ${last.s} (epoch ${last.e}) was not signed by its epoch's key before the key changed: a later key could have rewritten it`);
    }
    if (seal.cp) {
      chain.signedThrough = Math.max(chain.signedThrough, seal.s);
      this.claim(key, seal, seal.cp, place);
    }
    if (seal.pc) {
      chain.signedThrough = Math.max(chain.signedThrough, seal.s - 1);
      this.claim(key, seal, seal.pc, place);
    }
    if (!last || seal.s > last.s || seal.g === "new") chain.last = { s: seal.s, e: seal.e ?? 0, checkpoint: seal.cp !== undefined };
    chain.lastSeq = Math.max(chain.lastSeq, seal.s);
  }

  /** The instance's node key: the trusted one its seals name, else (no trust file) the one it published. */
  private rootOf(instance: string, claim: KeyClaim): string | undefined {
    if (this.trust) return this.trust.key(claim.origin, claim.k);
    const published = this.published.get(instance);
    return published?.startsWith(claim.k) ? published : undefined;
  }

  private claim(chainKey: string, seal: Seal, signature: HeadSignature, place: Place): void {
    const byKey = this.claims.get(seal.i) ?? new Map<string, KeyClaim>();
    this.claims.set(seal.i, byKey);
    const id = `${signature.e}:${signature.pk}`;
    if (!byKey.has(id)) {
      byKey.set(id, { origin: seal.o, instance: seal.i, k: seal.k!, e: signature.e, pk: signature.pk, ce: signature.ce, cs: signature.cs, place, chain: chainKey });
    }
  }

  /**
   * Decides every key claim: the node key (epoch 0) must be the trusted key the seals name; an
   * epoch key needs a certificate by an earlier epoch's valid key of the same instance. A claim that
   * fails is reported once, at the first record that used it.
   */
  finish(): Map<string, SignedReport> {
    for (const [instance, byKey] of this.claims) {
      const claims = [...byKey.values()].sort((a, b) => a.e - b.e);
      const root = this.rootOf(instance, claims[0]);
      if (root === undefined) continue; // untrusted or no trust file: reported per chain already
      const valid = new Map<number, string[]>([[0, [root]]]); // epoch -> valid keys
      for (const [epoch, key] of this.trust?.certified(instance) ?? []) valid.set(epoch, [...(valid.get(epoch) ?? []), key]);
      for (const claim of claims) {
        if (claim.e === 0) {
          claim.valid = claim.pk === root;
        } else if ((valid.get(claim.e) ?? []).includes(claim.pk)) {
          claim.valid = true; // certified by an earlier run (--trust-out), or already here
        } else {
          const statement = certificateStatement(claim.origin, claim.instance, claim.ce!, claim.e, claim.pk);
          claim.valid = (valid.get(claim.ce!) ?? []).some((pk) => verifySignature(pk, statement, claim.cs!));
          if (claim.valid) {
            valid.set(claim.e, [...(valid.get(claim.e) ?? []), claim.pk]);
            const latest = this.latest.get(instance);
            if (!latest || latest.epoch! < claim.e) this.latest.set(instance, { origin: claim.origin, instance, epoch: claim.e, key: claim.pk, source: `certified: ${claim.place.file}:${claim.place.line}` });
          }
        }
        if (!claim.valid) {
          this.fail(claim.chain, claim.place, "signature", claim.e === 0
            ? `signed by a key that is not the node key ${claim.k}`
            : `the key of epoch ${claim.e} is not certified by a valid key of epoch ${claim.ce} (certificates lead back to the node key)`);
        }
      }
    }
    // The store must reach every anchored head: a shorter chain lost its end, a missing one was deleted.
    for (const [key, { anchor, reached }] of this.anchors) {
      if (reached) continue;
      const chain = this.chains.get(key);
      this.fail(key, anchor.place, "truncated", chain
        ? `ends at seq ${chain.lastSeq}, before the checkpoint anchored at seq ${anchor.seal.s}`
        : `no record of the chain in the store; a checkpoint of it is anchored at seq ${anchor.seal.s}`);
    }
    this.certifiedKeys = [...this.latest.values()];
    const reports = new Map<string, SignedReport>();
    for (const [key, chain] of this.chains) {
      reports.set(key, { signedThrough: chain.signedThrough, unsignedTail: chain.lastSeq - chain.signedThrough });
    }
    return reports;
  }
}

/** The trust file `trust` came from, with `certified` replacing the epoch keys of their instances. */
export function trustWithCertified(trust: Trust | undefined, certified: TrustEntry[]): TrustFile {
  const renewed = new Set(certified.map((entry) => entry.instance));
  const kept = (trust?.file.keys ?? []).filter((entry) => entry.epoch === undefined || !renewed.has(entry.instance));
  return { logseal_trust: 1, keys: [...kept, ...certified] };
}

/** The checkpoints in anchor files (lines `check` reads as records): each chain's anchored heads. */
export async function readAnchors(files: string[], check: (text: string) => { seal?: Seal; bad?: string }): Promise<Anchor[]> {
  const { createReadStream } = await import("node:fs");
  const { MAX_LINE_BYTES, byteLines, decodeUtf8 } = await import("./utf8.ts");
  const anchors: Anchor[] = [];
  for (const file of files) {
    let line = 0;
    // Lines as verify reads them (cli/utf8.ts): split at \n only, an invalid byte never read as U+FFFD.
    for await (const bytes of byteLines(createReadStream(file), MAX_LINE_BYTES)) {
      line++;
      if (!Buffer.isBuffer(bytes)) throw new Error(`--anchors ${file}:${line}: a line of ${bytes.long} bytes, not a checkpoint`);
      const text = decodeUtf8(bytes);
      if (text.trim() === "") continue;
      const { seal, bad } = check(text);
      if (bad !== undefined) throw new Error(`--anchors ${file}:${line}: ${bad}`);
      if (seal?.a !== "ed25519" || !seal.cp) throw new Error(`--anchors ${file}:${line}: not a signed checkpoint`);
      anchors.push({ key: `${seal.o}\u0000${seal.c}`, seal, place: { file, line } });
    }
  }
  return anchors;
}
