import { Rng } from "../../bench/rng.js";

// Deterministic random records for property tests and benchmarks.
export function rng(seed: number): () => number {
  const random = new Rng(seed);
  return () => random.next();
}

const ALPHABET = ["a", "Z", "0", " ", "é", "中", "😀", "\"", "\\", "/", "\n", "\t", "\u0001", "\u2028", "-", ":", "@", "."];

export function randomString(next: () => number, maxLen: number): string {
  let s = "";
  const len = Math.floor(next() * maxLen);
  for (let i = 0; i < len; i++) s += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return s;
}

export function randomNumber(next: () => number): number {
  const r = next();
  if (r < 0.3) return Math.floor(next() * 1e6) - 5e5;
  if (r < 0.5) return next() * 1000;
  if (r < 0.6) return (next() - 0.5) * 1e300;
  if (r < 0.7) return (next() - 0.5) * 1e-300;
  if (r < 0.8) return Math.floor(next() * Number.MAX_SAFE_INTEGER);
  return Number((next() * 100).toFixed(Math.floor(next() * 6)));
}

export function randomValue(next: () => number, depth: number): unknown {
  const r = next();
  if (depth > 4 || r < 0.35) return randomString(next, 20);
  if (r < 0.55) return randomNumber(next);
  if (r < 0.6) return [true, false, null][Math.floor(next() * 3)];
  if (r < 0.8) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  return randomObject(next, depth + 1);
}

export function randomObject(next: () => number, depth = 0): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  const n = Math.floor(next() * 6);
  for (let i = 0; i < n; i++) obj[randomString(next, 8) + i] = randomValue(next, depth);
  return obj;
}

/** JSON with Fluent Bit's habits half of the time: non-ASCII escaped as \uXXXX. */
export function toJson(value: unknown, next: () => number): string {
  const json = JSON.stringify(value);
  return next() < 0.5 ? json : json.replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}
