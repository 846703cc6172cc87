// What a store reader hands the verifier: for each record the store gave back, the readings of it
// that the output could have produced (what the output added taken off, its time and tag put beside
// the record, where the seal checks them), or why it is no record at all.
import { type Member, parseMembers } from "../canonical.ts";
import type { Line, Reason } from "../verify.ts";
import { skipValue } from "./scan.ts";

export type StoreFormat = "es" | "opensearch" | "loki" | "splunk" | "s3" | "http";
export const STORE_FORMATS: StoreFormat[] = ["es", "opensearch", "loki", "splunk", "s3", "http"];

export interface StoreOptions {
  /** The store form of every file; undefined: told from each file's content (NDJSON records stay as they are). */
  format?: StoreFormat;
  /** --format ndjson: every file is Fluent Bit's own lines, nothing is told from content. */
  ndjson?: boolean;
  /** The member the output adds with the record's time (es Time_Key, s3/http json_date_key); the output's default otherwise. */
  timeKey?: string;
  /** The member es/opensearch Include_Tag_Key adds (Tag_Key); default flb-key. */
  tagKey?: string;
  /** out_loki's `labels` / `label_keys` values: members the output moved from the line into labels, put back (loki-labels.ts). */
  lokiLabels?: string[];
  /** The store's time is not the record's (es Current_Time_Index, Splunk auto_extract_timestamp): not checked, reported. */
  uncheckedTime?: boolean;
}

/** One way to read a stored record: the record, its time and tag outside it, and what was taken off. */
export interface Reading {
  line: Line;
  /** The text the members were parsed from (their positions are in it). */
  text: string;
  /** Names of members the output added and this reading takes off (checked, or reported as not covered). */
  removed: string[];
  /** Paths of members put back from where the output moved them (Loki labels). */
  restored?: string[];
  /** What is wrong around the record (a store time that is no time, a missing time member): reported with the record, which still takes its place in the chain. */
  outerFailure?: { reason: Reason; detail: string };
}

export interface StoreEntry {
  /** Line of the file (NDJSON forms) or the record's place in the document (1-based). */
  at: number;
  /** Readings in order of likelihood: the first whose MAC holds is taken; none: the first one's failure. */
  readings?: Reading[];
  failure?: { reason: Reason; detail: string };
}

/** What the readers collect from one file. */
export class StoreFile {
  readonly entries: StoreEntry[] = [];
  /** What the seals do not cover in this store form (said once each). */
  readonly notes = new Set<string>();
  /** Hints for failures: what setting of the output would explain failures of that reason. */
  readonly hints = new Map<string, Reason>();

  hint(reason: Reason, text: string): void {
    this.hints.set(text, reason);
  }

  constructor(readonly format: StoreFormat, readonly options: StoreOptions) {}

  fail(at: number, reason: Reason, detail: string): void {
    this.entries.push({ at, failure: { reason, detail } });
  }

  add(at: number, readings: Reading[]): void {
    this.entries.push({ at, readings });
  }
}

/**
 * The record object at `at` in `text`: its own text and its members (positions in that text). Each
 * record is parsed from its own text: the parser's look-ahead for escapes would otherwise scan the
 * rest of a whole document for every record.
 */
export function recordAt(text: string, at: number): { members: Member[]; text: string } {
  const own = text.slice(at, skipValue(text, at));
  return { members: parseMembers(own, 0).members, text: own };
}

/** `members` without the ones at the given indexes. */
export const without = (members: Member[], drop: number[]): Member[] => members.filter((_, i) => !drop.includes(i));

/** A member's string value, or undefined for another kind of value. */
export function stringValue(member: Member | undefined): string | undefined {
  const text = member?.text;
  if (text === undefined || text.charCodeAt(0) !== 0x22) return undefined;
  return JSON.parse(text) as string;
}

/** A record read from `text`, or the reason it is none. */
export function parseRecord(text: string, at = 0): Member[] | string {
  try {
    const { members, end } = parseMembers(text, at);
    if (at === 0 && text.slice(end).trim() !== "") return `data after the record at character ${end}`;
    return members;
  } catch (error) {
    return (error as Error).message;
  }
}
