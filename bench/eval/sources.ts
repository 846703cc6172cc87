// Labelled examples read, at evaluation time, out of public scanners' and recognizers' own test
// sources (never copied into this repository):
//   gitleaks/gitleaks          cmd/generate/config/rules/*.go: each rule's true positives (tps,
//                              secrets.NewSecret(regex) generated here the way gitleaks' reggen
//                              does) and false positives (fps); the rule's regex locates the
//                              secret in a full example line
//   trufflesecurity/trufflehog pkg/detectors/**/*_test.go: pattern tests' input and want
//   microsoft/presidio         presidio-analyzer/tests/test_{credit_card,email,iban,ip,us_ssn}_recognizer.py
//   Yelp/detect-secrets        tests/plugins/*_test.py (keyword tables give the `pairs` class)
//   praetorian-inc/noseyparker crates/noseyparker/data/default/builtin/rules/*.yml and
//   mongodb/kingfisher         data/rules/*.yml: YAML rules, each with a Rust regex, `examples`
//                              (text that must match; the regex's capture groups locate the
//                              secret) and `negative_examples` (text that must not)
// Each reader takes the checkout's directory and returns [] when it is absent.
import { execFileSync } from "node:child_process";
import { parse as parseYaml } from "yaml";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { Rng } from "../rng.ts";
import { closing, Evaluator, exprEnd, goRegex, isSample, tokenize, Unsupported, type Tok, type Value } from "./golit.ts";

export interface Example {
  source: "gitleaks" | "trufflehog" | "presidio" | "detect-secrets" | "noseyparker" | "kingfisher";
  /** Source-qualified family: "gitleaks:gitlab-pat", "trufflehog:gitlab", "presidio:credit_card". */
  family: string;
  /** true: the secret must go; false: a negative example (the line should stay). */
  positive: boolean;
  /** The secret itself (positives). */
  secret?: string;
  /** What the log contexts carry when it is more than the secret (the URL a password is in). */
  carrier?: string;
  /** The example line as the source wrote it (its own context), if any. */
  line?: string;
  /** A key = value example (judged as the `pairs` class, in its own line only). */
  pair?: boolean;
  /** Made here from the rule's regex (gitleaks' secrets.NewSecret), not written by its authors. */
  generated?: boolean;
  /** Presidio reports it only as a weak match: needs context (evaluated in labelled contexts only). */
  weak?: boolean;
}

function walk(dir: string, keep: (path: string) => boolean, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, keep, out);
    else if (keep(path)) out.push(path);
  }
  return out;
}

type Item = string | { secret: string; generated?: boolean; line?: string; asLine?: boolean };
const valueStrings = (v: Value): Item[] =>
  Array.isArray(v) ? v.flatMap(valueStrings) : typeof v === "string" ? [v] : isSample(v) ? [v] : [];

/** Binds `name := expr` / `name = expr` statements in toks[from, to) as they come. */
function bindAssignments(ev: Evaluator, toks: Tok[], from: number, to: number, onBind?: (name: string, value: Value) => void): void {
  for (let i = from; i < to; i++) {
    const t = toks[i];
    const op = toks[i + 1];
    if (t.k !== "id" || op?.k !== "p" || (op.v !== ":=" && op.v !== "=")) continue;
    if (toks[i - 1]?.k === "p" && toks[i - 1].v === ",") continue; // a, b := ...
    const end = exprEnd(toks, i + 2);
    try {
      const value = ev.eval(toks, i + 2, end);
      ev.scope.set(t.v, value);
      onBind?.(t.v, value);
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
    }
    i = end - 1;
  }
}

// ---------------------------------------------------------------------------------------------

