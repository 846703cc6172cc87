// Completeness from the source files: which bytes of each file tail read never reached the
// filter. logseal writes into every record it gets from tail (policy `input.source`, kit
// default) `"logseal_source": {"path": P, "offset": O, "bytes": N}`: the line's first byte in
// the file and its length, covered by the seal. Lines of one file follow each other, so every
// hole between the ranges [O, O + N + 1) of a file's records is a range of the file that never
// reached the filter: "lost before the filter". Losses after the filter are the chains' concern
// (cli/verify.ts). docs/input.md has the facts from Fluent Bit's tail this rests on:
// - O is where the line starts (the same with or without a parser); N counts the line without
//   its newline; tail strips a CR before the LF, and Fluent Bit drops up to five bytes that are
//   not UTF-8 at the end of a string: up to `slack` (6) bytes after a line are let through as
//   "unaccounted", more is a gap;
// - a record the CRI parser joined from partial lines (`joined`, no length) stands for the
//   lines between the record before it and its own last line, and that line up to the next;
// - rotation and truncation start the file again at offset 0 (a new generation, which Fluent
//   Bit may read while it still finishes the old file under the same path); a restart from
//   tail's database goes back to a line already seen (read twice: duplicates, not a gap).

/** What a record says about its source: `logseal_source` as the module writes it. */
export interface Source {
  path: string | null;
  offset: number;
  bytes?: number;
  invalid_utf8?: boolean;
  joined?: boolean;
}

/** Lines of records the policy dropped, listed by the next record that went out (`logseal_source_dropped`). */
export interface DroppedRange {
  path: string | null;
  offset: number;
  /** The offset after the last dropped line, when its length is known. */
  end?: number;
}

export interface Where {
  file: string;
  line: number;
}

export interface Gap {
  path: string;
  /** 1 for the first generation of the path seen, 2 after a rotation or truncation... */
  generation: number;
  start: number;
  end: number;
  bytes: number;
  /**
   * `lost`: bytes between two records that never reached the filter; `head`: bytes before the
   * first record of a generation that starts later than offset 0 (tail started at the file's end,
   * read_from_head off); `tail`: bytes after the last record up to the file's size (`sizes`).
   */
  kind: "lost" | "head" | "tail";
  /** The records around the gap, where they are in the sealed output. */
  after: Where | null;
  before: Where | null;
  /** The record before the gap has no line length (parsed before the filter): the gap starts at its line's start. */
  approximate?: boolean;
}

export interface GenerationReport {
  generation: number;
  /** First and last byte covered: [start, end). */
  start: number;
  end: number;
  records: number;
}

export interface FileReport {
  path: string;
  records: number;
  /** Bytes of the file the records cover (the last generation ends with its last record). */
  bytes: number;
  generations: GenerationReport[];
  /** Records that repeat a line already seen (a restart from tail's database reads from its last saved offset). */
  duplicates: number;
  /** Records at an offset inside another record's line, with another length: the file changed under tail. */
  conflicts: Where[];
  /** Records the CRI parser joined from partial lines. */
  joined: number;
  /** Ranges of lines the policy dropped (they reached the filter), and their bytes. */
  dropped: { ranges: number; bytes: number };
  /**
   * Records of unknown extent (joined from partial lines, or with no length) and the bytes between
   * records they were taken to cover: a line lost there cannot be told from them.
   */
  unverified: { records: number; bytes: number };
  /** Lines followed by 1 to `slack` bytes their length does not account for (CR, invalid UTF-8 dropped), and those bytes. */
  unaccounted: { lines: number; bytes: number };
  gaps: number;
  complete: boolean;
}

export interface CompletenessResult {
  /** No byte lost between records, no conflict (and, with `requireHead`, no file read from its middle). */
  complete: boolean;
  files: FileReport[];
  /** Every gap, in path and offset order. */
  gaps: Gap[];
  /** Records with a source. */
  records: number;
  /** Records without one (other inputs, or a policy without input.source). */
  unsourced: number;
  /** Sources that are not of the expected shape (counted, not used). */
  malformed: Where[];
  /** Dropped lines a record could not list (over 256 since the record before): gaps near them may be theirs. */
  unlistedDrops: number;
}

