// The free-text detectors (findSecrets) on 1 KiB of log text: plain container-log words, log
// lines dense with decoys (ids, epochs, versions, MACs... no secret) and lines with a few
// secrets. MB/s through build/testkit.wasm in Node (V8); the note gives the wasm instructions
// executed per byte (bench/instructions.ts), what Fluent Bit's interpreter pays.
import { GuestMemory, instantiate } from "../../cli/host.js";
import { TESTKIT_WASM, loadTestkit } from "../../tests/support/testkit.js";
import { logText } from "../corpus.js";
import { COUNTER, instrumentedPath } from "../instructions.js";
import { type BenchRow, measure } from "../lib.js";
import { containerRecord } from "../workload.js";

export const TEXTS: Array<[string, string]> = [
  ["findSecrets 1 KiB plain log words", (containerRecord(1, 4096).log as string).slice(0, 1024)],
  ["findSecrets 1 KiB log lines, decoys only", logText(1024, { seed: 7, secrets: [0, 0] })],
  ["findSecrets 1 KiB log lines, a few secrets", logText(1024, { seed: 7, secrets: [1, 1] })],
];

/** Wasm instructions executed per byte by one findSecrets call on `text` (every detector on). */
export function instructionsPerByte(text: string): number {
  const exports = instantiate(instrumentedPath(TESTKIT_WASM)).exports as Record<string, any>;
  const memory = new GuestMemory(exports as any);
  const bytes = new TextEncoder().encode(text);
  const ptr = memory.dup(bytes);
  const counter = exports[COUNTER] as WebAssembly.Global;
  const before = counter.value as bigint;
  exports.detect(ptr, bytes.length, exports.detectorsAll());
  return Number((counter.value as bigint) - before) / bytes.length;
}

export default async (): Promise<BenchRow[]> => {
  const kit = loadTestkit();
  const { detect, detectorsAll } = kit.exports;
  const all = detectorsAll();
  const rows: BenchRow[] = [];
  for (const [name, text] of TEXTS) {
    const { ptr, len } = kit.put(text);
    const spans = detect(ptr, len, all);
    const batch = 100;
    const { ops, seconds } = measure(() => {
      for (let i = 0; i < batch; i++) detect(ptr, len, all);
    });
    kit.memory.free(ptr);
    const note = `${spans} spans, ${instructionsPerByte(text).toFixed(1)} wasm instr/B`;
    rows.push({ name, records: ops * batch, bytes: ops * batch * len, seconds, note });
  }
  return rows;
};
