// Recall on public scanners' and recognizers' own test examples (bench/eval/sources.ts), read at
// evaluation time from checkouts nobody here wrote, through the built module with the default
// policy (addresses masked instead of kept, so they can be measured). Each secret is put in
// realistic log contexts:
//   bare      {"log": S}
//   kv        {"log": "upstream call ok ref=S status=200"}         (a key that says nothing)
//   json      {"log": "{\"level\":\"info\",\"msg\":\"call\",\"value\":\"S\"}"}  (JSON inside the line)
//   member    {"msg": "call", "value": S}                          (a record member)
//   sentence  {"log": "Retrying the request with S after 3 failures"}
//   own       {"log": <the source's own example line>}             (when it has one)
// Pairs (key = value examples) are judged in their own line only; presidio's weak matches (a bare
// 9-digit SSN), AWS secret keys (40 base64 characters) and header credentials only in contexts that
// name them. Recall: no 8-character piece of the secret (the
// whole secret when shorter) is left in the output. Negative examples are run as their own line:
// changed = flagged.
//
//   LOGSEAL_EVAL_DATA=/work/data node --import tsx bench/eval/examples.ts [--json FILE]
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { CLAIMED_CLASSES, classFor, classOf, isPlaceholder, normaliseSecret, outsideClaim, providerOf } from "./classes.ts";
import { dataDir, detectorLabel, Redactor } from "./runner.ts";
import { readExamples, type Example, type SourceInfo } from "./sources.ts";

export const CONTEXTS = ["bare", "kv", "json", "member", "sentence", "own"] as const;
export type Context = (typeof CONTEXTS)[number] | "labelled";

export interface Miss {
  family: string;
  secret: string;
  context: Context;
  input: string;
  output: string;
}

export interface Tally {
  name: string;
  examples: number;
  instances: number;
  redacted: number;
  /** The same over examples the projects wrote by hand (not generated here from a regex). */
  handInstances: number;
  handRedacted: number;
  byContext: Partial<Record<Context, [number, number]>>;
  detectors: Record<string, number>;
  misses: Miss[];
  families: Set<string>;
  /** Per family: [instances, redacted]. */
  byFamily: Map<string, [number, number]>;
  /** One secret of each family (for the findings). */
  samples: Map<string, string>;
}

export interface ExampleResult {
  sources: SourceInfo[];
  classes: Tally[];
  providers: Tally[];
  negatives: { source: string; total: number; changed: number; lines: { family: string; input: string; output: string; detector: string }[] }[];
  /** Positives shaped like placeholders (kept apart from recall): examples, instances, redacted. */
  placeholders: { examples: number; instances: number; redacted: number; samples: string[] };
  /** Positives outside what logseal claims (classes.ts outsideClaim), per class and reason: run, counted apart. */
  outside: Outside[];
}

export interface Outside {
  cls: string;
  reason: string;
  examples: number;
  instances: number;
  /** Instances masked anyway. */
  redacted: number;
  sample: string;
}

const tally = (name: string): Tally => ({ name, examples: 0, instances: 0, redacted: 0, handInstances: 0, handRedacted: 0, byContext: {}, detectors: {}, misses: [], families: new Set(), samples: new Map(), byFamily: new Map() });

/** The records one secret is tried in, and the member to read back. */
export function contextsFor(carrier: string, e: Example, cls: string | undefined): [Context, Record<string, string>, string][] {
  const own: [Context, Record<string, string>, string][] = e.line && e.line !== carrier ? [["own", { log: e.line }, "log"]] : [];
  if (e.pair || cls === "pairs") return [["own", { log: e.line ?? carrier }, "log"]];
  // a secret with no shape of its own is found only under its name
  if (cls === "auth_header") return [["labelled", { log: `GET /v1/items HTTP/1.1 Authorization: Bearer ${carrier}` }, "log"], ...own];
  if (cls === "aws_secret_key") return [["labelled", { log: `aws_secret_access_key=${carrier}` }, "log"], ["labelled", { log: `{"AWS_SECRET_ACCESS_KEY":"${carrier}"}` }, "log"], ...own];
  if (e.weak && cls !== "ssn") return own.length ? own : [["bare", { log: carrier }, "log"]];
  if (e.weak) return [["labelled", { log: `customer SSN: ${carrier} verified` }, "log"], ["labelled", { log: `ssn=${carrier}` }, "log"], ...own];
  if (cls === "pem_private_key" && !carrier.includes("-----BEGIN")) return own;
  return [
    ["bare", { log: carrier }, "log"],
    ["kv", { log: `upstream call ok ref=${carrier} status=200` }, "log"],
    ["json", { log: `{"level":"info","msg":"call","value":${JSON.stringify(carrier)}}` }, "log"],
    ["member", { msg: "call", value: carrier }, "value"],
    ["sentence", { log: `Retrying the request with ${carrier} after 3 failures` }, "log"],
    ...own,
  ];
}

