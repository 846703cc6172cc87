// `logseal verify --from T1 --to T2`: what the run vouches for over a time range, per origin and
// chain, like CloudTrail's `validate-logs` (docs/signing.md, "Coverage over a time range"): the
// records whose event time falls in the range, how many of them are under a signature and how many
// are in an unsigned tail, sequence numbers missing among them, the highest checkpoint anchored off
// the node in the range and whether the store reaches it, and chains anchored but absent from the
// store. It observes the records the verifier reads; the verdict stays the verifier's.
import type { Anchor } from "./signed.ts";
import { type Seal, chainAlgorithm } from "./seal-mac.ts";

/** Event times `from <= t < to`, in seconds; either end may be open. */
export interface TimeRange {
  from?: number;
  to?: number;
}

/** Sequence numbers as sorted, disjoint runs [from, to]. */
type Runs = [number, number][];

/** Runs kept per segment: a hostile input of every other sequence number stays bounded. */
const MAX_RUNS = 4096;

/** One segment of a chain: its records from a genesis (or the input's first) on, one instance's numbering. */
interface Segment {
  instance: string;
  /** Every sequence number seen, and those whose event time is in the range. */
  all: Runs;
  inRange: Runs;
  /** The highest sequence number seen with an event time before the range (-1: none), the lowest after it. */
  before: number;
  after: number;
  /** The highest sequence number under a signature (cp: its own; pc: the one before); -1 none. */
  signedThrough: number;
  approximate: boolean;
}

interface ChainCoverageState {
  origin: string;
  chain: string;
  algorithm: string;
  segments: Segment[];
  firstTime?: string;
  lastTime?: string;
  firstSeconds: number;
  lastSeconds: number;
}

export interface ChainCoverage {
  origin: string;
  chain: string;
  /** Instance ids of the records in range (more than one: the chain restarted in the range). */
  instances: string[];
  algorithm: string;
  /** Records whose event time is in the range. */
  records: number;
  /** Their lowest and highest sequence numbers (of the last instance's numbering when it restarted). */
  firstSeq: number;
  lastSeq: number;
  firstTime?: string;
  lastTime?: string;
  /** Signed mode: records in range under a signature, and those after their segment's last signature. */
  signed?: number;
  unsignedTail?: number;
  /**
   * Sequence numbers missing (none seen in the whole input) between the last record before the
   * range and the first after it: the missing records' times are unknown, so a hole next to the
   * range, or one that swallowed all of the chain's records in range, counts.
   */
  gaps: { from: number; to: number }[];
  missing: number;
  /** The highest checkpoint anchored off the node with an event time in range; whether the store has it. */
  anchored?: { seq: number; time: string; reached: boolean };
  /** Runs were merged past MAX_RUNS: the counts are approximate. */
  approximate?: boolean;
  /** "ok", or the chain's first failure reason in the whole run (the verifier's verdict). */
  status: string;
}

export interface RangeCoverageReport {
  from?: string;
  to?: string;
  /** Which time of a record the range is about. */
  time: "event time (_seal.t)";
  chains: ChainCoverage[];
  /** Chains with a checkpoint anchored in the range and no record in the store at all. */
  missingChains: { origin: string; chain: string; anchoredSeq: number; time: string }[];
  totals: { origins: number; chains: number; records: number; signed: number; unsignedTail: number; missing: number; missingChains: number };
}

