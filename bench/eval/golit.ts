// Just enough Go to read the example strings out of public Go test and rule sources at evaluation
// time (gitleaks' rule generators, trufflehog's detector tests): a tokenizer, an evaluator for
// string expressions (literals, +, fmt.Sprintf, strings.Repeat, []string{...}, identifiers bound
// earlier in the file, gitleaks' secrets.NewSecret(regex) and utils.* helpers), a random string
// generator for a regex subset (what reggen does for gitleaks), and a Go RE2 -> JavaScript regex
// translation good enough to locate a rule's secret group in its own examples.
import { Rng } from "../rng.ts";

export type Tok = { k: "str" | "id" | "num" | "p"; v: string };

export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === "/" && src[i + 1] === "/") {
      while (i < src.length && src[i] !== "\n") i++;
    } else if (c === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2);
      i = end < 0 ? src.length : end + 2;
    } else if (/\s/.test(c)) i++;
    else if (c === "`") {
      const end = src.indexOf("`", i + 1);
      out.push({ k: "str", v: src.slice(i + 1, end < 0 ? src.length : end).replace(/\r/g, "") });
      i = end < 0 ? src.length : end + 1;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let s = "";
      while (j < src.length && src[j] !== c && src[j] !== "\n") {
        if (src[j] === "\\") {
          const e = src[j + 1];
          const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", '"': '"', "'": "'", a: "\x07", b: "\b", f: "\f", v: "\v", "0": "\0" };
          if (e === "x") (s += String.fromCharCode(parseInt(src.slice(j + 2, j + 4), 16))), (j += 4);
          else if (e === "u") (s += String.fromCodePoint(parseInt(src.slice(j + 2, j + 6), 16))), (j += 6);
          else if (e === "U") (s += String.fromCodePoint(parseInt(src.slice(j + 2, j + 10), 16))), (j += 10);
          else (s += simple[e] ?? e), (j += 2);
        } else s += src[j++];
      }
      out.push({ k: c === "'" ? "num" : "str", v: s });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < src.length && /[A-Za-z0-9_.]/.test(src[j])) j++;
      out.push({ k: "id", v: src.slice(i, j) });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i;
      while (j < src.length && /[0-9a-fA-FxX_.]/.test(src[j])) j++;
      out.push({ k: "num", v: src.slice(i, j) });
      i = j;
    } else {
      const three = src.slice(i, i + 3);
      const two = src.slice(i, i + 2);
      if (three === "...") (out.push({ k: "p", v: three }), (i += 3));
      else if ([":=", "==", "!=", "&&", "||", "+=", "<-"].includes(two)) (out.push({ k: "p", v: two }), (i += 2));
      else (out.push({ k: "p", v: c }), i++);
    }
  }
  return out;
}

/**
 * End (exclusive) of the expression starting at toks[i]: operands (literals, names, calls,
 * composite literals, parenthesised expressions) joined by `+`; a trailing `...` is included.
 */
export function exprEnd(toks: Tok[], i: number): number {
  for (;;) {
    const t = toks[i];
    if (!t) return i;
    if (t.k === "p" && t.v === "(") i = closing(toks, i) + 1;
    else if (t.k === "p" && t.v === "[") {
      i = closing(toks, i) + 1;
      while (toks[i]?.k === "id") i++;
      if (toks[i]?.v === "{" || toks[i]?.v === "(") i = closing(toks, i) + 1;
    } else if (t.k === "id") {
      i++;
      if (toks[i]?.v === "(") i = closing(toks, i) + 1;
    } else if (t.k === "str" || t.k === "num") i++;
    else return i;
    if (toks[i]?.k === "p" && toks[i].v === "...") i++;
    if (toks[i]?.k === "p" && toks[i].v === "+") {
      i++;
      continue;
    }
    return i;
  }
}

