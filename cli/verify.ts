// `logseal verify`: checks every chain in sealed NDJSON (docs/sealing.md, "Verifying"): each
// record's MAC over its canonical form, and the links between records, reporting per chain the
// first failure with its file, line and reason. Independent of the module: its own JSON parser
// and canonical form (cli/canonical.ts), Node's crypto.
import { createReadStream, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { type Member, canonicalObject, parseMembers, parseValue } from "./canonical.ts";
import { RangeCoverage, type RangeCoverageReport, type TimeRange, formatRangeCoverage, parseTime } from "./coverage.ts";
import { type CompletenessResult, type Source, SourceCoverage, droppedOf, formatCompleteness, sourceOf } from "./completeness.ts";
import { type ChainHeads, chainKey, readHeads, writeHeads } from "./heads.ts";
import { readKeyFile } from "./keys.ts";
import { sameTime } from "./outer-time.ts";
import { MAX_LINE_BYTES, byteLines, decodeUtf8 } from "./utf8.ts";
import { EpochKeys, GENESIS, KEYED_MACS, MAX_EPOCH, SEAL_VERSIONS, type Seal, chainAlgorithm, scheduledEpoch, sealMac } from "./seal-mac.ts";
import { type Anchor, SignedChains, type SignedReport, Trust, type TrustEntry, checkSignedRecord, readAnchors, readTrust, signatureOf, trustWithCertified } from "./signed.ts";
import { STORE_FORMATS, type StoreFormat, type StoreOptions, StoreReader, type StoreReport } from "./stores/index.ts";
import { parseLokiLabels } from "./stores/loki-labels.ts";
import { fail, readInput } from "./util.ts";

export type Reason =
  | "modified" // content or seal changed (MAC mismatch), or a link to the previous record broken
  | "deleted" // sequence numbers missing
  | "inserted" // a record that is not part of the chain (MAC mismatch around intact links, or no seal)
  | "reordered" // a record after others that follow it in the chain
  | "duplicated" // the same record twice (replay)
  | "truncated" // the chain ends before an expected head
  | "wrong-key" // sealed under another key or epoch than it claims, epoch going back, keyed seals downgraded
  | "no-key" // a keyed seal and no key to check it with
  | "restart-gap" // the chain started again from genesis (state lost) or from stale state
  | "unauthenticated" // plain SHA-256 seals (anyone can recompute them) without --allow-sha256
  | "headless" // the chain's start is missing: neither its genesis nor a head given with --continue
  | "origin" // an origin not among --origin, or the instance changing inside a chain
  | "time" // an epoch not matching its seal time, a seal time in the future, an outer time not the seal's
  | "tag" // the line's tag is not the chain's (chains by tag)
  | "lost" // bytes of a source file that never reached the filter (logseal_source: before the filter)
  | "untrusted" // signed mode: the node key is not in the trust file for the record's origin
  | "signature" // signed mode: a checkpoint, closing signature or key certificate that does not verify
  | "unsigned" // signed mode: a segment start without its key and checkpoint, records left unsigned behind a key change
  | "unreadable"; // not a JSON record

export interface Failure {
  chain?: string;
  file: string;
  line: number;
  reason: Reason;
  detail: string;
}

export interface ChainReport {
  chain: string;
  origin: string;
  /** Instance id and key id of the last record. */
  instance: string;
  keyId?: string;
  records: number;
  firstSeq: number;
  lastSeq: number;
  /** Records sealed by an instance that continued from the state file (restarts, pre-4.1 chunks). */
  resumed: number;
  /** Genesis records after the first: explained by an eviction (`reopened`) or failures. */
  reopened: number;
  /** Records the policy dropped, as the seals account for them. */
  dropped: number;
  algorithm: string;
  epochs: [number, number];
  /** Forward security with epochs by record count: the count, which a forger chooses, can set the epoch. */
  recordEpochs?: boolean;
  /** How the chain's first record is vouched for: its genesis, a head from --continue, or nothing (--accept-any-start). */
  start: "genesis" | "continued" | "unverified" | "";
  /** MACs of the records at firstSeq and lastSeq, for the next run's --continue. */
  firstMac: string;
  lastMac: string;
  failures: number;
  firstFailure?: Failure;
  /** Signed mode: how far signatures reach, and the unsigned tail after them. */
  signed?: SignedReport;
}

/** What parts of the lines outside the records were checked, and what could not be. */
export interface Coverage {
  tagsChecked: number;
  /** Lines with a tag whose chain is by field: the tag is not covered by any seal. */
  tagsNotCovered: number;
  timesChecked: number;
  dateKeysChecked: number;
  /** Heads given with --continue whose chain has no record in this input. */
  quietChains: string[];
}

export interface VerifyResult {
  ok: boolean;
  records: number;
  chains: ChainReport[];
  /** Every failure, in input order (up to MAX_LISTED). */
  failures: Failure[];
  failureCount: number;
  byReason: Partial<Record<Reason, number>>;
  coverage: Coverage;
  /** Signed mode: the latest epoch key each instance's certificates led to (--trust-out). */
  certifiedKeys?: TrustEntry[];
  /** Source files' completeness, when records carry logseal_source (docs/input.md). */
  completeness?: CompletenessResult;
  /** Files read in a store's form (cli/stores/): what was taken off, what is not covered. */
  store?: StoreReport;
  /** What the run covers over a time range (--from/--to: cli/coverage.ts). */
  rangeCoverage?: RangeCoverageReport;
}

export interface VerifyOptions {
  /** Initial keys (key files' contents): keyed seals are checked under the one whose id they name. */
  keys?: Buffer[];
  /** Heads the chains must reach: chain key (chainKey(origin, chain)) -> the last record's sequence number and MAC. */
  expectHeads?: Map<string, ExpectedHead>;
  /** A member the output added in front of each record (out_stdout json_lines' `json_date_key`). */
  dateKey?: string;
  /** Report reordered records without failing (outputs that retry out of order). */
  allowReorder?: boolean;
  /** Accept plain SHA-256 chains (integrity only: anyone can recompute them). */
  allowSha256?: boolean;
  /** Origins the chains must come from (empty: any). */
  origins?: string[];
  /** Heads of the previous run (--continue): each chain must start right after its head. */
  starts?: Map<string, ChainHeads>;
  /** Accept a chain that starts neither at its genesis nor at a given head. */
  acceptAnyStart?: boolean;
  /** "Now" for seals from the future, in seconds (tests); default the clock. */
  now?: number;
  /** Signed mode: trusted node keys by origin (`logseal keys trust`). */
  trust?: Trust;
  /** Signed mode: checkpoints kept off the node (--anchors): heads the chains must reach. */
  anchors?: Anchor[];
  /** Chains followed at once (memory bound); default MAX_CHAINS. */
  maxChains?: number;
  /** Current sizes of source files (path -> bytes): bytes after their last record are reported too. */
  sourceSizes?: Record<string, number>;
  /** Files as stores give them back (Elasticsearch, Loki, Splunk, S3, out_http): cli/stores/. */
  store?: StoreOptions;
  /** A coverage report over this range of event times (--from/--to). */
  range?: TimeRange;
  /** The longest line read, in bytes (tests); longer ones fail as unreadable. Default V8's longest string. */
  maxLineBytes?: number;
}

const MAX_CHAINS = 100_000;

/** A seal time this far ahead of the verifier's clock is refused. */
const FUTURE_SLACK = 600;

const MAX_LISTED = 1000;
const SEEN_WINDOW = 1 << 16; // sequence numbers remembered per chain, for duplicates and reorders
const MAX_GAPS = 4096; // open gaps per chain that a late record may still fill
const MAX_BEYOND_SAVED = 4095; // a resume's `u` (seal-format.md); logseal writes at most 256
const HEX64 = /^[0-9a-f]{64}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const TIME = /^\d{1,10}\.\d{9}$/; // Fluent Bit hands the module 32-bit seconds
const SCHEDULE = /^(0|[1-9]\d{0,14})\/(0|[1-9]\d{0,14})\/(0|[1-9]\d{0,14})$/;

/** One record as verification needs it. */
interface Entry {
  seal: Seal;
  file: string;
  line: number;
  /** null when the MAC holds; else why not. */
  macFailure: { reason: Reason; detail: string } | null;
  /** A part of the line outside the record (tag, outer time, date member) that is not the seal's. */
  outerFailure?: { reason: Reason; detail: string };
}

/** What one line holds, as far as it can be told without the rest of the chain. */
export type Checked =
  | {
      kind: "record"; seal: Seal; macFailure: Entry["macFailure"]; outer: OuterCheck; outerFailure?: Entry["outerFailure"];
      /** What the record says of its source line (null: nothing), read here so that workers do it. */
      source: Source | null | false; dropped: ReturnType<typeof droppedOf>;
    }
  | { kind: "failure"; reason: Reason; detail: string }
  | { kind: "blank" };

/** The initial keys by id, each with its epoch keys. */
export class KeyRing {
  private readonly keys = new Map<string, EpochKeys>();

  private readonly now: number;

  constructor(initialKeys: Buffer[] = [], now?: number) {
    this.now = now ?? Date.now() / 1000;
    for (const key of initialKeys) {
      const keys = new EpochKeys(key);
      this.keys.set(keys.id, keys);
    }
  }

  /**
   * Why the seal's MAC does not hold over `canonical`, or null. The epoch's place in its schedule is
   * checked first, without deriving a key: a forged epoch is refused at the cost of a real one.
   */
  check(seal: Seal, canonical: string): Entry["macFailure"] {
    if (seal.a === "ed25519") return checkSignedRecord(seal, canonical, this.now, FUTURE_SLACK);
    if (seal.a === "sha256") {
      return sealMac(seal, canonical) === seal.m ? null : { reason: "modified", detail: "SHA-256 mismatch: content or seal changed" };
    }
    const keys = this.keys.get(seal.k!);
    if (!keys) {
      return this.keys.size === 0
        ? { reason: "no-key", detail: `sealed with key ${seal.k} (${seal.a}): give its key with --key-file` }
        : { reason: "wrong-key", detail: "sealed with key " + seal.k + ", not among the keys given" };
    }
    const epoch = seal.e ?? 0;
    if (seal.f) {
      const due = scheduledEpoch(seal.f, seal.w!, seal.n!);
      if (seal.w! > this.now + FUTURE_SLACK) return { reason: "time", detail: `sealed at ${seal.w}, in the future` };
      if (seal.w! < seal.f[0]) return { reason: "time", detail: `sealed at ${seal.w}, before its schedule began (${seal.f[0]})` };
      if (epoch !== due) return { reason: "time", detail: `epoch ${epoch} is not the epoch of its seal time and count (${due})` };
    }
    const key = keys.key(seal);
    if (!key) return { reason: "wrong-key", detail: `epoch ${epoch} out of range` };
    if (sealMac(seal, canonical, key) === seal.m) return null;
    return { reason: "modified", detail: "MAC mismatch: content or seal changed" };
  }
}

/** The parts of a line outside its record, checked against the seal. */
export interface OuterCheck {
  tag: "checked" | "not-covered" | "none";
  time: boolean;
  dateKey: boolean;
}

/** Checks one line on its own: its form, its seal's shape, its MAC. Independent of other lines, so parallel. */
export function checkLine(text: string, keys: KeyRing, dateKey?: string): Checked {
  let line: Line | null;
  try {
    line = lineOf(text);
  } catch (error) {
    return { kind: "failure", reason: "unreadable", detail: (error as Error).message };
  }
  if (line === null) return { kind: "blank" };
  return checkParsed(line, text, keys, dateKey);
}

/** Checks a record already read (`text`: what its members were parsed from): store forms (cli/stores/) come here. */
export function checkParsed(line: Line, text: string, keys: KeyRing, dateKey?: string): Checked {
  let members = line.members;
  let date: Member | undefined;
  if (dateKey !== undefined) {
    if (members.length === 0 || members[0].key !== dateKey) return { kind: "failure", reason: "time", detail: `no ${JSON.stringify(dateKey)} member in front of the record` };
    date = members[0];
    members = members.slice(1);
  }
  let at = members.length - 1;
  while (at >= 0 && members[at].key !== "_seal") at--;
  if (at < 0) return { kind: "failure", reason: "inserted", detail: "record without a seal" };
  const seal = sealOf(members[at].object, text);
  if (typeof seal === "string") return { kind: "failure", reason: "modified", detail: `seal ${seal}` };
  const covered = canonicalObject(members.filter((_, i) => i !== at));
  let macFailure: Entry["macFailure"];
  try {
    macFailure = keys.check(seal, covered);
  } catch (error) {
    // One hostile line must not end the run and hide every other finding.
    macFailure = { reason: "modified", detail: `seal cannot be checked: ${(error as Error).message}` };
  }
  const outer: OuterCheck = { tag: line.tag === undefined ? "none" : seal.cb === undefined ? "checked" : "not-covered", time: line.time !== undefined, dateKey: date !== undefined };
  const outerFailure = outerMismatch(seal, line, date);
  return { kind: "record", seal, macFailure, outer, ...(outerFailure && { outerFailure }), source: sourceOf(members), dropped: droppedOf(members) };
}

/** Why the tag, outer time or date member of a line is not the seal's, or undefined. */
function outerMismatch(seal: Seal, line: Line, date: Member | undefined): Entry["outerFailure"] {
  // An invalid byte in the tag reads as U+FFFF (cli/utf8.ts); the module names the chain with U+FFFD there.
  if (line.tag !== undefined && seal.cb === undefined && chainIdOf(line.tag.replaceAll("\uffff", "\ufffd")) !== seal.c) {
    return { reason: "tag", detail: `the line's tag ${JSON.stringify(line.tag)} is not the chain's (${JSON.stringify(seal.c)})` };
  }
  if (line.time !== undefined && !sameTime(line.time, seal.t)) {
    return { reason: "time", detail: `the line's time ${line.time} is not the sealed time ${seal.t}` };
  }
  if (date !== undefined) {
    const value = date.text.startsWith('"') ? stringOf(date) ?? "" : date.text;
    if (!sameTime(value, seal.t)) return { reason: "time", detail: `${JSON.stringify(date.key)} ${date.text} is not the sealed time ${seal.t}` };
  }
  return undefined;
}

/** A tag as the module names its chain: cut to 160 bytes at a character boundary. */
function chainIdOf(tag: string): string {
  const bytes = Buffer.from(tag, "utf8");
  if (bytes.length <= MAX_CHAIN_ID) return tag;
  let end = MAX_CHAIN_ID;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8");
}

const MAX_CHAIN_ID = 160;

/** Streams records in (`addLine`, or lines checked elsewhere with `addChecked`), then `finish()`. */
export class Verifier {
  private readonly chains = new Map<string, ChainCheck>();
  readonly keys: KeyRing;
  private readonly failures: Failure[] = [];
  private failureCount = 0;
  private readonly byReason: Partial<Record<Reason, number>> = {};
  private records = 0;
  /** Eviction announcements: chain key -> [records sealed, head]. */
  private readonly evictions = new Map<string, { n: number; m: string; file: string; line: number }[]>();
  private readonly coverage: Coverage = { tagsChecked: 0, tagsNotCovered: 0, timesChecked: 0, dateKeysChecked: 0, quietChains: [] };
  private readonly origins: Set<string> | null;
  /** Which bytes of the source files the verified records cover. */
  private readonly sources: SourceCoverage;
  /** Signed mode's chain rules and key certificates (cli/signed.ts). */
  private readonly signed: SignedChains;
  /** The coverage report over a time range (--from/--to), when asked. */
  private readonly range: RangeCoverage | null;

  constructor(readonly options: VerifyOptions = {}) {
    this.keys = new KeyRing(options.keys, options.now);
    this.sources = new SourceCoverage({ sizes: options.sourceSizes });
    this.origins = options.origins?.length ? new Set(options.origins) : null;
    this.signed = new SignedChains(options.trust, (key, place, reason, detail) => {
      const chain = this.chains.get(key);
      if (chain) chain.fail(place, reason, detail);
      else this.fail({ chain: key.slice(key.indexOf("\u0000") + 1), ...place, reason, detail });
    }, options.anchors);
    this.range = options.range ? new RangeCoverage(options.range, options.anchors) : null;
  }

  /** One line of output: a record, `[time, record]`, or out_file's `tag: [time, record]`. */
  addLine(text: string, file: string, line: number): void {
    this.addChecked(checkLine(text, this.keys, this.options.dateKey), file, line);
  }

  /** A line's check, in input order. */
  addChecked(checked: Checked, file: string, line: number): void {
    if (checked.kind === "blank") return;
    if (checked.kind === "failure") {
      if (checked.reason !== "unreadable") this.records++;
      this.fail({ file, line, reason: checked.reason, detail: checked.detail });
      return;
    }
    this.records++;
    const { seal, macFailure, outer, outerFailure } = checked;
    // Only a record whose seal holds vouches for its source line.
    if (!macFailure) this.sources.addSource(checked.source, file, line, checked.dropped);
    const coverage = this.coverage;
    if (outer.tag === "checked") coverage.tagsChecked++;
    if (outer.tag === "not-covered") coverage.tagsNotCovered++;
    if (outer.time) coverage.timesChecked++;
    if (outer.dateKey) coverage.dateKeysChecked++;
    if (seal.x) this.noteEviction(seal.o, seal.x, file, line);
    const key = chainKey(seal.o, seal.c);
    let chain = this.chains.get(key);
    if (!chain && this.chains.size >= (this.options.maxChains ?? MAX_CHAINS)) {
      // Memory stays bounded on hostile input: a chain beyond the limit is a failure, not a silent pass.
      this.fail({ chain: seal.c, file, line, reason: "unreadable", detail: `more than ${this.chains.size} chains in the input (--max-chains)` });
      return;
    }
    if (!chain) {
      chain = new ChainCheck(seal.c, seal.o, this, this.options.expectHeads?.get(key), this.options.starts?.get(key));
      this.chains.set(key, chain);
      if (this.origins && !this.origins.has(seal.o)) {
        chain.fail({ file, line }, "origin", `sealed by ${JSON.stringify(seal.o)}, not by ${[...this.origins].map((o) => JSON.stringify(o)).join(" or ")}`);
      }
    }
    chain.add({ seal, file, line, macFailure, outerFailure });
    if (seal.a === "ed25519") this.signed.add(key, seal, { file, line });
    this.range?.add(key, seal);
  }

  private noteEviction(origin: string, x: NonNullable<Seal["x"]>, file: string, line: number): void {
    const key = chainKey(origin, x.c);
    const list = this.evictions.get(key) ?? [];
    list.push({ n: x.n, m: x.m, file, line });
    this.evictions.set(key, list);
  }

  fail(failure: Failure): void {
    this.failureCount++;
    this.byReason[failure.reason] = (this.byReason[failure.reason] ?? 0) + 1;
    if (this.failures.length < MAX_LISTED) this.failures.push(failure);
  }

  finish(): VerifyResult {
    for (const [key, chain] of this.chains) chain.finish(this.evictions.get(key) ?? []);
    for (const [key, report] of this.signed.finish()) {
      const chain = this.chains.get(key);
      if (chain) chain.report.signed = report;
    }
    for (const [key, expected] of this.options.expectHeads ?? []) {
      if (!this.chains.has(key)) {
        const id = key.slice(key.indexOf("\u0000") + 1);
        this.fail({ chain: id, file: "", line: 0, reason: "truncated", detail: `no record of chain ${JSON.stringify(id)}; expected its head at seq ${expected.seq}` });
      }
    }
    for (const [key, head] of this.options.starts ?? []) {
      if (!this.chains.has(key)) this.coverage.quietChains.push(head.o ? `${head.o}/${head.c}` : head.c);
    }
    // An announced eviction says the chain had records: none in the input is a deletion, unless
    // the previous run's heads show it ended right there.
    for (const [key, announced] of this.evictions) {
      if (this.chains.has(key)) continue;
      const head = this.options.starts?.get(key);
      for (const x of announced) {
        if (x.n === 0 || (head?.verified && head.last.seq + 1 === x.n && head.last.mac === x.m)) continue;
        this.fail({ chain: key.slice(key.indexOf("\u0000") + 1), file: x.file, line: x.line, reason: "truncated", detail: `announced as evicted after ${x.n} records, but none of its records is in the input` });
      }
    }
    // Lines that never reached the filter: gaps between the source ranges of verified records.
    const completeness = this.sources.finish();
    for (const gap of completeness.gaps) {
      if (gap.kind === "head") continue; // tail started mid-file (read_from_head off): listed, not a loss
      const where = gap.before ?? gap.after ?? { file: "", line: 0 };
      const span = `${gap.path} bytes ${gap.start}-${gap.end} (${gap.bytes})${gap.approximate ? ", approximately" : ""}`;
      this.fail({ file: where.file, line: where.line, reason: "lost", detail: `${span} never reached the filter${gap.kind === "tail" ? " (after the last record)" : ""}` });
    }
    const rangeCoverage = this.range?.finish((key) => {
      const failure = this.chains.get(key)?.report.firstFailure;
      return failure ? failure.reason : "ok";
    });
    const chains = [...this.chains.values()].map((c) => c.report).sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0));
    return {
      ...(completeness.records > 0 && { completeness }),
      ok: this.failureCount === 0,
      records: this.records,
      chains,
      failures: this.failures,
      failureCount: this.failureCount,
      byReason: this.byReason,
      coverage: this.coverage,
      ...(this.signed.certifiedKeys.length && { certifiedKeys: this.signed.certifiedKeys }),
      ...(rangeCoverage && { rangeCoverage }),
    };
  }
}