/**
 * True when some 8-character piece of the secret (or the whole, if shorter) is still there. Pieces
 * that the input also holds outside the secret (`password` in `password=testpassword`) say
 * nothing and are skipped.
 */
export function leaks(secret: string, output: string, input = ""): boolean {
  // a secret the input holds more than once (a password equal to the user name beside it): it
  // leaked when no occurrence of it went
  if (input && count(input, secret) > 1) return count(output, secret) >= count(input, secret);
  const forms = new Set([secret, JSON.stringify(secret).slice(1, -1)]);
  const rest = [...forms].reduce((text, f) => text.split(f).join("\u0000"), input);
  for (const s of forms) {
    if (s.length <= 8) {
      // a short secret may also be part of other words (`pass` in `password`): it leaked when
      // no occurrence of it went
      if (input ? count(output, s) >= count(input, s) && count(input, s) > 0 : output.includes(s)) return true;
      continue;
    }
    for (let i = 0; i + 8 <= s.length; i++) {
      const piece = s.slice(i, i + 8);
      if (output.includes(piece) && !rest.includes(piece)) return true;
    }
  }
  return false;
}

const count = (text: string, s: string) => text.split(s).length - 1;

/** The examples policy: the default, with IP addresses masked so that they can be measured. */
export const maskAddresses = (policy: any) => {
  policy.redact.detectors.ipv4 = "mask";
  policy.redact.detectors.ipv6 = "mask";
};

