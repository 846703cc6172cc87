// Sealing: appends the `_seal` link of the record's chain, a MAC over the seal's fields and the
// canonical form of everything else in the record (docs/sealing.md). With a key the MAC is BLAKE2b
// keyed with KB over that message (sealkey.ts), resumed from its key block's chaining value: no
// SHA-256 per record. Otherwise (and with seal.mac "hmac-sha256") the message is digested with
// BLAKE2b and SHA-256 or HMAC-SHA256 taken over 0xFF and the digest (docs/crypto.md).
import { ByteBuffer, utf8 } from "../buffer";
import { Blake2b, BLAKE2B_CONTEXT_SIZE } from "../crypto/blake2b";
import { Sha256, SHA256_CONTEXT_SIZE, SHA256_SIZE } from "../crypto/sha256";
import { Captures } from "../enrichment/capture";
import { decodeStringContent } from "../json/decode";
import { Token } from "../json/reader";
import { utf8SequenceLength } from "../json/utf8";
import { writeJsonString } from "../json/write";
import { RecordOut } from "../record";
import { wallClock } from "../wasi/wallclock";
import { Canonicalizer } from "./canonical";
import { Chain, MAC_SIZE, MAX_CHAIN_ID } from "./chains";
import { MacInput } from "./mac";
import { SealPolicy } from "./policy";
import { INSTANCE_SIZE } from "./identity";
import { BLAKE2B_MAC_SIZE, KEY_ID_SIZE } from "./sealkey";
import { Session, sessionFor } from "./session";
import { ALGORITHM_SIGNED, Signer, signerFor } from "./signing";

export const SEAL_KEY = utf8("\"_seal\"");
export const SEAL_VERSION: u8 = 3;

/** The algorithm byte of the MAC's message (3 is signed mode's, signing.ts). */
const enum Algorithm { HmacSha256 = 1, Sha256 = 2, Blake2bKeyed = 4 }
const enum Segment { None = 0, New = 1, Resume = 2 }
/** The segment byte of a resume with `u` (seal-format.md). */
const RESUME_BEYOND_SAVED: u8 = 3;

const message = Blake2b.at(memory.data(<i32>BLAKE2B_CONTEXT_SIZE, 8));
const context = Sha256.at(memory.data(<i32>SHA256_CONTEXT_SIZE, 8));
const input = new MacInput(message);
const digest = memory.data(<i32>MAC_SIZE);
const MAC_DIGEST_PREFIX = memory.data<u8>([0xFF]);
const canonical = new Canonicalizer();
const mac = memory.data(<i32>SHA256_SIZE);
const chainId = new ByteBuffer(MAX_CHAIN_ID + 4);
const decoded = new ByteBuffer(256);

export class Sealer {
  private readonly session: Session | null;
  private readonly version: ArrayBuffer;
  /** The chain_by path, named in field chains' seals (empty: chains by tag). */
  private readonly chainField: ArrayBuffer;
  private readonly chainSlot: i32;
  private writeFailure: ArrayBuffer | null = null;
  /** Signed mode (docs/signing.md); null otherwise, and nothing of it runs. */
  private readonly signer: Signer | null;
  private signingFailure: ArrayBuffer | null = null;

  constructor(readonly policy: SealPolicy, readonly captures: Captures, version: string = "") {
    this.version = String.UTF8.encode(version);
    this.chainField = String.UTF8.encode(policy.chainsByTag ? "" : policy.chainBy);
    this.chainSlot = policy.enabled && !policy.chainsByTag ? captures.register(policy.chainBy) : -1;
    const session = policy.enabled ? sessionFor(policy) : null;
    this.session = session;
    this.signer = session != null && policy.signed ? signerFor(session, policy) : null;
  }

  /** A problem with the configuration (missing key, unwritable state) for every record's error marker. */
  startupError(): string {
    const session = this.session;
    const signer = this.signer;
    const problem = session != null ? session.problem : "";
    if (signer == null || signer.problem.length == 0) return problem;
    return problem.length != 0 ? problem + "; " + signer.problem : signer.problem;
  }

  /** Whether records are sealed with HMAC under the key whose id (sealkey.ts keyIdOf) is at `id`. */
  sealsWithKey(id: usize): bool {
    const session = this.session;
    return session != null && session.key.hmac && this.signer == null && memory.compare(session.key.id, id, KEY_ID_SIZE) == 0;
  }

