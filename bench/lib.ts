// Shared shape of benchmark results: each section returns rows, bench/run.ts prints them.
import { performance } from "node:perf_hooks";

export interface BenchRow {
  /** What was measured, e.g. "pass-through 1 KiB". */
  name: string;
  /** Records (or operations) processed in `seconds`. */
  records: number;
  /** Input bytes processed in `seconds`. */
  bytes: number;
  seconds: number;
  /** Optional extra column, e.g. instructions per byte. */
  note?: string;
}

/** Runs `fn` for a warm-up, then repeatedly until `minSeconds`; returns operations and seconds. */
export function measure(fn: () => void, minSeconds = 1): { ops: number; seconds: number } {
  const warmUntil = performance.now() + 200;
  while (performance.now() < warmUntil) fn();
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    fn();
    ops++;
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < minSeconds);
  return { ops, seconds: elapsed };
}