export function evaluateExamples(examples: Example[], sources: SourceInfo[], redactor: Redactor): ExampleResult {
  const classes = new Map<string, Tally>(CLAIMED_CLASSES.map((c) => [c, tally(c)]));
  const providers = new Map<string, Tally>();
  const negatives = new Map<string, ExampleResult["negatives"][number]>();
  // First every run; then classes, because a build claims a family either in its default policy
  // or by naming it in the redaction summary of some record.
  const claimed = new Set(redactor.detectorNames);
  const runs: { e: Example; secret: string; context: Context; input: string; output: string; ok: boolean; label: string }[] = [];
  for (const e of examples) {
    if (!e.positive) {
      const n = negatives.get(e.source) ?? { source: e.source, total: 0, changed: 0, lines: [] };
      negatives.set(e.source, n);
      n.total++;
      const outcome = redactor.run({ log: e.line ?? "" });
      if (outcome.changed.length > 0) {
        n.changed++;
        n.lines.push({ family: e.family, input: e.line ?? "", output: outcome.changed[0].after, detector: detectorLabel(outcome.found) });
      }
      continue;
    }
    const fixed = classOf(e);
    const carrier = e.carrier ?? e.secret!;
    const secret = normaliseSecret(e, fixed);
    if (secret === undefined) continue;
    for (const [context, record, member] of contextsFor(carrier, e, fixed)) {
      const outcome = redactor.run(record);
      for (const [name, count] of Object.entries(outcome.found)) if (count > 0) claimed.add(name);
      const changed = outcome.changed.find((c) => c.field === member);
      const output = changed ? changed.after : record[member];
      runs.push({ e, secret, context, input: record[member], output, ok: !leaks(secret, output, record[member]), label: detectorLabel(outcome.found) });
    }
  }
  const names = [...claimed];
  const counted = new Set<Example>();
  const placeholders = { examples: 0, instances: 0, redacted: 0, samples: [] as string[] };
  const outside = new Map<string, Outside>();
  for (const { e, secret, context, input, output, ok, label } of runs) {
    if (isPlaceholder(secret)) {
      if (!counted.has(e)) (counted.add(e), placeholders.examples++, placeholders.samples.length < 12 && placeholders.samples.push(`${e.family} ${secret}`));
      placeholders.instances++;
      if (ok) placeholders.redacted++;
      continue;
    }
    const cls = classFor(e, names);
    const reason = outsideClaim(e, cls, secret, context);
    if (reason) {
      const key = `${cls ?? providerOf(e)}\0${reason}`;
      const o = outside.get(key) ?? { cls: cls ?? providerOf(e), reason, examples: 0, instances: 0, redacted: 0, sample: secret };
      outside.set(key, o);
      if (!counted.has(e)) (counted.add(e), o.examples++);
      o.instances++;
      if (ok) o.redacted++;
      continue;
    }
    let t: Tally;
    if (cls) {
      t = classes.get(cls) ?? tally(cls);
      classes.set(cls, t);
    } else {
      const p = providerOf(e);
      t = providers.get(p) ?? tally(p);
      providers.set(p, t);
    }
    if (!counted.has(e)) {
      counted.add(e);
      t.examples++;
      t.families.add(e.family);
      if (!t.samples.has(e.family)) t.samples.set(e.family, secret);
    }
    t.instances++;
    const fam = t.byFamily.get(e.family) ?? [0, 0];
    t.byFamily.set(e.family, fam);
    fam[0]++;
    if (ok) fam[1]++;
    if (!e.generated) t.handInstances++;
    const byContext = (t.byContext[context] ??= [0, 0]);
    byContext[1]++;
    if (ok) {
      t.redacted++;
      if (!e.generated) t.handRedacted++;
      byContext[0]++;
      t.detectors[label] = (t.detectors[label] ?? 0) + 1;
    } else if (t.misses.length < 2000) t.misses.push({ family: e.family, secret, context, input, output });
  }
  return { sources, classes: [...classes.values()], providers: [...providers.values()].sort((a, b) => a.name.localeCompare(b.name)), negatives: [...negatives.values()], placeholders, outside: [...outside.values()] };
}

export const pct = (part: number, whole: number) => (whole === 0 ? "-" : ((100 * part) / whole).toFixed(1));

