// Runs the generated Kubernetes audit events (bench/eval/k8s-credentials.ts) through the module as
// Fluent Bit calls it, under the embedded default policy, and counts per shape: credentials shipped
// in clear (leaks), partly shipped, benign look-alikes masked (false alarms), and the audit rules
// the events fired. Then Falco's own k8s-audit test events, read where they are (never committed):
// every string the filter changed, and every credential-looking string it left.
//
//   node --import tsx bench/eval/k8s-credentials-eval.ts [--n 300] [--seed 7] [--wasm build/logseal.wasm]
//        [--modes event,kit-audit-policy,text,lift] [--falco DIR | FALCO_K8S_AUDIT_DIR=DIR] [--json FILE]
//        [--before FILE] [--leaks] [--extra]
//   --json   the figures as JSON (for a later --before)
//   --before a --json file of an earlier module: the combined table shows "before → now"
//   --leaks  per kind of credential, the places shipped; per kind of benign value, the masks
//   --extra  the shapes added later (GitOps values, probe headers, ingress snippets) instead of the 30
//
// Modes: `event`, the event is the record (a JSON parser in front, or `logseal run` on the audit
// log); `text`, the kit's tail with no parser and no lift ({"log": "<line>", "file", "offset"}:
// the kit deployed without its policy ConfigMap); `lift`, the same line under the default policy
// plus the kit's input.lift of `log`; `kit-audit-policy`, as `event` with every event generated with
// both bodies and then cut to the level fluent-bit/audit-policy.yaml gives it (what the API server
// would write under the kit's audit policy: Secrets, TokenRequests and TokenReviews at Metadata).
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { FilterHost } from "../../cli/host.ts";
import { defaultPolicyJson } from "../../cli/policy.ts";
import { scratchDir } from "../../cli/scratch.js";
import { levelFor, readAuditPolicy, reduceTo } from "../../tests/audit-levels.ts";
import { EXTRA_SHAPE_NAMES, generateK8sCredentialEvents, resolvePointer, SHAPE_NAMES, walkStrings, type GeneratedEvent, type Label } from "./k8s-credentials.ts";

export type Mode = "event" | "text" | "lift" | "kit-audit-policy";
export const RELEASE_WASM = new URL("../../build/logseal.wasm", import.meta.url).pathname;
const TAG = "kube-audit.var.log.kubernetes.audit.audit.log";
const AUDIT_FILE = "/var/log/kubernetes/audit/audit.log";

/** A filter instance as Fluent Bit keeps one: the embedded default policy (`lift`: plus input.lift
 * of `log`), or `policy` when given (the test's check that a leaking filter is caught). */
export function loadFilter(mode: Mode, wasm = RELEASE_WASM, policy?: object): FilterHost {
  const dir = scratchDir("logseal-k8s-");
  if (policy) writeFileSync(join(dir, "logseal.policy.json"), JSON.stringify(policy));
  else if (mode === "lift") {
    const policy = JSON.parse(defaultPolicyJson());
    policy.version = "logseal-default-1+lift";
    policy.input = { lift: [{ key: "log" }], source: { path_key: "file", offset_key: "offset", line_keys: [["log"]] } };
    writeFileSync(join(dir, "logseal.policy.json"), JSON.stringify(policy));
  }
  return FilterHost.load(wasm, { preopens: { ".": dir } });
}

export interface Outcome {
  record: Record<string, unknown>;
  /** Where the event's pointers resolve: the record, or the event parsed back out of `log`. */
  root: unknown;
  /** Every string of the output, and (text mode) the `log` text, joined: where a leak is looked for. */
  text: string;
}

/** One event through the filter in the given mode; `offset` is the line's byte offset in the file. */
export function runEvent(host: FilterHost, mode: Mode, event: Record<string, unknown>, offset = 0): Outcome {
  const line = JSON.stringify(event);
  const body = mode === "event" ? line : JSON.stringify({ log: line, file: AUDIT_FILE, offset });
  const result = host.call(TAG, body);
  if (result.kind !== "record") throw new Error(`the filter dropped an audit event: ${result.reason}`);
  const record = result.record;
  let root: unknown = record;
  if (mode !== "event" && typeof record.log === "string") {
    try {
      root = JSON.parse(record.log);
    } catch {
      root = undefined;
    }
  }
  const parts: string[] = [];
  walkStrings(record, "", (_, s) => void parts.push(s));
  return { record, root, text: parts.join("\u0000") };
}

export type Verdict = "leaked" | "partly" | "closed" | "intact" | "masked";

/** The forms a value takes in the output: as is, JSON-escaped once (a string inside `log`'s text)
 * and twice (inside last-applied-configuration inside `log`). */
const formsOf = (value: string) => {
  const once = JSON.stringify(value).slice(1, -1);
  return [value, once, JSON.stringify(once).slice(1, -1)];
};

