// Signed mode (docs/signing.md): the node's Ed25519 key pair, made on the node from WASI randomness;
// epoch keys, each certified by the previous one, whose secret is then wiped; checkpoint signatures
// over a chain's head every so many records or seconds and at every segment start; closing
// signatures over the unsigned tail of every chain before a key is wiped. The keys and pending
// closing signatures live in the signing file (fixed-size checksummed lines, like the state file).
//
//   logseal-signing 1 instance=<16 hex> root=<64 hex> schedule=<T1>/<S>/<R> epoch=<n> seed=<64 hex>
//     from=<n|-> cert=<128 hex|-> check=<8 hex>                                        (1024 bytes)
//   closing chain=<hex> seq=<n> head=<64 hex> epoch=<n> wall=<n> key=<64 hex> from=<n|-> cert=<128 hex|->
//     sig=<128 hex> check=<8 hex>                                                (1024 bytes per slot)
import { ByteBuffer, utf8 } from "../buffer";
import { ED25519_PUBLIC_KEY_SIZE, ED25519_SECRET_KEY_SIZE, ED25519_SEED_SIZE, ED25519_SIGNATURE_SIZE, ed25519PublicKey, ed25519Sign } from "../crypto/ed25519";
import { SHA512_SIZE, sha512 } from "../crypto/sha512";
import { realtimeNs } from "../wasi/clock";
import { WritableFile, openWritable, wipe } from "../wasi/files";
import { randomBytes } from "../wasi/random";
import { logLine } from "../wasi/stderr";
import { Chain, MAC_SIZE, MAX_CHAIN_ID } from "./chains";
import { MAX_EPOCH } from "./epochtree";
import { INSTANCE_SIZE } from "./identity";
import { LineCursor, sealLine } from "./lines";
import { MacInput } from "./mac";
import { SealPolicy } from "./policy";
import { Schedule } from "./sealkey";
import { Session } from "./session";

export const KEY_SIZE: usize = ED25519_PUBLIC_KEY_SIZE;
export const SIGNATURE_SIZE: usize = ED25519_SIGNATURE_SIZE;
/** `k` in signed mode: the first bytes of the node key. */
export const NODE_KEY_ID_SIZE: usize = 8;
/** The MAC's algorithm byte in signed mode (1 HMAC-SHA256, 2 SHA-256: seal-format.md). */
export const ALGORITHM_SIGNED: u8 = 3;

const HEADER_SIZE: usize = 1024;
const SLOT_SIZE: usize = 1024;
const NO_EPOCH: u64 = u64.MAX_VALUE;

// Flags in the MAC message: which signed-mode members the seal has.
const FLAG_PUBLIC_KEY: u8 = 1;
const FLAG_CLOSING: u8 = 2;
const FLAG_CHECKPOINT: u8 = 4;

const HEAD_DOMAIN = utf8("logseal-head-v1\0");
const CERT_DOMAIN = utf8("logseal-key-cert-v1\0");
const SEED_DOMAIN = utf8("logseal-next-seed\0");

/** A signature over a chain's head (`cp`, `pc`): the key that made it, with its certificate. */
export class HeadSignature {
  epoch: u64 = 0;
  seq: u64 = 0;
  wall: i64 = 0;
  readonly key: usize = heap.alloc(KEY_SIZE);
  /** The certifier's epoch; NO_EPOCH for the node key (no certificate). */
  certifiedBy: u64 = NO_EPOCH;
  readonly certificate: usize = heap.alloc(SIGNATURE_SIZE);
  readonly signature: usize = heap.alloc(SIGNATURE_SIZE);

  copyFrom(other: HeadSignature): void {
    this.epoch = other.epoch;
    this.seq = other.seq;
    this.wall = other.wall;
    memory.copy(this.key, other.key, KEY_SIZE);
    this.certifiedBy = other.certifiedBy;
    memory.copy(this.certificate, other.certificate, SIGNATURE_SIZE);
    memory.copy(this.signature, other.signature, SIGNATURE_SIZE);
  }