  /** Problems that arose while sealing (a failed state write), for this record's error marker. */
  addErrors(record: RecordOut, tag: usize, tagLen: usize): void {
    const session = this.session;
    const signer = this.signer;
    if (signer != null && signer.restartReason != null && session != null) {
      // After a lost signing or state file: the first record of each chain of the new instance says why.
      this.identify(tag, tagLen);
      const chain = session.table.find(chainId.ptr, chainId.len);
      if (chain == null || chain.seq == 0) record.addError(signer.restartReason!);
    }
    if (signer != null && signer.failing) {
      let failure = this.signingFailure;
      if (failure == null) {
        failure = String.UTF8.encode("signing key not saved: writing " + signer.where + " failed; a restart will start a new instance");
        this.signingFailure = failure;
      }
      record.addError(failure);
    }
    if (session == null || !session.state.failing) return;
    let message = this.writeFailure;
    if (message == null) {
      message = String.UTF8.encode("chain state not saved: writing " + session.state.where + " failed; a restart will break the chains");
      this.writeFailure = message;
    }
    record.addError(message);
  }

  /** Appends `"_seal":{...}` to the record; everything written before is covered. */
  seal(record: RecordOut, tag: usize, tagLen: usize, sec: u32, nsec: u32): void {
    const session = this.session;
    if (session == null) return;
    this.identify(tag, tagLen);
    const chain = session.table.get(chainId.ptr, chainId.len);
    const wall = session.sealTime(wallClock.nowSec);
    const count = session.count++;
    if (nsec > 999_999_999) nsec = 999_999_999;
    const segment = chain.seq == 0 ? Segment.New : chain.resumed ? Segment.Resume : Segment.None;
    time.set(sec, nsec, wall, count);
    let signer = this.signer;
    if (signer != null && !signer.active) signer = null;
    if (signer != null) {
      signer.advance(wall, count);
      signer.prepare(chain, wall, <u8>segment);
    }
    this.computeMac(session, chain, record, time, segment, signer);
    if (signer != null) signer.sign(chain, mac, wall);
    writeSeal(record.member(SEAL_KEY), session, chain, this.version, this.chainField, time, segment, signer, this.policy.macHmacSha256);
    if (signer != null) signer.sealed(chain, wall);
    const announced = chain.hasEvicted;
    chain.seq++;
    memory.copy(chain.head, mac, MAC_SIZE);
    chain.dropped = 0;
    chain.hasEvicted = false;
    chain.resumed = false;
    chain.beyondSaved = 0;
    chain.lastUse = session.count;
    session.save(chain, segment != Segment.None || announced);
  }

  /** Notes a record the policy dropped, so the chain's next record can say so. */
  dropped(tag: usize, tagLen: usize, sec: u32, nsec: u32): void {
    const session = this.session;
    if (session == null) return;
    this.identify(tag, tagLen);
    const chain = session.table.get(chainId.ptr, chainId.len);
    chain.dropped++;
    chain.lastUse = session.count;
    session.saveDrop(chain);
  }

  /** The record's chain id into `chainId`: the tag, or the captured field (the tag when absent). */
  private identify(tag: usize, tagLen: usize): void {
    chainId.reset();
    const captures = this.captures;
    const slot = this.chainSlot;
    if (slot >= 0 && captures.has(slot)) {
      const start = captures.start(slot), end = captures.end(slot);
      if (captures.token(slot) == Token.String) {
        decoded.reset();
        decodeStringContent(decoded, start + 1, end - start - 2);
        putChainId(decoded.ptr, decoded.len);
      } else {
        putChainId(start, end - start); // a number or literal, as written
      }
    } else {
      putChainId(tag, tagLen);
    }
  }