export interface CompletenessOptions {
  /** The record member holding the source (default `logseal_source`). */
  member?: string;
  /** Bytes after a line its length may not account for before it is a gap (default 6). */
  slack?: number;
  /** Report a generation that does not start at offset 0 as incomplete (default: only listed as `head`). */
  requireHead?: boolean;
  /** Current file sizes by path: bytes after the last record of a path's newest generation are a `tail` gap. */
  sizes?: Record<string, number>;
}

export const SOURCE_MEMBER = "logseal_source";
export const DROPPED_MEMBER = "logseal_source_dropped";
const DEFAULT_SLACK = 6;

/** A run of covered bytes [start, end) of one generation, with the records at its two ends. */
interface Run {
  start: number;
  end: number;
  /** The end is not known (a joined or unmeasured record last): the run reaches the next one. */
  open: boolean;
  first: Where;
  last: Where;
}

/** Line starts remembered per generation, to tell a line read twice from a different line there. */
const RECENT_LINES = 1 << 16;

interface Generation {
  number: number;
  /** Covered runs, sorted by start (merged at the end). */
  runs: Run[];
  /** The run the next line is expected after: the one extended last. */
  tip: Run;
  records: number;
  /** Ends of the most recent lines by their start (insertion order: the oldest go first). */
  recent: Map<number, number>;
}

interface FileState {
  path: string;
  generations: Generation[];
  records: number;
  duplicates: number;
  conflicts: Where[];
  joined: number;
  droppedRanges: number;
  droppedBytes: number;
  unaccountedLines: number;
  unaccountedBytes: number;
  /** Records without a length (joined, or no line_keys alternative), and the bytes they were taken to stand for. */
  unmeasured: number;
  unverifiedBytes: number;
}

/**
 * The source a record names, from its parsed object or its members in document order (the last
 * member of that name is the module's: it writes it after the record's own members, and removes
 * a record's own). Null if it has none, false if it is not of the module's shape.
 */
export function sourceOf(record: Record<string, unknown> | { key: string; text: string }[], member = SOURCE_MEMBER): Source | null | false {
  let value: unknown;
  if (Array.isArray(record)) {
    let found: { key: string; text: string } | undefined;
    for (const m of record) if (m.key === member) found = m;
    if (found === undefined) return null;
    try {
      value = JSON.parse(found.text);
    } catch {
      return false;
    }
  } else {
    if (!(member in record)) return null;
    value = record[member];
  }
  return isSource(value) ? value : false;
}

/**
 * The dropped lines a record lists (the last member of that name, as for `sourceOf`), and how
 * many it could not list; false if the member is not of the module's shape.
 */
export function droppedOf(record: Record<string, unknown> | { key: string; text: string }[], member = DROPPED_MEMBER): { ranges: DroppedRange[]; unlisted: number } | false {
  let value: unknown;
  if (Array.isArray(record)) {
    let found: { key: string; text: string } | undefined;
    for (const m of record) if (m.key === member) found = m;
    if (found === undefined) return { ranges: [], unlisted: 0 };
    try {
      value = JSON.parse(found.text);
    } catch {
      return false;
    }
  } else {
    if (!(member in record)) return { ranges: [], unlisted: 0 };
    value = record[member];
  }
  if (!Array.isArray(value)) return false;
  const ranges: DroppedRange[] = [];
  let unlisted = 0;
  for (const item of value) {
    if (item !== null && typeof item === "object" && Number.isSafeInteger((item as any).unlisted)) {
      unlisted += (item as any).unlisted;
      continue;
    }
    if (!isSource(item)) return false;
    const end = (item as any).end;
    if (end !== undefined && (!Number.isSafeInteger(end) || end <= item.offset)) return false;
    ranges.push({ path: item.path, offset: item.offset, ...(end !== undefined && { end }) });
  }
  return { ranges, unlisted };
}