  /** `{"e":..,"s":..,"w":..,"pk":"..","ce":..,"cs":"..","sg":".."}` */
  write(out: ByteBuffer): void {
    out.putBuffer(SIG_EPOCH);
    out.putUint(this.epoch);
    out.putBuffer(SIG_SEQ);
    out.putUint(this.seq);
    out.putBuffer(SIG_WALL);
    out.putUint(<u64>max<i64>(this.wall, 0));
    out.putBuffer(SIG_KEY);
    out.putHex(this.key, KEY_SIZE);
    if (this.certifiedBy != NO_EPOCH) {
      out.putBuffer(SIG_CERTIFIER);
      out.putUint(this.certifiedBy);
      out.putBuffer(SIG_CERTIFICATE);
      out.putHex(this.certificate, SIGNATURE_SIZE);
    }
    out.putBuffer(SIG_SIGNATURE);
    out.putHex(this.signature, SIGNATURE_SIZE);
    out.putBuffer(SIG_CLOSE);
  }
}

/** What the signer keeps per chain slot. */
class SlotSigning {
  /** Records sealed on the chain since its last checkpoint. */
  sinceCheckpoint: u64 = 0;
  lastCheckpointWall: i64 = 0;
  /** Records at the chain's start covered by a signature: seq < signedThrough. */
  signedThrough: u64 = 0;
  /** A closing signature over the head at `closing.seq`, for the chain's next record. */
  hasClosing: bool = false;
  readonly closing: HeadSignature = new HeadSignature();
  readonly closingHead: usize = heap.alloc(MAC_SIZE);
}

/** This record's signed-mode members, decided before its MAC. */
class RecordSigning {
  publishKey: bool = false;
  closing: bool = false;
  checkpoint: bool = false;
  epoch: u64 = 0;
  readonly signature: HeadSignature = new HeadSignature();
}

export class Signer {
  /** A key pair exists: records are sealed in signed mode (false: plain SHA-256, with `problem`). */
  active: bool = false;
  /** For every record's error marker (no randomness, unwritable signing file). */
  problem: string = "";
  /**
   * Why this instance is new although a key or state was there (the signing file lost, or the state
   * file lost beside another instance's signing file): for the first record of every chain it seals,
   * where a verifier sees the restart gap. Null otherwise.
   */
  restartReason: ArrayBuffer | null = null;
  readonly root: usize = heap.alloc(KEY_SIZE);
  /** The current key: seed, then public key (ed25519Sign's secret key). */
  private readonly secret: usize = heap.alloc(ED25519_SECRET_KEY_SIZE);
  epoch: u64 = 0;
  private certifiedBy: u64 = NO_EPOCH;
  private readonly certificate: usize = heap.alloc(SIGNATURE_SIZE);
  readonly schedule: Schedule = new Schedule();
  readonly record: RecordSigning = new RecordSigning();
  private readonly slots: SlotSigning[] = [];
  private file: WritableFile | null = null;
  private writeFailed: bool = false;
  private readonly chainField: ArrayBuffer;
  private readonly line: ByteBuffer = new ByteBuffer(SLOT_SIZE);
  private readonly message: ByteBuffer = new ByteBuffer(512);

  constructor(readonly session: Session, readonly policy: SealPolicy) {
    this.chainField = String.UTF8.encode(policy.chainsByTag ? "" : policy.chainBy);
  }

  get scheduled(): bool {
    return this.schedule.enabled;
  }

  /** The current public key. */
  get key(): usize {
    return this.secret + ED25519_SEED_SIZE;
  }

  /** Loads the signing file of this instance, or makes a node key pair (then a new instance if chains continued). */
  open(): void {
    const policy = this.policy;
    const problems = new Array<string>();
    const file = openWritable(policy.signingFile, false) || openWritable(policy.signingFile, true);
    this.file = file;
    if (file == null) problems.push("signing key " + policy.signingFile + " cannot be written in any accessible path: it is kept in memory only, a restart will start a new instance");
    const session = this.session;
    const saved = session.state.header;
    const continued = saved.found && memory.compare(saved.instance, session.identity.instance, INSTANCE_SIZE) == 0;
    let restored = false;
    let another = false;
    if (file != null) {
      const content = file.readAll();
      if (content != null) {
        restored = this.restore(changetype<usize>(content), <usize>content.byteLength);
        another = !restored && content.byteLength > 0;
        wipe(content); // it held the seed
      }
    }
    if (!restored) {
      const where = file != null ? file.where : policy.signingFile;
      if (continued) {
        const lost = hexOf(session.identity.instance, INSTANCE_SIZE);
        this.newInstance();
        const why = "signing key of instance " + lost + " not found in " + where + " (lost or damaged): a new instance " + hexOf(session.identity.instance, INSTANCE_SIZE) + " with a new node key, chains start anew";
        logLine("seal: " + why);
        this.restartReason = String.UTF8.encode(why);
      } else if (another) {
        const why = "chain state not found (lost?) beside " + where + ", which holds another instance's key: a new instance " + hexOf(session.identity.instance, INSTANCE_SIZE) + " with a new node key, chains start anew";
        logLine("seal: " + why);
        this.restartReason = String.UTF8.encode(why);
      }
      const made = this.create();
      if (made.length != 0) problems.push(made);
    }
    this.problem = problems.join("; ");
    // An epoch that ended while the process was down is left now.
    if (this.active) this.advance(max<i64>(nowSeconds(), session.wall), session.count);
  }

