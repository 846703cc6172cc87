// Accuracy of the free-text detectors on the labelled corpus of bench/corpus.ts: per detector,
// how many generated secrets it reported (recall), how many decoys aimed at it stayed intact,
// and stray spans (reported where nothing was labelled). `make accuracy` prints the table and
// exits non-zero when a target is missed; tests/accuracy.test.ts checks a smaller corpus.
import { pathToFileURL } from "node:url";
import { loadTestkit } from "../tests/support/testkit.ts";
import { DETECTORS, generateCorpus, type CorpusLine, type Detector } from "./corpus.ts";

export const TARGETS = { recallPercent: 99.9, intactPercent: 99.5 };

export interface Score {
  detector: Detector;
  secrets: number;
  found: number;
  decoys: number;
  intact: number;
  /** Spans of this detector that overlap no labelled secret. */
  stray: number;
}

export interface Span {
  start: number;
  end: number;
  detector: Detector;
}

export interface Accuracy {
  scores: Score[];
  /** A few examples of what went wrong, for debugging. */
  examples: string[];
}

/** Runs every line through the detectors (all enabled) and scores the result. */
export function measureAccuracy(lines: CorpusLine[]): Accuracy {
  const kit = loadTestkit();
  const { detect, detectedStart, detectedEnd, detectedDetector, detectorsAll } = kit.exports;
  const all = detectorsAll();
  const scores = new Map<Detector, Score>(DETECTORS.map((d) => [d, { detector: d, secrets: 0, found: 0, decoys: 0, intact: 0, stray: 0 }]));
  const examples: string[] = [];
  const note = (what: string, line: CorpusLine, from: number, to: number) => {
    if (examples.length < 40) examples.push(`${what}: …${line.text.slice(Math.max(0, from - 30), to + 30)}…`);
  };
  for (const line of lines) {
    const { ptr, len } = kit.put(line.text);
    const count = detect(ptr, len, all);
    kit.memory.free(ptr);
    const spans: Span[] = [];
    for (let i = 0; i < count; i++) spans.push({ start: detectedStart(i), end: detectedEnd(i), detector: DETECTORS[detectedDetector(i)] });
    const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;
    for (const s of line.secrets) {
      const score = scores.get(s.detector)!;
      score.secrets++;
      if (spans.some((span) => span.detector === s.detector && span.start <= s.start && span.end >= s.end)) score.found++;
      else note(`missed ${s.detector} ${JSON.stringify(spans.filter((span) => overlaps(span, s)))}`, line, s.start, s.end);
    }
    for (const d of line.decoys) {
      const score = scores.get(d.detector)!;
      score.decoys++;
      const hit = spans.find((span) => overlaps(span, d));
      if (!hit) score.intact++;
      else note(`decoy ${d.kind} hit by ${hit.detector}`, line, d.start, d.end);
    }
    for (const span of spans) {
      if (line.secrets.some((s) => overlaps(span, s)) || line.decoys.some((d) => overlaps(span, d))) continue;
      scores.get(span.detector)!.stray++;
      note(`stray ${span.detector} "${line.text.slice(span.start, span.end)}"`, line, span.start, span.end);
    }
  }
  return { scores: [...scores.values()], examples };
}

export const percent = (part: number, whole: number) => (whole === 0 ? 100 : (100 * part) / whole);

/** The targets a result misses, as sentences (empty: all met). */
export function missedTargets({ scores }: Accuracy): string[] {
  const missed: string[] = [];
  for (const s of scores) {
    if (percent(s.found, s.secrets) < TARGETS.recallPercent) missed.push(`${s.detector}: recall ${percent(s.found, s.secrets).toFixed(2)}% < ${TARGETS.recallPercent}%`);
    if (percent(s.intact, s.decoys) < TARGETS.intactPercent) missed.push(`${s.detector}: decoys intact ${percent(s.intact, s.decoys).toFixed(2)}% < ${TARGETS.intactPercent}%`);
  }
  const total = (key: "decoys" | "intact" | "stray") => scores.reduce((sum, s) => sum + s[key], 0);
  // Stray spans are false positives on the carrier text: counted against the decoy target.
  const intact = percent(total("intact") - total("stray"), total("decoys"));
  if (intact < TARGETS.intactPercent) missed.push(`overall: decoys intact minus stray spans ${intact.toFixed(2)}% < ${TARGETS.intactPercent}%`);
  return missed;
}

export function formatTable({ scores }: Accuracy): string {
  const header = ["detector", "secrets", "found", "recall %", "decoys", "intact %", "stray"];
  const rows = scores.map((s) => [s.detector, s.secrets, s.found, percent(s.found, s.secrets).toFixed(2), s.decoys, percent(s.intact, s.decoys).toFixed(2), s.stray].map(String));
  const sum = (key: "secrets" | "found" | "decoys" | "intact" | "stray") => scores.reduce((total, s) => total + s[key], 0);
  rows.push(["all", sum("secrets"), sum("found"), percent(sum("found"), sum("secrets")).toFixed(2), sum("decoys"), percent(sum("intact"), sum("decoys")).toFixed(2), sum("stray")].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ") + " |";
  return [line(header), "|" + widths.map((w, i) => (i === 0 ? "-".repeat(w + 1) + "-" : "-".repeat(w + 1) + ":")).join("|") + "|", ...rows.map(line)].join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const lines = Number(process.env.LOGSEAL_ACCURACY_LINES ?? 8000);
  const seed = Number(process.env.LOGSEAL_ACCURACY_SEED ?? 1);
  const started = performance.now();
  const result = measureAccuracy(generateCorpus({ seed, lines }));
  console.log(`logseal detector accuracy: ${lines} lines, seed ${seed} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  console.log(formatTable(result));
  const missed = missedTargets(result);
  if (result.examples.length > 0) console.log("\nexamples:\n" + result.examples.join("\n"));
  if (missed.length > 0) {
    console.error(`\ntargets missed (recall >= ${TARGETS.recallPercent}%, decoys intact >= ${TARGETS.intactPercent}%):\n` + missed.join("\n"));
    process.exit(1);
  }
  console.log(`\nall targets met (recall >= ${TARGETS.recallPercent}%, decoys intact >= ${TARGETS.intactPercent}%)`);
}
