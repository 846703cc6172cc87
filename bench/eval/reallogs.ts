// False positives on real logs nobody here wrote: every line of each system of a Loghub checkout
// (https://github.com/logpai/loghub: 2,000-line samples of 16 systems) through the built module
// with the embedded default policy, in the record forms Fluent Bit produces:
//   raw     {"log": line}                                   (tail, no parser)
//   cri     {"log": line + "\n", "stream": "stdout", ...}   (container runtime / docker json-file)
//   parsed  the columns of Loghub's *_structured.csv as members, Content as "message" (a parser)
// Every changed line is listed with what changed and which detector fired; verdicts, judged line
// by line by a person, are in bench/judgements/reallogs.tsv (hashes and words, never the data),
// so a re-run counts false positives by itself and lists changed lines nobody has judged yet.
//
//   LOGSEAL_EVAL_DATA=/work/data node --import tsx bench/eval/reallogs.ts [--list]
// reads $LOGSEAL_EVAL_DATA/loghub/<System>/<System>_2k.log (+ _structured.csv); skips when absent.
//   node --import tsx bench/eval/reallogs.ts --corpus=DIR [--list]
// another corpus, judged apart: DIR (or $LOGSEAL_EVAL_DATA/DIR) holds <system>.log files (raw and
// cri forms) and/or Loghub's layout; its verdicts are in bench/judgements/<basename of DIR>.tsv.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { dataDir, detectorLabel, Redactor, sha256 } from "./runner.ts";

export const JUDGEMENTS = new URL("../judgements/reallogs.tsv", import.meta.url).pathname;

/** Where the verdicts on a corpus other than Loghub (and the holdout) are kept. */
export const judgementsFor = (corpus: string) => new URL(`../judgements/${corpus}.tsv`, import.meta.url).pathname;

export type Verdict = "true" | "false";

export interface Judgement {
  line: string;
  fragment: string;
  system: string;
  detector: string;
  verdict: Verdict;
  reason: string;
}

/**
 * Key of one changed fragment of one line: hashes of the line and of the fragment as it went in.
 * A verdict with fragment `*` covers every change on the line (a line with no secret in it: any
 * change is a false positive; a line whose sensitive part the reason names). A fragment written
 * `<hash>><hash of the result>` holds for that masking of the fragment only: a JSON line without
 * spaces is one fragment, and when a fix changes what is masked in it the verdict is given again
 * for the new result while the first still holds for the old one.
 */
export const judgementKey = (lineHash: string, fragment: string) => `${lineHash}:${sha256(fragment).slice(0, 16)}`;
export const outcomeKey = (lineHash: string, fragment: string, result: string) => `${judgementKey(lineHash, fragment)}>${sha256(result).slice(0, 16)}`;

export function readJudgements(path = JUDGEMENTS): Map<string, Judgement> {
  const map = new Map<string, Judgement>();
  if (!existsSync(path)) return map;
  for (const row of readFileSync(path, "utf8").split("\n")) {
    if (!row.trim() || row.startsWith("#")) continue;
    const [line, fragment, system, detector, verdict, ...reason] = row.split("\t");
    if (verdict !== "true" && verdict !== "false") throw new Error(`${path}: verdict must be true or false: ${row}`);
    map.set(`${line}:${fragment}`, { line, fragment, system, detector, verdict, reason: reason.join(" ") });
  }
  return map;
}

export interface ChangedLine {
  system: string;
  lineNo: number;
  text: string;
  hash: string;
  forms: string[];
  detector: string;
  /** Original text of each changed fragment, with what came out. */
  fragments: { before: string; after: string; key: string; verdict?: Verdict; reason?: string }[];
}

export interface SystemScore {
  system: string;
  lines: number;
  changed: number;
  truePositive: number;
  falsePositive: number;
  unjudged: number;
}

/** Minimal RFC 4180 reader (Loghub's structured files quote fields holding commas). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field), rows.push(row), (row = []), (field = "");
    } else field += c;
  }
  if (field !== "" || row.length > 0) row.push(field), rows.push(row);
  return rows;
}

/** One system's lines: Loghub's <S>/<S>_2k.log (with its structured CSV), or a flat <system>.log. */
export interface SystemFile {
  system: string;
  log: string;
  csv?: string;
}

export function systemFiles(root: string): SystemFile[] {
  if (!existsSync(root)) return [];
  const files: SystemFile[] = [];
  for (const name of readdirSync(root).sort()) {
    if (existsSync(join(root, name, `${name}_2k.log`))) files.push({ system: name, log: join(root, name, `${name}_2k.log`), csv: join(root, name, `${name}_2k.log_structured.csv`) });
    else if (name.endsWith(".log")) files.push({ system: name.slice(0, -4), log: join(root, name) });
  }
  return files;
}

export const systemsIn = (root: string): string[] => systemFiles(root).map((f) => f.system);

/** Record forms of one line (the parsed form when the structured row is there). */
export function recordForms(line: string, header: string[] | undefined, row: string[] | undefined): [string, Record<string, string>][] {
  const forms: [string, Record<string, string>][] = [
    ["raw", { log: line }],
    ["cri", { log: line + "\n", stream: "stdout", time: "2026-01-01T00:00:00.000000000Z" }],
  ];
  if (header && row && row.length === header.length) {
    const parsed: Record<string, string> = {};
    header.forEach((name, i) => {
      if (name === "LineId" || name === "EventId" || name === "EventTemplate") return;
      parsed[name === "Content" ? "message" : name.toLowerCase()] = row[i];
    });
    forms.push(["parsed", parsed]);
  }
  return forms;
}