/** A line's record and what Fluent Bit wrote around it. */
export interface Line {
  members: Member[];
  tag?: string;
  /** The time in front of the record, as written (a number's text). */
  time?: string;
}

/** The record of a line, whichever way Fluent Bit wrote it; null for a blank line. */
function lineOf(text: string): Line | null {
  let from = 0;
  while (from < text.length && /\s/.test(text[from])) from++;
  if (from === text.length) return null;
  let tag: string | undefined;
  if (text[from] !== "{" && text[from] !== "[") {
    // out_file's default format: `tag: [sec.nsec, {record}]`.
    const colon = text.indexOf(": [", from);
    if (colon < 0) throw new Error("neither a JSON record nor Fluent Bit's `tag: [time, record]`");
    tag = text.slice(from, colon);
    from = colon + 2;
  }
  let record;
  let time: string | undefined;
  if (text[from] === "[") {
    // [time, record] or [[time, metadata], record]
    let at = from + 1;
    while (/\s/.test(text[at] ?? "")) at++;
    const nested = text[at] === "[";
    const value = parseValue(text, nested ? at + 1 : at);
    time = text.slice(nested ? at + 1 : at, value.end).trim();
    from = value.end;
    if (nested) {
      from = expect(text, from, ",");
      from = parseValue(text, from).end;
      from = expect(text, from, "]");
    }
    from = expect(text, from, ",");
    record = parseMembers(text, from);
    from = expect(text, record.end, "]");
  } else {
    record = parseMembers(text, from);
    from = record.end;
  }
  if (text.slice(from).trim() !== "") throw new Error(`data after the record at character ${from}`);
  return { members: record.members, tag, time };
}

