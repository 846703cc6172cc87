// The attacker's tools: an implementation of docs/seal-format.md (seal versions 3 and 2) written from
// that page alone, with node:crypto. Nothing here is taken from the module or the verifier
// (assembly/sealing, assembly/crypto, cli/seal-mac.ts, cli/canonical.ts, cli/verify.ts): the tamper
// suite uses it to re-seal, recompute and invent chains the way an outsider who read the
// specification would, and to check that the module's MACs are what the specification says.
// Signed mode (`"a": "ed25519"`) is written from docs/seal-format.md ("Signed mode") and
// docs/signing.md ("The seal in signed mode", "Keys"), likewise with node:crypto only. Keyed
// BLAKE2b (`"a": "blake2b-keyed"`), which node:crypto lacks, comes from @noble/hashes.
import { createHash, createHmac, createPrivateKey, createPublicKey, randomBytes, sign, verify } from "node:crypto";
import { blake2b } from "@noble/hashes/blake2b";

// ---------------------------------------------------------------------------------------------
// JSON, keeping what JSON.parse loses: duplicate member names, number texts as written.

export type JsonNode =
  | { type: "object"; members: [string, JsonNode][] }
  | { type: "array"; items: JsonNode[] }
  | { type: "string"; value: string }
  | { type: "number"; raw: string }
  | { type: "literal"; raw: "true" | "false" | "null" };

export type ObjectNode = Extract<JsonNode, { type: "object" }>;

class Parser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(why: string): never {
    throw new SyntaxError(`${why} at ${this.pos}`);
  }

  ws(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else break;
    }
  }

  value(): JsonNode {
    this.ws();
    const t = this.text;
    const c = t[this.pos];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return { type: "string", value: this.string() };
    if (c === "-" || (c >= "0" && c <= "9")) return this.number();
    for (const raw of ["true", "false", "null"] as const) {
      if (t.startsWith(raw, this.pos)) {
        this.pos += raw.length;
        return { type: "literal", raw };
      }
    }
    return this.fail("unexpected character");
  }

  object(): ObjectNode {
    this.pos++; // {
    const members: [string, JsonNode][] = [];
    this.ws();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return { type: "object", members };
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') this.fail("expected a member name");
      const key = this.string();
      this.ws();
      if (this.text[this.pos] !== ":") this.fail("expected ':'");
      this.pos++;
      members.push([key, this.value()]);
      this.ws();
      const c = this.text[this.pos++];
      if (c === "}") return { type: "object", members };
      if (c !== ",") this.fail("expected ',' or '}'");
    }
  }

  array(): JsonNode {
    this.pos++; // [
    const items: JsonNode[] = [];
    this.ws();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return { type: "array", items };
    }
    for (;;) {
      items.push(this.value());
      this.ws();
      const c = this.text[this.pos++];
      if (c === "]") return { type: "array", items };
      if (c !== ",") this.fail("expected ',' or ']'");
    }
  }

  string(): string {
    const t = this.text;
    this.pos++; // "
    let out = "";
    let run = this.pos;
    for (;;) {
      if (this.pos >= t.length) this.fail("unterminated string");
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        out += t.slice(run, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail("control character in string");
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += t.slice(run, this.pos);
      const e = t[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case '"': out += '"'; break;
        case "\\": out += "\\"; break;
        case "/": out += "/"; break;
        case "b": out += "\b"; break;
        case "f": out += "\f"; break;
        case "n": out += "\n"; break;
        case "r": out += "\r"; break;
        case "t": out += "\t"; break;
        case "u": {
          const hex = t.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("bad \\u escape");
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          this.fail("bad escape");
      }
      run = this.pos;
    }
  }

  number(): JsonNode {
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(this.text.slice(this.pos, this.pos + 2000));
    if (!m || m[0] === "-") this.fail("bad number");
    this.pos += m![0].length;
    return { type: "number", raw: m![0] };
  }
}

export function parseJson(text: string): JsonNode {
  const p = new Parser(text);
  const v = p.value();
  p.ws();
  if (p.pos !== text.length) p.fail("trailing text");
  return v;
}

/** Parses a value at `pos` of `text`; returns it and where it ended. */
export function parseJsonAt(text: string, pos: number): { node: JsonNode; end: number } {
  const p = new Parser(text);
  p.pos = pos;
  const node = p.value();
  return { node, end: p.pos };
}

/** Writes JSON as it was read: number texts verbatim, strings through JSON.stringify, compact. */
export function writeJson(node: JsonNode): string {
  switch (node.type) {
    case "object":
      return "{" + node.members.map(([k, v]) => JSON.stringify(k) + ":" + writeJson(v)).join(",") + "}";
    case "array":
      return "[" + node.items.map(writeJson).join(",") + "]";
    case "string":
      return JSON.stringify(node.value);
    case "number":
      return node.raw;
    case "literal":
      return node.raw;
  }
}

/** A JS value (no duplicates) as a node; numbers as JS writes them, bigints digit for digit. */
export function fromJs(value: unknown): JsonNode {
  if (value === null) return { type: "literal", raw: "null" };
  if (value === true) return { type: "literal", raw: "true" };
  if (value === false) return { type: "literal", raw: "false" };
  if (typeof value === "number") return { type: "number", raw: String(value) };
  if (typeof value === "bigint") return { type: "number", raw: value.toString() };
  if (typeof value === "string") return { type: "string", value };
  if (Array.isArray(value)) return { type: "array", items: value.map(fromJs) };
  if (typeof value === "object") return { type: "object", members: Object.entries(value as object).map(([k, v]) => [k, fromJs(v)]) };
  throw new TypeError(`not JSON: ${String(value)}`);
}

/** The member's value (the last one of that name), or undefined. */
export function member(obj: ObjectNode, name: string): JsonNode | undefined {
  for (let i = obj.members.length - 1; i >= 0; i--) if (obj.members[i][0] === name) return obj.members[i][1];
  return undefined;
}

/** Sets the (last) member of that name, or appends it. */
export function setMember(obj: ObjectNode, name: string, value: JsonNode): void {
  for (let i = obj.members.length - 1; i >= 0; i--) {
    if (obj.members[i][0] === name) {
      obj.members[i][1] = value;
      return;
    }
  }
  obj.members.push([name, value]);
}

export function clone<T extends JsonNode>(node: T): T {
  return structuredClone(node);
}

// ---------------------------------------------------------------------------------------------
// Canonical form: RFC 8785 with seal-format.md's five deviations.

const I64_MIN = -(2n ** 63n);
const U64_MAX = 2n ** 64n - 1n;

/** Lone surrogates (from `\ud800` escapes) as U+FFFD (deviation 5). */
function wellFormed(s: string): string {
  let out = "";
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    out += s.slice(run, i) + "\ufffd";
    run = i + 1;
  }
  return run === 0 ? s : out + s.slice(run);
}

