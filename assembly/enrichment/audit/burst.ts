// Counting events per key (e.g. 401/403 responses per user) in fixed windows, in a table of
// fixed size: memory stays bounded whatever the number of users. A key is its 64-bit FNV-1a
// hash; when a key's few probe slots are all taken, the slot whose window started longest
// ago is reused (an attacker can evict, not grow, the table).
import { hashKey } from "./hashkey";

const SLOTS: i32 = 256; // a power of two
const PROBES: i32 = 8;

export class BurstCounter {
  private readonly hashes: StaticArray<u64> = new StaticArray<u64>(SLOTS);
  private readonly windowStart: StaticArray<u32> = new StaticArray<u32>(SLOTS);
  private readonly counts: StaticArray<u32> = new StaticArray<u32>(SLOTS);

  constructor(readonly threshold: u32, readonly windowSec: u32) {}

  /** Counts one event for key bytes [p, end) at `sec`; true once the window holds `threshold`. */
  count(p: usize, end: usize, sec: u32): bool {
    const hash = hashKey(p, end);
    const home = <i32>(hash & <u64>(SLOTS - 1));
    let slot = -1;
    let stalest = home;
    for (let i = 0; i < PROBES; i++) {
      const at = (home + i) & (SLOTS - 1);
      const held = unchecked(this.hashes[at]);
      if (held == hash) {
        slot = at;
        break;
      }
      if (held == 0 || unchecked(this.windowStart[at]) < unchecked(this.windowStart[stalest])) stalest = at;
      if (held == 0) break;
    }
    if (slot < 0) {
      slot = stalest;
      unchecked(this.hashes[slot] = hash);
      unchecked(this.counts[slot] = 0);
      unchecked(this.windowStart[slot] = sec);
    }
    // A new window once this one is over (or when time went backwards, e.g. replayed logs).
    const start = unchecked(this.windowStart[slot]);
    if (sec < start || sec - start >= this.windowSec) {
      unchecked(this.windowStart[slot] = sec);
      unchecked(this.counts[slot] = 0);
    }
    const n = unchecked(this.counts[slot]) + 1;
    unchecked(this.counts[slot] = n);
    return n >= this.threshold;
  }
}