/** `--from`/`--to`: ISO 8601 (a date alone is midnight UTC) or Unix seconds. */
export function parseTime(text: string, option: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) {
    // Milliseconds (or finer) read as seconds would be a range some thousand years off: nothing in it.
    if (Number(text) >= 1e11) throw new Error(`${option} ${text}: Unix seconds expected (this is after the year 5000: milliseconds?)`);
    return Number(text);
  }
  // ISO 8601 only (Date.parse also takes "12/04/2026", month first, in local time); without a zone: UTC, not the machine's zone.
  const iso = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  const ms = iso ? Date.parse(`${iso[1]}T${iso[2] ?? "00:00:00"}${(iso[3] ?? "Z").replace(/^([+-]\d{2})(\d{2})$/, "$1:$2")}`) : NaN;
  const [y, mo, d] = (iso?.[1] ?? "0-0-0").split("-").map(Number);
  const realDay = iso !== null && new Date(Date.UTC(y, mo - 1, d)).toISOString().slice(0, 10) === iso[1]; // not 2026-02-31 (rolls over)
  if (Number.isNaN(ms) || !realDay) throw new Error(`${option} ${text}: expected an ISO 8601 time (2026-12-04T10:00:00Z) or Unix seconds`);
  return ms / 1000;
}

const secondsOf = (t: string): number => Number(t);
const iso = (t: string | number): string => new Date(Math.floor(Number(t)) * 1000).toISOString().replace(".000Z", "Z");

function addRun(runs: Runs, s: number): boolean {
  const last = runs[runs.length - 1];
  if (last && s === last[1] + 1) {
    last[1] = s;
    return true;
  }
  if (last && s > last[1] + 1) {
    if (runs.length >= MAX_RUNS) {
      last[1] = s; // merged: approximate from here
      return false;
    }
    runs.push([s, s]);
    return true;
  }
  // Out of order (or the first): find its place.
  let low = 0, high = runs.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (s < runs[mid][0]) high = mid - 1;
    else if (s > runs[mid][1]) low = mid + 1;
    else return true; // already there
  }
  // runs[low - 1] < s < runs[low]
  const before = runs[low - 1], after = runs[low];
  if (before && before[1] + 1 === s && after && after[0] - 1 === s) {
    before[1] = after[1];
    runs.splice(low, 1);
  } else if (before && before[1] + 1 === s) before[1] = s;
  else if (after && after[0] - 1 === s) after[0] = s;
  else if (runs.length >= MAX_RUNS) {
    (after ?? before)[after ? 0 : 1] = s;
    return false;
  } else runs.splice(low, 0, [s, s]);
  return true;
}

/**
 * Holes in everything seen of a segment that may hold records of the range: between its last record
 * before the range and its first after it (and around its records in range, should times not rise).
 */
function holesNextTo(segment: Segment): { from: number; to: number }[] {
  const ranged = segment.inRange;
  let low = segment.before + 1, high = segment.after - 1;
  if (ranged.length) [low, high] = [Math.min(low, ranged[0][0]), Math.max(high, ranged[ranged.length - 1][1])];
  const holes: { from: number; to: number }[] = [];
  for (let i = 1; i < segment.all.length; i++) {
    const from = segment.all[i - 1][1] + 1, to = segment.all[i][0] - 1;
    if (to >= low && from <= high) holes.push({ from, to });
  }
  return holes;
}

const count = (runs: Runs): number => runs.reduce((n, [a, b]) => n + b - a + 1, 0);
/** Sequence numbers of `runs` at or below `through`. */
const countThrough = (runs: Runs, through: number): number => runs.reduce((n, [a, b]) => n + (through < a ? 0 : Math.min(b, through) - a + 1), 0);

export class RangeCoverage {
  private readonly chains = new Map<string, ChainCoverageState>();
  /** Anchors in range by chain key, and which of them the store reached (same instance, seq and MAC). */
  private readonly anchors = new Map<string, { anchor: Anchor; reached: boolean }[]>();

  constructor(readonly range: TimeRange, anchors: Anchor[] = []) {
    for (const anchor of anchors) {
      if (!this.inRange(anchor.seal.t)) continue;
      const list = this.anchors.get(anchor.key) ?? [];
      list.push({ anchor, reached: false });
      this.anchors.set(anchor.key, list);
    }
  }