/** Index of the token closing the bracket opened at `open`. */
export function closing(toks: Tok[], open: number): number {
  const pairs: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
  let depth = 0;
  for (let i = open; i < toks.length; i++) {
    const t = toks[i];
    if (t.k !== "p") continue;
    if (t.v in pairs) depth++;
    else if (t.v === ")" || t.v === "]" || t.v === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return toks.length - 1;
}

/** A secret produced by gitleaks' GenerateSampleSecret(s): the value is known exactly. */
export interface Sample {
  secret: string;
  /** Made here from a regex (secrets.NewSecret), not written by the project's authors. */
  generated?: boolean;
  /** gitleaks' GenerateSampleSecret line for it: `<id>_api_token = "<secret>"`. */
  line?: string;
  /** The text is a whole example line around a generated secret (quotes, `key: `): locate the secret with the rule. */
  asLine?: boolean;
}

/** Text made of generated parts and literals: a token if it has no separators, else an example line. */
const made = (text: string, generated: boolean): Sample => ({ secret: text, generated, asLine: /[\s"'`=:,;]/.test(text) || undefined });
export type Value = string | number | boolean | null | Sample | Value[];

export class Unsupported extends Error {}

/** Evaluates Go string expressions; unknown calls throw Unsupported (the element is skipped). */
export class Evaluator {
  readonly scope = new Map<string, Value>();
  constructor(readonly rng = new Rng(12)) {}

  /** Evaluates toks[from, to) as one expression. */
  eval(toks: Tok[], from: number, to: number): Value {
    // split at top-level `+`
    const parts: [number, number][] = [];
    eachTopLevel(toks, from, to, "+", (a, b) => parts.push([a, b]));
    if (parts.length > 1) {
      const values = parts.map(([a, b]) => this.eval(toks, a, b));
      if (values.some((v) => typeof v !== "string" && !isSample(v))) throw new Unsupported("+ of non-strings");
      const sample = values.some(isSample);
      const text = values.map((v) => (isSample(v) ? v.secret : (v as string))).join("");
      return sample ? made(text, values.some((v) => isSample(v) && v.generated === true)) : text;
    }
    return this.term(toks, from, to);
  }

  private term(toks: Tok[], from: number, to: number): Value {
    if (from >= to) throw new Unsupported("empty");
    const t = toks[from];
    if (to - from === 1) {
      if (t.k === "str") return t.v;
      if (t.k === "num") return Number(t.v);
      if (t.k === "id") {
        if (t.v === "nil") return null;
        if (t.v === "true" || t.v === "false") return t.v === "true";
        if (this.scope.has(t.v)) return this.scope.get(t.v)!;
        throw new Unsupported(`unknown name ${t.v}`);
      }
    }
    if (t.k === "p" && t.v === "(" && closing(toks, from) === to - 1) return this.eval(toks, from + 1, to - 1);
    // []string{...}, []byte(...)
    if (t.k === "p" && t.v === "[" && toks[from + 1]?.v === "]") {
      let i = from + 2;
      while (i < to && toks[i].k === "id") i++;
      if (toks[i]?.v === "{") return this.list(toks, i + 1, closing(toks, i));
      if (toks[i]?.v === "(") return this.eval(toks, i + 1, closing(toks, i));
      throw new Unsupported("composite");
    }
    if (t.k === "id" && toks[from + 1]?.v === "(" && closing(toks, from + 1) === to - 1) {
      const args = this.list(toks, from + 2, to - 1);
      return this.call(t.v, args);
    }
    if (t.k === "id" && toks[from + 1]?.v === "(" && toks[closing(toks, from + 1) + 1]?.v === "...") {
      return this.call(t.v, this.list(toks, from + 2, closing(toks, from + 1)));
    }
    throw new Unsupported(`expression ${toks.slice(from, Math.min(to, from + 4)).map((x) => x.v).join(" ")}`);
  }

  /** Comma-separated expressions in toks[from, to); a trailing `...` spreads a list. */
  list(toks: Tok[], from: number, to: number): Value[] {
    const out: Value[] = [];
    const push = (a: number, b: number) => {
      if (a >= b) return;
      let spread = false;
      if (toks[b - 1].v === "..." && toks[b - 1].k === "p") (b--, (spread = true));
      const v = this.eval(toks, a, b);
      if (spread && Array.isArray(v)) out.push(...v);
      else out.push(v);
    };
    eachTopLevel(toks, from, to, ",", push);
    return out;
  }

  /** Like list(), but elements that cannot be evaluated are dropped instead of failing all. */
  listLoose(toks: Tok[], from: number, to: number): Value[] {
    const out: Value[] = [];
    const push = (a: number, b: number) => {
      if (a >= b) return;
      try {
        out.push(...this.list(toks, a, b));
      } catch (e) {
        if (!(e instanceof Unsupported)) throw e;
      }
    };
    eachTopLevel(toks, from, to, ",", push);
    return out;
  }

  call(name: string, args: Value[]): Value {
    const str = (v: Value) => {
      if (typeof v === "string") return v;
      if (isSample(v)) return v.secret;
      throw new Unsupported(`${name}: not a string`);
    };
    const size = (v: Value) => String(v);
    switch (name) {
      case "secrets.NewSecret":
        return { secret: generate(str(args[0]), this.rng), generated: true };
      case "utils.Numeric":
        return `[0-9]{${size(args[0])}}`;
      case "utils.Hex":
        return `[a-f0-9]{${size(args[0])}}`;
      case "utils.AlphaNumeric":
        return `[a-z0-9]{${size(args[0])}}`;
      case "utils.AlphaNumericExtendedShort":
        return `[a-z0-9_-]{${size(args[0])}}`;
      case "utils.AlphaNumericExtended":
        return `[a-z0-9=_\\-]{${size(args[0])}}`;
      case "utils.AlphaNumericExtendedLong":
        return `[a-z0-9\\/=_\\+\\-]{${size(args[0])}}`;
      case "utils.Hex8_4_4_4_12":
        return `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`;
      case "utils.GenerateSampleSecret":
      case "utils.GenerateSampleSecrets": {
        const sample = { secret: str(args[1]), generated: isSample(args[1]) && args[1].generated, line: `${str(args[0])}_api_token = "${str(args[1])}"` };
        return name.endsWith("s") ? [sample] : sample;
      }
      case "strings.Repeat":
        return str(args[0]).repeat(Number(args[1]));
      case "strings.ToUpper":
        return str(args[0]).toUpperCase();
      case "strings.ToLower":
        return str(args[0]).toLowerCase();
      case "string":
        return str(args[0]);
      case "fmt.Sprintf": {
        const format = str(args[0]);
        let n = 1;
        const text = format.replace(/%[-+# 0-9.]*[svdqx%]/g, (spec) => {
          if (spec === "%%") return "%";
          const v = args[n++];
          if (spec.endsWith("q")) return JSON.stringify(str(v));
          return typeof v === "number" ? String(v) : str(v);
        });
        return args.slice(1).some(isSample) ? made(text, args.some((v) => isSample(v) && v.generated === true)) : text;
      }
      case "regexp.MustCompile":
        return str(args[0]);
      case "utils.GenerateUniqueTokenRegex":
        return uniqueTokenRegex(str(args[0]), args[1] === true);
      case "utils.GenerateSemiGenericRegex":
        if (!Array.isArray(args[0])) throw new Unsupported("identifiers");
        return semiGenericRegex(args[0].map(str), str(args[1]), args[2] === true);
      case "append": {
        const [first, ...rest] = args;
        return [...(Array.isArray(first) ? first : []), ...rest.flatMap((v) => (Array.isArray(v) ? v : [v]))];
      }
      default:
        throw new Unsupported(`call ${name}`);
    }
  }
}

export const isSample = (v: Value): v is Sample => typeof v === "object" && v !== null && !Array.isArray(v) && "secret" in v;

// ---------------------------------------------------------------------------------------------
// Random strings for a regex subset: literals, escapes, classes with ranges, groups with
// alternatives, quantifiers ({n}, {n,m}, {n,}, *, +, ?). Open-ended repeats get a few more.

export function generate(pattern: string, rng: Rng): string {
  let i = 0;
  const src = pattern.replace(/^\(\?[a-z]+\)/, "");
  const classChars = (): string[] => {
    // at src[i] === "["
    i++;
    let negate = false;
    if (src[i] === "^") (negate = true), i++;
    const set: string[] = [];
    let first = true;
    while (i < src.length && (src[i] !== "]" || first)) {
      first = false;
      let c = src[i++];
      if (c === "[" && src[i] === ":") {
        const end = src.indexOf(":]", i);
        const name = src.slice(i + 1, end);
        i = end + 2;
        const named: Record<string, string> = { alnum: "a-zA-Z0-9", alpha: "a-zA-Z", digit: "0-9", upper: "A-Z", lower: "a-z", xdigit: "0-9a-f" };
        set.push(...expand(named[name] ?? "a-z"));
        continue;
      }
      if (c === "\\") {
        const e = src[i++];
        const esc = escapeSet(e);
        if (esc) {
          set.push(...esc);
          continue;
        }
        c = e === "n" ? "\n" : e === "t" ? "\t" : e;
      }
      if (src[i] === "-" && src[i + 1] !== "]" && i + 1 < src.length) {
        i++;
        let d = src[i++];
        if (d === "\\") d = src[i++];
        for (let x = c.charCodeAt(0); x <= d.charCodeAt(0); x++) set.push(String.fromCharCode(x));
      } else set.push(c);
    }
    i++; // ]
    if (negate) {
      const all = expand("a-zA-Z0-9");
      return all.filter((c) => !set.includes(c));
    }
    return set.length ? set : ["x"];
  };
  const atom = (): (() => string) => {
    const c = src[i];
    if (c === "(") {
      i++;
      if (src[i] === "?") {
        // (?:  (?i:  (?P<name>  (?-i:
        if (src[i + 1] === "P" || src[i + 1] === "<") {
          i = src.indexOf(">", i) + 1;
        } else {
          while (i < src.length && src[i] !== ":" && src[i] !== ")") i++;
          if (src[i] === ")") {
            i++;
            return () => "";
          }
          i++;
        }
      }
      const alts = alternatives();
      i++; // )
      return () => alts[Math.floor(rng.next() * (alts.length))]();
    }
    if (c === "[") {
      const set = classChars();
      return () => set[Math.floor(rng.next() * (set.length))];
    }
    if (c === "\\") {
      const e = src[i + 1];
      i += 2;
      const esc = escapeSet(e);
      if (esc) return () => esc[Math.floor(rng.next() * (esc.length))];
      if (e === "b" || e === "B" || e === "A" || e === "z") return () => "";
      if (e === "x") {
        const hex = src.slice(i, i + 2);
        i += 2;
        return () => String.fromCharCode(parseInt(hex, 16));
      }
      const lit = e === "n" ? "\n" : e === "t" ? "\t" : e;
      return () => lit;
    }
    if (c === "." ) {
      i++;
      const set = expand("a-zA-Z0-9");
      return () => set[Math.floor(rng.next() * (set.length))];
    }
    if (c === "^" || c === "$") {
      i++;
      return () => "";
    }
    i++;
    return () => c;
  };
  const sequence = (): (() => string)[] => {
    const items: (() => string)[] = [];
    while (i < src.length && src[i] !== "|" && src[i] !== ")") {
      const a = atom();
      let min = 1;
      let max = 1;
      const q = src[i];
      if (q === "{" && /^\{\d+(,\d*)?\}/.test(src.slice(i))) {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i))!;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === "" ? min + 8 : Number(m[3]);
        i += m[0].length;
      } else if (q === "*") (min = 0), (max = 6), i++;
      else if (q === "+") (min = 1), (max = 8), i++;
      else if (q === "?") (min = 0), (max = 1), i++;
      if (src[i] === "?" || src[i] === "+") i++; // lazy / possessive
      const lo = min;
      const hi = max;
      items.push(() => {
        let s = "";
        const n = lo + Math.floor(rng.next() * (hi - lo + 1));
        for (let k = 0; k < n; k++) s += a();
        return s;
      });
    }
    return items;
  };
  const alternatives = (): (() => string)[] => {
    const alts: (() => string)[] = [];
    for (;;) {
      const seq = sequence();
      alts.push(() => seq.map((f) => f()).join(""));
      if (src[i] !== "|") break;
      i++;
    }
    return alts;
  };
  const top = alternatives();
  return top[Math.floor(rng.next() * (top.length))]();
}

function expand(spec: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < spec.length; i++) {
    if (spec[i + 1] === "-" && i + 2 < spec.length) {
      for (let x = spec.charCodeAt(i); x <= spec.charCodeAt(i + 2); x++) out.push(String.fromCharCode(x));
      i += 2;
    } else out.push(spec[i]);
  }
  return out;
}

function escapeSet(e: string): string[] | undefined {
  if (e === "d") return expand("0-9");
  if (e === "w") return expand("a-zA-Z0-9_");
  if (e === "s") return [" "];
  return undefined;
}

// ---------------------------------------------------------------------------------------------

/** Go RE2 syntax to a JavaScript RegExp (approximate: inline flags become global ones). */
export function goRegex(pattern: string): RegExp | undefined {
  let flags = "";
  let p = pattern;
  if (/\(\?[a-z]*i[a-z]*\)/.test(p) || /\(\?i:/.test(p)) flags += "i";
  if (/\(\?[a-z]*s[a-z]*[:)]/.test(p)) flags += "s";
  p = p.replace(/\(\?[a-z]+\)/g, "").replace(/\(\?-?[a-z]+(-[a-z]+)?:/g, "(?:").replace(/\(\?P</g, "(?<").replace(/\\z/g, "$").replace(/\\A/g, "^");
  p = p.replace(/\[\[:alnum:\]\]/g, "[A-Za-z0-9]").replace(/\[:alnum:\]/g, "A-Za-z0-9").replace(/\[:alpha:\]/g, "A-Za-z").replace(/\[:digit:\]/g, "0-9");
  for (const f of ["", "u"]) {
    try {
      return new RegExp(p, flags + f);
    } catch {
      // try the next flag set
    }
  }
  return undefined;
}

/** gitleaks' utils.GenerateUniqueTokenRegex / GenerateSemiGenericRegex, as text. */
export function uniqueTokenRegex(secret: string, caseInsensitive: boolean): string {
  return `${caseInsensitive ? "(?i)" : ""}\\b(${secret})(?:[\\x60'"\\s;]|\\\\[nr]|$)`;
}

export function semiGenericRegex(identifiers: string[], secret: string, caseInsensitive: boolean): string {
  const ids = `[\\w.-]{0,50}?(?:${identifiers.join("|")})(?:[ \\t\\w.-]{0,20})[\\s'"]{0,3}`;
  const head = caseInsensitive ? `(?i)${ids}` : `[\\w.-]{0,50}?(?i:${ids})`;
  return `${head}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'"\\s=]{0,5}(${secret})(?:[\\x60'"\\s;]|\\\\[nr]|$)`;
}

/** Calls `push(a, b)` for each part [a, b) of toks[from, to) between `sep` tokens at bracket depth
 * 0; a `sep` that opens a part (a unary `+`) does not split. */
function eachTopLevel(toks: Tok[], from: number, to: number, sep: string, push: (a: number, b: number) => void): void {
  let depth = 0;
  let start = from;
  for (let i = from; i < to; i++) {
    const t = toks[i];
    if (t.k === "p" && "([{".includes(t.v)) depth++;
    else if (t.k === "p" && ")]}".includes(t.v)) depth--;
    else if (depth === 0 && t.k === "p" && t.v === sep && i > start) (push(start, i), (start = i + 1));
  }
  push(start, to);
}