function expect(text: string, at: number, char: string): number {
  while (/\s/.test(text[at] ?? "")) at++;
  if (text[at] !== char) throw new Error(`expected '${char}' at character ${at}`);
  return at + 1;
}

const SEAL_MEMBERS = new Set(["v", "o", "i", "c", "cb", "s", "t", "a", "k", "e", "f", "w", "n", "pv", "g", "u", "d", "x", "pk", "pc", "cp", "p", "m"]);
const UINT = /^(0|[1-9]\d*)$/;

/** A member's string value, or undefined for another kind of value. */
function stringOf(member: Member | undefined): string | undefined {
  const text = member?.text;
  if (text === undefined || text.charCodeAt(0) !== 0x22) return undefined;
  return text.includes("\\") ? (JSON.parse(text) as string) : text.slice(1, -1);
}

/** A member's value if it is written as a plain decimal below 2^53 (as the module writes seal numbers). */
function uintOf(member: Member | undefined, line: string): number | undefined {
  if (member === undefined) return undefined;
  const written = line.slice(member.at, member.end);
  if (!UINT.test(written)) return undefined;
  const n = Number(written);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** An object's members by key (canonical values), or a complaint. */
function fieldsOf(members: Member[] | undefined): Record<string, Member> | string {
  if (members === undefined) return "is not an object";
  const fields: Record<string, Member> = Object.create(null);
  for (const member of members) {
    if (member.key in fields) return "has duplicate members";
    fields[member.key] = member;
  }
  return fields;
}

/** The seal's fields, checked for shape (`line`: the text they were read from); a string says what is wrong. */
function sealOf(members: Member[] | undefined, line: string): Seal | string {
  const fields = fieldsOf(members);
  if (typeof fields === "string") return fields;
  for (const key in fields) if (!SEAL_MEMBERS.has(key)) return `has an unknown member ${JSON.stringify(key)}`;
  const a = stringOf(fields.a);
  const seal = {
    v: uintOf(fields.v, line), c: stringOf(fields.c), s: uintOf(fields.s, line), t: stringOf(fields.t), a,
    pv: stringOf(fields.pv), p: stringOf(fields.p), m: stringOf(fields.m),
  } as Seal;
  if (!SEAL_VERSIONS.has(seal.v)) return seal.v === 1 ? "is of version 1 (logseal before the hardening): not accepted" : "has an unknown version";
  seal.o = stringOf(fields.o)!;
  seal.i = stringOf(fields.i)!;
  if (seal.o === undefined || seal.i === undefined || !HEX16.test(seal.i)) return "lacks its origin or instance id";
  if (fields.cb !== undefined) {
    seal.cb = stringOf(fields.cb);
    if (!seal.cb) return "has an invalid chain field";
  }
  if (seal.c === undefined || seal.s === undefined || seal.pv === undefined) return "lacks its chain, sequence or policy version";
  if (!seal.t || !TIME.test(seal.t)) return "has no valid time";
  if (a === undefined || (!KEYED_MACS.has(a) && a !== "sha256" && a !== "ed25519")) return "has an unknown algorithm";
  if (!seal.p || !HEX64.test(seal.p) || !seal.m || !HEX64.test(seal.m)) return "has no valid MACs";
  if (a === "ed25519") {
    const signed = signedFieldsOf(seal, fields, line);
    if (signed) return signed;
  }
  if (KEYED_MACS.has(a) || a === "ed25519") {
    seal.k = stringOf(fields.k);
    seal.e = uintOf(fields.e, line);
    if (!seal.k || !HEX16.test(seal.k) || seal.e === undefined) return "lacks its key id or epoch";
    if (fields.f !== undefined || fields.w !== undefined || fields.n !== undefined) {
      const schedule = SCHEDULE.exec(stringOf(fields.f) ?? "");
      seal.w = uintOf(fields.w, line);
      seal.n = uintOf(fields.n, line);
      if (!schedule || seal.w === undefined || seal.n === undefined) return "has an invalid epoch schedule, seal time or count";
      seal.f = [Number(schedule[1]), Number(schedule[2]), Number(schedule[3])];
      if (seal.f[1] === 0 && seal.f[2] === 0) return "has an epoch schedule without epochs";
      if (seal.e < 1 || seal.e > MAX_EPOCH) return "has an epoch outside 1 to 2^32 - 1";
    } else if (a === "ed25519" && seal.e !== 0) {
      return "has an epoch key without an epoch schedule";
    }
  } else if (fields.k !== undefined || fields.e !== undefined || fields.f !== undefined || fields.w !== undefined || fields.n !== undefined) {
    return "has a key id, epoch or schedule without a key";
  }
  if (fields.g !== undefined) {
    const g = stringOf(fields.g);
    if (g !== "new" && g !== "resume") return "has an unknown segment marker";
    seal.g = g;
  }
  if (fields.u !== undefined) {
    seal.u = uintOf(fields.u, line);
    if (seal.g !== "resume" || !seal.u || seal.u > MAX_BEYOND_SAVED || seal.u >= seal.s) return "has an invalid count of records beyond the saved head (u)";
  }
  if (fields.d !== undefined) {
    seal.d = uintOf(fields.d, line);
    if (!seal.d) return "has an invalid drop count";
  }
  if (fields.x !== undefined) {
    const x = fieldsOf(fields.x.object);
    if (typeof x === "string" || Object.keys(x).length !== 4) return "has an invalid eviction";
    const c = stringOf(x.c), n = uintOf(x.n, line), m = stringOf(x.m), d = uintOf(x.d, line);
    if (c === undefined || n === undefined || m === undefined || !HEX64.test(m) || d === undefined) return "has an invalid eviction";
    seal.x = { c, n, m, d };
  }
  return seal;
}

/** Signed mode's members (`pk`, `cp`, `pc`) into `seal`; a string says what is wrong. */
function signedFieldsOf(seal: Seal, fields: Record<string, Member>, line: string): string | undefined {
  if (fields.pk !== undefined) {
    seal.pk = stringOf(fields.pk);
    if (!seal.pk || !HEX64.test(seal.pk) || !seal.pk.startsWith(stringOf(fields.k) ?? "-")) return "has a node key that is not its key id's";
  }
  for (const name of ["cp", "pc"] as const) {
    if (fields[name] === undefined) continue;
    const signature = signatureOf(fields[name].object, line);
    if (typeof signature === "string") return `${name === "cp" ? "checkpoint" : "closing signature"} ${signature}`;
    seal[name] = signature;
  }
  return undefined;
}

/** The records of one chain, checked as they stream by with a bounded memory. */
class ChainCheck {
  readonly report: ChainReport;
  /** The last record accepted into the chain (the highest sequence number so far). */
  private last: Entry | null = null;
  /** A record whose MAC failed: modified or inserted, told apart by the next record's link. */
  private suspect: Entry | null = null;
  /** MACs of the last SEEN_WINDOW sequence numbers, by s % SEEN_WINDOW (for duplicates and reorders). */
  private readonly seen = new SeenWindow();
  /** Gaps not (yet) filled by reordered records: [from, to]. */
  private missing: { from: number; to: number; file: string; line: number }[] = [];
  /** Last records of the chain's segments before a genesis restarted it, and its final one. */
  private readonly segmentEnds: { entry: Entry; restartedBy?: Entry }[] = [];
  private hmacSeen = false;
  private unauthenticatedReported = false;
  /** The record with the lowest sequence number of the first segment: where the chain must start. */
  private first: Entry | null = null;

  constructor(
    readonly id: string,
    readonly origin: string,
    private readonly verifier: Verifier,
    private readonly expectedHead?: ExpectedHead,
    private readonly start?: ChainHeads,
  ) {
    // A chain that was keyed at the head it continues cannot go on as SHA-256.
    this.hmacSeen = start !== undefined && (KEYED_MACS.has(start.a) || start.a === "mixed");
    this.report = {
      chain: id, origin, instance: "", records: 0, firstSeq: -1, lastSeq: -1, resumed: 0, reopened: 0, dropped: 0,
      algorithm: "", epochs: [-1, -1], start: "", firstMac: "", lastMac: "", failures: 0,
    };
  }

  fail(entry: { file: string; line: number }, reason: Reason, detail: string): void {
    if (reason === "reordered" && this.verifier.options.allowReorder) return;
    const failure: Failure = { chain: this.id, file: entry.file, line: entry.line, reason, detail };
    this.report.failures++;
    this.report.firstFailure ??= failure;
    this.verifier.fail(failure);
  }

  add(entry: Entry): void {
    const report = this.report;
    const seal = entry.seal;
    report.records++;
    report.dropped += seal.d ?? 0;
    if (entry.outerFailure) this.fail(entry, entry.outerFailure.reason, entry.outerFailure.detail);
    if (seal.a === "sha256" && !this.verifier.options.allowSha256 && !this.unauthenticatedReported) {
      this.unauthenticatedReported = true;
      this.fail(entry, "unauthenticated", "plain SHA-256 seals: anyone can recompute them (--allow-sha256 accepts them as integrity only)");
    }
    if (seal.g === "resume") report.resumed++;
    report.algorithm = chainAlgorithm(report.algorithm, seal.a);
    if (seal.f && seal.f[2] > 0) report.recordEpochs = true;
    if (seal.e !== undefined) {
      report.epochs = [report.epochs[0] < 0 ? seal.e : Math.min(report.epochs[0], seal.e), Math.max(report.epochs[1], seal.e)];
    }
    if (this.suspect) this.resolveSuspect(entry.macFailure ? null : entry);
    if (entry.macFailure) {
      this.suspect = entry;
      return;
    }
    this.link(entry);
  }

  /** A record whose MAC failed, seen with the record after it (or none). */
  private resolveSuspect(next: Entry | null): void {
    const bad = this.suspect!;
    this.suspect = null;
    const { reason, detail } = bad.macFailure!;
    const last = this.last;
    // A record in a place already taken, or one the chain steps over, was added.
    const taken = last !== null && bad.seal.s <= last.seal.s && this.seen.get(bad.seal.s) !== undefined;
    const steppedOver = next !== null && last !== null && next.seal.p === last.seal.m && next.seal.p !== bad.seal.m;
    if (reason === "modified" && (taken || steppedOver)) {
      this.fail(bad, "inserted", "not part of the chain (MAC mismatch; the records around it link to each other)");
      return;
    }
    this.fail(bad, reason, detail);
    this.link(bad, true);
  }

  /** Places a record in the chain; `failed`: its own failure is already reported. */
  private link(entry: Entry, failed = false): void {
    const seal = entry.seal;
    const s = seal.s;
    const last = this.last;
    const report = this.report;
    if (report.firstSeq < 0 || s < report.firstSeq) {
      report.firstSeq = s;
      report.firstMac = seal.m;
    }
    if (this.segmentEnds.length === 0 && (this.first === null || s < this.first.seal.s)) this.first = entry;
    if (last !== null && seal.i !== last.seal.i && !(s === 0 && seal.g === "new")) {
      this.fail(entry, "origin", `instance ${seal.i} after instance ${last.seal.i} without a genesis: records of another instance`);
    }
    this.checkExpectedHead(entry);
    if (!failed) this.checkKey(entry);
    if (s === 0 && !failed && (seal.g !== "new" || seal.p !== GENESIS)) this.fail(entry, "modified", "a genesis record without the genesis marker or with a previous MAC");
    if (last === null) {
      this.accept(entry);
      return;
    }
    const lastSeq = last.seal.s;
    if (this.seen.get(s) === seal.m) {
      this.fail(entry, "duplicated", `seq ${s} appears again (replayed)`);
      return;
    }
    if (s === 0 && seal.g === "new") {
      // The chain started again from genesis: an eviction explains it, else its state was lost.
      this.segmentEnds.push({ entry: last, restartedBy: entry });
      this.seen.clear();
      this.closeGaps();
      this.accept(entry);
      return;
    }
    if (seal.u !== undefined && !failed) this.checkResumeLink(entry);
    if (s === lastSeq + 1) {
      // After a record that failed its MAC, a broken link is the same incident, already reported.
      if (seal.u === undefined && seal.p !== last.seal.m && !failed && !last.macFailure) {
        this.fail(entry, "modified", `does not link to seq ${lastSeq} (${last.file}:${last.line}): a record between them was changed or replaced`);
      }
      this.accept(entry);
      return;
    }
    if (s > lastSeq + 1) {
      this.missing.push({ from: lastSeq + 1, to: s - 1, file: entry.file, line: entry.line });
      // Bounded: a gap this many gaps old is not filled any more (its records would be too far behind).
      if (this.missing.length > MAX_GAPS) this.closeGaps(this.missing.length - MAX_GAPS);
      this.accept(entry);
      return;
    }
    // s <= lastSeq: an earlier sequence number again.
    const gap = this.gapOf(s);
    if (gap >= 0) {
      this.fill(gap, s);
      this.fail(entry, "reordered", `seq ${s} comes after seq ${lastSeq}`);
      // Both its links, to whichever neighbours are already placed (the others check it when they come).
      const before = this.seen.get(s - 1);
      if (before !== undefined && seal.p !== before && !failed) this.fail(entry, "modified", `does not link to seq ${s - 1}`);
      const after = this.seen.entry(s + 1);
      if (after && after.seal.p !== seal.m && !after.macFailure) this.fail(after, "modified", `does not link to seq ${s}`);
      this.remember(entry);
      return;
    }
    const earlier = this.seen.get(s);
    if (seal.g === "resume") this.fail(entry, "restart-gap", `an instance resumed from stale state: seq ${s} was sealed twice`);
    else if (earlier !== undefined) this.fail(entry, "inserted", `a second, different record with seq ${s}`);
    else this.fail(entry, "duplicated", `seq ${s} appears again after seq ${lastSeq}`);
  }

  /**
   * A resume with `u` links to the head its instance found saved, `u` records before it: the
   * previous run sealed those records (their absence is a gap, reported as deleted).
   */
  private checkResumeLink(entry: Entry): void {
    const seal = entry.seal;
    const at = seal.s - 1 - seal.u!;
    const mac = this.seen.get(at) ?? (this.start?.last.seq === at ? this.start.last.mac : undefined);
    if (mac !== undefined && mac !== seal.p) {
      this.fail(entry, "modified", `does not link to seq ${at}, the head its instance resumed from (${seal.u} records after it)`);
    }
  }

  private accept(entry: Entry): void {
    const report = this.report;
    this.last = entry;
    report.lastSeq = entry.seal.s;
    report.lastMac = entry.seal.m;
    report.instance = entry.seal.i;
    report.keyId = entry.seal.k;
    if (KEYED_MACS.has(entry.seal.a) || entry.seal.a === "ed25519") this.hmacSeen = true;
    this.remember(entry);
  }

  private remember(entry: Entry): void {
    this.seen.set(entry);
  }

  /** Key rules along the chain: no downgrade from keyed seals, no epoch going back under the same key, no format change mid-run. */
  private checkKey(entry: Entry): void {
    const last = this.last;
    const seal = entry.seal;
    if (seal.a === "sha256" && this.hmacSeen) {
      this.fail(entry, "wrong-key", "sealed with plain SHA-256 after keyed records: the key went missing, or a forger downgraded");
    }
    if (last && KEYED_MACS.has(seal.a) && KEYED_MACS.has(last.seal.a) && last.seal.k === seal.k && (seal.e ?? 0) < (last.seal.e ?? 0) && seal.s > last.seal.s) {
      this.fail(entry, "wrong-key", `epoch ${seal.e} after epoch ${last.seal.e}: keys only move forward`);
    }
    // The seal format changes only with the process (an upgrade or a rollback restarts it, and the
    // first record after that says so in `g`): a change inside a segment is not the module's.
    if (last && seal.v !== last.seal.v && seal.g === undefined && seal.s > last.seal.s) {
      this.fail(entry, "modified", `seal version ${seal.v} after version ${last.seal.v} within one instance's run: only a restart changes it`);
    }
    // So does the keyed MAC (seal.mac is read at start-up; a change reopens the chains with `g`).
    // Against a predecessor whose own MAC held: a relabelled record is reported once, not twice.
    if (last && last.macFailure === null && KEYED_MACS.has(seal.a) && KEYED_MACS.has(last.seal.a) && seal.a !== last.seal.a && seal.g === undefined && seal.s > last.seal.s) {
      this.fail(entry, "modified", `${seal.a} after ${last.seal.a} within one instance's run: only a restart changes the MAC`);
    }
    // Within an instance, seal times and counts only move forward (the epoch follows them).
    if (last && seal.f && last.seal.f && seal.i === last.seal.i && seal.s > last.seal.s && (seal.w! < last.seal.w! || seal.n! <= last.seal.n!)) {
      this.fail(entry, "time", `seal time ${seal.w} / count ${seal.n} after ${last.seal.w} / ${last.seal.n}: they only move forward`);
    }
  }

  /**
   * A chain starts at its genesis, or right after a head given with --continue; else its start is
   * missing. Given a head, a genesis is accepted only where an eviction ended the chain at that head:
   * otherwise it is an earlier file presented again, or a chain whose state was lost.
   */
  private checkStart(evictions: { n: number; m: string }[]): void {
    const first = this.first;
    if (!first) return;
    const seal = first.seal;
    const report = this.report;
    const head = this.start;
    if (seal.s === 0 && seal.g === "new" && seal.p === GENESIS) {
      report.start = "genesis";
      const evictedAtHead = head !== undefined && evictions.some((x) => x.n === head.last.seq + 1 && x.m === head.last.mac);
      if (head && !evictedAtHead && !this.verifier.options.acceptAnyStart) {
        this.fail(first, "headless", `the chain starts at its genesis, but the previous run's heads have it at seq ${head.last.seq}: not the records that follow them (an earlier file again, or lost state)`);
      }
    } else if (head && head.verified && seal.s === head.last.seq + 1 && (seal.p === head.last.mac || seal.u !== undefined)) {
      // (A resume with `u` links further back, to a head inside the previous run: it says that run ended right here.)
      report.start = "continued";
    } else if (this.verifier.options.acceptAnyStart) {
      report.start = "unverified";
    } else {
      const why = head
        ? head.verified
          ? `does not continue the head given (seq ${head.last.seq})`
          : "continues a head that did not verify in the run that wrote it"
        : "is not its genesis: records before it are missing (give the previous run's heads with --continue)";
      this.fail(first, "headless", `the chain starts at seq ${seal.s}, which ${why}`);
    }
  }

  private checkExpectedHead(entry: Entry): void {
    const expected = this.expectedHead;
    if (expected && entry.seal.s === expected.seq && entry.seal.m !== expected.mac) {
      this.fail(entry, "modified", `the record at the expected head (seq ${expected.seq}) has another MAC`);
    }
  }

  /** The open gap that holds `s`, by binary search (gaps are in order), or -1. */
  private gapOf(s: number): number {
    const gaps = this.missing;
    let low = 0, high = gaps.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (s < gaps[mid].from) high = mid - 1;
      else if (s > gaps[mid].to) low = mid + 1;
      else return mid;
    }
    return -1;
  }

  private fill(gap: number, s: number): void {
    const g = this.missing[gap];
    const pieces = [];
    if (g.from < s) pieces.push({ ...g, to: s - 1 });
    if (s < g.to) pieces.push({ ...g, from: s + 1 });
    this.missing.splice(gap, 1, ...pieces);
  }

  /** Reports the first `count` open gaps (all by default) as deletions. */
  private closeGaps(count = this.missing.length): void {
    for (const g of this.missing.splice(0, count)) {
      this.fail(g, "deleted", g.from === g.to ? `seq ${g.from} is missing` : `seq ${g.from} to ${g.to} are missing (${g.to - g.from + 1} records)`);
    }
  }

  finish(evictions: { n: number; m: string; file: string; line: number }[]): void {
    if (this.suspect) this.resolveSuspect(null);
    this.checkStart(evictions);
    this.closeGaps();
    if (this.last) this.segmentEnds.push({ entry: this.last });
    const used = new Set<number>();
    const matching = (end: Entry) =>
      evictions.findIndex((x, i) => !used.has(i) && x.n === end.seal.s + 1 && x.m === end.seal.m);
    // An eviction of the chain at the head the previous run gave: the chain ended there, as announced.
    const head = this.start;
    const atHead = head ? evictions.findIndex((x) => x.n === head.last.seq + 1 && x.m === head.last.mac) : -1;
    if (atHead >= 0) used.add(atHead);
    for (const { entry, restartedBy } of this.segmentEnds) {
      const i = matching(entry);
      if (i >= 0) used.add(i);
      if (!restartedBy) continue;
      if (i >= 0) this.report.reopened++;
      else this.fail(restartedBy, "restart-gap", `the chain starts again from genesis after seq ${entry.seal.s} (${entry.file}:${entry.line}): its state was lost`);
    }
    // An eviction says how far the chain had come: a shorter chain lost its end.
    evictions.forEach((x, i) => {
      if (!used.has(i)) this.fail(x, "truncated", `evicted after ${x.n} records, but the chain's records end elsewhere`);
    });
    const expected = this.expectedHead;
    if (expected && this.report.lastSeq < expected.seq) {
      const last = this.last!;
      this.fail(last, "truncated", `ends at seq ${this.report.lastSeq}, expected head at seq ${expected.seq}`);
    } else if (expected?.reached !== undefined && this.report.lastSeq < expected.reached) {
      this.fail(this.last!, "truncated", `ends at seq ${this.report.lastSeq}, but the state file's tally has the chain at seq ${expected.reached}`);
    }
  }
}