export function readGitleaks(root: string): Example[] {
  const dir = join(root, "cmd/generate/config/rules");
  const out: Example[] = [];
  const pairTemplates = readGitleaksTemplates(root);
  for (const file of walk(dir, (p) => p.endsWith(".go") && !p.endsWith("_test.go"))) {
    const toks = tokenize(readFileSync(file, "utf8"));
    for (let i = 0; i < toks.length; i++) {
      if (!(toks[i].v === "func" && toks[i + 1]?.k === "id" && toks[i + 2]?.v === "(")) continue;
      const bodyOpen = toks.findIndex((t, j) => j > i && t.v === "{");
      if (bodyOpen < 0 || !toks.slice(i, bodyOpen).some((t) => t.v === "config.Rule")) continue;
      const bodyClose = closing(toks, bodyOpen);
      const ev = new Evaluator(new Rng(hash(file) + i));
      // locals first (a regex is often built from one), collecting tps and fps as they are bound
      const items: ["tps" | "fps", Item][] = [];
      bindAssignments(ev, toks, bodyOpen + 1, bodyClose, (name, value) => {
        if (name === "tps" || name === "fps") items.push(...valueStrings(value).map((v) => [name, v] as ["tps" | "fps", typeof v]));
      });
      let ruleId = "";
      let regex = "";
      let group = 0;
      for (let j = bodyOpen; j < bodyClose; j++) {
        if (toks[j].k !== "id" || toks[j + 1]?.v !== ":") continue;
        const end = exprEnd(toks, j + 2);
        try {
          if (toks[j].v === "RuleID") ruleId = String(ev.eval(toks, j + 2, end));
          else if (toks[j].v === "Regex" && !regex) regex = String(ev.eval(toks, j + 2, end));
          else if (toks[j].v === "SecretGroup") group = Number(ev.eval(toks, j + 2, end));
        } catch (e) {
          if (!(e instanceof Unsupported)) throw e;
        }
      }
      if (!ruleId) continue;
      const rx = regex ? goRegex(regex) : undefined;
      const family = `gitleaks:${ruleId}`;
      const seen = new Set<string>();
      for (const [name, item] of items) {
        const key = name + (typeof item === "string" ? item : "\0" + item.secret);
        if (seen.has(key)) continue;
        seen.add(key);
        if (name === "fps") {
          out.push({ source: "gitleaks", family, positive: false, line: typeof item === "string" ? item : item.secret });
          continue;
        }
        if (typeof item !== "string" && !item.asLine) {
          out.push({ source: "gitleaks", family, positive: true, secret: item.secret, generated: item.generated, line: item.line });
          continue;
        }
        const line = typeof item === "string" ? item : item.secret;
        const m = rx?.exec(line);
        if (!m) continue;
        const secret = (group > 0 ? m[group] : undefined) ?? m.slice(1).find((g) => g !== undefined && g.length > 0) ?? m[0];
        if (secret && secret.length >= 4) out.push({ source: "gitleaks", family, positive: true, secret, line, generated: typeof item !== "string" && item.generated });
      }
      i = bodyClose;
    }
  }
  // The pair forms gitleaks tests every rule in (INI, YAML, JSON, code, Makefile, ...), with the
  // identifiers of gitleaks' own rules and a generic high-entropy value: the `pairs` class.
  const rng = new Rng(7);
  const ids = ["github", "gitlab", "slack", "stripe", "aws", "openai", "sendgrid", "twilio", "npm", "database"];
  for (const id of ids) {
    const secret = rng.string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 32);
    for (const [name, template] of pairTemplates) {
      const line = template.replaceAll("{i}", id).replaceAll("{I}", id.toUpperCase()).replaceAll("{s}", secret);
      out.push({ source: "gitleaks", family: `gitleaks-pairs:${name}`, positive: true, secret, line, pair: true });
    }
  }
  return out;
}