/** `elsewhere`: the input's text with this value taken out; a run of the value found there too
 * (the encoded `-----BEGIN ` a key shares with the certificates beside it) is no evidence. */
function shipped(value: string, text: string, elsewhere = ""): "leaked" | "partly" | "closed" {
  if (formsOf(value).some((f) => text.includes(f))) return "leaked";
  if (value.length >= 16)
    for (let i = 0; i + 12 <= value.length; i++) {
      const run = value.slice(i, i + 12);
      if (text.includes(run) && !elsewhere.includes(run)) return "partly";
    }
  return "closed";
}

/** The input event's strings with every occurrence of `value` removed. */
export function inputWithout(event: Record<string, unknown>, value: string): string {
  const parts: string[] = [];
  walkStrings(event, "", (_, s) => void parts.push(s.split(value).join("\u0000")));
  return parts.join("\u0000");
}

/** What became of one labelled value at its place. A credential leaks there when the string at its
 * pointer still holds its whole text, partly when 12 characters of it in a row; a benign value is
 * intact when the string at its pointer still holds it. Where `log` no longer parses, by its text.
 * With `input` (the event), runs the value shares with other strings of the event do not count. */
export function judge(label: Label, out: Outcome, input?: Record<string, unknown>): Verdict {
  const at = out.root === undefined ? undefined : resolvePointer(out.root, label.pointer);
  if (label.kind !== "benign") {
    const elsewhere = input ? inputWithout(input, label.value) : "";
    if (typeof at === "string") return shipped(label.value, at, elsewhere);
    return out.root === undefined ? shipped(label.value, out.text, elsewhere) : "closed";
  }
  if (typeof at === "string") return (label.exact ? at === label.value : at.includes(label.value)) ? "intact" : "masked";
  if (out.root !== undefined) return "masked";
  return formsOf(label.value).some((f) => out.text.includes(label.exact ? `"${f}"` : f)) ? "intact" : "masked";
}

export interface ShapeTally {
  shape: string;
  events: number;
  credentials: number;
  leaked: number;
  partly: number;
  /** Distinct credential values per event, and how many of them are anywhere in the output. */
  values: number;
  valuesShipped: number;
  benign: number;
  falseAlarms: number;
  confidential: number;
  confidentialShipped: number;
  rules: Record<string, number>;
}

export interface Evaluation {
  mode: Mode;
  shapes: ShapeTally[];
  /** Per credential kind ("Secret data tls.key"): places and leaks; per benign kind: masks. */
  byWhat: Record<string, { kind: string; places: number; leaked: number; partly: number; masked: number }>;
}

/** The events as the kit's audit policy would have them written: cut to its level (an event it
 * does not log is left out), labels only where the cut event still has the string. */
export function underKitAuditPolicy(events: GeneratedEvent[]): GeneratedEvent[] {
  const policy = readAuditPolicy();
  const out: GeneratedEvent[] = [];
  for (const e of events) {
    const cut = reduceTo(e.event, levelFor(policy, e.event));
    if (cut) out.push({ shape: e.shape, event: cut, labels: e.labels.filter((l) => typeof resolvePointer(cut, l.pointer) === "string") });
  }
  return out;
}

export function evaluate(events: GeneratedEvent[], mode: Mode, wasm = RELEASE_WASM, policy?: object): Evaluation {
  const host = loadFilter(mode === "kit-audit-policy" ? "event" : mode, wasm, policy);
  const tallies = new Map<string, ShapeTally>();
  for (const shape of new Set(events.map((e) => e.shape))) tallies.set(shape, { shape, events: 0, credentials: 0, leaked: 0, partly: 0, values: 0, valuesShipped: 0, benign: 0, falseAlarms: 0, confidential: 0, confidentialShipped: 0, rules: {} });
  const byWhat: Evaluation["byWhat"] = {};
  let offset = 0;
  for (const ev of events) {
    const out = runEvent(host, mode === "kit-audit-policy" ? "event" : mode, ev.event, offset);
    offset += JSON.stringify(ev.event).length + 1;
    const t = tallies.get(ev.shape)!;
    t.events++;
    const audit = out.record.audit as { rules?: string[]; rule?: string } | undefined;
    for (const r of audit?.rules ?? (audit?.rule ? [audit.rule] : [])) t.rules[r] = (t.rules[r] ?? 0) + 1;
    const values = new Set(ev.labels.filter((l) => l.kind === "credential").map((l) => l.value));
    t.values += values.size;
    for (const value of values) if (shipped(value, out.text) === "leaked") t.valuesShipped++;
    for (const label of ev.labels) {
      const v = judge(label, out, ev.event);
      const w = (byWhat[label.what] ??= { kind: label.kind, places: 0, leaked: 0, partly: 0, masked: 0 });
      w.places++;
      if (label.kind === "credential") {
        t.credentials++;
        if (v === "leaked") t.leaked++, w.leaked++;
        if (v === "partly") t.partly++, w.partly++;
      } else if (label.kind === "confidential") {
        t.confidential++;
        if (v === "leaked") t.confidentialShipped++, w.leaked++;
      } else {
        t.benign++;
        if (v === "masked") t.falseAlarms++, w.masked++;
      }
    }
  }
  return { mode, shapes: [...tallies.values()], byWhat };
}

