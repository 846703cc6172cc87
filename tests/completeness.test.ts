// Completeness from source offsets (cli/completeness.ts): which bytes of each file tail read
// never reached the filter, from the `logseal_source` members the module seals. Synthetic
// sources for each rule (gaps, CRLF and invalid UTF-8 slack, joined CRI lines, rotation with
// the old file still being read, truncation, restarts reading lines twice, out of order), then
// files through the module itself, with lines taken out.
import { describe, expect, it } from "vitest";
import { type CompletenessResult, type Source, SourceCoverage, formatCompleteness, sourceOf } from "../cli/completeness.js";
import { type Json, filterWith, one } from "./support/enrichment.js";
import { rng } from "./support/random.js";

const P = "/var/log/kubernetes/audit/audit.log";

/** Sources for lines of the given lengths, one after the other from `from`. */
function lines(lengths: number[], from = 0, path = P, newline = 1): Source[] {
  const out: Source[] = [];
  let offset = from;
  for (const bytes of lengths) {
    out.push({ path, offset, bytes });
    offset += bytes + newline;
  }
  return out;
}

function cover(sources: (Source | null)[], options = {}): CompletenessResult {
  const coverage = new SourceCoverage(options);
  sources.forEach((s, i) => coverage.addSource(s, "sealed.ndjson", i + 1));
  return coverage.finish();
}

describe("one file", () => {
  it("lines one after the other cover the file: complete", () => {
    const result = cover(lines([10, 0, 200, 3]));
    expect(result.complete).toBe(true);
    expect(result.gaps).toEqual([]);
    expect(result.files).toEqual([expect.objectContaining({ path: P, records: 4, bytes: 217, complete: true, generations: [{ generation: 1, start: 0, end: 217, records: 4 }] })]);
  });

  it("a line that never arrived is a gap: its byte range, and the records around it", () => {
    const all = lines([10, 20, 30, 40]);
    const result = cover([all[0], all[1], all[3]]);
    expect(result.complete).toBe(false);
    expect(result.gaps).toEqual([{
      path: P, generation: 1, start: 32, end: 63, bytes: 31, kind: "lost",
      after: { file: "sealed.ndjson", line: 2 }, before: { file: "sealed.ndjson", line: 3 },
    }]);
    expect(formatCompleteness(result)).toContain(`${P} [generation 1] bytes 32-63 (31) lost before the filter; after sealed.ndjson:2, before sealed.ndjson:3`);
  });

  it("the reproduction: a line 64 deep and the rest of its buffer lost", () => {
    const all = lines(Array.from({ length: 1000 }, (_, i) => (i === 5 ? 137 : 8)));
    const result = cover(all.slice(0, 5));
    expect(result.complete).toBe(true); // nothing after the last record is known without the file's size
    const sized = cover(all.slice(0, 5), { sizes: { [P]: 9 * 999 + 138 } });
    expect(sized.complete).toBe(false);
    expect(sized.gaps).toEqual([expect.objectContaining({ start: 45, end: 9 * 999 + 138, kind: "tail" })]);
    const later = cover([...all.slice(0, 5), ...all.slice(300)]);
    expect(later.gaps).toEqual([expect.objectContaining({ start: 45, end: all[300].offset, kind: "lost" })]);
  });

  it("CRLF lines (tail strips the CR) and bytes Fluent Bit dropped: up to 6 unaccounted bytes per line, no more", () => {
    const crlf = lines([10, 20, 30], 0, P, 2);
    expect(cover(crlf)).toMatchObject({ complete: true, files: [{ unaccounted: { lines: 2, bytes: 2 } }] });
    const dropped: Source[] = [{ path: P, offset: 0, bytes: 10 }, { path: P, offset: 17, bytes: 5 }];
    expect(cover(dropped)).toMatchObject({ complete: true, files: [{ unaccounted: { lines: 1, bytes: 6 } }] });
    const lost: Source[] = [{ path: P, offset: 0, bytes: 10 }, { path: P, offset: 18, bytes: 5 }];
    expect(cover(lost).gaps).toEqual([expect.objectContaining({ start: 11, end: 18, bytes: 7, kind: "lost" })]);
    expect(cover(lost, { slack: 7 }).complete).toBe(true);
  });

  it("a record joined from partial CRI lines stands for the lines before it and its own last line", () => {
    const sources: Source[] = [
      { path: P, offset: 0, bytes: 54 },
      { path: P, offset: 55, bytes: 69 },
      { path: P, offset: 216, joined: true }, // P lines at 125 and 170, its F line at 216
      { path: P, offset: 259, bytes: 32 },
    ];
    expect(cover(sources)).toMatchObject({ complete: true, gaps: [], files: [{ joined: 1, bytes: 292, unverified: { records: 1, bytes: 134 } }] });
  });

  it("a record without a length reaches the next record; the bytes it is taken to cover are reported", () => {
    const result = cover([{ path: P, offset: 0 }, { path: P, offset: 500, bytes: 3 }]);
    expect(result.complete).toBe(true);
    expect(result.files[0].unverified).toEqual({ records: 1, bytes: 500 });
  });

  it("a file read from its middle (tail started at its end) is listed, and incomplete only with requireHead", () => {
    const result = cover(lines([5, 5], 1000));
    expect(result.complete).toBe(true);
    expect(result.gaps).toEqual([expect.objectContaining({ start: 0, end: 1000, kind: "head" })]);
    expect(cover(lines([5, 5], 1000), { requireHead: true }).complete).toBe(false);
  });

  it("records out of order still cover the file", () => {
    const all = lines([3, 4, 5, 6, 7, 8]);
    const result = cover([all[0], all[3], all[1], all[2], all[5], all[4]]);
    expect(result.complete).toBe(true);
    expect(result.files[0].generations).toHaveLength(1);
  });
});