/** The map literal of GenerateSampleSecrets in cmd/generate/config/utils/generate.go. */
export function readGitleaksTemplates(root: string): [string, string][] {
  const path = join(root, "cmd/generate/config/utils/generate.go");
  if (!existsSync(path)) return [];
  const toks = tokenize(readFileSync(path, "utf8"));
  const start = toks.findIndex((t, i) => t.v === "GenerateSampleSecrets" && toks[i - 1]?.v === "func");
  if (start < 0) return [];
  const mapOpen = toks.findIndex((t, i) => i > start && t.v === "map[string]string" ) ;
  const open = toks.findIndex((t, i) => i > start && t.v === "{" && toks[i - 1]?.v === "string" && toks[i - 2]?.v === "]");
  const from = open >= 0 ? open : mapOpen;
  if (from < 0) return [];
  const end = closing(toks, from);
  const out: [string, string][] = [];
  for (let i = from + 1; i < end; i++) {
    if (toks[i].k === "str" && toks[i + 1]?.v === ":" && toks[i + 2]?.k === "str") out.push([toks[i].v, toks[i + 2].v]), (i += 2);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

export function readTrufflehog(root: string): Example[] {
  const dir = join(root, "pkg/detectors");
  const out: Example[] = [];
  for (const file of walk(dir, (p) => p.endsWith("_test.go") && !p.includes("integration"))) {
    const family = "trufflehog:" + relative(dir, file).split("/").slice(0, -1).filter((s) => !/^v\d+$/.test(s)).join("/");
    const toks = tokenize(readFileSync(file, "utf8"));
    const ev = new Evaluator(new Rng(hash(file)));
    bindAssignments(ev, toks, 0, toks.length);
    let input: string | undefined;
    let name = "";
    const seen = new Set<string>();
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i];
      if (t.k !== "id" || toks[i + 1]?.v !== ":") continue;
      if (t.v !== "input" && t.v !== "want" && t.v !== "name") continue;
      const end = exprEnd(toks, i + 2);
      let value: Value;
      try {
        value = ev.eval(toks, i + 2, end);
      } catch (e) {
        if (!(e instanceof Unsupported)) throw e;
        if (t.v === "input") input = undefined;
        continue;
      }
      if (t.v === "name") name = String(value);
      else if (t.v === "input") input = typeof value === "string" ? value : isSample(value) ? value.secret : undefined;
      else if (input !== undefined) {
        const wants = valueStrings(value).map((w) => (typeof w === "string" ? w : w.secret));
        if (wants.length === 0) {
          if (/invalid|false|negative|no match|not match/i.test(name) && !seen.has("-" + input)) {
            seen.add("-" + input);
            out.push({ source: "trufflehog", family, positive: false, line: input });
          }
        }
        for (const want of wants) {
          const secret = secretIn(want, input);
          if (!secret || seen.has(secret)) continue;
          seen.add(secret);
          out.push({ source: "trufflehog", family, positive: true, secret, line: input });
        }
        input = undefined;
      }
      i = end - 1;
    }
  }
  return out;
}

/**
 * The secret of a trufflehog result in its input: the result itself when the input holds it;
 * otherwise results concatenate parts (key + id, token + endpoint): the longest part of 8+
 * characters found in the input.
 */
export function secretIn(want: string, input: string): string | undefined {
  if (want.length >= 8 && input.includes(want)) return want;
  const parts: string[] = [];
  let rest = want;
  while (rest.length >= 8) {
    let n = rest.length;
    while (n >= 8 && !input.includes(rest.slice(0, n))) n--;
    if (n >= 8) {
      parts.push(rest.slice(0, n));
      rest = rest.slice(n);
    } else rest = rest.slice(1);
  }
  return parts.sort((a, b) => b.length - a.length)[0];
}

// ---------------------------------------------------------------------------------------------

const EXTRACT_PY = new URL("./extract_py.py", import.meta.url).pathname;

