// Probes of the free-text detectors for tests/detectors.test.ts and bench/accuracy.ts.
import { ALL_DETECTORS, DETECTOR_COUNT, detectorId, findSecrets } from "../redaction/detectors";
import { luhnValid } from "../redaction/detectors/numbers";
import { SpanList } from "../redaction/spans";

let found = new SpanList(4096);

/** Runs the detectors on [ptr, ptr+len); returns how many spans they found. */
export function detect(ptr: usize, len: usize, enabled: u32): i32 {
  findSecrets(ptr, len, enabled, found);
  return found.count;
}

/** Same with a span list of `capacity` (to test what happens when it is full). */
export function detectWithCapacity(ptr: usize, len: usize, enabled: u32, capacity: i32): i32 {
  found.dispose();
  found = new SpanList(capacity);
  findSecrets(ptr, len, enabled, found);
  return found.count;
}

export function detectedStart(i: i32): u32 {
  return found.start(i);
}

export function detectedEnd(i: i32): u32 {
  return found.end(i);
}

export function detectedDetector(i: i32): u32 {
  return found.detector(i);
}

export function detectedOverflow(): bool {
  return found.overflowed;
}

export function detectorsAll(): u32 {
  return ALL_DETECTORS;
}

export function detectorsCount(): u32 {
  return DETECTOR_COUNT;
}

/** The id of the detector named by the UTF-8 bytes at [ptr, ptr+len), or -1. */
export function detectorIdOf(ptr: usize, len: usize): i32 {
  return detectorId(String.UTF8.decodeUnsafe(ptr, len));
}

/** Luhn check of the digits in [ptr, ptr+len) (other bytes skipped). */
export function luhn(ptr: usize, len: usize): bool {
  return luhnValid(ptr, 0, len);
}
