// The stages at which the API server logs a request, as bits, and the requests whose rules
// already fired at an earlier stage (a session's start), so they do not fire again at its end.
//
// exec, attach and port-forward are sessions: the API server logs `ResponseStarted` (code 101)
// when the stream opens and `ResponseComplete` only when it closes, minutes or hours later.
// Rules with their own `stages` fire at the first listed stage a request is logged at: at the
// start when the audit policy logs ResponseStarted, at the end when it omits that stage. A
// request's events share its auditID; a rule that fired before the final stage is remembered
// under (auditID, rule) in a fixed table until that request's final event comes by. A flood of
// sessions can evict an entry: its end then fires once more (a duplicate, never a miss).
import { hashKey } from "./hashkey";

export const STAGE_NAMES = ["RequestReceived", "ResponseStarted", "ResponseComplete", "Panic"];
export const STAGE_REQUEST_RECEIVED: u32 = 1;
export const STAGE_RESPONSE_STARTED: u32 = 2;
/** ResponseComplete and Panic: a request's last event. */
export const FINAL_STAGES: u32 = 4 | 8;
/** A stage name logseal does not know (a newer API server): classified unless listed nowhere. */
export const STAGE_OTHER: u32 = 16;

const STAGE_BYTES: ArrayBuffer[] = STAGE_NAMES.map<ArrayBuffer>((name: string) => String.UTF8.encode(name));

/** The stage bit of the raw stage text [p, p+len) (0 when there is none). */
export function stageBit(p: usize, len: usize): u32 {
  if (len == 0) return 0;
  for (let i = 0, n = STAGE_BYTES.length; i < n; i++) {
    const name = unchecked(STAGE_BYTES[i]);
    if (<usize>name.byteLength == len && memory.compare(p, changetype<usize>(name), len) == 0) return 1 << i;
  }
  return STAGE_OTHER;
}

/** The bit of a stage name from the policy, or 0 if it is not one. */
export function stageNamed(name: string): u32 {
  const at = STAGE_NAMES.indexOf(name);
  return at < 0 ? 0 : 1 << at;
}

const SLOTS: i32 = 1024; // a power of two
const PROBES: i32 = 8;

/** (auditID, rule) pairs that fired before their request's final stage; bounded, oldest evicted first. */
export class OpenSessions {
  private readonly keys: StaticArray<u64> = new StaticArray<u64>(SLOTS);
  private readonly stamps: StaticArray<u32> = new StaticArray<u32>(SLOTS);
  private clock: u32 = 0;

  /** The key of rule `rule` for the auditID bytes [p, end). */
  key(p: usize, end: usize, rule: i32): u64 {
    return hashKey(p, end, <u64>(rule + 1));
  }

  /** Remembers `key` (the rule fired at a session's start). */
  open(key: u64): void {
    const home = <i32>(key & <u64>(SLOTS - 1));
    let slot = home;
    for (let i = 0; i < PROBES; i++) {
      const at = (home + i) & (SLOTS - 1);
      const held = unchecked(this.keys[at]);
      if (held == 0 || held == key) {
        slot = at;
        break;
      }
      if (unchecked(this.stamps[at]) - this.clock < unchecked(this.stamps[slot]) - this.clock) slot = at; // older
    }
    unchecked(this.keys[slot] = key);
    unchecked(this.stamps[slot] = this.clock++);
  }

  /** Whether `key` was open; forgets it (the request's final event has come). */
  close(key: u64): bool {
    const home = <i32>(key & <u64>(SLOTS - 1));
    for (let i = 0; i < PROBES; i++) {
      const at = (home + i) & (SLOTS - 1);
      if (unchecked(this.keys[at]) == key) {
        unchecked(this.keys[at] = 0);
        return true;
      }
    }
    return false;
  }
}