export function formatEvaluation(e: Evaluation): string {
  const rows = [`mode ${e.mode}`, "| shape | events | credential places | leaked | partly | values shipped anywhere | benign places | masked (false alarms) | audit rules fired |", "|---|---:|---:|---:|---:|---:|---:|---:|---|"];
  const sum = { events: 0, credentials: 0, leaked: 0, partly: 0, values: 0, valuesShipped: 0, benign: 0, falseAlarms: 0 };
  for (const t of e.shapes) {
    const rules = Object.entries(t.rules).sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ${n}`).join(", ");
    rows.push(`| ${t.shape} | ${t.events} | ${t.credentials} | ${t.leaked} | ${t.partly} | ${t.valuesShipped} of ${t.values} | ${t.benign} | ${t.falseAlarms} | ${rules || "-"} |`);
    for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += t[k];
  }
  rows.push(`| **all** | ${sum.events} | ${sum.credentials} | ${sum.leaked} | ${sum.partly} | ${sum.valuesShipped} of ${sum.values} | ${sum.benign} | ${sum.falseAlarms} | |`);
  return rows.join("\n");
}

/** One table over the modes: per shape "leaked / places" and "masked / benign places", with an
 * earlier run's figures before an arrow when `before` is given (a --json file's results). */
export function formatCombined(results: Evaluation[], before?: Evaluation[]): string {
  const cell = (now: number, of: number, was?: number) => (was === undefined || was === now ? `${now} / ${of}` : `${was} → ${now} / ${of}`);
  const head = results.map((e) => `${e.mode}: leaked | ${e.mode}: false alarms`).join(" | ");
  const rows = [`| shape | ${head} |`, `|---|${results.map(() => "---:|---:|").join("")}`];
  const total = (e: Evaluation, k: keyof ShapeTally) => e.shapes.reduce((n, t) => n + (t[k] as number), 0);
  for (const shape of [...results[0].shapes.map((t) => t.shape), "all"]) {
    const cells = results.map((e) => {
      const b = before?.find((x) => x.mode === e.mode);
      const get = (x: Evaluation, k: keyof ShapeTally) => (shape === "all" ? total(x, k) : (x.shapes.find((t) => t.shape === shape)?.[k] as number));
      return `${cell(get(e, "leaked"), get(e, "credentials"), b && get(b, "leaked"))} | ${cell(get(e, "falseAlarms"), get(e, "benign"), b && get(b, "falseAlarms"))}`;
    });
    rows.push(`| ${shape === "all" ? "**all**" : shape} | ${cells.join(" | ")} |`);
  }
  return rows.join("\n");
}

export function formatByWhat(e: Evaluation, which: "leaks" | "alarms"): string {
  const rows: string[] = [];
  for (const [what, w] of Object.entries(e.byWhat).sort()) {
    if (which === "leaks" && w.kind !== "benign" && (w.leaked || w.partly)) rows.push(`  ${w.kind === "confidential" ? "(confidential) " : ""}${what}: ${w.leaked}${w.partly ? ` + ${w.partly} partly` : ""} of ${w.places}`);
    if (which === "alarms" && w.kind === "benign" && w.masked) rows.push(`  ${what}: ${w.masked} of ${w.places}`);
  }
  return rows.join("\n");
}

// ---- Falco's events ----

const CREDENTIAL_WORDS = /pass|pwd|secret|token|credential|api[-_]?key|private[-_]?key|auth/i;
const PAIR_IN_TEXT = /(pass(word)?|secret|token|api[-_]?key|access[-_]?key)[\w.-]*\s*[:=]\s*\S+/i;

export interface FalcoFinding { file: string; line: number; pointer: string; before: string; after?: string }

/** Falco's test events through the module (event mode): the strings it changed, and the strings it
 * left that look like a credential by their name or content (to be judged by a person). */
export function falcoFindings(dir: string, wasm = RELEASE_WASM): { events: number; changed: FalcoFinding[]; leftLookingLikeCredentials: FalcoFinding[] } | undefined {
  if (!existsSync(dir)) return undefined;
  const host = loadFilter("event", wasm);
  const changed: FalcoFinding[] = [];
  const left: FalcoFinding[] = [];
  let events = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const lines = readFileSync(join(dir, file), "utf8").split("\n");
    lines.forEach((text, i) => {
      if (!text.trim().startsWith("{")) return;
      const event = JSON.parse(text);
      events++;
      const out = runEvent(host, "event", event);
      walkStrings(event, "", (pointer, before) => {
        const after = resolvePointer(out.record, pointer);
        // The member's own name; of an annotation or label key, the part after its prefix's "/".
        const name = pointer.slice(pointer.lastIndexOf("/") + 1).split("~1").pop()!;
        const parent = resolvePointer(event, pointer.slice(0, pointer.lastIndexOf("/"))) as Record<string, unknown> | undefined;
        const named = CREDENTIAL_WORDS.test(name) || (name === "value" && typeof parent?.name === "string" && CREDENTIAL_WORDS.test(parent.name));
        const underSecretData = /\/(requestObject|responseObject)(\/items\/\d+)?\/(data|stringData)\//.test(pointer) && (event.objectRef?.resource === "secrets");
        if (after !== before) changed.push({ file, line: i + 1, pointer, before, after: typeof after === "string" ? after : JSON.stringify(after) });
        else if (before && (named || underSecretData || PAIR_IN_TEXT.test(before))) left.push({ file, line: i + 1, pointer, before });
      });
    });
  }
  return { events, changed, leftLookingLikeCredentials: left };
}

function main(args: string[]): void {
  const opt = (name: string, dflt?: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
  const n = Number(opt("--n", "300")), seed = Number(opt("--seed", "7")), wasm = opt("--wasm", RELEASE_WASM)!;
  const modes = opt("--modes", "event,kit-audit-policy,text,lift")!.split(",") as Mode[];
  const extra = args.includes("--extra");
  const events = generateK8sCredentialEvents(n, seed, { extra });
  const results: Evaluation[] = [];
  console.log(`${n} generated audit events, seed ${seed}, ${(extra ? EXTRA_SHAPE_NAMES : SHAPE_NAMES).length}${extra ? " extra" : ""} shapes, module ${wasm}`);
  for (const mode of modes) {
    const e = evaluate(mode === "kit-audit-policy" ? underKitAuditPolicy(generateK8sCredentialEvents(n, seed, { fullBodies: true, extra })) : events, mode, wasm);
    results.push(e);
    console.log(`\n${formatEvaluation(e)}`);
    if (args.includes("--leaks")) console.log(`credentials shipped, by kind:\n${formatByWhat(e, "leaks")}\nbenign values masked, by kind:\n${formatByWhat(e, "alarms")}`);
  }
  const beforeFile = opt("--before");
  const before = beforeFile ? (JSON.parse(readFileSync(beforeFile, "utf8")).results as Evaluation[]) : undefined;
  console.log(`\nplaces leaked and benign places masked, per mode${before ? ` (${beforeFile} → this module)` : ""}:\n${formatCombined(results, before)}`);
  const falcoDir = opt("--falco", process.env.FALCO_K8S_AUDIT_DIR);
  const falco = falcoDir ? falcoFindings(falcoDir, wasm) : undefined;
  if (!falco) console.log(`\nFalco's k8s-audit events: skipped (${falcoDir ? `${falcoDir} is absent` : "set --falco DIR or FALCO_K8S_AUDIT_DIR to the directory of Falco's test/trace_files/k8s_audit *.json"})`);
  else {
    console.log(`\nFalco's k8s-audit events (${falco.events} events from ${falcoDir}, event mode):`);
    console.log(`strings the filter changed: ${falco.changed.length}`);
    for (const f of falco.changed) console.log(`  ${f.file}:${f.line} ${f.pointer}: ${JSON.stringify(f.before).slice(0, 100)} -> ${f.after === undefined ? "(gone: a parent was replaced)" : JSON.stringify(f.after).slice(0, 100)}`);
    const distinct = new Map<string, FalcoFinding[]>();
    for (const f of falco.leftLookingLikeCredentials) {
      const k = `${f.pointer.replace(/\/\d+/g, "/#")}=${f.before}`;
      distinct.set(k, [...(distinct.get(k) ?? []), f]);
    }
    console.log(`credential-looking strings left as they were: ${falco.leftLookingLikeCredentials.length} (${distinct.size} distinct)`);
    for (const [, fs] of distinct) console.log(`  ${fs[0].file}:${fs[0].line}${fs.length > 1 ? ` (+${fs.length - 1} more)` : ""} ${fs[0].pointer}: ${JSON.stringify(fs[0].before).slice(0, 120)}`);
  }
  const json = opt("--json");
  if (json) writeFileSync(json, JSON.stringify({ date: new Date().toISOString(), n, seed, wasm, results, falco }, null, 1));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main(process.argv.slice(2));