  /** A new node key pair (and, under a schedule, the first epoch's key); "" or why not. */
  private create(): string {
    const session = this.session;
    const policy = this.policy;
    if (!randomBytes(this.secret, ED25519_SEED_SIZE)) {
      memory.fill(this.secret, 0, ED25519_SECRET_KEY_SIZE);
      return "no randomness from the host (random_get): no signing key, records are sealed with SHA-256 (integrity only)";
    }
    ed25519PublicKey(this.key, this.secret);
    memory.copy(this.root, this.key, KEY_SIZE);
    this.epoch = 0;
    this.certifiedBy = NO_EPOCH;
    const schedule = this.schedule;
    schedule.seconds = policy.epochSeconds;
    schedule.records = policy.epochRecords;
    schedule.start = max<i64>(nowSeconds(), session.wall);
    this.active = true;
    logLine("seal: signing key of origin \"" + String.UTF8.decodeUnsafe(session.identity.origin.ptr, session.identity.origin.len)
      + "\" instance " + hexOf(session.identity.instance, INSTANCE_SIZE) + ": " + hexOf(this.root, KEY_SIZE));
    // Under a schedule the node key only certifies the first epoch's key, before any record.
    if (schedule.enabled) this.rotate(schedule.epochAt(schedule.start, session.count), schedule.start);
    else this.writeHeader();
    return "";
  }

  /** Starts this session over as a new instance: chains from genesis, a new id (the old key is gone). */
  private newInstance(): void {
    const session = this.session;
    const chains = session.table.chains;
    for (let i = 0; i < chains.length; i++) {
      const chain = unchecked(chains[i]);
      chain.begin(chain.id.ptr, chain.id.len, chain.hash);
      session.state.writeChain(chain, 0);
    }
    session.count = 0;
    session.identity.newInstance();
    session.state.writeHeader(session.identity, session.key, session.wall, false);
  }

  /** Moves to the epoch of a record sealed at `wall` after `count` records, if later (docs/signing.md, "Keys"). */
  advance(wall: i64, count: u64): void {
    if (!this.active || !this.schedule.enabled) return;
    const epoch = this.schedule.epochAt(wall, count);
    if (epoch > this.epoch && epoch <= MAX_EPOCH) this.rotate(epoch, wall);
  }

  /** Closing signatures with the current key, then the key of `epoch`, certified by it; the old secret is wiped. */
  private rotate(epoch: u64, wall: i64): void {
    const chains = this.session.table.chains;
    for (let i = 0; i < chains.length; i++) {
      const chain = unchecked(chains[i]);
      const slot = this.slot(chain);
      if (chain.seq == 0 || slot.signedThrough >= chain.seq) continue;
      const closing = slot.closing;
      this.signHead(closing, chain, chain.seq - 1, chain.head, wall);
      memory.copy(slot.closingHead, chain.head, MAC_SIZE);
      slot.hasClosing = true;
      slot.signedThrough = chain.seq;
      this.writeClosing(chain, slot);
    }
    // The next seed: one-way from the current one, with fresh randomness when the host has it.
    const message = this.message;
    message.reset();
    message.putBuffer(SEED_DOMAIN);
    message.putBytes(this.secret, ED25519_SEED_SIZE);
    const random = message.reserve(32);
    if (!randomBytes(random, 32)) {
      memory.fill(random, 0, 32);
      logLine("seal: no randomness from the host (random_get): the next signing key is derived from the current one alone");
    }
    message.len += 32;
    putU64(message, epoch);
    sha512(message.ptr, message.len, digest);
    wipeBuffer(message);
    const next = nextKey;
    memory.copy(next, digest, ED25519_SEED_SIZE);
    memory.fill(digest, 0, SHA512_SIZE);
    ed25519PublicKey(next + ED25519_SEED_SIZE, next);
    // The certificate: the current key vouches for the next one.
    message.reset();
    message.putBuffer(CERT_DOMAIN);
    this.putIdentity(message);
    putU64(message, this.epoch);
    putU64(message, epoch);
    message.putBytes(next + ED25519_SEED_SIZE, KEY_SIZE);
    ed25519Sign(this.certificate, message.ptr, message.len, this.secret);
    this.certifiedBy = this.epoch;
    memory.copy(this.secret, next, ED25519_SECRET_KEY_SIZE);
    memory.fill(next, 0, ED25519_SECRET_KEY_SIZE);
    this.epoch = epoch;
    this.writeHeader();
  }

