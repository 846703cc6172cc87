// The free-text detectors (findSecrets) on 1 KiB of typical log text, with no secret and with a
// few, through build/testkit.wasm in Node (V8). WAMR's interpreter is slower: docs/detectors.md.
import { loadTestkit } from "../../tests/support/testkit.js";
import { logText } from "../corpus.js";
import { type BenchRow, measure } from "../lib.js";

export default async (): Promise<BenchRow[]> => {
  const kit = loadTestkit();
  const { detect, detectorsAll } = kit.exports;
  const all = detectorsAll();
  const texts: Array<[string, string]> = [
    ["findSecrets 1 KiB log text, no secret", logText(1024, { seed: 7, secrets: [0, 0] })],
    ["findSecrets 1 KiB log text, a few secrets", logText(1024, { seed: 7, secrets: [1, 1] })],
  ];
  const rows: BenchRow[] = [];
  for (const [name, text] of texts) {
    const { ptr, len } = kit.put(text);
    const spans = detect(ptr, len, all);
    const batch = 100;
    const { ops, seconds } = measure(() => {
      for (let i = 0; i < batch; i++) detect(ptr, len, all);
    });
    kit.memory.free(ptr);
    rows.push({ name, records: ops * batch, bytes: ops * batch * len, seconds, note: `${len} B, ${spans} spans` });
  }
  return rows;
};
