// The key records are sealed with: HMAC-SHA256 under the key file's key, or plain SHA-256 when
// there is none. With forward security the key evolves at every epoch (evolveKey) and only the
// current epoch's key is kept, in memory and in the state file: the key file is needed once.
import { HMAC_KEY_SIZE, HmacKey, evolveKey, hmacSha256 } from "../crypto/hmac";
import { SHA256_SIZE } from "../crypto/sha256";

export const KEY_ID_SIZE: usize = 8;
const KEY_ID_LABEL = String.UTF8.encode("logseal-key-id");
const digest = memory.data(<i32>SHA256_SIZE);

export class SealKey {
  /** HMAC-SHA256 under `key`; false: plain SHA-256 (integrity, not authenticity). */
  hmac: bool = false;
  readonly key: HmacKey = HmacKey.at(heap.alloc(HMAC_KEY_SIZE));
  /** Names the initial key in every seal: the first 8 bytes of HMAC(K0, "logseal-key-id"). */
  readonly id: usize = heap.alloc(KEY_ID_SIZE);
  epoch: u64 = 0;
  /** Wall-clock second the epoch began (0: not yet known). */
  epochSince: i64 = 0;
  /** Records sealed (by all chains, ever) when the epoch began. */
  epochStart: u64 = 0;

  /** Keys with the initial key K0 from the key file (raw bytes), at epoch 0. */
  setInitial(raw: ArrayBuffer): void {
    const ptr = changetype<usize>(raw), len = <usize>raw.byteLength;
    this.key.set(ptr, len);
    hmacSha256(this.key, changetype<usize>(KEY_ID_LABEL), <usize>KEY_ID_LABEL.byteLength, digest);
    memory.copy(this.id, digest, KEY_ID_SIZE);
    this.hmac = true;
    this.epoch = 0;
    this.epochSince = 0;
  }

  /** Keys with a saved epoch key (its HmacKey state) for `epoch`. */
  setEpochKey(state: usize, id: usize, epoch: u64): void {
    memory.copy(changetype<usize>(this.key), state, HMAC_KEY_SIZE);
    memory.copy(this.id, id, KEY_ID_SIZE);
    this.hmac = true;
    this.epoch = epoch;
  }

  /** Moves to the next epoch: K(e) = HMAC(K(e-1), "logseal-epoch" || e); the previous key is gone. */
  evolve(count: u64, now: i64): void {
    this.epoch++;
    evolveKey(this.key, this.epoch);
    this.epochStart = count;
    this.epochSince = now;
  }

  /** Whether an epoch of `records` records or `seconds` seconds is over (0: no such limit). */
  epochOver(records: i64, seconds: i64, count: u64, now: i64): bool {
    return (records > 0 && count - this.epochStart >= <u64>records)
      || (seconds > 0 && this.epochSince != 0 && now - this.epochSince >= seconds);
  }
}