  /** Decides this record's signed-mode members (before its MAC): `segment` 1 genesis, 2 resume. */
  prepare(chain: Chain, wall: i64, segment: u8): void {
    const slot = this.slot(chain);
    if (chain.seq == 0) {
      // A new chain in this slot (first, or after an eviction).
      slot.sinceCheckpoint = 0;
      slot.signedThrough = 0;
      slot.hasClosing = false;
    }
    const record = this.record;
    record.epoch = this.epoch;
    record.publishKey = segment != 0;
    record.closing = slot.hasClosing && slot.closing.seq + 1 == chain.seq && memory.compare(slot.closingHead, chain.head, MAC_SIZE) == 0;
    const policy = this.policy;
    record.checkpoint = segment != 0
      || (policy.checkpointRecords > 0 && slot.sinceCheckpoint + 1 >= <u64>policy.checkpointRecords)
      || (policy.checkpointSeconds > 0 && wall - slot.lastCheckpointWall >= policy.checkpointSeconds);
  }

  /** The MAC message's signed-mode fields after the key id (epoch, schedule). */
  macKey(input: MacInput, wall: i64, count: u64): void {
    input.text(this.root, NODE_KEY_ID_SIZE);
    input.u64(this.record.epoch);
    const schedule = this.schedule;
    input.u8(schedule.enabled ? 1 : 0);
    if (schedule.enabled) {
      input.u64(<u64>schedule.start);
      input.u64(<u64>schedule.seconds);
      input.u64(<u64>schedule.records);
      input.u64(<u64>wall);
      input.u64(count);
    }
  }

  /** The MAC message's flags and published key, just before the previous MAC. */
  macMembers(input: MacInput): void {
    const record = this.record;
    input.u8((record.publishKey ? FLAG_PUBLIC_KEY : 0) | (record.closing ? FLAG_CLOSING : 0) | (record.checkpoint ? FLAG_CHECKPOINT : 0));
    if (record.publishKey) input.bytes(this.root, KEY_SIZE);
  }

  /** After the MAC: the checkpoint signature over this record's head. */
  sign(chain: Chain, mac: usize, wall: i64): void {
    if (this.record.checkpoint) this.signHead(this.record.signature, chain, chain.seq, mac, wall);
  }

  /** `"a":"ed25519","k":..,"e":..` and the schedule, seal time and count. */
  writeKey(out: ByteBuffer, wall: i64, count: u64): void {
    out.putBuffer(SIGNED_ALGORITHM);
    out.putHex(this.root, NODE_KEY_ID_SIZE);
    out.putBuffer(SIGNED_EPOCH);
    out.putUint(this.record.epoch);
    const schedule = this.schedule;
    if (schedule.enabled) {
      out.putBuffer(SIGNED_SCHEDULE);
      out.putUint(<u64>schedule.start);
      out.putByte(0x2F);
      out.putUint(<u64>schedule.seconds);
      out.putByte(0x2F);
      out.putUint(<u64>schedule.records);
      out.putBuffer(SIGNED_WALL);
      out.putUint(<u64>wall);
      out.putBuffer(SIGNED_COUNT);
      out.putUint(count);
    }
  }

  /** `"pk"`, `"pc"`, `"cp"` as this record has them. */
  writeMembers(out: ByteBuffer, chain: Chain): void {
    const record = this.record;
    if (record.publishKey) {
      out.putBuffer(PUBLIC_KEY);
      out.putHex(this.root, KEY_SIZE);
      out.putByte(0x22);
    }
    if (record.closing) {
      out.putBuffer(CLOSING);
      this.slot(chain).closing.write(out);
    }
    if (record.checkpoint) {
      out.putBuffer(CHECKPOINT);
      record.signature.write(out);
    }
  }

