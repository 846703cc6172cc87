// `logseal verify` on what stores give back (docs/deploy.md, "Verifying where the logs land"):
// Elasticsearch/OpenSearch `_search` hits, Loki `query_range` lines, Splunk search exports and HEC
// events, S3 objects (gzip too), out_http bodies. Each reader (es.ts, loki.ts, splunk.ts, lines.ts)
// turns a store's documents into records with their time and tag beside them, taking off only what
// the output adds; the verifier then checks them as it checks Fluent Bit's own lines. A store keeps
// its own order, so records are handed over in seal order (origin, chain, sequence).
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { type Checked, type Reason, type Verifier, checkParsed } from "../verify.ts";
import { decodeUtf8 } from "../utf8.ts";
import { readEs } from "./es.ts";
import { readLines } from "./lines.ts";
import { readLoki } from "./loki.ts";
import { looksLikeMsgpack, readMsgpack } from "./msgpack.ts";
import { type Reading, STORE_FORMATS, StoreFile, type StoreFormat, type StoreOptions } from "./reading.ts";
import { skipSpace, skipValue } from "./scan.ts";
import { readSplunk } from "./splunk.ts";

export { STORE_FORMATS, type StoreFormat, type StoreOptions } from "./reading.ts";

const READERS: Record<StoreFormat, (text: string, file: StoreFile) => void> = {
  es: readEs,
  opensearch: readEs,
  loki: readLoki,
  splunk: readSplunk,
  s3: readLines,
  http: readLines,
};

/** What the verdict says about the store forms read. */
export interface StoreReport {
  /** The form each file was read as. */
  files: Record<string, StoreFormat>;
  records: number;
  /** Members the outputs added, taken off (and checked, or said here), by name. */
  removed: Record<string, number>;
  /** Members put back from where the output moved them (Loki labels), by path: the seal then covers those labels. */
  restored: Record<string, number>;
  /** What the seals do not cover in these forms. */
  notes: string[];
  /** Settings of the outputs that would explain the failures found (by their reasons). */
  hints: string[];
}

export class StoreReader {
  private readonly hints = new Map<string, Reason>();
  /** Records of store files, kept until every file is read (flush). */
  private readonly records: { checked: Extract<Checked, { kind: "record" }>; path: string; at: number }[] = [];
  private readonly report: StoreReport = { files: {}, records: 0, removed: {}, restored: {}, notes: [], hints: [] };

  constructor(private readonly options: StoreOptions) {}

  /**
   * The store form of a file and its text, or null when it is Fluent Bit's own NDJSON (read line by
   * line as before). Gzip (S3's compression gzip) is undone first. Told from the first bytes unless given.
   */
  formatOf(path: string): { format: StoreFormat; bytes: Buffer; error?: string } | null {
    let bytes: Buffer;
    if (this.options.ndjson) return null;
    if (this.options.format === undefined) {
      const head = readHead(path);
      if (!(head[0] === 0x1f && head[1] === 0x8b) && !looksLikeMsgpack(head) && detectStart(head) === null) return null;
    }
    try {
      bytes = readFileSync(path === "-" ? 0 : path);
    } catch (error) {
      // Too large to read whole (over 2 GiB): this file fails, the others are still checked.
      return { format: this.options.format ?? "s3", bytes: Buffer.alloc(0), error: (error as Error).message };
    }
    const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
    if (gzip) {
      try {
        bytes = gunzipSync(bytes, { maxOutputLength: MAX_TEXT });
      } catch (error) {
        // A corrupt or cut object, or one that inflates beyond what can be read as text, fails alone.
        return { format: this.options.format ?? "s3", bytes: Buffer.alloc(0), error: `gzip: ${(error as Error).message}` };
      }
    }
    const format = this.options.format ?? (looksLikeMsgpack(bytes) ? "http" : detectStart(bytes)) ?? (gzip ? "s3" : null);
    return format ? { format, bytes } : null;
  }

