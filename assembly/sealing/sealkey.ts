// The key records are sealed with: the key file's key K0, or none (plain SHA-256). With forward
// security the key is the leaf of the current epoch in a tree rooted in K0, the instance's identity
// and its epoch schedule (epochtree.ts); only the leaf and the tree's later branches are kept, in
// memory and in the state file: the key file is needed once. A key K seals by keyed BLAKE2b under
// KB = HMAC-SHA256(K, "logseal-blake2b-mac-key") (or, by policy, HMAC-SHA256 under K itself).
import { ByteBuffer, utf8 } from "../buffer";
import { BLAKE2B_SIZE, blake2bKeyedState } from "../crypto/blake2b";
import { HMAC_KEY_SIZE, HmacKey, hmacSha256, wipeHmacOneShot } from "../crypto/hmac";
import { SHA256_SIZE } from "../crypto/sha256";
import { EpochTree } from "./epochtree";
import { Identity, INSTANCE_SIZE } from "./identity";

export const KEY_ID_SIZE: usize = 8;
const KEY_ID_LABEL = utf8("logseal-key-id");
/** KB's label: the seal MAC's key is none of K's other uses (key ids, epoch nodes, pseudonyms' HMACs). */
const BLAKE2B_MAC_KEY_LABEL = utf8("logseal-blake2b-mac-key");
/** The keyed seal MAC's digest length and key length (KB), both 32 bytes. */
export const BLAKE2B_MAC_SIZE: usize = 32;
const ROOT_LABEL = utf8("logseal-epochs-v2\0");
const digest = memory.data(<i32>SHA256_SIZE);
const rootMessage = new ByteBuffer(512);

/** When epochs change: T1 (epoch 1's start, Unix seconds), seconds and records per epoch (0: no limit). */
export class Schedule {
  start: i64 = 0;
  seconds: i64 = 0;
  records: i64 = 0;

  get enabled(): bool {
    return this.seconds > 0 || this.records > 0;
  }

  /** The epoch of a record sealed at wall-clock second `wall` after `count` records: 1 + the larger of both counts. */
  epochAt(wall: i64, count: u64): u64 {
    let epoch: u64 = 0;
    if (this.seconds > 0 && wall > this.start) epoch = <u64>((wall - this.start) / this.seconds);
    if (this.records > 0) epoch = max(epoch, count / <u64>this.records);
    return epoch + 1;
  }
}

export class SealKey {
  /** HMAC-SHA256 under `key`; false: plain SHA-256 (integrity, not authenticity). */
  hmac: bool = false;
  readonly key: HmacKey = HmacKey.at(heap.alloc(HMAC_KEY_SIZE));
  /** BLAKE2b keyed with KB (digest 32 bytes): its chaining value after the key block, for Blake2b.resume. */
  readonly macState: usize = heap.alloc(BLAKE2B_SIZE);
  /** Names the initial key in every seal: the first 8 bytes of HMAC(K0, "logseal-key-id"). */
  readonly id: usize = heap.alloc(KEY_ID_SIZE);
  epoch: u64 = 0;
  readonly schedule: Schedule = new Schedule();
  readonly tree: EpochTree = new EpochTree();

  /** Keys with the initial key K0 from the key file (raw bytes), at epoch 0. */
  setInitial(raw: ArrayBuffer): void {
    const ptr = changetype<usize>(raw), len = <usize>raw.byteLength;
    this.key.set(ptr, len);
    this.deriveMacState();
    keyIdOf(this.key, this.id);
    this.hmac = true;
    this.epoch = 0;
  }

  /**
   * Turns K0 (already set) into the epoch tree's root for this identity and schedule and moves to
   * `epoch`: K0 is gone from memory afterwards.
   */
  startEpochs(identity: Identity, epoch: u64): void {
    const message = rootMessage;
    const schedule = this.schedule;
    message.reset();
    message.putBuffer(ROOT_LABEL);
    putU32(message, <u32>identity.origin.len);
    message.putBytes(identity.origin.ptr, identity.origin.len);
    message.putBytes(identity.instance, INSTANCE_SIZE);
    putU64(message, <u64>schedule.start);
    putU64(message, <u64>schedule.seconds);
    putU64(message, <u64>schedule.records);
    hmacSha256(this.key, message.ptr, message.len, digest);
    this.tree.start(digest, epoch, digest);
    this.useLeaf(epoch);
  }

  /** Keys with a saved epoch key (its HmacKey state) for `epoch`. */
  setEpochKey(state: usize, id: usize, epoch: u64): void {
    memory.copy(changetype<usize>(this.key), state, HMAC_KEY_SIZE);
    this.deriveMacState();
    memory.copy(this.id, id, KEY_ID_SIZE);
    this.hmac = true;
    this.epoch = epoch;
  }

  /** Moves forward to `epoch`; false if the tree cannot reach it (the key stays as it was). */
  advanceTo(epoch: u64): bool {
    if (!this.tree.seek(epoch, digest)) return false;
    this.useLeaf(epoch);
    return true;
  }

  /** Zeroes the key, its MAC state and the tree. */
  forget(): void {
    memory.fill(changetype<usize>(this.key), 0, HMAC_KEY_SIZE);
    memory.fill(this.macState, 0, BLAKE2B_SIZE);
    this.tree.forget();
    this.hmac = false;
  }

  private useLeaf(epoch: u64): void {
    this.key.set(digest, SHA256_SIZE);
    memory.fill(digest, 0, SHA256_SIZE);
    this.deriveMacState();
    this.epoch = epoch;
  }

  /** KB = HMAC-SHA256(K, "logseal-blake2b-mac-key") from the key's HMAC state, kept only as the keyed BLAKE2b's state. */
  private deriveMacState(): void {
    hmacSha256(this.key, changetype<usize>(BLAKE2B_MAC_KEY_LABEL), <usize>BLAKE2B_MAC_KEY_LABEL.byteLength, digest);
    blake2bKeyedState(this.macState, digest, BLAKE2B_MAC_SIZE, BLAKE2B_MAC_SIZE);
    memory.fill(digest, 0, SHA256_SIZE);
    wipeHmacOneShot(); // its last state is KB's
  }
}

/** A key's id, the first KEY_ID_SIZE bytes of HMAC(K, "logseal-key-id"): names it without revealing it. */
export function keyIdOf(key: HmacKey, out: usize): void {
  hmacSha256(key, changetype<usize>(KEY_ID_LABEL), <usize>KEY_ID_LABEL.byteLength, digest);
  memory.copy(out, digest, KEY_ID_SIZE);
  memory.fill(digest, 0, SHA256_SIZE);
}

function putU32(out: ByteBuffer, v: u32): void {
  store<u32>(out.reserve(4), bswap<u32>(v));
  out.len += 4;
}

function putU64(out: ByteBuffer, v: u64): void {
  store<u64>(out.reserve(8), bswap<u64>(v));
  out.len += 8;
}