  /** After the record is sealed (chain.seq not yet advanced): the slot's counters. */
  sealed(chain: Chain, wall: i64): void {
    const slot = this.slot(chain);
    const record = this.record;
    if (record.closing) slot.hasClosing = false;
    if (record.checkpoint) {
      slot.sinceCheckpoint = 0;
      slot.lastCheckpointWall = wall;
      slot.signedThrough = chain.seq + 1;
    } else {
      slot.sinceCheckpoint++;
    }
  }

  /** Zeroes the keys (the session is being replaced). */
  forget(): void {
    memory.fill(this.secret, 0, ED25519_SECRET_KEY_SIZE);
    this.active = false;
    const file = this.file;
    if (file != null) file.close();
    this.file = null;
  }

  /** Whether the last write of the signing file failed. */
  get failing(): bool {
    return this.writeFailed;
  }

  get where(): string {
    const file = this.file;
    return file != null ? file.where : this.policy.signingFile;
  }

  private slot(chain: Chain): SlotSigning {
    const slots = this.slots;
    while (slots.length <= chain.slot) slots.push(new SlotSigning());
    return unchecked(slots[chain.slot]);
  }

  /** Signs the head `(chain, seq, head)` with the current key into `out`. */
  private signHead(out: HeadSignature, chain: Chain, seq: u64, head: usize, wall: i64): void {
    out.epoch = this.epoch;
    out.seq = seq;
    out.wall = wall;
    memory.copy(out.key, this.key, KEY_SIZE);
    out.certifiedBy = this.certifiedBy;
    memory.copy(out.certificate, this.certificate, SIGNATURE_SIZE);
    const message = this.message;
    message.reset();
    message.putBuffer(HEAD_DOMAIN);
    this.putIdentity(message);
    const field = this.chainField;
    message.putByte(field.byteLength != 0 ? 1 : 0);
    if (field.byteLength != 0) putText(message, changetype<usize>(field), <usize>field.byteLength);
    putText(message, chain.id.ptr, chain.id.len);
    putU64(message, seq);
    message.putBytes(head, MAC_SIZE);
    putU64(message, <u64>max<i64>(wall, 0));
    putU64(message, this.epoch);
    message.putBytes(this.key, KEY_SIZE);
    ed25519Sign(out.signature, message.ptr, message.len, this.secret);
  }

  /** lp(origin) || instance. */
  private putIdentity(out: ByteBuffer): void {
    const identity = this.session.identity;
    putText(out, identity.origin.ptr, identity.origin.len);
    out.putBytes(identity.instance, INSTANCE_SIZE);
  }

  private writeHeader(): void {
    const line = this.line;
    line.reset();
    line.putBuffer(MAGIC);
    line.putBuffer(F_INSTANCE);
    line.putHex(this.session.identity.instance, INSTANCE_SIZE);
    line.putBuffer(F_ROOT);
    line.putHex(this.root, KEY_SIZE);
    const schedule = this.schedule;
    line.putBuffer(F_SCHEDULE);
    line.putUint(<u64>schedule.start);
    line.putByte(0x2F);
    line.putUint(<u64>schedule.seconds);
    line.putByte(0x2F);
    line.putUint(<u64>schedule.records);
    line.putBuffer(F_EPOCH);
    line.putUint(this.epoch);
    line.putBuffer(F_SEED);
    line.putHex(this.secret, ED25519_SEED_SIZE);
    this.putCertificate(line, this.certifiedBy, this.certificate);
    this.writeLine(0, HEADER_SIZE);
  }

  private writeClosing(chain: Chain, slot: SlotSigning): void {
    const line = this.line;
    const closing = slot.closing;
    line.reset();
    line.putBuffer(CLOSING_MAGIC);
    line.putHex(chain.id.ptr, chain.id.len);
    line.putBuffer(F_SEQ);
    line.putUint(closing.seq);
    line.putBuffer(F_HEAD);
    line.putHex(slot.closingHead, MAC_SIZE);
    line.putBuffer(F_EPOCH);
    line.putUint(closing.epoch);
    line.putBuffer(F_WALL);
    line.putUint(<u64>max<i64>(closing.wall, 0));
    line.putBuffer(F_KEY);
    line.putHex(closing.key, KEY_SIZE);
    this.putCertificate(line, closing.certifiedBy, closing.certificate);
    line.putBuffer(F_SIGNATURE);
    line.putHex(closing.signature, SIGNATURE_SIZE);
    this.writeLine(HEADER_SIZE + <usize>chain.slot * SLOT_SIZE, SLOT_SIZE);
  }