/** The record placed at each of the last SEEN_WINDOW sequence numbers: bounded memory however long the chain. */
class SeenWindow {
  private entries: (Entry | undefined)[] = [];

  /** The MAC of the record at `s`. */
  get(s: number): string | undefined {
    return this.entry(s)?.seal.m;
  }

  entry(s: number): Entry | undefined {
    const entry = this.entries[s % SEEN_WINDOW];
    return entry?.seal.s === s ? entry : undefined;
  }

  set(entry: Entry): void {
    this.entries[entry.seal.s % SEEN_WINDOW] = entry;
  }

  clear(): void {
    this.entries = [];
  }
}

/**
 * Verifies files (or "-" for stdin) line by line. Lines are checked (parse, canonical form, MAC) by
 * `workers` threads in batches while this thread links them in order; 0 checks them here.
 */
export async function verifyFiles(files: string[], options: VerifyOptions = {}, workers = defaultWorkers(files)): Promise<VerifyResult> {
  const verifier = new Verifier(options);
  const stores = new StoreReader(options.store ?? {});
  const pool = workers > 0 ? new CheckPool(workers, options) : null;
  const pending: { batch: Promise<Checked[]>; file: string; first: number }[] = [];
  const drain = async (keep: number) => {
    while (pending.length > keep) {
      const { batch, file, first } = pending.shift()!;
      (await batch).forEach((checked, i) => verifier.addChecked(checked, file, first + i));
    }
  };
  try {
    for (const file of files) {
      const stat = file === "-" ? undefined : statSync(file, { throwIfNoEntry: false });
      if (file !== "-" && !stat) throw new Error(`${file}: no such file`);
      if (stat?.isDirectory()) throw new Error(`${file}: a directory, not a file of records`);
      const stored = stores.formatOf(file);
      if (stored) {
        await drain(0);
        await stores.verify(verifier, file, stored.format, stored.bytes, stored.error);
        continue;
      }
      const input = file === "-" ? process.stdin : createReadStream(file);
      let line = 0;
      let lines: string[] = [];
      const submit = () => {
        const first = line - lines.length + 1;
        if (pool) pending.push({ batch: pool.check(lines), file, first });
        else lines.forEach((text, i) => verifier.addLine(text, file, first + i));
        lines = [];
      };
      const maxLine = options.maxLineBytes ?? MAX_LINE_BYTES;
      for await (const bytes of byteLines(input, maxLine)) {
        if (!Buffer.isBuffer(bytes)) {
          // Too long to read as text: this line fails alone, in its place, and memory stays bounded.
          if (lines.length) submit();
          await drain(0);
          verifier.addChecked({ kind: "failure", reason: "unreadable", detail: `a line of ${bytes.long} bytes, longer than the longest read (${maxLine}): not checked` }, file, ++line);
          continue;
        }
        line++;
        if (line === 1 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
          // Only a file named by its path is told apart by its first bytes (a pipe cannot be read twice).
          verifier.addChecked({ kind: "failure", reason: "unreadable", detail: "gzip-compressed, from a pipe or stdin: not decompressed here (give the file's path or --format s3, or pipe it through zcat)" }, file, line);
          break;
        }
        lines.push(decodeUtf8(bytes));
        if (lines.length === BATCH) {
          submit();
          await drain(workers * 4);
        }
      }
      submit();
    }
    await drain(0);
    await stores.flush(verifier);
  } finally {
    await pool?.close();
  }
  const result = verifier.finish();
  const store = stores.finish(result.byReason);
  return store ? { ...result, store } : result;
}

