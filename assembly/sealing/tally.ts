// The sequence tally: which chain sealed last and how far it came, kept per record in the chain
// state file's modification time instead of rewriting its line. A chain's line (state.ts) is then
// written only when the chain starts, every TALLY_LINE_EVERY records, and when another chain seals
// (so every chain but the tallied one has an exact line). After a restart the tallied chain knows
// both its last saved head (seq N) and how many records it sealed after it (up to M): it resumes
// at seq M with `"u": M − N` linking to the saved head, and the verifier checks that the previous
// run's records N..M−1 are all there (docs/sealing.md, "State file and restarts").
//
// Why the time: one futimens per record, which WAMR does not wrap in its blocking-operation guard
// (a pwrite costs two rt_sigprocmask more; docs/measuring.md). Only whole seconds are used (Node's
// WASI keeps no fraction; FAT keeps even seconds, which the start-up check finds): seconds =
// 1,000,000,000 + slot × 4096 + the chain's next sequence number modulo 4096, a date between 2001
// and 2010 that no working clock writes, so a time left by an ordinary write never reads as a tally.

/** Records a tallied chain may seal between writes of its line (also bounds `u`). */
export const TALLY_LINE_EVERY: i32 = 256;

const BASE_SECONDS: u64 = 1_000_000_000;
const SEQ_BITS: u64 = 12;
const SEQ_MASK: u64 = (1 << SEQ_BITS) - 1;
const NS: u64 = 1_000_000_000;

/** A time that is no tally (an odd second before the tallies), written at start-up to check that the file keeps it. */
export const NO_TALLY: u64 = (BASE_SECONDS - 1) * NS;

export function encodeTally(slot: i32, seq: u64): u64 {
  return (BASE_SECONDS + (<u64>slot << SEQ_BITS) + (seq & SEQ_MASK)) * NS;
}

/** The slot a modification time tallies, or -1 when it is no tally. */
export function tallySlot(ns: u64, slots: i32): i32 {
  const seconds = ns / NS;
  if (seconds < BASE_SECONDS || seconds >= BASE_SECONDS + (<u64>slots << SEQ_BITS)) return -1;
  return <i32>((seconds - BASE_SECONDS) >> SEQ_BITS);
}

/** The chain's next sequence number by the tally, given the one its line saved (never less). */
export function tallySeq(ns: u64, saved: u64): u64 {
  const low = (ns / NS - BASE_SECONDS) & SEQ_MASK;
  return saved + ((low - saved) & SEQ_MASK);
}
