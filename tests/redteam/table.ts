// Prints docs/redteam.md's table from what the last run of the tamper suite observed:
//   npx vitest run tests/redteam && npx tsx tests/redteam/table.ts
// (the suite writes its observations to $TMPDIR/logseal-redteam-observed.json, or $REDTEAM_OBSERVED).
import { readFileSync } from "node:fs";

const MODES = ["sha256", "hmac", "hmac-fs", "signed"] as const;
const path = process.env.REDTEAM_OBSERVED ?? `${process.env.TMPDIR ?? "/tmp"}/logseal-redteam-observed.json`;

interface Observation {
  attack: string;
  title: string;
  mode: (typeof MODES)[number];
  code: number;
  reasons: string[];
  ms: number;
  expected: string;
  limit?: string;
  knownIssue?: string;
}

const { at, observed } = JSON.parse(readFileSync(path, "utf8")) as { at: string; observed: Observation[] };

function cell(o: Observation | undefined): string {
  if (!o) return "n/a";
  let text: string;
  if (o.code === 0) text = o.limit ? "verifies: **limit**" : "verifies";
  else if (o.code === 1) text = o.reasons.length ? `detected: ${o.reasons.join(", ")}` : "refused (exit 1, no verdict)";
  else if (o.code === 3) text = "exit 3 (nothing verified)";
  else text = `exit ${o.code}`;
  if (o.knownIssue) text += " ⚠";
  return text;
}

const order: string[] = [];
const rows = new Map<string, Map<string, Observation>>();
for (const o of observed) {
  if (!rows.has(o.attack)) {
    rows.set(o.attack, new Map());
    order.push(o.attack);
  }
  rows.get(o.attack)!.set(o.mode, o);
}

const out: string[] = [];
out.push(`Observed ${at}: ${observed.length} verify runs (${observed.filter((o) => o.knownIssue).length} on known issues, marked ⚠).`, "");
out.push("| attack | sha256 | hmac | hmac-fs | signed | expected |", "|---|---|---|---|---|---|");
for (const id of order) {
  const byMode = rows.get(id)!;
  const any = [...byMode.values()][0];
  const expected = [...new Set([...byMode.values()].map((o) => (o.limit ? "limit" : o.expected)))].join(" / ");
  out.push(`| \`${id}\`: ${any.title} | ${MODES.map((m) => cell(byMode.get(m))).join(" | ")} | ${expected} |`);
}
const limits = new Map<string, string>();
for (const o of observed) if (o.limit) limits.set(o.attack, o.limit);
out.push("", "Limits (the attack verifies, as documented):", "");
for (const [id, why] of limits) out.push(`- \`${id}\`: ${why}`);
const issues = new Map<string, string>();
for (const o of observed) if (o.knownIssue) issues.set(o.attack, o.knownIssue);
if (issues.size > 0) {
  out.push("", "Known issues (⚠: the verifier disagrees with the documentation; the tests are `it.fails`):", "");
  for (const [id, why] of issues) out.push(`- \`${id}\`: ${why}`);
}
const slowest = observed.filter((o) => o.attack.startsWith("dos-")).map((o) => `${o.attack} [${o.mode}] ${o.ms} ms`);
if (slowest.length > 0) out.push("", `Absurd-claim verify runs (wall clock, process start included): ${slowest.join("; ")}.`);
process.stdout.write(out.join("\n") + "\n");
