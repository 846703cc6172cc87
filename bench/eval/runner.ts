// Runs records through the built release module (build/logseal.wasm) exactly as Fluent Bit calls
// it, with the embedded default policy plus `redact.summary` (so each record says which detectors
// fired), and reports what changed. Used by the evaluations on data nobody here wrote
// (bench/eval/reallogs.ts, bench/eval/examples.ts). Only the filter ABI is used, so the evaluation
// keeps working whatever the detector engine looks like inside.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilterHost, GuestMemory, instantiate } from "../../cli/host.ts";

/** The module evaluated: LOGSEAL_EVAL_WASM (another build) or this checkout's release build. */
export const RELEASE_WASM = process.env.LOGSEAL_EVAL_WASM ?? new URL("../../build/logseal.wasm", import.meta.url).pathname;

/** The module's embedded default policy (`logseal policy default`, from the same build). */
export function defaultPolicyJson(wasm = RELEASE_WASM): string {
  const exports = instantiate(wasm).exports as Record<string, any>;
  return new TextDecoder().decode(new GuestMemory(exports as any).readCString(exports.logseal_default_policy() >>> 0));
}

/** Fields logseal may append to a record (docs/conventions.md); ignored when comparing. */
const ADDED = new Set(["_seal", "logseal_error", "logseal_raw", "redaction", "severity_text", "severity_number", "audit", "logseal_policy", "logseal_source"]);

export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The data directory: LOGSEAL_EVAL_DATA or the first argument; undefined when absent. */
export function dataDir(argv = process.argv.slice(2)): string | undefined {
  const dir = process.env.LOGSEAL_EVAL_DATA ?? argv.find((a) => !a.startsWith("-"));
  return dir && existsSync(dir) ? dir : undefined;
}

export interface Changed {
  /** The record member whose value changed. */
  field: string;
  before: string;
  after: string;
  /** Fragments that differ (word-level diff): what went in, what came out. */
  fragments: { before: string; after: string }[];
}

export interface Outcome {
  changed: Changed[];
  /** Detector name -> count, from the record's redaction summary. */
  found: Record<string, number>;
  /** Set when the module dropped the record or reported an error. */
  error?: string;
}

export class Redactor {
  private readonly dir: string;
  private readonly host: FilterHost;
  readonly policyVersion: string;
  /** The detectors (rule families) the build's default policy lists. */
  readonly detectorNames: string[];

  /** `tweak` may change the default policy before use (e.g. mask addresses to measure them). */
  constructor(wasm = RELEASE_WASM, tweak?: (policy: any) => void) {
    if (!existsSync(wasm)) throw new Error(`${wasm} not found: run 'make build' first`);
    const policy = JSON.parse(defaultPolicyJson(wasm));
    policy.redact.summary = true;
    tweak?.(policy);
    this.policyVersion = String(policy.version);
    const detectors = policy.redact?.detectors;
    this.detectorNames = detectors && typeof detectors === "object" && !Array.isArray(detectors) ? Object.keys(detectors) : [];
    this.dir = mkdtempSync(join(tmpdir(), "logseal-eval-"));
    writeFileSync(join(this.dir, "logseal.policy.json"), JSON.stringify(policy));
    this.host = FilterHost.load(wasm, { preopens: { ".": this.dir } });
  }

  /** One record (flat members) through the filter. */
  run(record: Record<string, unknown>): Outcome {
    const result = this.host.call("eval", JSON.stringify(record), 1767225600, 0);
    if (result.kind !== "record") return { changed: [], found: {}, error: result.reason };
    const out = result.record;
    const changed: Changed[] = [];
    for (const [field, value] of Object.entries(record)) {
      const after = out[field];
      if (JSON.stringify(after) === JSON.stringify(value)) continue;
      const before = typeof value === "string" ? value : JSON.stringify(value);
      const afterText = typeof after === "string" ? after : after === undefined ? "<removed>" : JSON.stringify(after);
      changed.push({ field, before, after: afterText, fragments: diffWords(before, afterText) });
    }
    for (const field of Object.keys(out)) {
      if (!(field in record) && !ADDED.has(field)) changed.push({ field, before: "<absent>", after: JSON.stringify(out[field]), fragments: [] });
    }
    const summary = out.redaction as { found?: Record<string, number> } | undefined;
    const error = typeof out.logseal_error === "string" ? out.logseal_error : undefined;
    return { changed, found: { ...(summary?.found ?? {}) }, error };
  }

  /** Convenience: a text as the `log` member; returns the `log` value after the filter. */
  redactLog(text: string): { after: string; found: Record<string, number> } {
    const outcome = this.run({ log: text });
    const log = outcome.changed.find((c) => c.field === "log");
    return { after: log ? log.after : text, found: outcome.found };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Detectors that fired, as one label ("card", "email+ipv4"). */
export const detectorLabel = (found: Record<string, number>) =>
  Object.entries(found).filter(([, n]) => n > 0).map(([d]) => d).sort().join("+") || "?";

/**
 * Word-level diff of a text and its redacted form (words = runs split at whitespace, which masks
 * keep): the runs of words that differ, merged when adjacent.
 */
export function diffWords(before: string, after: string): { before: string; after: string }[] {
  const a = before.split(/(\s+)/);
  const b = after.split(/(\s+)/);
  // LCS table over tokens (lines are short: a few hundred tokens at most).
  const n = a.length;
  const m = b.length;
  if (n * m > 4_000_000) return [{ before, after }];
  const lcs: Uint16Array[] = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: { before: string; after: string }[] = [];
  let i = 0;
  let j = 0;
  let cur: { before: string; after: string } | undefined;
  const flush = () => {
    if (cur && (cur.before.trim() || cur.after.trim())) out.push({ before: cur.before.trim(), after: cur.after.trim() });
    cur = undefined;
  };
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      flush();
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      cur ??= { before: "", after: "" };
      cur.after += b[j++];
    } else {
      cur ??= { before: "", after: "" };
      cur.before += a[i++];
    }
  }
  flush();
  return out;
}