  /** Reads one file of a store form into the verifier. */
  async verify(verifier: Verifier, path: string, format: StoreFormat, bytes: Buffer, error?: string): Promise<void> {
    this.report.files[path] = format;
    const file = new StoreFile(format, this.options);
    try {
      if (error !== undefined) file.fail(1, "unreadable", `not a ${format} document: ${error}`);
      else if (format === "http" && looksLikeMsgpack(bytes)) readMsgpack(bytes, file);
      else READERS[format](decodeUtf8(bytes), file);
    } catch (error) {
      file.fail(file.entries.length + 1, "unreadable", `not a ${format} document: ${(error as Error).message}`);
    }
    const records = this.records;
    let n = 0;
    for (const entry of file.entries) {
      // Long synchronous work yields now and then (callers in tests share the event loop).
      if (++n % 5000 === 0) await new Promise((resolve) => setImmediate(resolve));
      if (entry.failure) {
        verifier.addChecked({ kind: "failure", ...entry.failure }, path, entry.at);
        continue;
      }
      const { checked, reading } = this.bestReading(verifier, entry.readings!);
      if (checked.kind !== "record") {
        verifier.addChecked(checked, path, entry.at);
        continue;
      }
      for (const name of reading.removed) this.report.removed[name] = (this.report.removed[name] ?? 0) + 1;
      for (const path of reading.restored ?? []) this.report.restored[path] = (this.report.restored[path] ?? 0) + 1;
      records.push({ checked, path, at: entry.at });
      this.report.records++;
    }
    for (const note of file.notes) if (!this.report.notes.includes(note)) this.report.notes.push(note);
    for (const [hint, reason] of file.hints) this.hints.set(hint, reason);
  }

  /**
   * Hands the records of every store file to the verifier in seal order: a chain's records may be
   * spread over several files (S3 objects, scroll pages) in any order.
   */
  async flush(verifier: Verifier): Promise<void> {
    const records = this.records.splice(0);
    records.sort((a, b) => compare(a.checked.seal.o, b.checked.seal.o) || compare(a.checked.seal.c, b.checked.seal.c) || a.checked.seal.s - b.checked.seal.s);
    let n = 0;
    for (const { checked, path, at } of records) {
      if (++n % 5000 === 0) await new Promise((resolve) => setImmediate(resolve));
      verifier.addChecked(checked, path, at);
    }
  }

  /** The first reading whose MAC holds, else the first one's result. */
  private bestReading(verifier: Verifier, readings: Reading[]): { checked: Checked; reading: Reading } {
    let first: { checked: Checked; reading: Reading } | undefined;
    for (const reading of readings) {
      let checked: Checked;
      try {
        checked = checkParsed(reading.line, reading.text, verifier.keys);
      } catch (error) {
        checked = { kind: "failure", reason: "unreadable", detail: (error as Error).message };
      }
      if (checked.kind === "record" && reading.outerFailure && !checked.outerFailure) checked = { ...checked, outerFailure: reading.outerFailure };
      if (checked.kind === "record" && !checked.macFailure) return { checked, reading };
      first ??= { checked, reading };
    }
    return first!;
  }

  /** The report, with the hints for the reasons that failed (`byReason`: the verdict's). */
  finish(byReason: Partial<Record<Reason, number>> = {}): StoreReport | undefined {
    if (Object.keys(this.report.files).length === 0) return undefined;
    this.report.hints = [...this.hints].filter(([, reason]) => byReason[reason]).map(([hint]) => hint);
    const notes = this.report.notes;
    notes.unshift("store forms are read in seal order (a store keeps its own order): deletions, insertions, changes and replays are seen, the order of delivery is not");
    const counted = (counts: Record<string, number>) => Object.entries(counts).map(([name, n]) => `${name} (${n})`).join(", ");
    if (Object.keys(this.report.removed).length) notes.push(`members the outputs added, taken off and checked against the seals (times, tags) or listed here: ${counted(this.report.removed)}`);
    if (Object.keys(this.report.restored).length) notes.push(`members put back from Loki labels or structured metadata, then covered by the seals: ${counted(this.report.restored)}`);
    if (this.options.uncheckedTime) notes.push("the stores' times were not checked (--unchecked-time): only the seals' own times are covered");
    return this.report;
  }
}