/** Number of significant digits of a shortest-form text (trailing zeros of an integer part do not count). */
function digitsNeeded(shortest: string): number {
  let m = shortest.replace(/^-/, "").split("e")[0].replace(".", "");
  m = m.replace(/^0+/, "").replace(/0+$/, "");
  return Math.max(1, m.length);
}

/** The double's exact value rounded to 16 significant digits, ties to even (what %.16g prints). */
export function roundTo16(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mant = biased === 0 ? fraction : fraction | (1n << 52n);
  const exp2 = (biased === 0 ? 1 : biased) - 1075;
  let digits: string;
  let exp10: number;
  if (exp2 >= 0) {
    digits = (mant << BigInt(exp2)).toString();
    exp10 = 0;
  } else {
    digits = (mant * 5n ** BigInt(-exp2)).toString();
    exp10 = exp2;
  }
  if (digits.length > 16) {
    const keep = BigInt(digits.slice(0, 16));
    const rest = digits.slice(16);
    const half = "5" + "0".repeat(rest.length - 1);
    let rounded = keep;
    if (rest > half || (rest === half && (keep & 1n) === 1n)) rounded = keep + 1n;
    exp10 += rest.length;
    digits = rounded.toString();
  }
  const y = Number(`${digits}e${exp10}`);
  return x < 0 ? -y : y;
}

export function canonicalNumber(raw: string): string {
  if (/^-?(?:0|[1-9][0-9]*)$/.test(raw)) {
    const v = BigInt(raw);
    if (v >= I64_MIN && v <= U64_MAX) return v.toString(); // deviation 1 ("-0" is "0")
  }
  let x = Number(raw);
  if (x === Infinity) return "Infinity"; // deviation 3
  if (x === -Infinity) return "-Infinity";
  if (digitsNeeded(String(x)) >= 17) x = roundTo16(x); // deviation 2
  return String(x);
}

