// json-as doing logseal's pass-through job (parse, remove one key, serialise) next to logseal,
// with executed instructions per byte in the note. Skipped unless bench/json-as/build.sh has
// built build/bench-json-as.wasm. Full table and conclusion: docs/json-as-comparison.md.
import { existsSync } from "node:fs";
import { JSON_AS_WASM, compare } from "../json-as/compare.ts";
import type { BenchRow } from "../lib.ts";

export default async function (): Promise<BenchRow[]> {
  if (!existsSync(JSON_AS_WASM)) return [];
  return compare(0.3).map(({ name, records, bytes, seconds, note }) => ({ name, records, bytes, seconds, note }));
}