  private putCertificate(line: ByteBuffer, certifiedBy: u64, certificate: usize): void {
    line.putBuffer(F_FROM);
    if (certifiedBy == NO_EPOCH) line.putByte(0x2D);
    else line.putUint(certifiedBy);
    line.putBuffer(F_CERT);
    if (certifiedBy == NO_EPOCH) line.putByte(0x2D);
    else line.putHex(certificate, SIGNATURE_SIZE);
  }

  /** Seals the line with its checksum, pads it to `size`, writes it at `offset`, then wipes it. */
  private writeLine(offset: usize, size: usize): void {
    const line = this.line;
    sealLine(line, size);
    const file = this.file;
    if (file != null) this.writeFailed = line.len != size || !file.writeAt(<u64>offset, line.ptr, size);
    wipeBuffer(line);
  }

  /** Restores the keys and pending closing signatures saved for this instance; false if there are none. */
  private restore(start: usize, size: usize): bool {
    if (size < HEADER_SIZE) return false;
    const cursor = new LineCursor(start, HEADER_SIZE);
    if (!cursor.sealed()) return false;
    cursor.label(MAGIC);
    cursor.label(F_INSTANCE);
    cursor.hex(parsed, INSTANCE_SIZE);
    if (!cursor.ok || memory.compare(parsed, this.session.identity.instance, INSTANCE_SIZE) != 0) return false;
    cursor.label(F_ROOT);
    cursor.hex(this.root, KEY_SIZE);
    const schedule = this.schedule;
    cursor.label(F_SCHEDULE);
    schedule.start = <i64>cursor.uint();
    cursor.byte(0x2F);
    schedule.seconds = <i64>cursor.uint();
    cursor.byte(0x2F);
    schedule.records = <i64>cursor.uint();
    cursor.label(F_EPOCH);
    this.epoch = cursor.uint();
    cursor.label(F_SEED);
    cursor.hex(this.secret, ED25519_SEED_SIZE);
    this.certifiedBy = readCertificate(cursor, this.certificate);
    if (!cursor.atCheck()) {
      memory.fill(this.secret, 0, ED25519_SECRET_KEY_SIZE);
      return false;
    }
    ed25519PublicKey(this.key, this.secret);
    this.active = true;
    if (schedule.seconds != this.policy.epochSeconds || schedule.records != this.policy.epochRecords) {
      logLine("seal: the saved signing schedule is kept (epoch settings take effect with a new instance)");
    }
    // Pending closing signatures of chains that have not sealed since.
    const chains = this.session.table.chains;
    for (let i = 0; i < chains.length; i++) {
      const chain = unchecked(chains[i]);
      const at = start + HEADER_SIZE + <usize>chain.slot * SLOT_SIZE;
      if (chain.seq == 0 || at + SLOT_SIZE > start + size || load<u8>(at) == 0x20) continue;
      this.restoreClosing(chain, at);
    }
    return true;
  }

  private restoreClosing(chain: Chain, at: usize): void {
    const cursor = new LineCursor(at, SLOT_SIZE);
    if (!cursor.sealed()) return;
    cursor.label(CLOSING_MAGIC);
    savedId.reset();
    cursor.hexBytes(savedId, MAX_CHAIN_ID);
    const closing = scratchSignature;
    cursor.label(F_SEQ);
    closing.seq = cursor.uint();
    cursor.label(F_HEAD);
    cursor.hex(parsed, MAC_SIZE);
    cursor.label(F_EPOCH);
    closing.epoch = cursor.uint();
    cursor.label(F_WALL);
    closing.wall = <i64>cursor.uint();
    cursor.label(F_KEY);
    cursor.hex(closing.key, KEY_SIZE);
    closing.certifiedBy = readCertificate(cursor, closing.certificate);
    cursor.label(F_SIGNATURE);
    cursor.hex(closing.signature, SIGNATURE_SIZE);
    if (!cursor.atCheck()) return;
    // Only for the same chain at the same head: else the chain has moved on (or is another one).
    if (savedId.len != chain.id.len || memory.compare(savedId.ptr, chain.id.ptr, chain.id.len) != 0) return;
    if (closing.seq + 1 != chain.seq || memory.compare(parsed, chain.head, MAC_SIZE) != 0) return;
    const slot = this.slot(chain);
    slot.closing.copyFrom(closing);
    memory.copy(slot.closingHead, parsed, MAC_SIZE);
    slot.hasClosing = true;
    slot.signedThrough = chain.seq;
  }
}