export function canonicalString(s: string): string {
  return JSON.stringify(wellFormed(s));
}

function byUtf16(a: [string, JsonNode], b: [string, JsonNode]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

export function canonical(node: JsonNode): string {
  switch (node.type) {
    case "object": {
      const members = node.members.map(([k, v]) => [wellFormed(k), v] as [string, JsonNode]);
      members.sort(byUtf16); // stable: duplicates keep document order (deviation 4)
      return "{" + members.map(([k, v]) => canonicalString(k) + ":" + canonical(v)).join(",") + "}";
    }
    case "array":
      return "[" + node.items.map(canonical).join(",") + "]";
    case "string":
      return canonicalString(node.value);
    case "number":
      return canonicalNumber(node.raw);
    case "literal":
      return node.raw;
  }
}

// ---------------------------------------------------------------------------------------------
// The seal.

export interface Evicted {
  c: string;
  n: number;
  m: string;
  d: number;
}

/** A signature object of signed mode (`cp`, `pc`): docs/signing.md. */
export interface SignatureObject {
  e: number;
  s: number;
  w: number;
  pk: string;
  ce?: number;
  cs?: string;
  sg: string;
}

export interface Seal {
  v: number;
  o: string;
  i: string;
  c: string;
  cb?: string;
  s: number;
  t: string;
  a: "blake2b-keyed" | "hmac-sha256" | "sha256" | string;
  k?: string;
  e?: number;
  f?: string;
  w?: number;
  n?: number;
  pv: string;
  g?: "new" | "resume" | string;
  u?: number;
  d?: number;
  x?: Evicted;
  pk?: string;
  pc?: SignatureObject;
  cp?: SignatureObject;
  p: string;
  m: string;
}

const SEAL_ORDER = ["v", "o", "i", "c", "cb", "s", "t", "a", "k", "e", "f", "w", "n", "pv", "g", "d", "x", "pk", "pc", "cp", "p", "m"] as const;
const SIGNATURE_ORDER = ["e", "s", "w", "pk", "ce", "cs", "sg"] as const;
export const ZEROS = "0".repeat(64);

/** The seal written as the module writes it: members in the specification's order. */
export function writeSeal(seal: Seal): string {
  const out: Record<string, unknown> = {};
  for (const name of SEAL_ORDER) if ((seal as any)[name] !== undefined) out[name] = (seal as any)[name];
  for (const name of ["pc", "cp"] as const) {
    const sig = seal[name];
    if (sig) out[name] = Object.fromEntries(SIGNATURE_ORDER.filter((k) => sig[k] !== undefined).map((k) => [k, sig[k]]));
  }
  for (const name of Object.keys(seal)) if (!(name in out) && (seal as any)[name] !== undefined) out[name] = (seal as any)[name];
  return JSON.stringify(out);
}

export function sealFromNode(node: JsonNode): Seal {
  if (node.type !== "object") throw new TypeError("_seal is not an object");
  return JSON.parse(writeJson(node)) as Seal;
}

// ---------------------------------------------------------------------------------------------
// The MAC message and the keys.

function u8(v: number): Buffer {
  return Buffer.from([v]);
}
function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}
function u64(v: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(v));
  return b;
}
function lp(x: Buffer | string): Buffer {
  const bytes = typeof x === "string" ? Buffer.from(x, "utf8") : x;
  return Buffer.concat([u32(bytes.length), bytes]);
}
function hex32(h: string): Buffer {
  const b = Buffer.from(h, "hex");
  if (b.length !== 32) throw new RangeError(`not 64 hex digits: ${h}`);
  return b;
}

export interface Schedule {
  T1: number;
  S: number;
  R: number;
}

export function parseSchedule(f: string): Schedule {
  const [T1, S, R] = f.split("/").map(Number);
  return { T1, S, R };
}

export function splitTime(t: string): { seconds: bigint; nanos: number } {
  const m = /^([0-9]+)\.([0-9]{9})$/.exec(t);
  if (!m) throw new RangeError(`bad seal time ${t}`);
  return { seconds: BigInt(m[1]), nanos: Number(m[2]) };
}

