import { clock_time_get } from "./imports";

const REALTIME: u32 = 0;
const timeOut = memory.data(8);

/** Wall-clock time in nanoseconds since the epoch, 0 if the host refuses. */
export function realtimeNs(): u64 {
  return clock_time_get(REALTIME, 1000, timeOut) == 0 ? load<u64>(timeOut) : 0;
}
