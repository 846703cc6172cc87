// Wall-clock seconds for decisions that must not trust record times (policy reload checks,
// the expiry of a verbosity override): a log line cannot keep DEBUG on by claiming an old
// timestamp. The WASI clock is read only when the record's second changes or every
// READ_EVERY records, so a busy stream pays one host call per second, not one per record.
import { realtimeNs } from "./clock";

const READ_EVERY: u32 = 256;

export class WallClock {
  /** Seconds since the epoch as of the last reading (the record time if the host has no clock). */
  nowSec: i64 = 0;
  private lastRecordSec: u32 = 0;
  private sinceRead: u32 = READ_EVERY;

  /** Called once per record (by the engine); returns the current seconds. */
  tick(recordSec: u32): i64 {
    if (recordSec == this.lastRecordSec && ++this.sinceRead < READ_EVERY) return this.nowSec;
    this.lastRecordSec = recordSec;
    this.sinceRead = 0;
    const ns = realtimeNs();
    this.nowSec = ns != 0 ? <i64>(ns / 1_000_000_000) : <i64>recordSec;
    return this.nowSec;
  }
}

export const wallClock = new WallClock();