/** M: everything the MAC covers, for this seal and the record's canonical text. */
export function macMessage(seal: Seal, canonicalBody: string): Buffer {
  const signed = seal.a === "ed25519";
  // Signed mode: algorithm byte 3; k and e are in the message as a keyed seal's key id and epoch are.
  const hmac = isKeyed(seal) || signed;
  const algorithm = signed ? 3 : seal.a === "blake2b-keyed" ? 4 : seal.a === "hmac-sha256" ? 1 : 2;
  const parts: Buffer[] = [Buffer.from(`logseal-seal-v${seal.v === 2 ? 2 : 3}\0`, "latin1"), u8(algorithm), lp(seal.o), Buffer.from(seal.i, "hex")];
  if (seal.cb !== undefined) parts.push(u8(1), lp(seal.cb));
  else parts.push(u8(0));
  parts.push(lp(seal.c), u64(seal.s));
  const { seconds, nanos } = splitTime(seal.t);
  parts.push(u64(seconds), u32(nanos));
  parts.push(lp(hmac && seal.k !== undefined ? Buffer.from(seal.k, "hex") : Buffer.alloc(0)));
  parts.push(u64(hmac ? (seal.e ?? 0) : 0));
  if (seal.f !== undefined) {
    const { T1, S, R } = parseSchedule(seal.f);
    parts.push(u8(1), u64(T1), u64(S), u64(R), u64(seal.w ?? 0), u64(seal.n ?? 0));
  } else parts.push(u8(0));
  parts.push(lp(seal.pv));
  if (seal.u !== undefined) parts.push(u8(3), u64(seal.u));
  else parts.push(u8(seal.g === "new" ? 1 : seal.g === "resume" ? 2 : 0));
  parts.push(u64(seal.d ?? 0));
  if (seal.x !== undefined) parts.push(u8(1), lp(seal.x.c), u64(seal.x.n), hex32(seal.x.m), u64(seal.x.d));
  else parts.push(u8(0));
  if (signed) {
    // Just before p: which signed-mode members the seal has, then the published key.
    parts.push(u8((seal.pk !== undefined ? 1 : 0) | (seal.pc !== undefined ? 2 : 0) | (seal.cp !== undefined ? 4 : 0)));
    if (seal.pk !== undefined) parts.push(hex32(seal.pk));
  }
  parts.push(hex32(seal.p));
  parts.push(Buffer.from(canonicalBody, "utf8"));
  return Buffer.concat(parts);
}

/** K0: the key file's text without surrounding whitespace. */
export function keyFromFile(text: string): Buffer {
  return Buffer.from(text.trim(), "utf8");
}

export function keyId(k0: Buffer): string {
  return createHmac("sha256", k0).update("logseal-key-id").digest().subarray(0, 8).toString("hex");
}

const roots = new Map<string, Buffer>();

export function epochRoot(k0: Buffer, o: string, i: string, f: Schedule): Buffer {
  const id = [k0.toString("hex"), o, i, f.T1, f.S, f.R].join("|");
  let root = roots.get(id);
  if (!root) {
    root = createHmac("sha256", k0)
      .update(Buffer.concat([Buffer.from("logseal-epochs-v2\0", "latin1"), lp(o), Buffer.from(i, "hex"), u64(f.T1), u64(f.S), u64(f.R)]))
      .digest();
    roots.set(id, root);
  }
  return root;
}

export function childKey(node: Buffer, bit: number): Buffer {
  return createHmac("sha256", node).update(Buffer.concat([Buffer.from("logseal-epoch-node", "latin1"), u8(bit)])).digest();
}

/** K_e: the leaf of the epoch tree, 32 steps from the root by e's bits, most significant first. */
export function epochKey(k0: Buffer, o: string, i: string, f: Schedule, e: number): Buffer {
  if (!(e >= 1 && e < 2 ** 32)) throw new RangeError(`epoch ${e} out of range`);
  let node = epochRoot(k0, o, i, f);
  for (let bit = 31; bit >= 0; bit--) node = childKey(node, (e >>> bit) & 1);
  return node;
}

/**
 * What a break-in at epoch E yields: the current leaf and the right-hand siblings of its path
 * (the keys from which every later leaf derives, and nothing earlier).
 */
export interface StolenEpochKeys {
  E: number;
  /** depth (0 = child of the root) -> the right sibling node at that depth, where E's path goes left */
  rightSiblings: Map<number, Buffer>;
  leaf: Buffer;
}