export function formatClassTable(tallies: Tally[]): string {
  const header = ["class", "examples", "instances", "recall %", "hand-written %", ...CONTEXTS.map((c) => c), "labelled"];
  const rows = tallies.filter((t) => t.instances > 0).map((t) => [
    t.name, String(t.examples), String(t.instances), pct(t.redacted, t.instances), pct(t.handRedacted, t.handInstances),
    ...[...CONTEXTS, "labelled" as const].map((c) => (t.byContext[c] ? pct(t.byContext[c]![0], t.byContext[c]![1]) : "")),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ") + " |";
  return [line(header), "|" + widths.map((w, i) => "-".repeat(w + 1) + (i === 0 ? "-" : ":")).join("|") + "|", ...rows.map(line)].join("\n");
}

/** The examples outside the claim, one line per class and reason (counted, not in recall). */
export function formatOutside(outside: Outside[]): string {
  if (outside.length === 0) return "outside the claim: none";
  const lines = [...outside].sort((a, b) => a.cls.localeCompare(b.cls)).map((o) => `  ${o.cls}: ${o.examples} examples, ${o.instances} instances (${o.redacted} masked anyway): ${o.reason}; e.g. ${JSON.stringify(o.sample.length > 60 ? o.sample.slice(0, 60) + "…" : o.sample)}`);
  return [`outside the claim (run and counted here, not in recall): ${outside.reduce((n, o) => n + o.examples, 0)} examples`, ...lines].join("\n");
}

/** Providers whose examples logseal mostly misses (recall under 50%): token families with no rule. */
export const uncovered = (r: ExampleResult) => r.providers.filter((t) => t.redacted * 2 < t.instances);

/**
 * The literal prefix a token carries (`glpat-`, `hf_`, `sk-ant-api03-`, `xoxe.xoxp-`), if its
 * example looks like one: letters/digits then `-`, `_` or `.` at most 14 characters in, followed by
 * 8+ token characters. A heuristic, to tell families a prefix rule can catch anywhere from those
 * only a key name can reveal (a bare 32-hex key).
 */
export function tokenPrefix(secret: string): string | undefined {
  const m = /^((?:[A-Za-z][A-Za-z0-9]{1,9}[-_.]){1,3})[A-Za-z0-9_\-]{8,}/.exec(secret);
  if (!m || m[1].length > 14) return undefined;
  return /^(https?|ftp|www)[-_.]/i.test(m[1]) ? undefined : m[1];
}

/** Uncovered providers whose examples carry a token prefix (a rule could catch them bare). */
export const uncoveredWithPrefix = (r: ExampleResult) => uncovered(r).filter((t) => [...t.samples.values()].some((s) => tokenPrefix(s) !== undefined));

export function summary(r: ExampleResult) {
  const all = r.classes.filter((t) => t.name !== "pairs");
  const sum = (ts: Tally[], k: "instances" | "redacted") => ts.reduce((n, t) => n + t[k], 0);
  return {
    classes: Object.fromEntries(r.classes.filter((t) => t.instances > 0).map((t) => [t.name, { examples: t.examples, instances: t.instances, recall: Number(pct(t.redacted, t.instances)) }])),
    claimedRecall: Number(pct(sum(all, "redacted"), sum(all, "instances"))),
    providers: r.providers.length,
    providersUncovered: uncovered(r).length,
    providersUncoveredWithPrefix: uncoveredWithPrefix(r).length,
    providerRecall: Number(pct(sum(r.providers, "redacted"), sum(r.providers, "instances"))),
    placeholders: { examples: r.placeholders.examples, instances: r.placeholders.instances, redacted: r.placeholders.redacted },
    outside: r.outside.map((o) => ({ cls: o.cls, reason: o.reason, examples: o.examples, instances: o.instances, redacted: o.redacted })),
    negatives: Object.fromEntries(r.negatives.map((n) => [n.source, { total: n.total, changed: n.changed }])),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = dataDir();
  const loaded = dir ? readExamples(dir) : undefined;
  if (!loaded || loaded.sources.length === 0) {
    console.log("public-example evaluation skipped: set LOGSEAL_EVAL_DATA to a directory holding checkouts named gitleaks/, trufflehog/, presidio/, detect-secrets/, noseyparker/, kingfisher/ (see docs/detectors.md#accuracy)");
    process.exit(0);
  }
  const redactor = new Redactor(undefined, maskAddresses);
  try {
    const result = evaluateExamples(loaded.examples, loaded.sources, redactor);
    console.log(`public examples: ${loaded.sources.map((s) => `${s.repo}@${(s.commit ?? "?").slice(0, 12)}`).join(", ")}`);
    console.log(`${loaded.examples.filter((e) => e.positive).length} positive and ${loaded.examples.filter((e) => !e.positive).length} negative examples\n`);
    console.log("classes logseal claims:\n" + formatClassTable(result.classes));
    const s = summary(result);
    console.log(`\nother providers' families: ${s.providers} providers, recall ${s.providerRecall}%, ${s.providersUncovered} mostly missed (recall < 50%), ${s.providersUncoveredWithPrefix} of them with a token prefix`);
    console.log(formatOutside(result.outside));
    console.log(`negative examples flagged: ${result.negatives.map((n) => `${n.source} ${n.changed}/${n.total}`).join(", ")}`);
    const jsonAt = process.argv.indexOf("--json");
    if (jsonAt > 0) {
      const replacer = (_: string, v: unknown) => (v instanceof Set ? [...v] : v);
      writeFileSync(process.argv[jsonAt + 1], JSON.stringify({ summary: s, ...result }, replacer, 1));
    }
  } finally {
    redactor.dispose();
  }
}