  private computeMac(session: Session, chain: Chain, record: RecordOut, time: SealTime, segment: Segment, signer: Signer | null): void {
    const key = session.key;
    const identity = session.identity;
    const keyed = key.hmac && signer == null;
    const blake2bKeyed = keyed && !this.policy.macHmacSha256;
    // Keyed BLAKE2b: the message follows the key block, whose chaining value the key keeps.
    if (blake2bKeyed) message.resume(key.macState);
    else message.reset();
    input.domain();
    input.u8(signer != null ? ALGORITHM_SIGNED : <u8>(!keyed ? Algorithm.Sha256 : blake2bKeyed ? Algorithm.Blake2bKeyed : Algorithm.HmacSha256));
    input.text(identity.origin.ptr, identity.origin.len);
    input.bytes(identity.instance, INSTANCE_SIZE);
    const field = this.chainField;
    input.u8(field.byteLength != 0 ? 1 : 0);
    if (field.byteLength != 0) input.text(changetype<usize>(field), <usize>field.byteLength);
    input.text(chainId.ptr, chainId.len);
    input.u64(chain.seq);
    input.u64(time.sec);
    input.u32(time.nsec);
    if (signer != null) {
      signer.macKey(input, time.wall, time.count);
    } else {
      input.text(key.id, key.hmac ? KEY_ID_SIZE : 0);
      input.u64(key.hmac ? key.epoch : 0);
      input.u8(session.forwardSecure ? 1 : 0);
    }
    if (signer == null && session.forwardSecure) {
      const schedule = key.schedule;
      input.u64(<u64>schedule.start);
      input.u64(<u64>schedule.seconds);
      input.u64(<u64>schedule.records);
      input.u64(<u64>time.wall);
      input.u64(time.count);
    }
    input.text(changetype<usize>(this.version), <usize>this.version.byteLength);
    // A resume after records the saved head does not cover: its own marker, then how many.
    const beyond = segment == Segment.Resume ? chain.beyondSaved : 0;
    input.u8(beyond != 0 ? RESUME_BEYOND_SAVED : <u8>segment);
    if (beyond != 0) input.u64(beyond);
    input.u64(chain.dropped);
    input.u8(chain.hasEvicted ? 1 : 0);
    if (chain.hasEvicted) {
      input.text(chain.evictedId.ptr, chain.evictedId.len);
      input.u64(chain.evictedSeq);
      input.bytes(chain.evictedHead, MAC_SIZE);
      input.u64(chain.evictedDropped);
    }
    if (signer != null) signer.macMembers(input);
    input.bytes(chain.head, MAC_SIZE);
    // The record is always valid JSON here (the pipeline wrote it); were it not, the MAC would
    // cover only what came before and the record would fail verification: visible, not silent.
    input.flush();
    canonical.writeOpenObject(record.out, message);
    if (blake2bKeyed) {
      message.final(mac, BLAKE2B_MAC_SIZE);
      return;
    }
    message.final(digest, MAC_SIZE);
    if (keyed) key.key.begin(context);
    else context.reset();
    // 0xFF first: no UTF-8 text starts so, so no pseudonym (an HMAC of a value) is ever a seal's MAC.
    context.update(MAC_DIGEST_PREFIX, 1);
    context.update(digest, MAC_SIZE);
    if (keyed) key.key.finish(context, mac);
    else context.final(mac);
  }
}

/** A record's times: the event time Fluent Bit passed, the seal's wall-clock second, the instance's count. */
@final class SealTime {
  sec: u32 = 0;
  nsec: u32 = 0;
  wall: i64 = 0;
  count: u64 = 0;

  @inline set(sec: u32, nsec: u32, wall: i64, count: u64): void {
    this.sec = sec;
    this.nsec = nsec;
    this.wall = wall;
    this.count = count;
  }
}

const time = new SealTime();

/** `{"v":3,"o":...,"m":...}`: the seal's members in a fixed order (docs/seal-format.md). */
function writeSeal(out: ByteBuffer, session: Session, chain: Chain, version: ArrayBuffer, field: ArrayBuffer, time: SealTime, segment: Segment, signer: Signer | null, hmacSha256: bool): void {
  const key = session.key;
  const identity = session.identity;
  out.putBuffer(OPEN);
  out.putByte(0x30 + SEAL_VERSION);
  out.putBuffer(ORIGIN);
  out.putBytes(identity.origin.ptr, identity.origin.len); // printable ASCII without quotes or backslashes
  out.putBuffer(INSTANCE);
  out.putHex(identity.instance, INSTANCE_SIZE);
  out.putBuffer(CHAIN);
  writeJsonString(out, chainId.ptr, chainId.len);
  if (field.byteLength != 0) {
    out.putBuffer(CHAIN_FIELD);
    writeJsonString(out, changetype<usize>(field), <usize>field.byteLength);
  }
  out.putBuffer(SEQ);
  out.putUint(chain.seq);
  out.putBuffer(TIME);
  out.putUint(time.sec);
  out.putByte(0x2E);
  const digits = out.reserve(9);
  for (let i = 8, n = time.nsec; i >= 0; i--, n /= 10) store<u8>(digits + i, <u8>(0x30 + n % 10));
  out.len += 9;
  out.putByte(0x22);
  if (signer != null) {
    signer.writeKey(out, time.wall, time.count);
  } else if (key.hmac) {
    out.putBuffer(hmacSha256 ? HMAC_ALGORITHM : BLAKE2B_KEYED_ALGORITHM);
    out.putBuffer(KEY_ID);
    out.putHex(key.id, KEY_ID_SIZE);
    out.putBuffer(EPOCH);
    out.putUint(key.epoch);
    if (session.forwardSecure) {
      const schedule = key.schedule;
      out.putBuffer(SCHEDULE);
      out.putUint(<u64>schedule.start);
      out.putByte(0x2F);
      out.putUint(<u64>schedule.seconds);
      out.putByte(0x2F);
      out.putUint(<u64>schedule.records);
      out.putBuffer(WALL);
      out.putUint(<u64>time.wall);
      out.putBuffer(COUNT);
      out.putUint(time.count);
    }
  } else {
    out.putBuffer(SHA256_ALGORITHM);
  }
  out.putBuffer(POLICY_VERSION);
  writeJsonString(out, changetype<usize>(version), <usize>version.byteLength);
  if (segment != Segment.None) out.putBuffer(segment == Segment.New ? SEGMENT_NEW : SEGMENT_RESUME);
  if (segment == Segment.Resume && chain.beyondSaved != 0) {
    out.putBuffer(BEYOND_SAVED);
    out.putUint(chain.beyondSaved);
  }
  if (chain.dropped != 0) {
    out.putBuffer(DROPPED);
    out.putUint(chain.dropped);
  }
  if (chain.hasEvicted) {
    out.putBuffer(EVICTED);
    writeJsonString(out, chain.evictedId.ptr, chain.evictedId.len);
    out.putBuffer(EVICTED_COUNT);
    out.putUint(chain.evictedSeq);
    out.putBuffer(EVICTED_HEAD);
    out.putHex(chain.evictedHead, MAC_SIZE);
    out.putBuffer(EVICTED_DROPPED);
    out.putUint(chain.evictedDropped);
    out.putByte(0x7D);
  }
  if (signer != null) signer.writeMembers(out, chain);
  out.putBuffer(PREVIOUS);
  out.putHex(chain.head, MAC_SIZE);
  out.putBuffer(MAC_MEMBER);
  out.putHex(mac, MAC_SIZE);
  out.putBuffer(CLOSE);
}