export function breakInAt(k0: Buffer, o: string, i: string, f: Schedule, E: number): StolenEpochKeys {
  let node = epochRoot(k0, o, i, f);
  const rightSiblings = new Map<number, Buffer>();
  for (let depth = 0; depth < 32; depth++) {
    const bit = (E >>> (31 - depth)) & 1;
    if (bit === 0) rightSiblings.set(depth, childKey(node, 1));
    node = childKey(node, bit);
  }
  return { E, rightSiblings, leaf: node };
}

/** The key of epoch e ≥ E from what a break-in at E yields; undefined for any earlier epoch. */
export function deriveFromStolen(stolen: StolenEpochKeys, e: number): Buffer | undefined {
  const E = stolen.E;
  if (e < E || e >= 2 ** 32) return undefined;
  if (e === E) return stolen.leaf;
  // The first bit (from the top) where e and E differ: E has 0 there, e has 1.
  let depth = 0;
  while (((e >>> (31 - depth)) & 1) === ((E >>> (31 - depth)) & 1)) depth++;
  let node = stolen.rightSiblings.get(depth);
  if (!node) return undefined;
  for (let d = depth + 1; d < 32; d++) node = childKey(node, (e >>> (31 - d)) & 1);
  return node;
}

/** The epoch the schedule fixes for a record sealed at wall-clock second w as the n-th record. */
export function scheduledEpoch(f: Schedule, w: number, n: number): number {
  const byTime = f.S > 0 ? Math.floor((w - f.T1) / f.S) : 0;
  const byCount = f.R > 0 ? Math.floor(n / f.R) : 0;
  return 1 + Math.max(byTime, byCount);
}

/** How a seal is MACed: plain SHA-256, or HMAC with K0 (the key tree derived as needed), or a raw key. */
export type Signer = { kind: "sha256" } | { kind: "k0"; k0: Buffer } | { kind: "raw"; key: Buffer };

/** Seals whose MAC needs the seal key K: keyed BLAKE2b and HMAC-SHA256. */
export const isKeyed = (seal: Pick<Seal, "a">): boolean => seal.a === "blake2b-keyed" || seal.a === "hmac-sha256";

/** The seal key K a keyed seal needs under this signer (a keyed BLAKE2b seal's MAC key is KB, derived from it). */
export function macKey(signer: Signer, seal: Seal): Buffer | null {
  if (!isKeyed(seal)) return null;
  if (signer.kind === "raw") return signer.key;
  if (signer.kind === "sha256") throw new Error("an HMAC seal needs a key");
  if (seal.f === undefined) return signer.k0;
  return epochKey(signer.k0, seal.o, seal.i, parseSchedule(seal.f), seal.e ?? 0);
}

export function computeMac(seal: Seal, body: ObjectNode, signer: Signer): string {
  const M = macMessage(seal, canonical(body));
  if (seal.a === "blake2b-keyed") {
    // RFC 7693 keyed mode, 32-byte digest, under KB = HMAC-SHA256(K, "logseal-blake2b-mac-key").
    const kb = createHmac("sha256", macKey(signer, seal)!).update("logseal-blake2b-mac-key").digest();
    return Buffer.from(blake2b(M, { key: kb, dkLen: 32 })).toString("hex");
  }
  // Version 3: the MAC is over 0xFF || D, D the first 32 bytes of BLAKE2b-512(M); version 2 over M.
  const message = seal.v === 2 ? M : Buffer.concat([Buffer.of(0xff), createHash("blake2b512").update(M).digest().subarray(0, 32)]);
  // Signed mode: m is the SHA-256 of the message whatever the signer (no key in a link).
  if (seal.a === "ed25519") return createHash("sha256").update(message).digest("hex");
  const key = macKey(signer, seal);
  if (key === null) return createHash("sha256").update(message).digest("hex");
  return createHmac("sha256", key).update(message).digest("hex");
}

// ---------------------------------------------------------------------------------------------
// Lines: the record, `tag: [time, record]` (out_file's default), `[time, record]`, and
// `[[time, metadata], record]` (Fluent Bit's event format with metadata).

export interface Line {
  form: "plain" | "tagged" | "timed";
  tag?: string;
  /** the outer time as written */
  time?: string;
  /** the metadata of `[[time, metadata], record]` */
  meta?: JsonNode;
  /** the record without its last `_seal` member */
  body: ObjectNode;
  seal: Seal;
}