function isSource(value: unknown): value is Source {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  if (v.path !== null && typeof v.path !== "string") return false;
  if (!Number.isSafeInteger(v.offset) || (v.offset as number) < 0) return false;
  if (v.bytes !== undefined && (!Number.isSafeInteger(v.bytes) || (v.bytes as number) < 0)) return false;
  return true;
}

/**
 * Streams records in (`add`, in the order of the sealed output), then `finish()`: per source
 * file, the byte ranges that never reached the filter.
 */
export class SourceCoverage {
  private readonly files = new Map<string, FileState>();
  private readonly slack: number;
  private records = 0;
  private unsourced = 0;
  private unlistedDrops = 0;
  private readonly malformed: Where[] = [];

  constructor(private readonly options: CompletenessOptions = {}) {
    this.slack = options.slack ?? DEFAULT_SLACK;
  }

  /** One record: its parsed object, or its members in document order (cli/canonical.ts `Member`s). */
  add(record: Record<string, unknown> | { key: string; text: string }[], file: string, line: number): void {
    this.addSource(sourceOf(record, this.member), file, line, droppedOf(record, this.member + "_dropped"));
  }

  /** One record's source as `sourceOf` read it (so a verifier's workers can read it beside the seal). */
  addSource(source: Source | null | false, file: string, line: number, dropped: ReturnType<typeof droppedOf> = { ranges: [], unlisted: 0 }): void {
    const where = { file, line };
    // The lines the policy dropped before this record came first.
    if (dropped === false) {
      if (this.malformed.length < 100) this.malformed.push(where);
    } else {
      this.unlistedDrops += dropped.unlisted;
      for (const range of dropped.ranges) {
        const state = this.fileState(range.path ?? "(no path)");
        state.droppedRanges++;
        if (range.end !== undefined) state.droppedBytes += range.end - range.offset;
        this.place(state, { path: range.path, offset: range.offset, ...(range.end !== undefined && { bytes: range.end - range.offset - 1 }) }, where);
      }
    }
    if (source === null) {
      this.unsourced++;
      return;
    }
    if (source === false) {
      if (this.malformed.length < 100) this.malformed.push(where);
      return;
    }
    this.records++;
    const state = this.fileState(source.path ?? "(no path)");
    state.records++;
    if (source.joined) state.joined++;
    if (source.joined || source.bytes === undefined) state.unmeasured++;
    this.place(state, source, where);
  }

  private fileState(path: string): FileState {
    let state = this.files.get(path);
    if (!state) {
      state = { path, generations: [], records: 0, duplicates: 0, conflicts: [], joined: 0, droppedRanges: 0, droppedBytes: 0, unaccountedLines: 0, unaccountedBytes: 0, unmeasured: 0, unverifiedBytes: 0 };
      this.files.set(path, state);
    }
    return state;
  }

  private get member(): string {
    return this.options.member ?? SOURCE_MEMBER;
  }