const BATCH = 2000;

/**
 * Threads pay off from a few MB on (each starts in ~0.1 s; stdin counts as large) and with a CPU
 * to spare beside the one reading and linking.
 */
function defaultWorkers(files: string[]): number {
  const bytes = files.reduce((total, file) => total + (file === "-" ? Infinity : statSync(file, { throwIfNoEntry: false })?.size ?? 0), 0);
  const cpus = availableParallelism();
  return bytes < 8 << 20 || cpus <= 2 ? 0 : Math.min(8, cpus - 1);
}

/** Worker threads running `checkLine` on batches of lines. */
class CheckPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (results: Checked[]) => void; reject: (error: Error) => void }>();
  private next = 0;

  constructor(count: number, options: VerifyOptions) {
    const workerData = {
      logsealVerify: true,
      module: import.meta.url,
      tsx: pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs")).href,
      keys: options.keys ?? [],
      dateKey: options.dateKey,
      now: options.now,
    };
    for (let i = 0; i < count; i++) {
      const worker = new Worker(WORKER_BOOT, { eval: true, workerData });
      worker.on("message", ({ id, results }: { id: number; results: Checked[] }) => {
        this.waiting.get(id)!.resolve(results);
        this.waiting.delete(id);
      });
      worker.on("error", (error) => {
        for (const { reject } of this.waiting.values()) reject(error);
        this.waiting.clear();
      });
      this.workers.push(worker);
    }
  }

  check(lines: string[]): Promise<Checked[]> {
    const id = this.next++;
    const worker = this.workers[id % this.workers.length];
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, lines });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