export function parseLine(text: string): Line {
  let pos = 0;
  let form: Line["form"] = "plain";
  let tag: string | undefined;
  let time: string | undefined;
  let meta: JsonNode | undefined;
  const trimmed = text.trimStart();
  let recordNode: JsonNode;
  if (trimmed.startsWith("{")) {
    recordNode = parseJson(text);
  } else {
    if (!trimmed.startsWith("[")) {
      const colon = text.indexOf(": [");
      if (colon < 0) throw new SyntaxError("not a record line");
      tag = text.slice(0, colon);
      pos = colon + 2;
      form = "tagged";
    } else form = "timed";
    const arr = parseJsonAt(text, pos);
    if (arr.node.type !== "array" || arr.node.items.length !== 2) throw new SyntaxError("not [time, record]");
    const [head, r] = arr.node.items;
    let t = head;
    if (head.type === "array" && head.items.length === 2) {
      t = head.items[0];
      meta = head.items[1];
    }
    if (t.type !== "number") throw new SyntaxError("outer time is not a number");
    time = t.raw;
    recordNode = r;
  }
  if (recordNode.type !== "object") throw new SyntaxError("record is not an object");
  const members = recordNode.members;
  const last = members[members.length - 1];
  if (!last || last[0] !== "_seal") throw new SyntaxError("no _seal as the last member");
  const body: ObjectNode = { type: "object", members: members.slice(0, -1) };
  return { form, tag, time, ...(meta ? { meta } : {}), body, seal: sealFromNode(last[1]) };
}

export function recordText(line: Line): string {
  const body = writeJson(line.body);
  const seal = writeSeal(line.seal);
  return body === "{}" ? `{"_seal":${seal}}` : `${body.slice(0, -1)},"_seal":${seal}}`;
}

export function writeLine(line: Line): string {
  const record = recordText(line);
  if (line.form === "plain") return record;
  const time = line.meta ? `[${line.time},${writeJson(line.meta)}]` : line.time;
  const outer = `[${time},${record}]`;
  return line.form === "tagged" ? `${line.tag}: ${outer}` : outer;
}

/** The seal's t as out_file writes an event time (`SECONDS.NANOS`). */
export function asTagged(line: Line, tag = line.seal.c): Line {
  return { ...line, form: "tagged", tag, time: line.seal.t };
}

export function asTimed(line: Line): Line {
  return { ...line, form: "timed", time: line.seal.t };
}

export function cloneLine(line: Line): Line {
  return structuredClone(line);
}

// ---------------------------------------------------------------------------------------------
// Chains.

/** Re-MACs one line in place (p and everything else as they are). */
export function reseal(line: Line, signer: Signer): Line {
  line.seal.m = computeMac(line.seal, line.body, signer);
  return line;
}

/** The chain identity the verifier uses: (o, c). */
export const chainOf = (seal: Seal): string => `${seal.o}\u0000${seal.c}`;

/**
 * Recomputes the links of every chain from `from` on: each line's p becomes the m of the line
 * before it on the same chain (as it now stands; with `u`, the line u before that), then its m is
 * recomputed. `edit` may change a line first (content, seal members). Lines before `from` are
 * kept as they are.
 */
export function rechain(lines: Line[], from: number, signer: Signer | ((line: Line) => Signer), edit?: (line: Line, index: number) => void): Line[] {
  const heads = new Map<string, string>();
  const bySeq = new Map<string, string>(); // chain and seq -> m, for links with u
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const chain = chainOf(line.seal);
    if (i >= from) {
      edit?.(line, i);
      const prev = line.seal.u !== undefined ? bySeq.get(`${chain}\u0000${line.seal.s - 1 - line.seal.u}`) : heads.get(chain);
      if (line.seal.g === "new") line.seal.p = ZEROS;
      else if (prev !== undefined) line.seal.p = prev;
      reseal(line, typeof signer === "function" ? signer(line) : signer);
    }
    heads.set(chainOf(line.seal), line.seal.m);
    bySeq.set(`${chainOf(line.seal)}\u0000${line.seal.s}`, line.seal.m);
  }
  return lines;
}