describe("restarts, rotation, truncation", () => {
  it("a restart from tail's database reads lines again: duplicates, not gaps", () => {
    const all = lines([10, 10, 10, 10, 10, 10]);
    const result = cover([...all.slice(0, 4), ...all.slice(2)]);
    expect(result).toMatchObject({ complete: true, files: [{ duplicates: 2, generations: [{ start: 0, end: 66 }] }] });
  });

  it("a restart that resumes after lines it never delivered leaves a gap", () => {
    const all = lines([10, 10, 10, 10, 10, 10]);
    const result = cover([...all.slice(0, 2), ...all.slice(4)]);
    expect(result.gaps).toEqual([expect.objectContaining({ start: 22, end: 44, kind: "lost" })]);
  });

  it("a line at a known offset with another length is a conflict: the file changed under tail", () => {
    const all = lines([10, 10, 10]);
    const result = cover([...all, { path: P, offset: 11, bytes: 4 }]);
    expect(result.complete).toBe(false);
    expect(result.files[0].conflicts).toEqual([{ file: "sealed.ndjson", line: 4 }]);
  });

  it("rotation: the new file starts at 0 while the old one is still read under the same path", () => {
    const old = lines([100, 100, 100, 100]);
    const fresh = lines([7, 7, 7]);
    const interleaved = [old[0], old[1], fresh[0], old[2], fresh[1], old[3], fresh[2]];
    const result = cover(interleaved);
    expect(result.complete).toBe(true);
    expect(result.files[0].generations).toEqual([
      { generation: 1, start: 0, end: 404, records: 4 },
      { generation: 2, start: 0, end: 24, records: 3 },
    ]);
  });

  it("a line lost in the rotated file or in the new one is found in the right generation", () => {
    const old = lines([100, 100, 100, 100]);
    const fresh = lines([7, 7, 7, 7]);
    const result = cover([old[0], fresh[0], old[1], fresh[1], old[3], fresh[3]]);
    expect(result.gaps).toEqual([
      expect.objectContaining({ generation: 1, start: 202, end: 303 }),
      expect.objectContaining({ generation: 2, start: 16, end: 24 }),
    ]);
  });

  it("truncation (copytruncate) starts a new generation at 0", () => {
    const result = cover([...lines([50, 50, 50]), ...lines([20, 20])]);
    expect(result.complete).toBe(true);
    expect(result.files[0].generations.map((g) => [g.start, g.end])).toEqual([[0, 153], [0, 42]]);
  });

  it("several files are reported apart", () => {
    const result = cover([...lines([5, 5], 0, "/a.log"), ...lines([5], 0, "/b.log"), ...lines([5, 5], 12, "/a.log")]);
    expect(result.files.map((f) => [f.path, f.complete])).toEqual([["/a.log", true], ["/b.log", true]]);
  });
});