function python(kind: string, files: string[]): Record<string, unknown>[] {
  if (files.length === 0) return [];
  const text = execFileSync("python3", [EXTRACT_PY, kind, ...files], { encoding: "utf8", maxBuffer: 64 << 20 });
  return text.split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

export function readPresidio(root: string): Example[] {
  const dir = join(root, "presidio-analyzer/tests");
  const files = ["credit_card", "email", "iban", "ip", "us_ssn"].map((n) => join(dir, `test_${n}_recognizer.py`)).filter(existsSync);
  const out: Example[] = [];
  for (const row of python("presidio", files)) {
    const file = String(row.file);
    const family = "presidio:" + /test_(.*)_recognizer\.py$/.exec(file)![1];
    const text = String(row.text);
    const spans = row.positives as [number, number][];
    if (spans.length === 0) out.push({ source: "presidio", family, positive: false, line: text });
    for (const [s, e] of spans) out.push({ source: "presidio", family, positive: true, secret: text.slice(s, e), line: text, weak: Boolean(row.weak) });
  }
  return out;
}

export function readDetectSecrets(root: string): Example[] {
  const files = walk(join(root, "tests/plugins"), (p) => p.endsWith("_test.py"));
  const out: Example[] = [];
  for (const row of python("detect-secrets", files)) {
    const plugin = /([a-z_]+)_test\.py$/.exec(String(row.file))![1];
    const text = String(row.text);
    const secret = row.secret as string | null;
    const keyword = plugin === "keyword";
    const family = keyword ? `detect-secrets-pairs:${row.table}` : `detect-secrets:${plugin}`;
    if (secret === null) out.push({ source: "detect-secrets", family, positive: false, line: text, pair: keyword });
    else if (keyword) out.push({ source: "detect-secrets", family, positive: true, secret, line: text, pair: true });
    else {
      // plugin tables say only "should flag": the secret is the payload's longest token
      const token = text.split(/[\s"'`=:,;()<>{}]+/).sort((a, b) => b.length - a.length)[0] ?? text;
      out.push({ source: "detect-secrets", family, positive: true, secret: /\s/.test(text) ? token : text, line: text });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

/**
 * Rules in Nosey Parker's YAML form (Kingfisher keeps it): `rules:` a list of {id, pattern,
 * examples, negative_examples}; Kingfisher's helper rules (`visible: false`, ids other rules
 * depend on) are not secrets of their own and are left out. In each example every match of the
 * rule's pattern gives one secret: its last capture group (rules that capture more than the secret
 * put the user name, client id or key name first), or the whole match without groups. Examples the converted pattern cannot
 * locate are left out (the reader is about logseal, not about these regexes).
 */
export function readRuleYaml(root: string, source: "noseyparker" | "kingfisher"): Example[] {
  const dirs = ["crates/noseyparker/data/default/builtin/rules", "data/rules"].map((d) => join(root, d)).filter(existsSync);
  const out: Example[] = [];
  for (const file of dirs.flatMap((d) => walk(d, (p) => /\.ya?ml$/.test(p)))) {
    let doc: { rules?: Record<string, unknown>[] } | undefined;
    try {
      doc = parseYaml(readFileSync(file, "utf8"));
    } catch {
      continue;
    }
    for (const rule of doc?.rules ?? []) {
      if (rule.visible === false || typeof rule.id !== "string") continue;
      const family = `${source}:${rule.id.replace(/^(np|kingfisher)\./, "")}`;
      const rx = typeof rule.pattern === "string" ? rustRegex(rule.pattern) : undefined;
      const seen = new Set<string>();
      for (const line of strings(rule.examples)) {
        if (!rx) break;
        for (const m of line.matchAll(new RegExp(rx.source, rx.flags.replace("g", "") + "g"))) {
          if (m[0].length === 0) continue;
          const groups = m.slice(1).filter((g): g is string => g !== undefined && g.length >= 4);
          const secret = groups.length ? groups[groups.length - 1] : m[0];
          if (secret.length < 4 || seen.has(secret)) continue;
          seen.add(secret);
          const url = urlAround(line, secret);
          out.push({ source, family, positive: true, secret, line, ...(url ? { carrier: url } : {}) });
        }
      }
      for (const line of [...strings(rule.negative_examples), ...strings(rule.non_examples)]) out.push({ source, family, positive: false, line });
    }
  }
  return out;
}

/** The URL whose user info has `secret` as its password, in `line`, if there is one. */
export function urlAround(line: string, secret: string): string | undefined {
  const at = line.indexOf(secret);
  if (at < 0 || line[at - 1] !== ":" || line[at + secret.length] !== "@") return undefined;
  const m = /[a-z][a-z0-9+.-]*:\/\/[^\s/@:'"`]*:$/i.exec(line.slice(0, at));
  if (!m) return undefined;
  const tail = /^[^\s'"`<>]*/.exec(line.slice(at + secret.length))![0];
  return m[0] + secret + tail;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/**
 * A Rust `regex` pattern as a JavaScript RegExp, enough to locate secrets in examples: `(?x)`
 * (insignificant whitespace and `#` comments outside classes) and `(?# … )` comments is applied here, the rest goes
 * through goRegex (inline flags, POSIX classes, `\z`).
 */
export function rustRegex(pattern: string): RegExp | undefined {
  const flagGroups = [...pattern.matchAll(/\(\?([a-z]+)\)/g)].map((m) => m[1]).join("");
  let p = pattern.replace(/\(\?#[^)]*\)/g, ""); // (?# comments )
  if (flagGroups.includes("x")) {
    let out = "";
    let inClass = false;
    for (let i = 0; i < p.length; i++) {
      const c = p[i];
      if (c === "\\") {
        out += p.slice(i, i + 2);
        i++;
      } else if (inClass) {
        if (c === "]") inClass = false;
        out += c;
      } else if (c === "[") {
        inClass = true;
        out += c;
        if (p[i + 1] === "^") (out += "^"), i++;
        if (p[i + 1] === "]") (out += "]"), i++;
      } else if (c === "#") {
        while (i < p.length && p[i] !== "\n") i++;
      } else if (!/\s/.test(c)) out += c;
    }
    p = out.replace(/\\ /g, " ");
  }
  p = p.replace(/\(\?([a-z]*)x([a-z]*)\)/g, (_, a: string, b: string) => (a + b ? `(?${a}${b})` : ""));
  // escapes Rust allows and JavaScript's u mode refuses, and classes it names differently
  p = p.replace(/\\([-#&~ ])/g, (_, c: string) => (c === "-" ? "\\-" : c === " " ? " " : "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0")));
  return goRegex(p);
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

export interface SourceInfo {
  name: Example["source"];
  repo: string;
  dir: string;
  commit?: string;
}

/** The checkouts under a data directory (names as `fetch` + `git archive` lays them out). */
export function sourcesIn(data: string): SourceInfo[] {
  const candidates: SourceInfo[] = [
    { name: "gitleaks", repo: "gitleaks/gitleaks", dir: join(data, "gitleaks") },
    { name: "trufflehog", repo: "trufflesecurity/trufflehog", dir: join(data, "trufflehog") },
    { name: "presidio", repo: "microsoft/presidio", dir: join(data, "presidio") },
    { name: "detect-secrets", repo: "Yelp/detect-secrets", dir: join(data, "detect-secrets") },
    { name: "noseyparker", repo: "praetorian-inc/noseyparker", dir: firstDir(data, "noseyparker", "praetorian-inc+noseyparker") },
    { name: "kingfisher", repo: "mongodb/kingfisher", dir: firstDir(data, "kingfisher", "mongodb+kingfisher") },
  ];
  return candidates.filter((c) => existsSync(c.dir)).map((c) => ({ ...c, commit: commitOf(c.dir) }));
}

/** The first of the names that exists under data (a plain name, or `owner+name` as fetched). */
const firstDir = (data: string, ...names: string[]) => names.map((n) => join(data, n)).find(existsSync) ?? join(data, names[0]);

/** A COMMIT file next to the data (written when it was extracted), else undefined. */
function commitOf(dir: string): string | undefined {
  const file = join(dir, "COMMIT");
  return existsSync(file) ? readFileSync(file, "utf8").trim() : undefined;
}

export function readExamples(data: string): { sources: SourceInfo[]; examples: Example[] } {
  const sources = sourcesIn(data);
  const examples: Example[] = [];
  for (const s of sources) {
    if (s.name === "gitleaks") examples.push(...readGitleaks(s.dir));
    if (s.name === "trufflehog") examples.push(...readTrufflehog(s.dir));
    if (s.name === "presidio") examples.push(...readPresidio(s.dir));
    if (s.name === "detect-secrets") examples.push(...readDetectSecrets(s.dir));
    if (s.name === "noseyparker" || s.name === "kingfisher") examples.push(...readRuleYaml(s.dir, s.name));
  }
  return { sources, examples };
}