/** The longest store text read (V8's longest string, ~512 MiB): a gzip bomb stops there. */
const MAX_TEXT = 2 ** 29 - 24;

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The store form told from the start of a file: its first 64 KiB, or its first line when that is
 * longer (up to 16 MiB): a sealed record longer than 64 KiB whose first members look like a store's
 * (`status` and `data`: Loki's) must show its `_seal` before it is taken for one.
 */
function detectStart(bytes: Buffer): StoreFormat | null {
  const newline = bytes.indexOf(0x0a);
  const end = Math.max(HEAD, newline < 0 ? bytes.length : newline);
  return detect(bytes.subarray(0, Math.min(end, FIRST_LINE)).toString("utf8"));
}

const HEAD = 65536;
const FIRST_LINE = 16 << 20;

/**
 * The first 64 KiB of a file, or up to the end of its first line when that is longer (up to 16 MiB); nothing for stdin or a pipe, `<(zcat ...)` or /dev/stdin: it is a
 * store form only when --format says so; a pipe read here would not give those bytes again).
 */
function readHead(path: string): Buffer {
  if (path === "-" || !statSync(path).isFile()) return Buffer.alloc(0);
  const fd = openSync(path, "r");
  try {
    let buffer = Buffer.alloc(HEAD);
    let length = readSync(fd, buffer, 0, HEAD, 0);
    while (length === buffer.length && buffer.length < FIRST_LINE && buffer.indexOf(0x0a) < 0) {
      buffer = Buffer.concat([buffer, Buffer.alloc(buffer.length)]);
      length += readSync(fd, buffer, length, buffer.length - length, length);
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/**
 * The store form of a text from its first object's keys, or null: Fluent Bit's own lines (a record,
 * `[time, record]`, `tag: [...]`) and anything not clearly a store's document stay NDJSON. Only the
 * documents stores give back are told apart, by keys a record does not have all of: a record that
 * begins like a store's document (its own `@timestamp`, an `event` member) is not one.
 */
export function detect(head: string): StoreFormat | null {
  const at = skipSpace(head, 0);
  if (head[at] === "[") return head[skipSpace(head, at + 1)] === "{" ? "http" : null; // out_http json; `[time, record]` lines otherwise
  if (head[at] !== "{") return null;
  const keys = leadingKeys(head, at);
  const has = (key: string) => keys.includes(key);
  const only = (allowed: string[]) => keys.every((k) => allowed.includes(k));
  if (has("_seal")) return null;
  if ((has("took") && has("hits")) || (keys[0] === "_scroll_id" && has("hits")) || (has("_index") && has("_source"))) return "es";
  if ((has("status") && has("data")) || (keys.length === 1 && keys[0] === "streams") || (has("line") && only(["labels", "line", "timestamp"]))) return "loki";
  if ((has("result") && (has("preview") || has("offset"))) || (has("results") && (has("preview") || has("init_offset") || has("messages")))) return "splunk";
  if (has("event") && only(["time", "host", "source", "sourcetype", "index", "fields", "event"])) return "splunk";
  return null;
}

/** The keys of the object at `at`, as far as `text` (perhaps cut short) holds them. */
function leadingKeys(text: string, at: number): string[] {
  const keys: string[] = [];
  let pos = skipSpace(text, at + 1);
  try {
    while (text[pos] === '"') {
      const end = skipValue(text, pos);
      keys.push(JSON.parse(text.slice(pos, end)) as string);
      pos = skipSpace(text, end);
      if (text[pos] !== ":") break;
      pos = skipSpace(text, skipValue(text, pos + 1));
      if (text[pos] !== ",") break;
      pos = skipSpace(text, pos + 1);
    }
  } catch {
    // cut short: the keys so far
  }
  return keys;
}