let current: Signer | null = null;

/** The signer of `session` (signed mode): made, or loaded from the signing file, once per session. */
export function signerFor(session: Session, policy: SealPolicy): Signer {
  const running = current;
  if (running != null) {
    if (running.session === session) return running;
    running.forget();
  }
  const signer = new Signer(session, policy);
  signer.open();
  current = signer;
  return signer;
}

// Scratch.
const digest = memory.data(<i32>SHA512_SIZE, 8);
const nextKey = memory.data(<i32>ED25519_SECRET_KEY_SIZE, 8);
const parsed = memory.data(<i32>MAC_SIZE, 8);
const savedId = new ByteBuffer(MAX_CHAIN_ID);
const scratchSignature = new HeadSignature();

function nowSeconds(): i64 {
  return <i64>(realtimeNs() / 1_000_000_000);
}

function readCertificate(cursor: LineCursor, certificate: usize): u64 {
  cursor.label(F_FROM);
  const none = cursor.dash();
  const from = none ? NO_EPOCH : cursor.uint();
  cursor.label(F_CERT);
  if (none) cursor.dash();
  else cursor.hex(certificate, SIGNATURE_SIZE);
  return from;
}

function putU64(out: ByteBuffer, v: u64): void {
  store<u64>(out.reserve(8), bswap<u64>(v));
  out.len += 8;
}

/** lp(x): a 32-bit big-endian length, then the bytes. */
function putText(out: ByteBuffer, ptr: usize, len: usize): void {
  store<u32>(out.reserve(4), bswap<u32>(<u32>len));
  out.len += 4;
  out.putBytes(ptr, len);
}

function wipeBuffer(buffer: ByteBuffer): void {
  memory.fill(buffer.ptr, 0, buffer.len);
  buffer.reset();
}

function hexOf(ptr: usize, len: usize): string {
  const out = new ByteBuffer(len * 2);
  out.putHex(ptr, len);
  const text = String.UTF8.decodeUnsafe(out.ptr, out.len);
  heap.free(out.ptr);
  return text;
}

const MAGIC = utf8("logseal-signing 1");
const CLOSING_MAGIC = utf8("closing chain=");
const F_INSTANCE = utf8(" instance=");
const F_ROOT = utf8(" root=");
const F_SCHEDULE = utf8(" schedule=");
const F_EPOCH = utf8(" epoch=");
const F_SEED = utf8(" seed=");
const F_FROM = utf8(" from=");
const F_CERT = utf8(" cert=");
const F_SEQ = utf8(" seq=");
const F_HEAD = utf8(" head=");
const F_WALL = utf8(" wall=");
const F_KEY = utf8(" key=");
const F_SIGNATURE = utf8(" sig=");

const SIGNED_ALGORITHM = utf8(",\"a\":\"ed25519\",\"k\":\"");
const SIGNED_EPOCH = utf8("\",\"e\":");
const SIGNED_SCHEDULE = utf8(",\"f\":\"");
const SIGNED_WALL = utf8("\",\"w\":");
const SIGNED_COUNT = utf8(",\"n\":");
const PUBLIC_KEY = utf8(",\"pk\":\"");
const CLOSING = utf8(",\"pc\":");
const CHECKPOINT = utf8(",\"cp\":");
const SIG_EPOCH = utf8("{\"e\":");
const SIG_SEQ = utf8(",\"s\":");
const SIG_WALL = utf8(",\"w\":");
const SIG_KEY = utf8(",\"pk\":\"");
const SIG_CERTIFIER = utf8("\",\"ce\":");
const SIG_CERTIFICATE = utf8(",\"cs\":\"");
const SIG_SIGNATURE = utf8("\",\"sg\":\"");
const SIG_CLOSE = utf8("\"}");