describe("reading sources", () => {
  it("from a parsed record or its members (the last member of the name is the module's)", () => {
    const src = { path: P, offset: 3, bytes: 4 };
    expect(sourceOf({ a: 1, logseal_source: src })).toEqual(src);
    expect(sourceOf([{ key: "logseal_source", text: '{"path":"forged","offset":0,"bytes":1}' }, { key: "logseal_source", text: JSON.stringify(src) }])).toEqual(src);
    expect(sourceOf({ a: 1 })).toBeNull();
    expect(sourceOf({ logseal_source: { path: P, offset: -1 } })).toBe(false);
    expect(sourceOf({ logseal_source: { path: 3, offset: 1 } })).toBe(false);
    expect(sourceOf({ logseal_source: "x" })).toBe(false);
  });

  it("counts records without a source and with a malformed one apart", () => {
    const coverage = new SourceCoverage();
    coverage.add({ msg: "from another input" }, "f", 1);
    coverage.add({ logseal_source: { offset: "1" } }, "f", 2);
    coverage.add({ logseal_source: { path: P, offset: 0, bytes: 1 } }, "f", 3);
    expect(coverage.finish()).toMatchObject({ complete: true, records: 1, unsourced: 1, malformed: [{ file: "f", line: 2 }] });
  });
});

describe("through the module", () => {
  const filter = filterWith({
    version: "completeness-test",
    redact: { keys: [], scan: [] },
    enrich: { severity: false, audit: false },
    seal: { enabled: false },
    input: { lift: [{ key: "log" }], source: { path_key: "file", offset_key: "offset" } },
  });
  /** JSON as Fluent Bit writes it (non-ASCII as \uXXXX). */
  const fluentJson = (value: unknown) => JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));

  /** A file's lines as tail hands them over: path, offset, the line as text. */
  function tail(path: string, text: string[]): Json[] {
    let offset = 0;
    return text.map((log) => {
      const record = { file: path, offset, log };
      offset += Buffer.byteLength(log) + 1;
      return record;
    });
  }

  it("a file of JSON, text, deep and unicode lines: complete; every line taken out is reported with its range", () => {
    const next = rng(9);
    const text: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const r = next();
      text.push(r < 0.3 ? JSON.stringify({ i, msg: "héllo 😀 " + "x".repeat(Math.floor(next() * 50)) })
        : r < 0.4 ? '{"d":'.repeat(70) + "1" + "}".repeat(70)
        : r < 0.5 ? "" : `plain line ${i} with "quotes" and \\ back\tslash 中`);
    }
    const records = tail(P, text).map((input) => one(filter, fluentJson(input)));
    const full = new SourceCoverage();
    records.forEach((r, i) => full.add(r, "out", i + 1));
    expect(full.finish()).toMatchObject({ complete: true, records: 2000, gaps: [] });

    const removed = new Set([17, 18, 500, 1999]);
    const partial = new SourceCoverage({ sizes: { [P]: text.reduce((n, t) => n + Buffer.byteLength(t) + 1, 0) } });
    records.forEach((r, i) => { if (!removed.has(i)) partial.add(r, "out", i + 1); });
    const result = partial.finish();
    const starts = tail(P, text).map((r) => r.offset as number);
    const end = (i: number) => starts[i] + Buffer.byteLength(text[i]) + 1;
    expect(result.gaps.map((g) => [g.start, g.end, g.kind])).toEqual([
      [starts[17], end(18), "lost"],
      [starts[500], end(500), "lost"],
      [starts[1999], end(1999), "tail"],
    ]);
  });

  it("lines the policy drops are listed by the next record that goes out: still complete, and forged lists are removed", () => {
    const gated = filterWith({
      version: "gated", redact: { keys: [], scan: [] }, seal: { enabled: false },
      enrich: { severity: { fields: ["level"] }, gate: { min_level: "INFO" } },
      input: { lift: [{ key: "log" }], source: { path_key: "file", offset_key: "offset" } },
    });
    const text = Array.from({ length: 300 }, (_, i) => JSON.stringify({ level: i % 3 === 0 || i > 290 ? "debug" : "info", i }));
    const records = [...tail("/a.log", text.slice(0, 150)), ...tail("/b.log", text.slice(150))];
    const coverage = new SourceCoverage();
    let out = 0;
    for (const input of records) {
      const result = gated.call("t", fluentJson(input));
      if (result.kind === "record") coverage.add(result.record, "out", ++out);
    }
    // The last debug lines of /b.log have no record after them yet: a gap until one comes.
    const result = coverage.finish();
    expect(result.files.find((f) => f.path === "/a.log")).toMatchObject({ complete: true, dropped: { ranges: 50 } });
    expect(result.gaps).toEqual([]); // nothing is known after the last record of /b.log without its size
    const forged = gated.call("t", fluentJson({ file: "/c.log", offset: 0, log: JSON.stringify({ level: "info", logseal_source_dropped: [{ path: "/a.log", offset: 0, end: 99999 }] }) }));
    expect(forged.kind === "record" && forged.record.logseal_source_dropped).toEqual([{ path: "/b.log", offset: expect.any(Number), end: expect.any(Number) }]);
  });
});