/** The seal as a keyless attacker rewrites it: plain SHA-256, no key id, epoch or schedule. */
export function downgrade(seal: Seal): void {
  seal.a = "sha256";
  delete seal.pk;
  delete seal.pc;
  delete seal.cp;
  delete seal.k;
  delete seal.e;
  delete seal.f;
  delete seal.w;
  delete seal.n;
}

/** A fresh SHA-256 chain that never came from logseal: genesis and links, all recomputed. */
export function inventChain(opts: { o: string; i: string; c: string; pv: string; bodies: object[]; t0?: number }): Line[] {
  const lines: Line[] = [];
  let p = ZEROS;
  opts.bodies.forEach((b, s) => {
    const seal: Seal = {
      v: 3,
      o: opts.o,
      i: opts.i,
      c: opts.c,
      s,
      t: `${(opts.t0 ?? 1_700_000_000) + s}.000000000`,
      a: "sha256",
      pv: opts.pv,
      ...(s === 0 ? { g: "new" } : {}),
      p,
      m: "",
    };
    const line: Line = { form: "plain", body: fromJs(b) as ObjectNode, seal };
    reseal(line, { kind: "sha256" });
    p = seal.m;
    lines.push(line);
  });
  return lines;
}

/**
 * A seal of version 1 (docs/sealing.md before version 2: no origin, instance or schedule), plain
 * SHA-256: what a keyless attacker would write to try the verifier's handling of the old format.
 * (Version 1 wrote infinite numbers as null; the bodies used with it have none.)
 */
export function inventChainV1(opts: { c: string; pv: string; bodies: object[] }): string[] {
  let p = ZEROS;
  return opts.bodies.map((b, s) => {
    const body = fromJs(b) as ObjectNode;
    const t = `${1_700_000_000 + s}.000000000`;
    const { seconds, nanos } = splitTime(t);
    const g = s === 0 ? 1 : 0;
    const message = Buffer.concat([
      Buffer.from("logseal-seal-v1\0", "latin1"),
      u8(2),
      lp(opts.c),
      u64(s),
      u64(seconds),
      u32(nanos),
      lp(Buffer.alloc(0)),
      u64(0),
      lp(opts.pv),
      u8(g),
      u64(0),
      u8(0),
      hex32(p),
      Buffer.from(canonical(body), "utf8"),
    ]);
    const m = createHash("sha256").update(message).digest("hex");
    const seal = { v: 1, c: opts.c, s, t, a: "sha256", pv: opts.pv, ...(g ? { g: "new" } : {}), p, m };
    p = m;
    const text = writeJson(body);
    return `${text.slice(0, -1)}${text === "{}" ? "" : ","}"_seal":${JSON.stringify(seal)}}`;
  });
}

/** Checks a line's MAC as the specification defines it (the forger's own verifier, for self-tests). */
export function macHolds(line: Line, signer: Signer): boolean {
  return computeMac(line.seal, line.body, signer) === line.seal.m;
}

// ---------------------------------------------------------------------------------------------
// Signed mode: Ed25519 with node:crypto (docs/signing.md).

const PKCS8_ED25519 = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_ED25519 = Buffer.from("302a300506032b6570032100", "hex");

/** An Ed25519 key pair from its 32-byte seed (hex), as RFC 8032 derives it. */
export interface KeyPair {
  seed: string;
  pk: string;
}

export function keyPairOf(seed: string): KeyPair {
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, Buffer.from(seed, "hex")]), format: "der", type: "pkcs8" });
  const spki = createPublicKey(key).export({ format: "der", type: "spki" });
  return { seed, pk: spki.subarray(spki.length - 32).toString("hex") };
}

export function newKeyPair(): KeyPair {
  return keyPairOf(randomBytes(32).toString("hex"));
}

export function signEd25519(seed: string, message: Buffer): string {
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, Buffer.from(seed, "hex")]), format: "der", type: "pkcs8" });
  return sign(null, message, key).toString("hex");
}

export function verifyEd25519(pk: string, message: Buffer, signature: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519, Buffer.from(pk, "hex")]), format: "der", type: "spki" });
    return verify(null, message, key, Buffer.from(signature, "hex"));
  } catch {
    return false;
  }
}

