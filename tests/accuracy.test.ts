// The accuracy targets of bench/accuracy.ts on a smaller corpus (2,000 lines, ~4,500 secrets and
// ~4,200 decoys), plus checks that the corpus itself is what it claims: deterministic, valid.
import { describe, expect, it } from "vitest";
import { measureAccuracy, missedTargets, percent, TARGETS } from "../bench/accuracy.js";
import { DETECTORS, generateCorpus, luhnValid } from "../bench/corpus.js";

describe("detector accuracy on the labelled corpus", () => {
  const lines = generateCorpus({ seed: 11, lines: 2000 });

  it("is deterministic for a seed", () => {
    expect(generateCorpus({ seed: 11, lines: 50 })).toEqual(lines.slice(0, 50));
    expect(generateCorpus({ seed: 12, lines: 50 })).not.toEqual(lines.slice(0, 50));
  });

  it("labels secrets of every class and decoys aimed at every detector, inside ASCII lines", () => {
    for (const d of DETECTORS) {
      expect(lines.some((l) => l.secrets.some((s) => s.detector === d)), d).toBe(true);
      expect(lines.some((l) => l.decoys.some((s) => s.detector === d)), d).toBe(true);
    }
    for (const line of lines) {
      expect(line.text).toMatch(/^[\x20-\x7e]*$/);
      for (const label of [...line.secrets, ...line.decoys]) expect(label.end).toBeLessThanOrEqual(line.text.length);
    }
    const cards = lines.flatMap((l) => l.secrets.filter((s) => s.detector === "card").map((s) => l.text.slice(s.start, s.end).replace(/[ -]/g, "")));
    expect(cards.every(luhnValid)).toBe(true);
  });

  it(`meets recall >= ${TARGETS.recallPercent}% and decoys intact >= ${TARGETS.intactPercent}% per detector`, () => {
    const result = measureAccuracy(lines);
    expect(missedTargets(result), result.examples.join("\n")).toEqual([]);
    const secrets = result.scores.reduce((n, s) => n + s.secrets, 0);
    const decoys = result.scores.reduce((n, s) => n + s.decoys, 0);
    expect(secrets).toBeGreaterThan(4000);
    expect(decoys).toBeGreaterThan(4000);
    for (const s of result.scores) expect(percent(s.found, s.secrets), s.detector).toBeGreaterThanOrEqual(TARGETS.recallPercent);
  });
});