/** Appends a chain id: valid UTF-8 (invalid bytes become U+FFFD), cut to MAX_CHAIN_ID bytes at a character boundary. */
function putChainId(ptr: usize, len: usize): void {
  const end = ptr + len;
  for (let p = ptr; p < end; ) {
    // ASCII (tags nearly always are) needs no validation.
    let ascii = p;
    const limit = min(end, p + (MAX_CHAIN_ID - chainId.len));
    while (ascii < limit && load<u8>(ascii) < 0x80) ascii++;
    if (ascii > p) {
      chainId.putBytes(p, ascii - p);
      p = ascii;
      continue;
    }
    if (p == limit) return;
    const n = utf8SequenceLength(p, end);
    const size: usize = n == 0 ? 3 : n;
    if (chainId.len + size > MAX_CHAIN_ID) return;
    if (n == 0) chainId.putBytes(changetype<usize>(REPLACEMENT), 3);
    else chainId.putBytes(p, n);
    p += n == 0 ? 1 : n;
  }
}

const REPLACEMENT = memory.data<u8>([0xEF, 0xBF, 0xBD]);
const OPEN = utf8("{\"v\":");
const ORIGIN = utf8(",\"o\":\"");
const INSTANCE = utf8("\",\"i\":\"");
const CHAIN = utf8("\",\"c\":");
const CHAIN_FIELD = utf8(",\"cb\":");
const SEQ = utf8(",\"s\":");
const TIME = utf8(",\"t\":\"");
const BLAKE2B_KEYED_ALGORITHM = utf8(",\"a\":\"blake2b-keyed\"");
const HMAC_ALGORITHM = utf8(",\"a\":\"hmac-sha256\"");
const SHA256_ALGORITHM = utf8(",\"a\":\"sha256\"");
const KEY_ID = utf8(",\"k\":\"");
const EPOCH = utf8("\",\"e\":");
const SCHEDULE = utf8(",\"f\":\"");
const WALL = utf8("\",\"w\":");
const COUNT = utf8(",\"n\":");
const POLICY_VERSION = utf8(",\"pv\":");
const SEGMENT_NEW = utf8(",\"g\":\"new\"");
const SEGMENT_RESUME = utf8(",\"g\":\"resume\"");
const BEYOND_SAVED = utf8(",\"u\":");
const DROPPED = utf8(",\"d\":");
const EVICTED = utf8(",\"x\":{\"c\":");
const EVICTED_COUNT = utf8(",\"n\":");
const EVICTED_HEAD = utf8(",\"m\":\"");
const EVICTED_DROPPED = utf8("\",\"d\":");
const PREVIOUS = utf8(",\"p\":\"");
const MAC_MEMBER = utf8("\",\"m\":\"");
const CLOSE = utf8("\"}");