export function evaluateRealLogs(root: string, redactor: Redactor, judgements = readJudgements()): { scores: SystemScore[]; changed: ChangedLine[] } {
  const scores: SystemScore[] = [];
  const changedLines: ChangedLine[] = [];
  for (const { system, log, csv: csvPath } of systemFiles(root)) {
    const lines = readFileSync(log, "utf8").split(/\r?\n/);
    if (lines[lines.length - 1] === "") lines.pop();
    const csv = csvPath && existsSync(csvPath) ? parseCsv(readFileSync(csvPath, "utf8")) : [];
    const header = csv[0];
    const score: SystemScore = { system, lines: lines.length, changed: 0, truePositive: 0, falsePositive: 0, unjudged: 0 };
    lines.forEach((text, index) => {
      const hash = sha256(text);
      const forms: string[] = [];
      const detectors = new Set<string>();
      const fragments = new Map<string, { before: string; after: string; key: string; verdict?: Verdict; reason?: string }>();
      for (const [form, record] of recordForms(text, header, csv[index + 1])) {
        const outcome = redactor.run(record);
        if (outcome.error) detectors.add(`error:${outcome.error}`);
        if (outcome.changed.length === 0) continue;
        forms.push(form);
        detectors.add(detectorLabel(outcome.found));
        for (const change of outcome.changed) {
          for (const f of change.fragments.length ? change.fragments : [{ before: change.before, after: change.after }]) {
            const key = judgementKey(hash, f.before);
            if (!fragments.has(key)) {
              const j = judgements.get(outcomeKey(hash, f.before, f.after)) ?? judgements.get(key) ?? judgements.get(`${hash}:*`);
              fragments.set(key, { ...f, key, verdict: j?.verdict, reason: j?.reason });
            }
          }
        }
      }
      if (forms.length === 0) return;
      const entry: ChangedLine = { system, lineNo: index + 1, text, hash, forms, detector: [...detectors].join(","), fragments: [...fragments.values()] };
      changedLines.push(entry);
      score.changed++;
      if (entry.fragments.some((f) => f.verdict === "false")) score.falsePositive++;
      else if (entry.fragments.every((f) => f.verdict === "true")) score.truePositive++;
      else score.unjudged++;
    });
    scores.push(score);
  }
  return { scores, changed: changedLines };
}

export const per10k = (count: number, lines: number) => (lines === 0 ? 0 : (10000 * count) / lines);

export function formatRealLogTable(scores: SystemScore[]): string {
  const total = scores.reduce(
    (t, s) => ({ system: "all", lines: t.lines + s.lines, changed: t.changed + s.changed, truePositive: t.truePositive + s.truePositive, falsePositive: t.falsePositive + s.falsePositive, unjudged: t.unjudged + s.unjudged }),
    { system: "all", lines: 0, changed: 0, truePositive: 0, falsePositive: 0, unjudged: 0 } as SystemScore,
  );
  const rows = [...scores, total].map((s) => [s.system, s.lines, s.changed, s.truePositive, s.falsePositive, s.unjudged, per10k(s.falsePositive, s.lines).toFixed(1)].map(String));
  const header = ["system", "lines", "changed", "true", "false", "unjudged", "FP / 10k"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ") + " |";
  return [line(header), "|" + widths.map((w, i) => "-".repeat(w + 1) + (i === 0 ? "-" : ":")).join("|") + "|", ...rows.map(line)].join("\n");
}

/** One changed line for a person to judge (or to read back with its verdicts). */
export function describeChange(c: ChangedLine): string {
  const frags = c.fragments.map((f) => `    [${f.verdict ?? "UNJUDGED"}] ${JSON.stringify(f.before)} -> ${JSON.stringify(f.after)}  key ${f.key}${f.reason ? `  (${f.reason})` : ""}`);
  return `${c.system}:${c.lineNo} [${c.detector}] forms ${c.forms.join(",")}\n    ${c.text.slice(0, 300)}\n${frags.join("\n")}`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = dataDir();
  const corpus = process.argv.find((a) => a.startsWith("--corpus="))?.slice("--corpus=".length);
  const root = corpus ? (existsSync(corpus) || !dir ? corpus : join(dir, corpus)) : dir && join(dir, "loghub");
  if (!root || systemsIn(root).length === 0) {
    console.log(
      corpus
        ? `real-log evaluation skipped: ${root} holds no <system>.log nor <System>/<System>_2k.log`
        : "real-log evaluation skipped: set LOGSEAL_EVAL_DATA to a directory holding loghub/<System>/<System>_2k.log (a checkout of github.com/logpai/loghub)",
    );
    process.exit(0);
  }
  const judgementFile = corpus ? judgementsFor(basename(root)) : JUDGEMENTS;
  const redactor = new Redactor();
  try {
    const { scores, changed } = evaluateRealLogs(root, redactor, readJudgements(judgementFile));
    console.log(`real logs (${corpus ? basename(root) : "Loghub"}, ${root}), default policy ${redactor.policyVersion}, forms raw/cri/parsed, verdicts ${judgementFile}\n`);
    console.log(formatRealLogTable(scores));
    const list = process.argv.includes("--list");
    if (process.argv.includes("--template")) {
      // Rows to fill in for the corpus's verdict file (verdict "?" until a person decides).
      for (const c of changed) if (c.fragments.some((f) => !f.verdict)) console.log([c.hash, "*", c.system, c.detector, "?", c.text.slice(0, 160)].join("\t"));
      process.exit(0);
    }
    const shown = changed.filter((c) => list || c.fragments.some((f) => f.verdict !== "true"));
    if (shown.length > 0) console.log(`\n${list ? "changed lines" : "false positives and unjudged lines"}:\n` + shown.map(describeChange).join("\n"));
  } finally {
    redactor.dispose();
  }
}