/** What a head signature signs: the head (chain, s, m) of `seal`'s chain, when, by which key of which epoch. */
export function headStatement(seal: Pick<Seal, "o" | "i" | "c" | "cb">, sig: Pick<SignatureObject, "s" | "w" | "e" | "pk">, m: string): Buffer {
  return Buffer.concat([
    Buffer.from("logseal-head-v1\0", "latin1"),
    lp(seal.o),
    Buffer.from(seal.i, "hex"),
    seal.cb !== undefined ? Buffer.concat([u8(1), lp(seal.cb)]) : u8(0),
    lp(seal.c),
    u64(sig.s),
    hex32(m),
    u64(sig.w),
    u64(sig.e),
    hex32(sig.pk),
  ]);
}

/** What a certificate signs: the key of epoch `e`, by the key of epoch `ce` of the instance. */
export function certStatement(o: string, i: string, ce: number, e: number, pk: string): Buffer {
  return Buffer.concat([Buffer.from("logseal-key-cert-v1\0", "latin1"), lp(o), Buffer.from(i, "hex"), u64(ce), u64(e), hex32(pk)]);
}

/** A key the attacker can sign with: its seed, its epoch, and its certificate as seals carry it. */
export interface SigningKey {
  seed: string;
  pk: string;
  e: number;
  ce?: number;
  cs?: string;
}

/** A signature object over `m` at sequence `s` of `seal`'s chain, made with `key`, dated `w`. */
export function signHead(seal: Seal, key: SigningKey, s: number, m: string, w: number): SignatureObject {
  const sig: SignatureObject = { e: key.e, s, w, pk: key.pk, ...(key.ce !== undefined && { ce: key.ce, cs: key.cs }), sg: "" };
  sig.sg = signEd25519(key.seed, headStatement(seal, sig, m));
  return sig;
}

/**
 * What to do with one of a rewritten record's signature objects (`kind` cp or pc, for the head at
 * `s` with MAC `m`): a new object, "keep" the stale one, or "drop" it.
 */
export type Resign = (seal: Seal, old: SignatureObject, kind: "cp" | "pc", m: string) => SignatureObject | "keep" | "drop";

/**
 * rechain for signed mode: from `from` on, each line of an edited chain gets its p, its pc decided
 * (it signs p), then whether it keeps a cp (the flags are in m), its m, and the cp over that m.
 */
export function rechainSigned(lines: Line[], from: number, resign: Resign, edit?: (line: Line, index: number) => void): Line[] {
  const heads = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (i >= from) {
      edit?.(line, i);
      const seal = line.seal;
      const prev = heads.get(chainOf(seal));
      if (seal.g === "new") seal.p = ZEROS;
      else if (prev !== undefined) seal.p = prev;
      if (seal.pc) {
        const pc = resign(seal, seal.pc, "pc", seal.p);
        if (pc === "drop") delete seal.pc;
        else if (pc !== "keep") seal.pc = pc;
      }
      const cp = seal.cp;
      let decided: SignatureObject | "keep" | "drop" | undefined;
      if (cp) {
        // Whether the cp stays must be known before m; its signature needs m: sign a placeholder first.
        decided = resign(seal, cp, "cp", ZEROS);
        if (decided === "drop") delete seal.cp;
      }
      reseal(line, { kind: "sha256" });
      if (cp && decided !== "drop" && decided !== "keep") seal.cp = resign(seal, cp, "cp", seal.m) as SignatureObject;
    }
    heads.set(chainOf(line.seal), line.seal.m);
  }
  return lines;
}

/** The signing file's header (docs/signing.md, "The signing file"): the current epoch's seed and certificate. */
export function stolenKey(signingFile: string): SigningKey {
  const header = /^logseal-signing 1 .*?epoch=(\d+) seed=([0-9a-f]{64}) from=(\d+|-) cert=([0-9a-f]{128}|-)/.exec(signingFile);
  if (!header) throw new Error("not a logseal signing file");
  const e = Number(header[1]);
  const { pk } = keyPairOf(header[2]);
  return { seed: header[2], pk, e, ...(header[3] !== "-" && { ce: Number(header[3]), cs: header[4] }) };
}

/** A key of epoch `e` certified by `by` (the attacker's own certificate: signed by the key he holds). */
export function certifiedKey(seal: Pick<Seal, "o" | "i">, by: SigningKey | KeyPair & { e: number }, e: number, pair: KeyPair = newKeyPair()): SigningKey {
  return { seed: pair.seed, pk: pair.pk, e, ce: by.e, cs: signEd25519(by.seed, certStatement(seal.o, seal.i, by.e, e, pair.pk)) };
}