// A worker loads this module through tsx's ESM API, as the command itself runs (bin/logseal.js).
const WORKER_BOOT = `
const { workerData } = require("node:worker_threads");
import(workerData.tsx).then((tsx) => { tsx.register(); return import(workerData.module); });
`;

if (!isMainThread && workerData?.logsealVerify) {
  const keys = new KeyRing((workerData.keys as Uint8Array[]).map((key) => Buffer.from(key)), workerData.now);
  parentPort!.on("message", ({ id, lines }: { id: number; lines: string[] }) => {
    parentPort!.postMessage({ id, results: lines.map((line) => checkLine(line, keys, workerData.dateKey)) });
  });
}

/** `CHAIN=SEQ:MAC` (the chain id may contain '='; the last one splits), for the chain of `origin`. */
export function parseExpectHead(spec: string, origin = ""): [string, { seq: number; mac: string }] {
  const match = /^(.*)=(\d+):([0-9a-f]{64})$/.exec(spec);
  if (!match) throw new Error(`--expect-head ${spec}: expected CHAIN=SEQ:MAC (MAC: 64 hex digits)`);
  return [chainKey(origin, match[1]), { seq: Number(match[2]), mac: match[3] }];
}

/** A head the chain must reach; `reached`: a later sequence number it must reach too (MAC unknown). */
export interface ExpectedHead {
  seq: number;
  mac: string;
  reached?: number;
}

/**
 * The heads saved in a copy of the module's state file, by chain key: each chain's last sequence
 * number and MAC; with the file's modification time (`mtimeMs`, a copy that kept it), the chain
 * it tallies must also reach the tallied sequence number (assembly/sealing/tally.ts).
 */
