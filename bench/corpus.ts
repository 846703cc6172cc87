import { Rng } from "./rng.ts";
export { Rng };
// A deterministic, labelled corpus for measuring the free-text detectors: realistic log lines
// (nginx access, JSON-in-string app logs, klog, Java stack traces, connection strings, header
// dumps, env dumps, syslog) that embed generated secrets of every class, valid by construction
// (Luhn, mod-97, SSA rules, real base64 JSON in JWTs), next to decoys that look alike and must
// stay intact. Each line is a JSON string's content, escaped as Fluent Bit writes it (non-ASCII
// as \uXXXX; sometimes `/` as `\/`, as other JSON writers do), with byte offsets of every label.

export type Detector =
  | "card" | "ssn" | "iban" | "email" | "ipv4" | "ipv6" | "jwt" | "pem_private_key"
  | "aws_access_key_id" | "aws_secret_key" | "github_token" | "slack_token" | "stripe_key"
  | "google_api_key" | "url_password" | "auth_header" | "secret_pair";

export const DETECTORS: Detector[] = [
  "card", "ssn", "iban", "email", "ipv4", "ipv6", "jwt", "pem_private_key", "aws_access_key_id",
  "aws_secret_key", "github_token", "slack_token", "stripe_key", "google_api_key", "url_password",
  "auth_header", "secret_pair",
];

/** A labelled range of a line, in bytes of the escaped text. */
export interface Label {
  /** The detector that must report a secret, or the one a decoy is built to fool. */
  detector: Detector;
  /** For decoys: what it is (uuid, git-sha, luhn-invalid...). */
  kind: string;
  start: number;
  end: number;
}

export interface CorpusLine {
  /** JSON string content (escaped, ASCII only). */
  text: string;
  secrets: Label[];
  decoys: Label[];
}

// ---------------------------------------------------------------------------------------------
// Seeded randomness (mulberry32: small, fast, good enough for test data).


const DIGITS = "0123456789";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const ALNUM = UPPER + LOWER + DIGITS;
const HEX = "0123456789abcdef";
const BASE32 = UPPER + "234567";
const BASE64 = ALNUM + "+/";
const BASE64URL = ALNUM + "-_";

// ---------------------------------------------------------------------------------------------
// Segments: a line is built from text, secrets and decoys, escaped piece by piece (escaping is
// per character, so offsets add up).

type Segment = string | { secret: Detector; value: string } | { decoy: Detector; kind: string; value: string };

const secret = (detector: Detector, value: string): Segment => ({ secret: detector, value });
const decoy = (detector: Detector, kind: string, value: string): Segment => ({ decoy: detector, kind, value });

/** JSON string escaping as Fluent Bit's flb_utils_write_str does it (plus optional `\/`). */
export function jsonEscape(s: string, escapeSlash = false): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (ch === "/" && escapeSlash) out += "\\/";
    else if (c < 0x20 || c === 0x7f || (c >= 0x80 && c <= 0xffff)) out += "\\u" + c.toString(16).padStart(4, "0");
    else if (c > 0xffff) out += "?";
    else out += ch;
  }
  return out;
}

function assemble(segments: Segment[], escapeSlash: boolean): CorpusLine {
  let text = "";
  const secrets: Label[] = [];
  const decoys: Label[] = [];
  for (const segment of segments) {
    if (typeof segment === "string") {
      text += jsonEscape(segment, escapeSlash);
      continue;
    }
    const escaped = jsonEscape(segment.value, escapeSlash);
    const label = { start: text.length, end: text.length + escaped.length };
    if ("secret" in segment) secrets.push({ detector: segment.secret, kind: segment.secret, ...label });
    else decoys.push({ detector: segment.decoy, kind: segment.kind, ...label });
    text += escaped;
  }
  return { text, secrets, decoys };
}

// ---------------------------------------------------------------------------------------------
// Valid secrets.

function luhnCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = body.charCodeAt(body.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

export function luhnValid(digits: string): boolean {
  return luhnCheckDigit(digits.slice(0, -1)) === digits.slice(-1);
}

// [prefix generator, lengths] per network.
const CARD_BRANDS: Array<[(r: Rng) => string, number[]]> = [
  [() => "4", [16, 16, 16, 13, 19]], // Visa
  [(r) => String(r.int(51, 55)), [16]], // Mastercard
  [(r) => String(r.int(2221, 2720)), [16]], // Mastercard 2-series
  [(r) => r.pick(["34", "37"]), [15]], // Amex
  [(r) => r.pick(["6011", "65", String(r.int(644, 649))]), [16, 19]], // Discover
  [(r) => String(r.int(3528, 3589)), [16]], // JCB
  [(r) => r.pick(["36", "38", String(r.int(300, 305))]), [14]], // Diners
  [() => "62", [16, 17, 18, 19]], // UnionPay
  [(r) => r.pick(["50", "56", "57", "58", "6304", "6759"]), [13, 16, 19]], // Maestro
];

export function cardNumber(r: Rng): string {
  const [prefix, lengths] = r.pick(CARD_BRANDS);
  const length = r.pick(lengths);
  const head = prefix(r);
  const body = head + r.digits(length - head.length - 1);
  return body + luhnCheckDigit(body);
}

/** Groups a card number the way people write it: 4-4-4-4(-3), Amex 4-6-5, Diners 4-6-4. */
function groupCard(r: Rng, digits: string): string {
  const style = r.int(0, 3);
  if (style === 0) return digits;
  const sep = style === 1 ? " " : "-";
  const sizes = digits.length === 15 || digits.length === 14 ? [4, 6, digits.length - 10] : [];
  if (sizes.length === 0) for (let left = digits.length; left > 0; left -= 4) sizes.push(Math.min(4, left));
  if (sizes[sizes.length - 1] < 3) return digits; // 13, 17: no usual grouping
  const parts: string[] = [];
  let at = 0;
  for (const size of sizes) {
    parts.push(digits.slice(at, at + size));
    at += size;
  }
  return parts.join(sep);
}

function ssnNumber(r: Rng): string {
  let area = r.int(1, 899);
  if (area === 666) area = 667;
  const group = r.int(1, 99);
  const serial = r.int(1, 9999);
  const sep = r.chance(0.85) ? "-" : " ";
  return [String(area).padStart(3, "0"), String(group).padStart(2, "0"), String(serial).padStart(4, "0")].join(sep);
}

// Country, length and the shape of the account part (n digits, a letters, c alphanumerics).
const IBAN_FORMATS: Array<[string, string]> = [
  ["DE", "18n"], ["FR", "10n11c2n"], ["GB", "4a14n"], ["NL", "4a10n"], ["ES", "20n"], ["IT", "1a10n12c"],
  ["BE", "12n"], ["AT", "16n"], ["CH", "5n12c"], ["PL", "24n"], ["SE", "20n"], ["DK", "14n"],
  ["FI", "14n"], ["IE", "4a14n"], ["PT", "21n"], ["NO", "11n"], ["LU", "3n13c"], ["CZ", "20n"],
  ["HU", "24n"], ["RO", "4a16c"], ["GR", "7n16c"], ["SK", "20n"], ["SI", "15n"], ["HR", "17n"],
  ["LT", "16n"], ["LV", "4a13c"], ["EE", "16n"], ["BG", "4a6n8c"], ["MT", "4a5n18c"], ["CY", "8n16c"],
  ["IS", "22n"], ["LI", "5n12c"], ["MC", "10n11c2n"], ["SM", "1a10n12c"],
];

function ibanBban(r: Rng, shape: string): string {
  let out = "";
  for (const [, count, kind] of shape.matchAll(/(\d+)([nac])/g)) {
    const alphabet = kind === "n" ? DIGITS : kind === "a" ? UPPER : UPPER + DIGITS;
    out += r.string(alphabet, Number(count));
  }
  return out;
}

function mod97(s: string): number {
  let rem = 0;
  for (const ch of s) {
    const v = ch >= "A" && ch <= "Z" ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48;
    rem = (rem * (v > 9 ? 100 : 10) + v) % 97;
  }
  return rem;
}

export function ibanNumber(r: Rng, valid = true): string {
  const [country, shape] = r.pick(IBAN_FORMATS);
  const bban = ibanBban(r, shape);
  let check = 98 - mod97(bban + country + "00");
  if (!valid) check = ((check + r.int(1, 96) - 2) % 97) + 2;
  return country + String(check).padStart(2, "0") + bban;
}

function groupIban(r: Rng, iban: string): string {
  return r.chance(0.5) ? iban : iban.replace(/(.{4})(?=.)/g, "$1 ");
}

const FIRST_NAMES = ["john", "jane", "maria", "li", "ahmed", "olga", "pierre", "anna", "kenji", "fatima", "sam", "noah"];
const LAST_NAMES = ["smith", "doe", "garcia", "wang", "khan", "ivanova", "dupont", "rossi", "sato", "okafor", "lee"];
const DOMAINS = ["example.com", "acme.io", "mail.example.org", "corp.acme-payments.net", "gmail.com", "uni.ac.uk", "shop.example.de"];

function email(r: Rng): string {
  const first = r.pick(FIRST_NAMES);
  const last = r.pick(LAST_NAMES);
  const local = r.pick([`${first}.${last}`, `${first}_${last}`, `${first}${r.int(1, 99)}`, `${first}+${r.pick(["billing", "test", "ci"])}`, `${first[0]}${last}`]);
  return `${local}@${r.pick(DOMAINS)}`;
}

function octet(r: Rng): number {
  return r.pick([r.int(0, 9), r.int(10, 99), r.int(100, 255)]);
}

function ipv4(r: Rng): string {
  return [r.pick([10, 172, 192, 34, 52, 100, r.int(1, 223)]), octet(r), octet(r), octet(r)].join(".");
}

function ipv6(r: Rng): string {
  const group = () => r.int(0, 0xffff).toString(16);
  switch (r.int(0, 4)) {
    case 0:
      return Array.from({ length: 8 }, group).join(":");
    case 1:
      return `2001:db8::${group()}:${group()}`;
    case 2:
      return `fe80::${r.int(1, 0xffff).toString(16)}:${group()}:${group()}:${r.int(1, 9)}${r.string(HEX, 2)}`;
    case 3:
      return `::ffff:${ipv4(r)}`;
    default:
      return `${r.pick(["2600", "2a00", "2406", "2001"])}:${r.int(0x1000, 0xffff).toString(16)}:${group()}::${r.int(1, 0xfff)}`;
  }
}

const base64url = (s: string) => Buffer.from(s).toString("base64url");

function jwt(r: Rng): string {
  const header = JSON.stringify({ alg: r.pick(["HS256", "RS256", "ES256"]), typ: "JWT", ...(r.chance(0.5) ? { kid: r.string(HEX, 8) } : {}) });
  const payload = JSON.stringify({ sub: r.string(DIGITS, 8), name: r.pick(FIRST_NAMES), iat: 1700000000 + r.int(0, 9999999), ...(r.chance(0.5) ? { scope: "read write" } : {}) });
  const signature = r.chance(0.05) ? "" : r.string(BASE64URL, r.pick([43, 86, 342]));
  return `${base64url(header)}.${base64url(payload)}.${signature}`;
}

function pemKey(r: Rng): string {
  const label = r.pick(["RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "DSA PRIVATE KEY"]);
  const lines = Array.from({ length: r.int(2, 8) }, () => r.string(BASE64, 64));
  lines.push(r.string(BASE64, r.int(4, 60)) + "==");
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----`;
}

const awsKeyId = (r: Rng) => r.pick(["AKIA", "ASIA", "AIDA", "AROA", "AGPA", "ANPA", "ANVA", "AIPA"]) + r.string(BASE32, 16);
const awsSecret = (r: Rng) => r.string(BASE64, 40);
const githubToken = (r: Rng) =>
  r.chance(0.8) ? `gh${r.pick(["p", "o", "u", "s", "r"])}_${r.string(ALNUM, 36)}` : `github_pat_${r.string(ALNUM, 22)}_${r.string(ALNUM, 59)}`;
const slackToken = (r: Rng) => `xox${r.pick(["b", "p", "a", "r", "s"])}-${r.digits(r.int(10, 13))}-${r.digits(r.int(10, 13))}-${r.string(ALNUM, r.pick([24, 32]))}`;
const stripeKey = (r: Rng) => `${r.pick(["sk", "rk"])}_${r.pick(["live", "live", "test"])}_${r.string(ALNUM, r.pick([24, 34, 99]))}`;
const googleApiKey = (r: Rng) => `AIza${r.string(BASE64URL, 35)}`;
const opaqueToken = (r: Rng) => r.string(ALNUM, r.int(24, 48)) + r.pick(["", "." + r.string(ALNUM, 12), "-" + r.string(ALNUM, 8)]);
// Characters people put in passwords that still end at the usual separators when unquoted.
const PASSWORD_CHARS = ALNUM + "!#$%*+-.^_~";
const password = (r: Rng) => r.string(PASSWORD_CHARS, r.int(8, 24));
// RFC 3986 userinfo characters that need no percent-encoding.
const urlPassword = (r: Rng) => r.string(ALNUM + "!$*+-._~", r.int(8, 24));

// ---------------------------------------------------------------------------------------------
// Snippets: a secret in one of the contexts it appears in. `kv` and `json` are the styles of the
// surrounding line, so a snippet fits in a query string, a JSON object or free text.

type Style = "text" | "kv" | "json";
type Snippet = (r: Rng, style: Style) => Segment[];

/** `name value` in text, `name=value` in kv, `"name":"value"` in JSON (not sensitive names). */
function named(style: Style, name: string, value: Segment): Segment[] {
  if (style === "json") return [`"${name}":"`, value, '"'];
  if (style === "kv") return [`${name}=`, value];
  return [`${name} `, value];
}

const SENSITIVE_KEYS = [
  "password", "db_password", "DB_PASSWORD", "passwd", "pwd", "userPassword", "secret", "client_secret",
  "api_key", "apikey", "api-key", "X-Api-Key", "access_token", "refresh_token", "auth_token", "token",
  "private_key", "credentials", "SMTP_PASSWORD", "redis.password", "accessKey", "clientSecret",
];

const SECRETS: Record<Detector, Snippet> = {
  card: (r, style) => named(style, r.pick(["card", "pan", "cc", "card_number"]), secret("card", groupCard(r, cardNumber(r)))),
  ssn: (r, style) => named(style, r.pick(["ssn", "SSN", "social"]), secret("ssn", ssnNumber(r))),
  iban: (r, style) => named(style, r.pick(["iban", "IBAN", "payout_account"]), secret("iban", groupIban(r, ibanNumber(r)))),
  email: (r, style) => (style === "text" && r.chance(0.5) ? [r.pick(["notify ", "from <", "user "]), secret("email", email(r)), r.pick(["", ">", ","])] : named(style, r.pick(["email", "user", "to"]), secret("email", email(r)))),
  ipv4: (r, style) => (style === "text" && r.chance(0.5) ? ["from ", secret("ipv4", ipv4(r)), r.pick([" port 443", ":8080", ""])] : named(style, r.pick(["client", "remote_addr", "src_ip", "peer"]), secret("ipv4", ipv4(r)))),
  ipv6: (r, style) => (style === "text" && r.chance(0.5) ? ["peer [", secret("ipv6", ipv6(r)), "]:443"] : named(style, r.pick(["client", "remote_addr", "src_ip6"]), secret("ipv6", ipv6(r)))),
  jwt: (r, style) =>
    r.pick([
      () => named(style, r.pick(["jwt", "session", "id_token", "access_token"]), secret("jwt", jwt(r))),
      () => ["Authorization: Bearer ", secret("jwt", jwt(r))],
      () => ["verifying ", secret("jwt", jwt(r))],
    ])(),
  pem_private_key: (r, style) => (style === "json" ? ['"private_key":"', secret("pem_private_key", pemKey(r)), '"'] : ["loaded key:\n", secret("pem_private_key", pemKey(r)), "\n"]),
  aws_access_key_id: (r, style) => named(style, r.pick(["AWS_ACCESS_KEY_ID", "AccessKeyId", "access_key_id", "key"]), secret("aws_access_key_id", awsKeyId(r))),
  aws_secret_key: (r, style) => {
    const name = r.pick(["aws_secret_access_key", "AWS_SECRET_ACCESS_KEY", "SecretAccessKey", "aws_secret_key", "secret_access_key"]);
    if (style === "json") return [`"${name}":"`, secret("aws_secret_key", awsSecret(r)), '"'];
    return [name, r.pick(["=", " = ", ": "]), secret("aws_secret_key", awsSecret(r))];
  },
  github_token: (r, style) => (r.chance(0.5) ? named(style, r.pick(["GITHUB_TOKEN", "token", "GH_TOKEN"]), secret("github_token", githubToken(r))) : ["cloning with ", secret("github_token", githubToken(r))]),
  slack_token: (r, style) => named(style, r.pick(["SLACK_BOT_TOKEN", "slack", "token"]), secret("slack_token", slackToken(r))),
  stripe_key: (r, style) => named(style, r.pick(["STRIPE_SECRET_KEY", "stripe", "key"]), secret("stripe_key", stripeKey(r))),
  google_api_key: (r, style) => named(style, r.pick(["key", "api_key", "GOOGLE_API_KEY", "maps"]), secret("google_api_key", googleApiKey(r))),
  url_password: (r) => {
    const [scheme, port] = r.pick([["postgres", 5432], ["mysql", 3306], ["mongodb+srv", 0], ["redis", 6379], ["amqp", 5672], ["https", 3128]] as const);
    const user = scheme === "redis" && r.chance(0.5) ? "" : r.pick(["app", "admin", "svc_orders", "root", "guest"]);
    const pw = r.chance(0.1) ? urlPassword(r) + "@" + r.string(ALNUM, 4) : urlPassword(r);
    const host = r.pick(["db-1.internal", "cache.prod.svc.cluster.local", "10.0.3.7", "cluster0.ab1cd.mongodb.net", "proxy.corp"]);
    const tail = `${port ? ":" + port : ""}/${r.pick(["orders", "0", "app?sslmode=require", ""])}`;
    return [`${scheme}://${user}:`, secret("url_password", pw), "@", /^[\d.]+$/.test(host) ? secret("ipv4", host) : host, tail];
  },
  auth_header: (r, style) => {
    const [scheme, credential] = r.pick([
      ["Bearer", () => opaqueToken(r)],
      ["Basic", () => Buffer.from(`${r.pick(FIRST_NAMES)}:${password(r)}`).toString("base64")],
      ["Token", () => r.string(HEX, 40)],
    ] as const);
    const value = secret("auth_header", credential());
    if (style === "json") return [`"${r.pick(["Authorization", "authorization"])}":"${scheme} `, value, '"'];
    if (style === "kv") return [`authorization=${scheme} `, value];
    return [`${r.pick(["Authorization", "authorization", "Proxy-Authorization"])}: ${scheme} `, value];
  },
  secret_pair: (r, style) => {
    const key = r.pick(SENSITIVE_KEYS);
    if (style === "json") return [`"${key}":"`, secret("secret_pair", r.chance(0.2) ? `${password(r)} ${password(r)}` : password(r)), '"'];
    if (style === "kv") return [`${key}=`, secret("secret_pair", password(r))];
    return r.pick([
      () => [`${key}: `, secret("secret_pair", password(r))],
      () => [`${key}='`, secret("secret_pair", `${password(r)} ${password(r)}`), "'"],
      () => [`${key} = "`, secret("secret_pair", password(r)), '"'],
      () => [`{'${key}': '`, secret("secret_pair", password(r)), "'}"],
    ])();
  },
};

// ---------------------------------------------------------------------------------------------
// Decoys: things that look like secrets and are not, each aimed at the detector it could fool.

function luhnInvalid(r: Rng): string {
  const body = r.pick(["4", "5" + r.int(1, 5), "37", "6011"]) + r.digits(10);
  const full = body + r.digits(15 - body.length);
  const check = luhnCheckDigit(full);
  return full + String((Number(check) + r.int(1, 9)) % 10);
}

function uuid(r: Rng): string {
  const h = (n: number) => r.string(HEX, n);
  return `${h(8)}-${h(4)}-4${h(3)}-${r.pick(["8", "9", "a", "b"])}${h(3)}-${h(12)}`;
}

/** A hex id with at least one letter (an all-digit one is a number, not a hex id). */
function hexId(r: Rng, length: number): string {
  const s = r.string(HEX, length - 1);
  const at = r.int(0, length - 1);
  return s.slice(0, at) + r.pick(["a", "b", "c", "d", "e", "f"]) + s.slice(at);
}

function invalidSsn(r: Rng): string {
  const parts = [r.digits(3).replace(/^(000|666|9..)$/, "123"), String(r.int(1, 99)).padStart(2, "0"), String(r.int(1, 9999)).padStart(4, "0")];
  const broken = r.int(0, 4);
  if (broken === 0) parts[0] = "000";
  else if (broken === 1) parts[0] = "666";
  else if (broken === 2) parts[0] = String(r.int(900, 999));
  else if (broken === 3) parts[1] = "00";
  else parts[2] = "0000";
  return parts.join("-");
}

const timestamp = (r: Rng) => `2024-${String(r.int(1, 12)).padStart(2, "0")}-${String(r.int(1, 28)).padStart(2, "0")}T${String(r.int(0, 23)).padStart(2, "0")}:${String(r.int(0, 59)).padStart(2, "0")}:${String(r.int(0, 59)).padStart(2, "0")}.${r.digits(3)}Z`;
const clock = (r: Rng) => `${String(r.int(0, 23)).padStart(2, "0")}:${String(r.int(0, 59)).padStart(2, "0")}:${String(r.int(0, 59)).padStart(2, "0")}`;
const podName = (r: Rng) => `${r.pick(["payments-api", "checkout", "auth-svc", "web"])}-${r.string("bcdfghjklmnpqrstvwxz2456789", 9)}-${r.string("bcdfghjklmnpqrstvwxz2456789", 5)}`;
const mac = (r: Rng, sep: string) => Array.from({ length: 6 }, () => r.string(HEX, 2)).join(sep);

const DECOYS: Array<[Detector, string, (r: Rng) => Segment[]]> = [
  ["card", "luhn-invalid", (r) => [r.pick(["order ", "txn=", "id "]), decoy("card", "luhn-invalid", r.chance(0.7) ? luhnInvalid(r) : groupCard(r, luhnInvalid(r)))]],
  ["card", "epoch-ms", (r) => ["ts=", decoy("card", "epoch-ms", String(1700000000000 + r.int(0, 99999999999)))]],
  ["card", "epoch-ns", (r) => ["time_unix_nano=", decoy("card", "epoch-ns", "17" + r.digits(17))]],
  ["card", "numeric-id", (r) => ["account ", decoy("card", "numeric-id", r.pick(["1", "7", "8", "9"]) + r.digits(15))]],
  ["ssn", "nine-digits", (r) => [r.pick(["zip+4 ", "npi=", "routing "]), decoy("ssn", "nine-digits", String(r.int(100000000, 999999999)))]],
  ["ssn", "invalid-ssn", (r) => ["ref ", decoy("ssn", "invalid-ssn", invalidSsn(r))]],
  ["ssn", "phone", (r) => ["call ", decoy("ssn", "phone", r.pick([`+1-${r.int(200, 999)}-${r.int(200, 999)}-${r.digits(4)}`, `(${r.int(200, 999)}) ${r.int(200, 999)}-${r.digits(4)}`, `${r.int(200, 999)}.${r.int(200, 999)}.${r.digits(4)}`, `+44 20 ${r.digits(4)} ${r.digits(4)}`]))]],
  ["ssn", "date", (r) => ["on ", decoy("ssn", "date", `${r.int(2019, 2025)}-${String(r.int(1, 12)).padStart(2, "0")}-${String(r.int(1, 28)).padStart(2, "0")}`)]],
  ["iban", "bad-checksum", (r) => ["iban_draft=", decoy("iban", "bad-checksum", ibanNumber(r, false))]],
  ["iban", "upper-code", (r) => ["sku ", decoy("iban", "upper-code", r.pick(["DE", "FR", "GB"]) + r.digits(2) + r.string(UPPER, 4) + r.digits(6))]],
  ["email", "java-object", (r) => ["lock ", decoy("email", "java-object", `java.lang.Object@${r.string(HEX, 8)}`)]],
  ["email", "image-digest", (r) => ["image ", decoy("email", "image-digest", `nginx@sha256:${r.string(HEX, 64)}`)]],
  ["email", "scoped-package", (r) => ["using ", decoy("email", "scoped-package", `@${r.pick(["acme", "types", "babel"])}/core@${r.int(1, 9)}.${r.int(0, 20)}.${r.int(0, 9)}`)]],
  ["ipv4", "version", (r) => {
    const v = `${r.int(1, 20)}.${r.int(0, 9)}.${r.int(0, 30)}.${r.int(0, 200)}`;
    return r.pick([
      () => ["v", decoy("ipv4", "version", v)],
      () => ["version ", decoy("ipv4", "version", v)],
      () => ["app_version=", decoy("ipv4", "version", v)],
      () => ['"version":"', decoy("ipv4", "version", v), '"'],
      () => ["build ", decoy("ipv4", "version", `${v}.${r.int(0, 99)}`)],
    ])();
  }],
  ["ipv4", "oid", (r) => ["oid ", decoy("ipv4", "oid", `1.3.6.1.4.1.${r.int(100, 99999)}.${r.int(1, 9)}`)]],
  ["ipv4", "out-of-range", (r) => ["addr ", decoy("ipv4", "out-of-range", `${r.int(256, 999)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(0, 255)}`)]],
  ["ipv6", "mac", (r) => ["hwaddr ", decoy("ipv6", "mac", mac(r, r.pick([":", "-"])))]],
  ["ipv6", "clock", (r) => ["at ", decoy("ipv6", "clock", r.chance(0.5) ? clock(r) : `${clock(r)}.${r.digits(3)}`)]],
  ["ipv6", "timestamp", (r) => ["ts=", decoy("ipv6", "timestamp", timestamp(r))]],
  ["ipv6", "cpp-scope", (r) => ["in ", decoy("ipv6", "cpp-scope", r.pick(["std::vector", "Abc::Def", "boost::asio", "Face::add"]))]],
  ["jwt", "truncated-jwt", (r) => ["hdr ", decoy("jwt", "truncated-jwt", base64url('{"alg":"HS256","typ":"JWT"}'))]],
  ["pem_private_key", "certificate", (r) => ["cert:\n", decoy("pem_private_key", "certificate", `-----BEGIN ${r.pick(["CERTIFICATE", "PUBLIC KEY", "CERTIFICATE REQUEST"])}-----\n${r.string(BASE64, 64)}\n-----END CERTIFICATE-----`), "\n"]],
  ["aws_access_key_id", "short-akia", (r) => ["id ", decoy("aws_access_key_id", "short-akia", "AKIA" + r.string(BASE32, r.pick([10, 15, 17])))]],
  ["aws_secret_key", "git-sha", (r) => ["commit ", decoy("aws_secret_key", "git-sha", r.string(HEX, 40))]],
  ["aws_secret_key", "sha256", (r) => ["digest sha256:", decoy("aws_secret_key", "sha256", r.string(HEX, 64))]],
  ["github_token", "gh-word", (r) => ["branch ", decoy("github_token", "gh-word", r.pick(["gh-pages", "ghp_short", "gho_" + r.string(ALNUM, 20)]))]],
  ["slack_token", "short-xox", (r) => ["ref ", decoy("slack_token", "short-xox", "xoxb-" + r.digits(6))]],
  ["stripe_key", "publishable", (r) => ["pk ", decoy("stripe_key", "publishable", `pk_live_${r.string(ALNUM, 24)}`)]],
  ["google_api_key", "short-aiza", (r) => ["k ", decoy("google_api_key", "short-aiza", `AIza${r.string(BASE64URL, 20)}`)]],
  ["url_password", "url-no-userinfo", (r) => ["GET ", decoy("url_password", "url-no-userinfo", r.pick([`https://api.example.com:8443/v1/orders/${r.int(1, 99999)}`, `https://api.example.com/v1/search?q=${r.pick(WORDS)}`, `http://localhost:${r.int(1024, 65535)}/healthz`]))]],
  ["auth_header", "auth-word", (r) => [decoy("auth_header", "auth-word", r.pick(["Authorization header missing", "authorization_code grant", "Authorization failed for role admin"]))]],
  ["secret_pair", "benign-key", (r) => [decoy("secret_pair", "benign-key", r.pick([`token_count=${r.int(1, 4096)}`, `max_tokens: ${r.int(1, 4096)}`, `password_policy=strict`, `secretName=db-creds`, `passwordless=true`, `"token_type":"Bearer"`.replace("Bearer", "bearer")]))]],
  ["card", "hex-id", (r) => ["trace_id=", decoy("card", "hex-id", hexId(r, 32))]],
  ["ssn", "uuid", (r) => ["request_id=", decoy("ssn", "uuid", uuid(r))]],
  ["iban", "pod-name", (r) => ["pod=", decoy("iban", "pod-name", podName(r))]],
  ["aws_access_key_id", "ulid", (r) => ["event ", decoy("aws_access_key_id", "ulid", "01H" + r.string("0123456789ABCDEFGHJKMNPQRSTVWXYZ", 23))]],
];

// ---------------------------------------------------------------------------------------------
// Carriers: whole log lines with places for snippets.

const WORDS = ["request", "completed", "handler", "upstream", "retrying", "connection", "cache", "miss", "session", "order", "created", "updated", "failed", "timeout", "queue", "worker", "batch", "sync", "payment", "invoice"];
const UNICODE_WORDS = ["café", "Müller", "東京", "naïve", "Ωmega", "résumé"];

function filler(r: Rng): string {
  const words = Array.from({ length: r.int(2, 6) }, () => (r.chance(0.08) ? r.pick(UNICODE_WORDS) : r.pick(WORDS)));
  if (r.chance(0.3)) words.push(`latency=${r.int(1, 999)}ms`);
  if (r.chance(0.2)) words.push(`status=${r.pick([200, 201, 404, 500])}`);
  return words.join(" ");
}

const join = (parts: Segment[][], sep: Segment): Segment[] => parts.flatMap((p, i) => (i === 0 ? p : [sep, ...p]));

type Carrier = (r: Rng, pieces: (style: Style) => Segment[][]) => Segment[];

const CARRIERS: Carrier[] = [
  // nginx access log with the client address, and snippets in the query string and at the end.
  (r, pieces) => [
    secret("ipv4", ipv4(r)),
    ` - - [${String(r.int(1, 28)).padStart(2, "0")}/May/2024:${clock(r)} +0000] "GET /api/v1/orders?`,
    ...join(pieces("kv"), "&"),
    ` HTTP/1.1" ${r.pick([200, 302, 404])} ${r.int(100, 99999)} "-" "curl/8.4.0" rt=0.${r.digits(3)}`,
  ],
  // An application's JSON log line carried inside a string (escaped quotes).
  (r, pieces) => [`{"time":"2024-05-01T12:00:00Z","level":"${r.pick(["info", "warn", "error"])}","logger":"com.acme.Checkout","msg":"${filler(r)}",`, ...join(pieces("json"), ","), "}"],
  // klog (Kubernetes components).
  (r, pieces) => [`I0501 ${clock(r)}.${r.digits(6)}       1 controller.go:${r.int(10, 999)}] "${filler(r)}" `, ...join(pieces("kv"), " "), ` pod="default/`, decoy("iban", "pod-name", podName(r)), '"'],
  // Java exception with a stack trace (escaped line breaks and tabs).
  (r, pieces) => [`ERROR [main] c.a.p.PaymentService - ${filler(r)} `, ...join(pieces("text"), " "), `\njava.lang.IllegalStateException: ${filler(r)}\n\tat com.acme.payments.PaymentService.charge(PaymentService.java:${r.int(10, 999)})\n\tat java.base/java.lang.Thread.run(Thread.java:840)`],
  // Connection strings of several drivers.
  (r, pieces) => [
    r.pick([`Server=tcp:db-1.internal,1433;Database=orders;User Id=sa;Password=`, `host=db-1.internal port=5432 dbname=app user=app password=`, `jdbc:mysql://db:3306/app?user=root&password=`]),
    secret("secret_pair", r.string(ALNUM + "!#$%*", r.int(8, 20))),
    r.pick([";Encrypt=true; ", " sslmode=require ", "&useSSL=true "]),
    ...join(pieces("text"), " "),
  ],
  // An HTTP request dump with headers.
  (r, pieces) => [`> POST /v1/charges HTTP/1.1\r\n> Host: api.example.com\r\n> `, ...join(pieces("text"), "\r\n> "), `\r\n> Content-Type: application/json\r\n`],
  // An environment dump.
  (r, pieces) => [`env: HOME=/root LANG=C.UTF-8 `, ...join(pieces("kv"), " "), ` SHLVL=1`],
  // syslog.
  (r, pieces) => [`May  1 ${clock(r)} node-${r.int(1, 9)} sshd[${r.int(100, 99999)}]: ${filler(r)} `, ...join(pieces("text"), " "), ` port ${r.int(1024, 65535)} ssh2`],
];

// Carriers with no secret of their own (the nginx client address and the connection string's
// password are secrets).
const PLAIN_CARRIERS = CARRIERS.filter((_, i) => i !== 0 && i !== 4);

/** About `bytes` of log text (lines joined by escaped line breaks), for benchmarks. */
export function logText(bytes: number, options: CorpusOptions = {}): string {
  let text = "";
  for (const line of generateCorpus({ lines: Math.ceil(bytes / 100), ...options })) {
    text += (text ? "\\n" : "") + line.text;
    if (text.length >= bytes) break;
  }
  return text.slice(0, bytes).replace(/\\u?[0-9a-f]{0,3}$|\\$/, "");
}

// ---------------------------------------------------------------------------------------------

export interface CorpusOptions {
  seed?: number;
  lines?: number;
  /** Secrets per line (default 1-3; 0 gives plain log text with decoys only). */
  secrets?: [number, number];
}

/** The corpus: `lines` log lines, each with 1-3 secrets and 1-3 decoys, secrets cycling through
 * every detector so each class gets the same share. */
export function generateCorpus({ seed = 1, lines = 6000, secrets = [1, 3] }: CorpusOptions = {}): CorpusLine[] {
  const r = new Rng(seed);
  const out: CorpusLine[] = [];
  let nextDetector = 0;
  let nextDecoy = 0;
  for (let l = 0; l < lines; l++) {
    const carrier = r.pick(secrets[1] === 0 ? PLAIN_CARRIERS : CARRIERS);
    const secretsHere = r.int(secrets[0], secrets[1]);
    const decoysHere = r.int(1, 3);
    const pieces = (style: Style): Segment[][] => {
      const list: Segment[][] = [];
      for (let s = 0; s < secretsHere; s++) list.push(SECRETS[DETECTORS[nextDetector++ % DETECTORS.length]](r, style));
      for (let d = 0; d < decoysHere; d++) {
        const segments = DECOYS[nextDecoy++ % DECOYS.length][2](r);
        list.push(style === "json" ? ['"detail":"', ...segments, '"'] : segments);
      }
      if (r.chance(0.5)) list.push([filler(r)].map((f) => (style === "json" ? `"note":"${f}"` : style === "kv" ? `note=${f.replace(/ /g, "+")}` : f)));
      // Shuffle so secrets and decoys sit next to each other in any order.
      for (let i = list.length - 1; i > 0; i--) {
        const j = r.int(0, i);
        [list[i], list[j]] = [list[j], list[i]];
      }
      return list;
    };
    out.push(assemble(carrier(r, pieces), r.chance(0.1)));
  }
  return out;
}