  /** Puts a record into the generation it continues (see the header for the rules). */
  private place(state: FileState, source: Source, where: Where): void {
    const o = source.offset;
    const measured = source.bytes !== undefined && !source.joined;
    const end = measured ? o + source.bytes! + 1 : o;
    const open = !measured; // joined or without a length: it reaches the next record
    const gens = state.generations;
    // 1. The next line of a generation: right after its tip (within slack; any distance after an
    //    open tip, or for a joined record, which stands for the partial lines before it).
    let best: Generation | null = null;
    let bestDistance = Infinity;
    for (const g of gens) {
      const distance = o - g.tip.end;
      if (distance < 0 || !(distance <= this.slack || g.tip.open || source.joined)) continue;
      if (distance < bestDistance || (distance === bestDistance && g.number > best!.number)) {
        best = g;
        bestDistance = distance;
      }
    }
    if (best) {
      const tip = best.tip;
      if (bestDistance > 0 && !tip.open && !source.joined) {
        state.unaccountedLines++;
        state.unaccountedBytes += bestDistance;
      } else if (bestDistance > 0) {
        state.unverifiedBytes += bestDistance; // taken by a record of unknown extent
      }
      if (end > tip.end || open) {
        tip.end = Math.max(tip.end, end);
        tip.open = open;
      }
      tip.last = where;
      this.note(best, o, end);
      return;
    }
    // 2. Offset 0 again: a rotated or truncated file (or one read again from its start).
    if (o === 0 || gens.length === 0) {
      const run = { start: o, end, open, first: where, last: where };
      const g: Generation = { number: gens.length + 1, runs: [run], tip: run, records: 0, recent: new Map() };
      gens.push(g);
      this.note(g, o, end);
      return;
    }
    // 3. A line seen before: read twice after a restart from tail's database, or, with another
    //    length, a conflict (the file changed under tail).
    for (let i = gens.length - 1; i >= 0; i--) {
      const g = gens[i];
      const seen = g.recent.get(o);
      if (seen === undefined) continue;
      if (seen !== end && measured && seen !== o) state.conflicts.push(where);
      else state.duplicates++;
      if (end > seen) insertRun(g.runs, { start: o, end, open, first: where, last: where });
      this.note(g, o, end);
      return;
    }
    // 4. After a gap: the generation whose tip ends closest before the record (the newest on a tie).
    let after: Generation | null = null;
    for (const g of gens) {
      if (g.tip.end <= o && (after === null || g.tip.end >= after.tip.end)) after = g;
    }
    const run = { start: o, end, open, first: where, last: where };
    if (after) {
      insertRun(after.runs, run);
      after.tip = run;
      this.note(after, o, end);
      return;
    }
    // 5. Inside a covered run where no line began: the file changed under tail (unless the lines
    //    there are too old to be remembered), or out of order into a hole.
    for (let i = gens.length - 1; i >= 0; i--) {
      const g = gens[i];
      const covering = runAt(g.runs, o);
      if (covering === null || o >= covering.end) continue;
      if (!covering.open && g.recent.size < RECENT_LINES) state.conflicts.push(where);
      else state.duplicates++;
      insertRun(g.runs, run);
      this.note(g, o, end);
      return;
    }
    const holder = [...gens].reverse().find((g) => g.runs[0].start <= o) ?? gens[gens.length - 1];
    insertRun(holder.runs, run);
    this.note(holder, o, end);
  }

  private note(g: Generation, offset: number, end: number): void {
    g.records++;
    const recent = g.recent;
    recent.delete(offset);
    recent.set(offset, end);
    if (recent.size > RECENT_LINES) recent.delete(recent.keys().next().value!);
  }

