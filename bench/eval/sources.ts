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
//   Skyscanner/whispers        tests/fixtures/*: config files in many formats, secrets labelled
//                              by the `hardcoded` convention and Compliant/Noncompliant parts
//   secretlint/secretlint      packages/@secretlint/secretlint-rule-*/test/snapshots/*: inputs
//                              and the snapshot of each rule's findings (ranges, secrets)
// Each reader takes the checkout's directory and returns [] when it is absent.
import { execFileSync } from "node:child_process";
import { parse as parseYaml } from "yaml";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { Rng } from "../rng.ts";
import { closing, Evaluator, exprEnd, goRegex, isSample, tokenize, Unsupported, type Tok, type Value } from "./golit.ts";

export interface Example {
  source: "gitleaks" | "trufflehog" | "presidio" | "detect-secrets" | "noseyparker" | "kingfisher" | "whispers" | "secretlint";
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
  /**
   * Why the example is outside what logseal claims (kept and counted apart, never dropped): set by
   * a reader for an example no one-line log record can carry as written; classes.ts adds the
   * shapes no redactor can tell from harmless text (outsideClaim).
   */
  outside?: string;
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
        for (const m of line.matchAll(new RegExp(rx.source, rx.flags.replace(/[gd]/g, "") + "gd"))) {
          if (m[0].length === 0) continue;
          // a group inside another captured group is part of that one's capture (`rdme_(?P<v>…)`,
          // a repeated `([a-z]{3,}%)` inside a token): the enclosing group is the secret
          const spans = m.indices!.slice(1);
          const nested = (k: number) => spans.some((h, q) => q !== k && h && spans[k] && h[0] <= spans[k]![0] && spans[k]![1] <= h[1] && h[1] - h[0] > spans[k]![1] - spans[k]![0]);
          const groups = m.slice(1).filter((g, k): g is string => g !== undefined && g.length >= 4 && !nested(k));
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

// ---------------------------------------------------------------------------------------------

/**
 * Skyscanner/whispers `tests/fixtures/`: configuration files in many formats (YAML, JSON, XML,
 * INI, .env, .properties, Dockerfile, shell, Python, Go, Java, JS, PHP, .npmrc, .pypirc, pip.conf,
 * .htpasswd, .aws/credentials) whose secrets are labelled by whispers' own convention: a value
 * that contains `hardcoded` (any case) is a secret (its test asserts every finding has it), and the
 * files split into `Compliant` and `Noncompliant` parts. Read one line at a time, as a log record
 * carries one line: a positive is a noncompliant line's value holding `hardcoded`, plus the files
 * whose secrets whispers finds by their key (aws, privatekeys, creditcards, jenkins.xml,
 * connection.config, .dockercfg); every other non-empty line of a compliant part is a negative.
 * A value whose name is on another line (a YAML/JSON list item, XML `<value>` under a `<key>`
 * element, CloudFormation's `Default:`, a key continued with `\`) is kept and counted as outside
 * the claim (`outside`). Fixtures of whispers' non-secret rules (cors.py, the comments in
 * language.html, paths.yml) and of its configuration options (excluded.*, custom.*) are left out.
 */
export function readWhispers(root: string): Example[] {
  const dir = join(root, "tests/fixtures");
  const out: Example[] = [];
  const skip = /(^|\/)(cors\.py|language\.html|language\.py2|paths\.yml|excluded\.\w+|custom\.\w+|invalid\.json|empty\.dockercfg)$/;
  const marker = /^\s*(?:#|\/\/|<!--)?\s*["'<[]?\s*((?:non-?|in)?compliant)\s*["'>\]]?\s*(?::|=)?\s*\{?\s*(?:-->)?\s*$/i;
  for (const file of walk(dir, (p) => !skip.test(relative(dir, p)))) {
    const name = relative(dir, file);
    const base = name.split("/").pop()!;
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    if (text.includes("\u0000")) continue;
    let region: "compliant" | "noncompliant" | "unknown" = "unknown";
    const lines = text.split("\n");
    for (let n = 0; n < lines.length; n++) {
      const line = lines[n].replace(/\r$/, "");
      const m = marker.exec(line);
      if (m) {
        region = /^(non-?|in)/i.test(m[1]) ? "noncompliant" : "compliant";
        continue;
      }
      if (base === ".dockercfg" && /docker\.io\/v1\/(non)?compliant/.test(line)) region = /noncompliant/.test(line) ? "noncompliant" : "compliant";
      if (!line.trim()) continue;
      const found = whispersSecrets(base, line, region);
      if (region === "compliant") {
        if (!/^\s*[[\]{}(),]*\s*$/.test(line) && !/^\s*<\/?[\w.:-]+>\s*$/.test(line)) out.push({ source: "whispers", family: `whispers:${whispersFamily(base, line)}`, positive: false, line });
        continue;
      }
      for (const f of found) out.push({ source: "whispers", positive: true, line, ...f });
    }
  }
  return out;
}

function whispersFamily(base: string, line: string): string {
  if (/^aws\./.test(base) || base === "credentials") return "aws";
  if (/^privatekeys\./.test(base)) return "pem";
  if (base === "creditcards.yml") return "card";
  if (base === "gitkeys.yml") return "github";
  if (base === "webhooks.yml" || /hooks\.slack\.com/.test(line)) return /slack/.test(line) ? "slack" : /hubapi/.test(line) ? "hubspot" : /twilio/.test(line) ? "twilio" : "webhook";
  if (base === ".htpasswd") return "htpasswd";
  return "pairs";
}

type WhispersFound = Pick<Example, "family" | "secret" | "carrier" | "outside" | "pair">;

/** The secrets of one fixture line (whispers' labels), with their family and, if so, why they are outside the claim. */
function whispersSecrets(base: string, line: string, region: string): WhispersFound[] {
  const family = whispersFamily(base, line);
  const out: WhispersFound[] = [];
  const add = (secret: string, extra: Partial<WhispersFound> = {}) => {
    if (!secret || out.some((o) => o.secret === secret)) return;
    const cls = family === "pairs" || family === "htpasswd" ? { pair: family === "pairs" } : {};
    out.push({ family: `whispers:${family}`, secret, ...cls, ...extra });
  };
  const otherLine = "the value's name is on another line of the file (a list item, an XML <value> under its <key>, a YAML `value:` under `key:`, CloudFormation's `Default:`): a log record holds one line";
  // the files whispers reads by key, whose secrets carry no `hardcoded`
  if (region !== "compliant" && /^(aws|privatekeys)\./.test(base)) {
    const kv = /^\s*(?:"(\w+)"\s*:|<(\w+)>|(\w+)\s*[:=])\s*"?(.*?)"?\s*(?:<\/\w+>)?,?\s*$/.exec(line);
    const key = kv ? kv[1] ?? kv[2] ?? kv[3] : undefined;
    if (key === "public") return out;
    if (kv && kv[4] && kv[4] !== "\\") add(kv[4], key === "aws_token" ? { family: "whispers:pairs", pair: true } : {});
    else if (!kv && /^\s*[A-Za-z0-9+/]{20,}\s*\\?\s*$/.test(line)) add(line.trim().replace(/\s*\\$/, ""), { outside: "a value continued over several lines with `\\`: a log record holds one line" });
    return out;
  }
  if (region === "noncompliant" && base === "creditcards.yml") {
    const m = /:\s*(\d{12,19})\s*$/.exec(line);
    if (m) add(m[1]);
    return out;
  }
  if (base === "jenkins.xml") {
    const m = /<(noncompliant\w+)>(.*)<\/\1>/.exec(line);
    if (m) add(m[2], { family: "whispers:pairs", pair: true });
    return out;
  }
  if (base === "connection.config" && region === "noncompliant") {
    const m = /Password=([^;]+);/.exec(line);
    if (m) add(m[1]);
    return out;
  }
  if (base === ".dockercfg") {
    const m = /"auth":\s*"([^"]+)"/.exec(line);
    if (m && region === "noncompliant") add(m[1]);
    return out;
  }
  if (/^cloudformation\./.test(base)) {
    if (/"?Default"?\s*:\s*"?admin/.test(line) && region === "noncompliant") add("admin", { outside: otherLine });
    return out;
  }
  if (!/hardcoded/i.test(line)) return out;
  // a URL's user info
  for (const m of line.matchAll(/([a-z][a-z0-9+.-]*:\/\/[^\s:@/"']*:)([^\s@/"']*hardcoded[^\s@/"']*)@[^\s"']*/gi)) add(m[2], { carrier: m[0], family: "whispers:url", pair: false });
  // a URL's query parameter (`?user=admin&userpass=…`): a name and its value, a pair
  if (out.length) return out;
  // quoted values first (one line may hold several), then words
  const quoted = [...line.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2]).filter((s) => /hardcoded/i.test(s) && !/[\s=&?]/.test(s) && !/_passwords?$/i.test(s));
  const words = line.split(/[\s"'<>`,;=()[\]{}&?]+/).flatMap((w) => (w.includes("://") ? [w] : w.split(":"))).filter((w) => /hardcoded/i.test(w) && !/_passwords?$/i.test(w) && !/^\/?\w*hardcoded_passwords?$/i.test(w));
  const values = quoted.length ? quoted : words;
  for (const v of values) {
    const rest = line.replace(v, "").replace(/^[\s#]+/, "");
    const alone = /^["',\s-]*$/.test(rest) || /^<value>\s*<\/value>$/.test(rest.trim()) || /^value:\s*$/.test(rest.trim());
    add(v, alone ? { outside: otherLine } : {});
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

/**
 * secretlint/secretlint `packages/@secretlint/secretlint-rule-*​/test/snapshots/<case>/`: each
 * rule's test inputs with the snapshot of what it reported (`output.json`: messages with the
 * byte range and the secret in `data`). A message gives one positive: the `data` value found in
 * the input (the token), else the range's text; its line (or, for a multi-line key, the lines it
 * spans) is the example's own context. Inputs of cases with no message (`ok.*`) are negatives,
 * one per non-empty line. The presets (copies of the rules' cases), the pattern and comment
 * filters, and the file-name rules (no-dotenv, no-homedir, no-k8s-kind-secret) are left out, as
 * are cases that allow a secret by configuration (`.secretlintrc.json`, `*allows*`) and binary inputs.
 */
export function readSecretlint(root: string): Example[] {
  const dir = join(root, "packages/@secretlint");
  const out: Example[] = [];
  if (!existsSync(dir)) return out;
  for (const pkg of readdirSync(dir).sort()) {
    const rule = pkg.replace(/^secretlint-rule-/, "");
    if (rule === pkg || /^(preset-|pattern$|filter-comments$|example$|no-dotenv$|no-homedir$|no-k8s-kind-secret$)/.test(rule)) continue;
    const snaps = join(dir, pkg, "test/snapshots");
    if (!existsSync(snaps)) continue;
    for (const c of readdirSync(snaps).sort()) {
      const outputFile = join(snaps, c, "output.json");
      if (!existsSync(outputFile) || existsSync(join(snaps, c, ".secretlintrc.json")) || /allows/.test(c)) continue;
      let output: { filePath?: string; messages?: { range: [number, number]; messageId?: string; data?: Record<string, unknown> }[]; sourceContent?: string };
      try {
        output = JSON.parse(readFileSync(outputFile, "utf8"));
      } catch {
        continue;
      }
      const inputFile = join(snaps, c, (output.filePath ?? "").split("/").pop() ?? "input.txt");
      const src = output.sourceContent ?? (existsSync(inputFile) ? readFileSync(inputFile, "latin1") : "");
      if (!src || /[\u0000-\u0008]/.test(src)) continue;
      const messages = output.messages ?? [];
      if (messages.length === 0) {
        for (const line of src.split("\n")) if (line.trim()) out.push({ source: "secretlint", family: `secretlint:${rule}`, positive: false, line });
        continue;
      }
      const seen = new Set<string>();
      for (const m of messages) {
        const [s, e] = m.range;
        const ranged = src.slice(s, e);
        const data = Object.values(m.data ?? {}).filter((v): v is string => typeof v === "string" && v.length >= 4 && src.includes(v));
        let secret = data.sort((a, b) => b.length - a.length)[0] ?? ranged;
        // a key file as a whole (GCP's service-account JSON): its private_key value
        const pk = /"private_key"\s*:\s*"([^"]+)"/.exec(secret);
        if (pk) secret = pk[1];
        if (!secret || secret.length < 4 || seen.has(secret)) continue;
        seen.add(secret);
        const at = src.indexOf(secret, Math.max(0, s - secret.length));
        const from = src.lastIndexOf("\n", (at >= 0 ? at : s) - 1) + 1;
        const endNl = src.indexOf("\n", (at >= 0 ? at + secret.length : e));
        const line = src.slice(from, endNl < 0 ? src.length : endNl);
        const family = `secretlint:${rule}${m.messageId ? "/" + m.messageId : ""}`;
        out.push({ source: "secretlint", family, positive: true, secret, line });
      }
    }
  }
  return out;
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
    { name: "whispers", repo: "Skyscanner/whispers", dir: firstDir(data, "whispers", "Skyscanner+whispers") },
    { name: "secretlint", repo: "secretlint/secretlint", dir: firstDir(data, "secretlint", "secretlint+secretlint") },
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
    if (s.name === "whispers") examples.push(...readWhispers(s.dir));
    if (s.name === "secretlint") examples.push(...readSecretlint(s.dir));
  }
  return { sources, examples };
}