  private inRange(t: string): boolean {
    const seconds = secondsOf(t);
    return (this.range.from === undefined || seconds >= this.range.from) && (this.range.to === undefined || seconds < this.range.to);
  }

  /** A record of chain `key`, in input order. */
  add(key: string, seal: Seal): void {
    let chain = this.chains.get(key);
    if (!chain) {
      chain = { origin: seal.o, chain: seal.c, algorithm: seal.a, segments: [], firstSeconds: Infinity, lastSeconds: -Infinity };
      this.chains.set(key, chain);
    }
    chain.algorithm = chainAlgorithm(chain.algorithm, seal.a);
    let segment = chain.segments[chain.segments.length - 1];
    if (!segment || (seal.s === 0 && seal.g === "new" && segment.all.length > 0) || segment.instance !== seal.i && seal.g !== undefined) {
      segment = { instance: seal.i, all: [], inRange: [], before: -1, after: Infinity, signedThrough: -1, approximate: false };
      chain.segments.push(segment);
    }
    if (!addRun(segment.all, seal.s)) segment.approximate = true;
    if (seal.cp) segment.signedThrough = Math.max(segment.signedThrough, seal.s);
    if (seal.pc) segment.signedThrough = Math.max(segment.signedThrough, seal.s - 1);
    for (const anchored of this.anchors.get(key) ?? []) {
      const a = anchored.anchor.seal;
      if (a.s === seal.s && a.i === seal.i && a.m === seal.m) anchored.reached = true;
    }
    const seconds = secondsOf(seal.t);
    if (!this.inRange(seal.t)) {
      if (this.range.from !== undefined && seconds < this.range.from) segment.before = Math.max(segment.before, seal.s);
      else segment.after = Math.min(segment.after, seal.s);
      return;
    }
    if (!addRun(segment.inRange, seal.s)) segment.approximate = true;
    if (seconds < chain.firstSeconds) [chain.firstSeconds, chain.firstTime] = [seconds, seal.t];
    if (seconds > chain.lastSeconds) [chain.lastSeconds, chain.lastTime] = [seconds, seal.t];
  }

  /** The report; `status` gives each chain's verdict ("ok" or its first failure's reason). */
  finish(status: (key: string) => string): RangeCoverageReport {
    const chains: ChainCoverage[] = [];
    for (const [key, state] of this.chains) {
      const holes = new Map(state.segments.map((s) => [s, holesNextTo(s)]));
      const inRange = state.segments.filter((s) => s.inRange.length > 0 || holes.get(s)!.length > 0);
      const anchored = this.highestAnchor(key);
      if (inRange.length === 0 && !anchored) continue;
      const signedMode = state.algorithm === "ed25519";
      const report: ChainCoverage = {
        origin: state.origin, chain: state.chain, instances: [...new Set(inRange.map((s) => s.instance))], algorithm: state.algorithm,
        records: 0, firstSeq: -1, lastSeq: -1, firstTime: state.firstTime, lastTime: state.lastTime,
        ...(signedMode && { signed: 0, unsignedTail: 0 }), gaps: [], missing: 0, status: status(key),
      };
      for (const segment of inRange) {
        for (const gap of holes.get(segment)!) {
          report.gaps.push(gap);
          report.missing += gap.to - gap.from + 1;
        }
        if (segment.approximate) report.approximate = true;
        if (segment.inRange.length === 0) continue;
        const records = count(segment.inRange);
        report.records += records;
        report.firstSeq = report.firstSeq < 0 ? segment.inRange[0][0] : Math.min(report.firstSeq, segment.inRange[0][0]);
        report.lastSeq = segment.inRange[segment.inRange.length - 1][1];
        if (signedMode) {
          const signed = countThrough(segment.inRange, segment.signedThrough);
          report.signed! += signed;
          report.unsignedTail! += records - signed;
        }
      }
      if (report.gaps.length > 100) report.gaps = report.gaps.slice(0, 100);
      if (anchored) report.anchored = anchored;
      chains.push(report);
    }
    chains.sort((a, b) => (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0));
    const missingChains: RangeCoverageReport["missingChains"] = [];
    for (const [key, list] of this.anchors) {
      if (this.chains.has(key)) continue;
      const top = list.reduce((a, b) => (b.anchor.seal.s > a.anchor.seal.s ? b : a)).anchor.seal;
      missingChains.push({ origin: top.o, chain: top.c, anchoredSeq: top.s, time: iso(top.t) });
    }
    const sum = (f: (c: ChainCoverage) => number) => chains.reduce((n, c) => n + f(c), 0);
    return {
      ...(this.range.from !== undefined && { from: iso(this.range.from) }),
      ...(this.range.to !== undefined && { to: iso(this.range.to) }),
      time: "event time (_seal.t)",
      chains,
      missingChains,
      totals: {
        origins: new Set([...chains, ...missingChains].map((c) => c.origin)).size,
        chains: chains.length + missingChains.length,
        records: sum((c) => c.records),
        signed: sum((c) => c.signed ?? 0),
        unsignedTail: sum((c) => c.unsignedTail ?? 0),
        missing: sum((c) => c.missing),
        missingChains: missingChains.length,
      },
    };
  }