export function headsFromState(text: string, mtimeMs?: number): Map<string, ExpectedHead> {
  const heads = new Map<string, ExpectedHead>();
  const origin = /^logseal-state 2 instance=[0-9a-f]{16} origin=([0-9a-f]*|-) /.exec(text);
  if (!origin) throw new Error("--state: not a logseal state file of version 2");
  const name = origin[1] === "-" ? "" : Buffer.from(origin[1], "hex").toString("latin1");
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    // Each line ends with " check=<FNV-1a of what precedes, 8 hex>" (docs/sealing.md): a torn or
    // edited copy is refused rather than read as heads the logs then seem to fall short of.
    if (line.trim() === "") return;
    const check = / check=([0-9a-f]{8})/.exec(line);
    if (!check || fnv1a(Buffer.from(line.slice(0, check.index), "utf8")) !== parseInt(check[1], 16)) {
      throw new Error(`--state: line ${i + 1} is damaged (no checksum, or it does not match): a torn or edited copy; copy the state file again`);
    }
  });
  const tally = mtimeMs === undefined ? undefined : tallyOf(Math.floor(mtimeMs / 1000));
  lines.forEach((line, i) => {
    const match = /^seq=(\d+) count=\d+ dropped=\d+ head=([0-9a-f]{64}) chain=([0-9a-f]*) /.exec(line);
    if (!match || Number(match[1]) === 0) return;
    const saved = Number(match[1]);
    // `beyond=u`: the chain resumed after u records its head does not cover, and has not sealed since.
    const beyond = Number(/ beyond=(\d+) /.exec(line)?.[1] ?? 0);
    // Line 0 is the header, line i the chain slot i - 1.
    // The module writes a line at least every 256 records of the tallied chain and ignores a
    // tally beyond that (a copy torn while it ran): so does this.
    const ahead = tally?.slot === i - 1 ? (tally.low - saved) & TALLY_MASK : 0;
    const tallied = ahead > 0 && ahead <= TALLY_LINE_EVERY ? saved + ahead - 1 : -1;
    const reached = Math.max(tallied, beyond ? saved - 1 : -1);
    heads.set(chainKey(name, Buffer.from(match[3], "hex").toString("utf8")), { seq: saved - 1 - beyond, mac: match[2], ...(reached >= saved - beyond && { reached }) });
  });
  return heads;
}

const TALLY_BASE = 1_000_000_000;
const TALLY_MASK = 4095;
const TALLY_LINE_EVERY = 256;

/** A state file's modification time (seconds) as a tally: the slot and its sequence number modulo 4096 (tally.ts). */
function tallyOf(seconds: number): { slot: number; low: number } | undefined {
  if (seconds < TALLY_BASE || seconds >= TALLY_BASE + 65536 * 4096) return undefined;
  return { slot: Math.floor((seconds - TALLY_BASE) / 4096), low: (seconds - TALLY_BASE) & TALLY_MASK };
}

/** FNV-1a (32-bit) over bytes: the checksum of the module's state lines (assembly/sealing/lines.ts). */
export function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const b of bytes) hash = Math.imul(hash ^ b, 0x01000193) >>> 0;
  return hash;
}

const USAGE = `usage: logseal verify [--key-file K]... [--trust TRUST [--trust-out TRUST2] [--anchors FILE]...] [--allow-sha256] [--origin NAME]... [--continue HEADS]
                      [--heads-out HEADS] [--accept-any-start] [--max-chains N] [--expect-head CHAIN=SEQ:MAC]... [--state FILE]
                      [--date-key KEY] [--format F] [--tag-key KEY] [--loki-labels L] [--unchecked-time] [--allow-reorder] [--from T1] [--to T2] [--json] FILE...
  FILE              NDJSON from Fluent Bit (out_file plain or default format, stdout json_lines) or raw records; - for stdin
  --key-file        initial seal key(s) (the module's seal.key); needed for keyed seals
  --trust           the origins' public node keys (logseal keys trust); needed for signed seals (docs/signing.md)
  --trust-out       the trust file plus the epoch keys this run certified: the next run's --trust when it continues (--continue)
  --anchors         checkpoint records kept off the node (signed mode): every chain must reach its anchored head; repeatable
  --allow-sha256    accept plain SHA-256 chains (integrity only: anyone can recompute them); refused otherwise
  --origin          chains must come from this origin (node name); repeatable
  --continue        heads written by the previous run (--heads-out): chains must start right after them
  --heads-out       write every chain's first and last (seq, MAC) for the next run's --continue
  --accept-any-start  accept a chain that starts neither at its genesis nor at a --continue head (reported)
  --source-size P=N a source file's current size: bytes after its last record are reported as lost too; repeatable
  --max-chains N    chains followed at once (default 100,000; records of further chains fail: memory stays bounded)
  --expect-head     a chain (of the --origin given, if one) must reach this head (detects truncation); repeatable
  --state           expected heads from a copy of the module's logseal.state (copied with its time: cp -p)
  --date-key        the member out_stdout json_lines puts in front (json_date_key, e.g. date): checked against the seal's time, then dropped
  --format F        auto (default: store forms told from the content), ndjson (Fluent Bit's lines only), or the store a file
                    comes from: es, opensearch (_search hits), loki (query_range), splunk (export, HEC), s3 (objects, .gz), http
  --tag-key NAME    es/opensearch Include_Tag_Key's member (default flb-key); --date-key names Time_Key / json_date_key
  --loki-labels L   out_loki's labels / label_keys (e.g. '$level,ns=$kubernetes['namespace_name']'): members it moved into labels are put back
  --unchecked-time  the store's time is not the record's (Current_Time_Index, auto_extract_timestamp): reported, not checked
  --allow-reorder   report records out of order without failing
  --from, --to      a coverage report per origin and chain over this range of event times (ISO 8601 or Unix seconds;
                    from inclusive, to exclusive): records, signed, unsigned tail, missing, anchored, chains missing
  --workers N       threads checking records (default: CPUs - 1 from 3 CPUs, for inputs over 8 MB; 0: none)
  --json            machine-readable result
exit status: 0 every chain verifies, 1 a failure was found, 2 usage error, 3 nothing to verify (no record)`;

export async function main(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        "key-file": { type: "string", multiple: true },
        trust: { type: "string" },
        "trust-out": { type: "string" },
        anchors: { type: "string", multiple: true },
        "allow-sha256": { type: "boolean", default: false },
        origin: { type: "string", multiple: true },
        continue: { type: "string" },
        "heads-out": { type: "string" },
        "accept-any-start": { type: "boolean", default: false },
        "max-chains": { type: "string" },
        "source-size": { type: "string", multiple: true },
        "expect-head": { type: "string", multiple: true },
        state: { type: "string" },
        "date-key": { type: "string" },
        format: { type: "string" },
        "tag-key": { type: "string" },
        "loki-labels": { type: "string", multiple: true },
        "unchecked-time": { type: "boolean", default: false },
        "allow-reorder": { type: "boolean", default: false },
        from: { type: "string" },
        to: { type: "string" },
        workers: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  if (positionals.length === 0) return fail(USAGE);
  let options: VerifyOptions;
  try {
    const stateText = values.state ? readInput(values.state, "--state").toString("utf8") : "";
    const stateTime = values.state ? statSync(values.state).mtimeMs : 0;
    const expectHeads = values.state ? headsFromState(stateText, stateTime) : new Map();
    if (values.state && !tallyOf(Math.floor(stateTime / 1000))) {
      process.stderr.write(`logseal verify: note: --state ${values.state}: its modification time holds no tally; if the module tallied (keyed seals, persist_every 1), this copy lost its time (cp -p keeps it) and the chain that sealed last is anchored only up to its line, up to 256 records before its end\n`);
    }
    // Outputs are checked before a run that may take long: a directory or a missing folder is a usage error.
    for (const option of ["heads-out", "trust-out"] as const) {
      const path = values[option];
      if (path !== undefined) writablePath(path, `--${option}`);
    }
    // --expect-head names a chain of the one origin given with --origin (or of the unnamed origin).
    if ((values.origin?.length ?? 0) > 1 && values["expect-head"]?.length) return fail("--expect-head: with several --origin, which origin's chain is meant is unclear: give one --origin (or use --state)");
    for (const spec of values["expect-head"] ?? []) expectHeads.set(...parseExpectHead(spec, values.origin?.[0] ?? ""));
    options = {
      keys: (values["key-file"] ?? []).map(readKeyFile),
      expectHeads,
      dateKey: values["date-key"],
      allowReorder: values["allow-reorder"],
      allowSha256: values["allow-sha256"],
      origins: values.origin,
      trust: values.trust ? new Trust(readTrust(values.trust)) : undefined,
      starts: values.continue ? readHeads(values.continue) : undefined,
      acceptAnyStart: values["accept-any-start"],
      maxChains: values["max-chains"] === undefined ? undefined : positiveInteger(values["max-chains"], "--max-chains"),
      sourceSizes: sourceSizes(values["source-size"] ?? []),
      store: storeOptions(values.format, values["date-key"], values["tag-key"], values["unchecked-time"], values["loki-labels"]),
      range: timeRange(values.from, values.to),
    };
  } catch (error) {
    return fail((error as Error).message);
  }
  if (values.anchors) {
    const keys = new KeyRing([], options.now);
    try {
      options.anchors = await readAnchors(values.anchors, (text) => {
        const checked = checkLine(text, keys);
        if (checked.kind === "failure") return { bad: `${checked.reason}: ${checked.detail}` };
        if (checked.kind !== "record") return {};
        return checked.macFailure ? { bad: `${checked.macFailure.reason}: ${checked.macFailure.detail}` } : { seal: checked.seal };
      });
    } catch (error) {
      return fail((error as Error).message, 1);
    }
  }
  const started = Date.now();
  let result: VerifyResult;
  try {
    const workers = values.workers === undefined ? undefined : Number(values.workers);
    if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0)) return fail("--workers: a whole number (0: no threads)");
    result = await verifyFiles(positionals, options, workers);
  } catch (error) {
    return fail((error as Error).message, 1);
  }
  if (values.json) process.stdout.write(JSON.stringify(result) + "\n");
  else process.stdout.write(formatResult(result, (Date.now() - started) / 1000));
  // After the verdict: a file that cannot be written must not hide it (nor turn a failure into a usage error).
  try {
    if (values["heads-out"]) writeHeads(values["heads-out"], headsOf(result));
    if (values["trust-out"]) writeFileSync(values["trust-out"], JSON.stringify(trustWithCertified(options.trust, result.certifiedKeys ?? []), null, 2) + "\n");
  } catch (error) {
    const status = exitStatus(result);
    return fail((error as Error).message, status === 0 ? 2 : status);
  }
  return exitStatus(result);
}

