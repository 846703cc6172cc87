// Probes of enrichment for tests/enrichment.test.ts: the whole filter (so gating sees real
// captures), and the gate's drop counters, which the Fluent Bit boundary does not expose.
import { currentEngine } from "../engine";
import { filterRecord } from "../pipeline";

/** The filter as Fluent Bit calls it; returns the record (NUL-terminated) or 0 when dropped. */
export function enrichment_filter(tag: usize, tagLen: usize, sec: u32, nsec: u32, body: usize, bodyLen: usize): usize {
  return filterRecord(tag, tagLen, sec, nsec, body, bodyLen);
}

/** Records dropped by level gating for `reason` (1 global, 2 tag, 3 namespace, 4 override). */
export function enrichment_drops(reason: i32): u32 {
  const drops = currentEngine().enricher.drops;
  return reason >= 0 && reason < drops.length ? <u32>drops[reason] : 0;
}