  /** The chain's highest anchored checkpoint in range (of its last anchored instance). */
  private highestAnchor(key: string): ChainCoverage["anchored"] | undefined {
    const list = this.anchors.get(key);
    if (!list?.length) return undefined;
    const top = list.reduce((a, b) => (b.anchor.seal.s > a.anchor.seal.s ? b : a));
    return { seq: top.anchor.seal.s, time: iso(top.anchor.seal.t), reached: top.reached };
  }
}

/** The report for people: one row per chain, then the totals. */
export function formatRangeCoverage(report: RangeCoverageReport): string {
  const range = `${report.from ?? "the first record"} to ${report.to ?? "the last record"}`;
  let out = `coverage from ${range} (${report.time}, from inclusive, to exclusive):\n`;
  const rows = report.chains.map((c) => [
    c.origin || "-",
    c.chain.length > 40 ? c.chain.slice(0, 37) + "..." : c.chain,
    String(c.records),
    c.records ? `${c.firstSeq}-${c.lastSeq}` : "-",
    c.firstTime ? `${iso(c.firstTime)} .. ${iso(c.lastTime!)}` : "-",
    c.signed === undefined ? `n/a (${c.algorithm})` : String(c.signed),
    c.unsignedTail === undefined ? "-" : String(c.unsignedTail),
    c.missing ? `${c.missing} in ${c.gaps.length}` : "0",
    c.anchored ? `seq ${c.anchored.seq} ${c.anchored.reached ? "reached" : "NOT REACHED"}` : "-",
    c.status === "ok" ? "ok" : `FAIL ${c.status}`,
  ]);
  for (const m of report.missingChains) rows.push([m.origin || "-", m.chain, "0", "-", "-", "-", "-", "-", `seq ${m.anchoredSeq} NOT REACHED`, "MISSING from the store"]);
  const header = ["origin", "chain", "records", "seq", "event times", "signed", "unsigned tail", "missing", "anchored", "status"];
  const right = new Set([2, 5, 6, 7]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => "  " + cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  out += [line(header), ...rows.map(line)].join("\n") + "\n";
  const t = report.totals;
  const share = t.records ? ` (${((100 * t.signed) / t.records).toFixed(1)}%)` : "";
  out += `coverage: ${t.origins} origins, ${t.chains} chains; ${t.records} records in range, ${t.signed} under signatures${share}, ${t.unsignedTail} in unsigned tails; `
    + `${t.missing} sequence numbers missing; ${t.missingChains} anchored chains missing from the store\n`;
  if (report.chains.some((c) => c.approximate)) out += "coverage: counts marked approximate: too many gaps in a chain to list\n";
  return out;
}