/** --format and the options of store forms (docs/deploy.md, "Verifying where the logs land"). */
function storeOptions(format: string | undefined, timeKey: string | undefined, tagKey: string | undefined, uncheckedTime: boolean | undefined, lokiLabels: string[] | undefined): StoreOptions {
  if (lokiLabels) parseLokiLabels(lokiLabels); // a usage error now, not a failure per record
  if (format !== undefined && format !== "auto" && format !== "ndjson" && !STORE_FORMATS.includes(format as StoreFormat)) {
    throw new Error(`--format ${format}: one of auto, ndjson, ${STORE_FORMATS.join(", ")}`);
  }
  return {
    format: format === "auto" || format === "ndjson" ? undefined : (format as StoreFormat | undefined),
    ...(format === "ndjson" && { ndjson: true }),
    timeKey, tagKey, uncheckedTime, lokiLabels,
  };
}

/** --from/--to: a coverage report over that range of event times; neither: none. */
function timeRange(from: string | undefined, to: string | undefined): TimeRange | undefined {
  if (from === undefined && to === undefined) return undefined;
  const range: TimeRange = { from: from === undefined ? undefined : parseTime(from, "--from"), to: to === undefined ? undefined : parseTime(to, "--to") };
  if (range.from !== undefined && range.to !== undefined && range.to <= range.from) throw new Error("--to must be after --from");
  return range;
}

/** `PATH=BYTES` (the path may contain '='; the last one splits). */
function sourceSizes(specs: string[]): Record<string, number> | undefined {
  if (specs.length === 0) return undefined;
  const sizes: Record<string, number> = {};
  for (const spec of specs) {
    const match = /^(.+)=(\d+)$/.exec(spec);
    if (!match) throw new Error(`--source-size ${spec}: expected PATH=BYTES`);
    sizes[match[1]] = Number(match[2]);
  }
  return sizes;
}

/** Refuses an output path that is a directory or whose folder does not exist. */
function writablePath(path: string, option: string): void {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${option} ${path}: a directory, not a file`);
  if (!statSync(dirname(resolve(path)), { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${option} ${path}: no such folder`);
}

function positiveInteger(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${option}: a whole number from 1`);
  return n;
}

/** 0 verified, 1 a failure, 3 nothing to verify (no record, no failure): verifying nothing is not success. */
export function exitStatus(result: VerifyResult): number {
  return !result.ok ? 1 : result.records === 0 ? 3 : 0;
}

/** Every chain's first and last head, for the next run's --continue. */
export function headsOf(result: VerifyResult): ChainHeads[] {
  return result.chains.map((c) => ({
    o: c.origin, c: c.chain, i: c.instance, a: c.algorithm, ...(c.keyId && { k: c.keyId }), verified: c.failures === 0,
    first: { seq: c.firstSeq, mac: c.firstMac }, last: { seq: c.lastSeq, mac: c.lastMac },
  }));
}

/** The summary for people: one row per chain, what was not covered, then the failures. */
export function formatResult(result: VerifyResult, seconds?: number): string {
  const rows = result.chains.map((c) => [
    c.origin || "-",
    c.chain.length > 40 ? c.chain.slice(0, 37) + "..." : c.chain,
    String(c.records),
    c.records ? `${c.firstSeq}-${c.lastSeq}` : "-",
    c.start || "-",
    c.algorithm + (c.epochs[0] >= 0 ? ` e${c.epochs[0]}${c.epochs[1] !== c.epochs[0] ? "-" + c.epochs[1] : ""}` : ""),
    String(c.resumed),
    String(c.dropped),
    c.failures === 0 ? "ok" : `FAIL ${c.firstFailure!.reason} at ${c.firstFailure!.file}:${c.firstFailure!.line}`,
  ]);
  const header = ["origin", "chain", "records", "seq", "start", "sealed with", "resumed", "dropped", "status"];
  const right = new Set([2, 6, 7]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  let out = [line(header), ...rows.map(line)].join("\n") + "\n";
  if (result.rangeCoverage) out += formatRangeCoverage(result.rangeCoverage);
  if (result.completeness) out += `source files (lines that reached the filter):\n${formatCompleteness(result.completeness)}\n`;
  for (const note of coverageNotes(result)) out += `note: ${note}\n`;
  for (const note of result.store?.notes ?? []) out += `note: ${note}\n`;
  for (const hint of result.store?.hints ?? []) out += `hint: ${hint}\n`;
  for (const f of result.failures.slice(0, 20)) {
    out += `${f.file}:${f.line}: ${f.reason}${f.chain !== undefined ? ` [${f.chain}]` : ""}: ${f.detail}\n`;
  }
  if (result.failureCount > 20) out += `... ${result.failureCount - 20} more failures (--json lists up to ${MAX_LISTED})\n`;
  const speed = seconds ? `, ${Math.round(result.records / Math.max(seconds, 1e-3)).toLocaleString("en-US")} records/s` : "";
  const verdict = !result.ok
    ? `FAILED (${Object.entries(result.byReason).map(([r, n]) => `${n} ${r}`).join(", ")})`
    : result.records === 0 ? "NOTHING VERIFIED (no record in the input)" : "OK";
  return out + `${result.records} records in ${result.chains.length} chains${speed}: ${verdict}\n`;
}

/** What the verdict does not vouch for. */
function coverageNotes(result: VerifyResult): string[] {
  const notes: string[] = [];
  const { coverage } = result;
  if (result.chains.some((c) => c.algorithm === "sha256" || c.algorithm === "mixed")) notes.push("SHA-256 chains prove integrity only: anyone can recompute them");
  if (result.chains.some((c) => c.recordEpochs)) notes.push("epochs by record count (epoch_records): a holder of a later epoch's key can claim old seal times with a large count; epoch_seconds alone dates every epoch");
  if (coverage.tagsNotCovered) notes.push(`${coverage.tagsNotCovered} line tags not covered (chains by field)`);
  if (result.chains.some((c) => c.start === "unverified")) notes.push("chains starting at an unverified record (--accept-any-start): earlier records may be missing");
  if (coverage.quietChains.length) notes.push(`no records for ${coverage.quietChains.length} chains given with --continue: ${coverage.quietChains.slice(0, 5).join(", ")}`);
  const tails = result.chains.filter((c) => c.signed && c.signed.unsignedTail > 0);
  if (tails.length) {
    const shown = tails.slice(0, 5).map((c) => `${c.origin ? c.origin + "/" : ""}${c.chain} ${c.signed!.unsignedTail} after seq ${c.signed!.signedThrough}`);
    notes.push(`unsigned tail (records after the chain's last signature, integrity only): ${shown.join(", ")}${tails.length > 5 ? `, and ${tails.length - 5} more chains` : ""}`);
  }
  notes.push("a chain's end is covered only up to an expected head (--state, --expect-head, --anchors) or a later record");
  return notes;
}