  finish(): CompletenessResult {
    const files: FileReport[] = [];
    const gaps: Gap[] = [];
    let complete = true;
    for (const state of [...this.files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
      const fileGaps: Gap[] = [];
      let bytes = 0;
      const generations: GenerationReport[] = [];
      for (const g of state.generations) {
        const runs = mergeRuns(g.runs, this.slack, state);
        const first = runs[0];
        if (first.start > 0) {
          fileGaps.push({ path: state.path, generation: g.number, start: 0, end: first.start, bytes: first.start, kind: "head", after: null, before: first.first });
        }
        for (let i = 1; i < runs.length; i++) {
          const a = runs[i - 1];
          const b = runs[i];
          fileGaps.push({ path: state.path, generation: g.number, start: a.end, end: b.start, bytes: b.start - a.end, kind: "lost", after: a.last, before: b.first });
        }
        const last = runs[runs.length - 1];
        const size = this.options.sizes?.[state.path];
        if (size !== undefined && g === state.generations[state.generations.length - 1] && size > last.end) {
          // After an open run (its last line's length unknown) the gap is counted from that line's start.
          fileGaps.push({ path: state.path, generation: g.number, start: last.end, end: size, bytes: size - last.end, kind: "tail", after: last.last, before: null, ...(last.open && { approximate: true }) });
        }
        for (const r of runs) bytes += r.end - r.start;
        generations.push({ generation: g.number, start: first.start, end: last.end, records: g.records });
      }
      const counted = fileGaps.filter((g) => g.kind !== "head" || this.options.requireHead);
      const fileComplete = counted.length === 0 && state.conflicts.length === 0;
      complete &&= fileComplete;
      gaps.push(...fileGaps);
      files.push({
        path: state.path,
        records: state.records,
        bytes,
        generations,
        duplicates: state.duplicates,
        conflicts: state.conflicts,
        joined: state.joined,
        dropped: { ranges: state.droppedRanges, bytes: state.droppedBytes },
        unverified: { records: state.unmeasured, bytes: state.unverifiedBytes },
        unaccounted: { lines: state.unaccountedLines, bytes: state.unaccountedBytes },
        gaps: counted.length,
        complete: fileComplete,
      });
    }
    return { complete, files, gaps, records: this.records, unsourced: this.unsourced, malformed: this.malformed, unlistedDrops: this.unlistedDrops };
  }
}

/** The last run starting at or before `offset` (runs sorted by start), or null. */
function runAt(runs: Run[], offset: number): Run | null {
  let lo = 0;
  let hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (runs[mid].start <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? null : runs[lo - 1];
}

/** Inserts a run keeping the runs sorted by start (at the end, the usual case, in constant time). */
function insertRun(runs: Run[], run: Run): void {
  let at = runs.length;
  while (at > 0 && runs[at - 1].start > run.start) at--;
  runs.splice(at, 0, run);
}

/** Runs (sorted) merged where they touch, overlap, or are within `slack` (an open run reaches the next). */
function mergeRuns(runs: Run[], slack: number, state: FileState): Run[] {
  const out: Run[] = [];
  for (const r of runs) {
    const last = out[out.length - 1];
    if (last && (r.start <= last.end + slack || last.open)) {
      if (last.open && r.start > last.end + slack) state.unverifiedBytes += r.start - last.end;
      if (r.end > last.end || r.open) {
        last.end = Math.max(last.end, r.end);
        last.open = r.open;
        last.last = r.last;
      }
    } else {
      out.push({ ...r });
    }
  }
  return out;
}

/** The result as text: one line per file, one per gap (for `logseal verify`). */
export function formatCompleteness(result: CompletenessResult): string {
  const lines: string[] = [];
  const at = (w: Where | null) => (w ? `${w.file}:${w.line}` : "-");
  for (const f of result.files) {
    const notes = [
      `${f.records} records`,
      `${f.generations.length} generation${f.generations.length === 1 ? "" : "s"} (${f.generations.map((g) => `${g.start}-${g.end}`).join(", ")})`,
      f.duplicates ? `${f.duplicates} read twice` : "",
      f.joined ? `${f.joined} joined from partial lines` : "",
      f.dropped.ranges ? `${f.dropped.bytes} bytes in ${f.dropped.ranges} runs of lines the policy dropped` : "",
      f.unverified.records ? `${f.unverified.records} records of unknown length, taken to cover ${f.unverified.bytes} bytes between records (not verifiable line by line)` : "",
      f.unaccounted.lines ? `${f.unaccounted.bytes} bytes unaccounted after ${f.unaccounted.lines} lines (CR, invalid UTF-8)` : "",
      f.conflicts.length ? `${f.conflicts.length} records inside another's line (first ${at(f.conflicts[0])})` : "",
    ].filter((n) => n);
    lines.push(`${f.complete ? "complete" : "INCOMPLETE"}  ${f.path}: ${notes.join(", ")}`);
  }
  for (const g of result.gaps) {
    const what = g.kind === "lost" ? "lost before the filter" : g.kind === "tail" ? "not read (after the last record)" : "not read (before the first record)";
    lines.push(`  ${g.path} [generation ${g.generation}] bytes ${g.start}-${g.end} (${g.bytes}) ${what}; after ${at(g.after)}, before ${at(g.before)}`);
  }
  if (result.unsourced) lines.push(`${result.unsourced} records without ${SOURCE_MEMBER} (not from a file, or no input.source in the policy)`);
  if (result.unlistedDrops) lines.push(`${result.unlistedDrops} lines the policy dropped were not listed (over 256 between two records): gaps may be theirs`);
  if (result.malformed.length) lines.push(`${result.malformed.length} records with a malformed ${SOURCE_MEMBER} (first ${at(result.malformed[0])})`);
  return lines.join("\n");
}
