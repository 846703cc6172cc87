// `logseal verify` against tampering: for each attack the right reason at the right line; no
// false alarm on equivalent re-serialisations, on Fluent Bit's output formats, or over 1,000,000
// records sealed by the real module; the command line's exit codes and summary.
import { spawnSync } from "node:child_process";
import { Readable } from "node:stream";
import { createHmac } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalObject, parseMembers, roundTo16Digits } from "../cli/canonical.js";
import { EpochKeys, type Seal, sealMac } from "../cli/seal-mac.js";
import { chainKey, readHeads, writeHeads } from "../cli/heads.js";
import { Verifier, formatResult, headsFromState, headsOf, main as verifyMain, verifyFiles, type Reason } from "../cli/verify.js";
import { containerRecord } from "../bench/workload.js";
import { randomObject, rng, toJson } from "./support/random.js";
import { KEY_BYTES, readState, records, removeState, sealAll, sealDir, sealOf, sealPolicy, startFilter, verifyLines } from "./support/sealing.js";
import { scratchDir } from "../cli/scratch.js";
import { byteLines } from "../cli/utf8.js";

/** Seals `count` records on one chain (HMAC unless `sha256`), returns the lines. */
function chain(count: number, seal: object = {}, key = true): string[] {
  return sealAll(sealDir(sealPolicy(seal), key ? undefined : false), records(count));
}

/** Replaces record `index`'s body member `key` by `value`, keeping its seal. */
function edit(line: string, key: string, value: unknown): string {
  const record = JSON.parse(line);
  record[key] = value;
  const { _seal, ...rest } = record;
  return JSON.stringify({ ...rest, _seal });
}

/** Re-seals a line as a forger would: the record's fields as given, MAC under `key` (or SHA-256). */
function forge(line: string, seal: Partial<Seal>, key?: Buffer): string {
  const record = JSON.parse(line);
  const forged: Seal = { ...record._seal, ...seal };
  delete record._seal;
  const canonical = canonicalObject(parseMembers(JSON.stringify(record), 0).members);
  forged.m = sealMac(forged, canonical, key);
  // The schedule is [T1, S, R] to sealMac and "T1/S/R" in the record.
  return JSON.stringify({ ...record, _seal: { ...forged, ...(forged.f && { f: forged.f.join("/") }) } });
}

/** JSON text of a parsed record with its members in reverse order, non-ASCII as \\uXXXX, spaces, numbers by `number`. */
function reserialise(value: unknown, number: (n: number) => string): string {
  if (typeof value === "number") return number(value);
  if (typeof value === "string") return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0"));
  if (Array.isArray(value)) return "[ " + value.map((v) => reserialise(v, number)).join(" , ") + " ]";
  if (value !== null && typeof value === "object") {
    return "{ " + Object.entries(value).reverse().map(([k, v]) => `${reserialise(k, number)} : ${reserialise(v, number)}`).join(" , ") + " }";
  }
  return JSON.stringify(value);
}

/**
 * A line's body rewritten by `rewrite`, its seal kept last as written: Fluent Bit keeps the seal's
 * integers as integers, so only the body's spelling may change.
 */
function withSeal(line: string, rewrite: (body: object) => string): string {
  const { _seal, ...body } = JSON.parse(line);
  const text = rewrite(body).replace(/\s*\}\s*$/, "");
  return `${text}${text.trimEnd().endsWith("{") ? "" : " ,"} "_seal" : ${JSON.stringify(_seal)} }`;
}

const reasons = (lines: string[], options?: Parameters<typeof verifyLines>[1]) =>
  verifyLines(lines, options).failures.map((f) => `${f.reason}@${f.line}`);

describe("tampering is detected with the right reason", () => {
  const lines = chain(40);

  it("intact: verifies", () => {
    expect(verifyLines(lines).ok).toBe(true);
  });

  it("modify a value", () => {
    expect(reasons(lines.with(20, edit(lines[20], "msg", "changed")))).toEqual(["modified@21"]);
  });

  it("modify a number into an equal spelling is no change; into another value is", () => {
    expect(reasons(lines.with(20, lines[20].replace(/"i":20/, '"i":2.0e1')))).toEqual([]);
    expect(reasons(lines.with(20, lines[20].replace(/"i":20/, '"i":21')))).toEqual(["modified@21"]);
  });

  it("modify the seal's time or drop count", () => {
    expect(reasons(lines.with(5, lines[5].replace(/"t":"(\d+)\./, (_, s) => `"t":"${Number(s) + 1}.`)))).toEqual(["modified@6"]);
    expect(reasons(lines.with(5, lines[5].replace('"pv":', '"d":3,"pv":')))).toEqual(["modified@6"]);
  });

  it("add a member (a duplicate key, which JSON.parse would hide)", () => {
    expect(reasons(lines.with(7, lines[7].replace('{"msg":', '{"msg":"forged","msg":')))).toEqual(["modified@8"]);
  });

  it("delete records", () => {
    expect(reasons(lines.toSpliced(20, 1))).toEqual(["deleted@21"]); // at the record after the gap
    expect(verifyLines(lines.toSpliced(10, 5)).failures[0].detail).toMatch(/seq 10 to 14 are missing \(5 records\)/);
  });

  it("insert a forged record, or one without a seal", () => {
    const fake = forge(lines[20], { s: 20, p: sealOf(lines[19]).m }, Buffer.from("a guess at the key, 32 characters"));
    expect(reasons(lines.toSpliced(21, 0, fake))).toEqual(["inserted@22"]);
    expect(reasons(lines.toSpliced(21, 0, '{"msg":"no seal"}'))).toEqual(["inserted@22"]);
  });

  it("reorder records", () => {
    const swapped = lines.with(20, lines[21]).with(21, lines[20]);
    expect(reasons(swapped)).toEqual(["reordered@22"]);
    expect(verifyLines(swapped, { keys: [KEY_BYTES], allowReorder: true }).ok).toBe(true);
  });

  it("replay a record", () => {
    expect(reasons([...lines.slice(0, 30), lines[12], ...lines.slice(30)])).toEqual(["duplicated@31"]);
  });

  it("truncate the chain: caught against an expected head", () => {
    const head = sealOf(lines[39]);
    const expectHeads = new Map([[chainKey("", "app"), { seq: 39, mac: head.m }]]);
    const cut = lines.slice(0, 35);
    expect(verifyLines(cut).ok).toBe(true); // without an anchor, an end is an end
    expect(reasons(cut, { keys: [KEY_BYTES], expectHeads })).toEqual(["truncated@35"]);
    expect(reasons(lines, { keys: [KEY_BYTES], expectHeads })).toEqual([]);
  });

  it("truncate: the heads in a copy of the state file anchor every chain", () => {
    const dir = sealDir(sealPolicy());
    const all = sealAll(dir, records(30, ["a", "b"]));
    const expectHeads = headsFromState(readState(dir));
    expect([...expectHeads.keys()]).toEqual([chainKey("", "a"), chainKey("", "b")]);
    expect(verifyLines(all, { keys: [KEY_BYTES], expectHeads }).ok).toBe(true);
    expect(reasons(all.slice(0, -3), { keys: [KEY_BYTES], expectHeads }).map((r) => r.split("@")[0])).toEqual(["truncated", "truncated"]);
    // b sealed last: its line is one record behind, the file's time has the rest (a copy that keeps it).
    const cut = all.slice(0, -1);
    expect(verifyLines(cut, { keys: [KEY_BYTES], expectHeads }).ok).toBe(true);
    const tallied = headsFromState(readState(dir), statSync(join(dir, "logseal.state")).mtimeMs);
    expect(tallied.get(chainKey("", "b"))).toMatchObject({ seq: 13, reached: 14 });
    expect(verifyLines(all, { keys: [KEY_BYTES], expectHeads: tallied }).ok).toBe(true);
    expect(reasons(cut, { keys: [KEY_BYTES], expectHeads: tallied })).toEqual(["truncated@28"]); // at b's last remaining record (line 28)
    // A tally further ahead than the module ever leaves (a line at least every 256 records) is ignored, as the module does.
    const farAhead = (1_000_000_000 + 1 * 4096 + 14 + 300) * 1000;
    expect(headsFromState(readState(dir), farAhead).get(chainKey("", "b"))).toEqual({ seq: 13, mac: expect.any(String) });
  });

  it("truncate: a torn or edited copy of the state file is refused, not read as heads", () => {
    const dir = sealDir(sealPolicy());
    sealAll(dir, records(30, ["a", "b"]));
    const state = readState(dir);
    expect(headsFromState(state).size).toBe(2);
    // One digit of chain a's head changed: without the checksum, a false "truncated" (or a wrong head).
    const at = state.indexOf("head=", 4096) + 5;
    const edited = state.slice(0, at) + (state[at] === "0" ? "1" : "0") + state.slice(at + 1);
    expect(() => headsFromState(edited)).toThrow(/--state: line 2 is damaged/);
    // Torn in the middle of a line (the rest of the slot never written).
    const torn = state.slice(0, 4096 + 100) + " ".repeat(state.length - 4096 - 100);
    expect(() => headsFromState(torn)).toThrow(/damaged/);
  });

  it("restart from lost state", () => {
    const dir = sealDir(sealPolicy());
    const before = sealAll(dir, records(10));
    removeState(dir);
    expect(reasons([...before, ...sealAll(dir, records(10, ["app"], 10))])).toEqual(["restart-gap@11"]);
  });

  it("a stale state (a chain continued twice from the same head)", () => {
    const dir = sealDir(sealPolicy());
    const before = sealAll(dir, records(5));
    const saved = readState(dir);
    const first = sealAll(dir, records(3, ["app"], 5));
    writeFileSync(join(dir, "logseal.state"), saved);
    const second = sealAll(dir, records(3, ["app"], 8));
    expect(reasons([...before, ...first, ...second])[0]).toBe("restart-gap@9");
  });

  it("forge with a later epoch's key for an earlier epoch", () => {
    const dir = sealDir(sealPolicy({ epoch_records: 10 }));
    const fs = sealAll(dir, records(40));
    const parsed = (line: string) => ({ ...sealOf(line), f: sealOf(line).f.split("/").map(Number) }) as Seal;
    const stolen = new EpochKeys(KEY_BYTES).rawKey(parsed(fs[0]), 4); // the key on the host when it was broken into
    const target = 12; // sealed in epoch 2
    const forged = forge(edit(fs[target], "msg", "rewritten history"), parsed(fs[target]), stolen);
    expect(sealOf(forged).e).toBe(2);
    const result = verifyLines(fs.with(target, forged));
    expect(result.failures.map((f) => [f.reason, f.line])).toEqual([["modified", target + 1]]);
    // Claiming the stolen key's own epoch contradicts the record's seal time and count, before any key is derived.
    const relabelled = forge(edit(fs[target], "msg", "rewritten history"), { ...parsed(fs[target]), e: 4 }, stolen);
    expect(reasons(fs.with(target, relabelled))[0]).toBe(`time@${target + 1}`);
    // With a count to match, the forgery claims to be later than the records after it.
    const late = forge(edit(fs[target], "msg", "rewritten history"), { ...parsed(fs[target]), e: 4, n: 30 }, stolen);
    expect(reasons(fs.with(target, late)).map((r) => r.split("@")[0])).toContain("time");
  });

  it("wrong key, no key", () => {
    expect(new Set(reasons(lines, { keys: [Buffer.from("another key of at least 32 characters")] }).map((r) => r.split("@")[0]))).toEqual(new Set(["wrong-key"]));
    expect(reasons(lines, {})[0]).toBe("no-key@1");
  });

  it("downgrade HMAC records to recomputed SHA-256", () => {
    const downgraded = forge(edit(lines[30], "msg", "x"), { a: "sha256", k: undefined, e: undefined });
    expect(reasons(lines.with(30, downgraded)).map((r) => r.split("@")[0])).toContain("unauthenticated");
    expect(reasons(lines.with(30, downgraded), { keys: [KEY_BYTES], allowSha256: true }).map((r) => r.split("@")[0])).toContain("wrong-key");
    // A whole chain recomputed without the key is refused by a verifier holding keys, unless told to accept SHA-256.
    const rewritten: string[] = [];
    for (const line of lines) {
      const prev = rewritten.length ? sealOf(rewritten.at(-1)!).m : "0".repeat(64);
      rewritten.push(forge(edit(line, "msg", "rewritten"), { a: "sha256", k: undefined, e: undefined, p: prev }));
    }
    expect(verifyLines(rewritten).byReason).toEqual({ unauthenticated: 1 });
  });

  it("SHA-256 mode: catches accidental change; a forger recomputing one record breaks the next link", () => {
    const sha = chain(20, {}, false);
    const allow = { allowSha256: true };
    expect(verifyLines(sha, allow).ok).toBe(true);
    expect(reasons(sha.with(8, edit(sha[8], "msg", "x")), allow)).toEqual(["modified@9"]);
    const recomputed = forge(edit(sha[8], "msg", "x"), {});
    expect(reasons(sha.with(8, recomputed), allow)).toEqual(["modified@10"]);
  });

  it("unreadable lines", () => {
    expect(reasons(lines.toSpliced(3, 0, '{"broken":'))).toEqual(["unreadable@4"]);
  });
});

describe("what lies outside a chain's records", () => {
  const lines = chain(12, { origin: "node-a" });

  it("a chain must start at its genesis: deleting its first records is caught, even with the state's heads", () => {
    expect(reasons(lines.slice(3))).toEqual(["headless@1"]);
    const result = verifyLines(lines.slice(3), { keys: [KEY_BYTES], acceptAnyStart: true });
    expect(result.ok).toBe(true);
    expect(result.chains[0].start).toBe("unverified");
  });

  it("a day's file continues the previous run's heads (--heads-out, --continue), and only those", () => {
    const day1 = verifyLines(lines.slice(0, 5));
    expect(day1.ok).toBe(true);
    const starts = new Map(headsOf(day1).map((h) => [chainKey(h.o, h.c), h]));
    const day2 = verifyLines(lines.slice(5), { keys: [KEY_BYTES], starts });
    expect(day2.failures).toEqual([]);
    expect(day2.chains[0].start).toBe("continued");
    expect(reasons(lines.slice(5))).toEqual(["headless@1"]);
    expect(verifyLines(lines.slice(6), { keys: [KEY_BYTES], starts }).failures.map((f) => f.reason)).toEqual(["headless"]);
    const failedDay1 = new Map([...starts].map(([k, h]) => [k, { ...h, verified: false }]));
    expect(verifyLines(lines.slice(5), { keys: [KEY_BYTES], starts: failedDay1 }).failures[0].detail).toMatch(/did not verify/);
  });

  it("a heads file whose entry says `verified` in anything but a boolean is refused, not read as verified", () => {
    const head = { o: "node-a", c: "app", i: "00".repeat(8), a: "blake2b-keyed", k: "11".repeat(8), first: { seq: 0, mac: "a".repeat(64) }, last: { seq: 4, mac: "b".repeat(64) } };
    const path = join(scratchDir("logseal-heads-"), "heads.json");
    writeHeads(path, [{ ...head, verified: true }]);
    expect(readHeads(path).get(chainKey("node-a", "app"))?.verified).toBe(true);
    for (const verified of ["false", 1, null, undefined]) {
      writeFileSync(path, JSON.stringify({ format: "logseal-heads-1", chains: [{ ...head, verified }] }));
      expect(() => readHeads(path), String(verified)).toThrow(/a chain entry is malformed/);
    }
  });

  it("origins: another host's records are refused when origins are required; an origin or instance changed breaks the MAC", () => {
    expect(sealOf(lines[0]).o).toBe("node-a");
    expect(verifyLines(lines, { keys: [KEY_BYTES], origins: ["node-a"] }).ok).toBe(true);
    expect(verifyLines(lines, { keys: [KEY_BYTES], origins: ["node-b"] }).byReason).toEqual({ origin: 1 });
    const moved = JSON.parse(lines[4]);
    moved._seal.o = "node-b";
    expect(reasons(lines.with(4, JSON.stringify(moved)))).toEqual(expect.arrayContaining(["modified@5", "deleted@6"]));
    const other = chain(12, { origin: "node-a" });
    // Another instance's records spliced into the chain (re-keyed by a forger holding the key).
    const spliced = lines.with(6, forge(other[6], { p: sealOf(lines[5]).m } as Partial<Seal>, KEY_BYTES));
    expect(reasons(spliced).map((r) => r.split("@")[0])).toContain("origin");
  });

  it("the tag of an out_file line must be the chain's", () => {
    const tagged = lines.map((l) => `app: [${sealOf(l).t}, ${l}]`);
    expect(verifyLines(tagged).ok).toBe(true);
    expect(reasons(tagged.with(3, tagged[3].replace(/^app:/, "other:")))).toEqual(["tag@4"]);
  });

  it("heads from --state or --expect-head belong to their origin's chain, not to a namesake's", () => {
    const a = chain(10, { origin: "node-a" }), b = chain(10, { origin: "node-b" });
    const expectHeads = new Map([[chainKey("node-a", "app"), { seq: 9, mac: sealOf(a[9]).m }]]);
    expect(verifyLines([...a, ...b], { keys: [KEY_BYTES], expectHeads }).ok).toBe(true);
    expect(reasons([...a.slice(0, 5), ...b], { keys: [KEY_BYTES], expectHeads })).toEqual(["truncated@5"]);
    expect(reasons(b, { keys: [KEY_BYTES], expectHeads }).map((r) => r.split("@")[0])).toEqual(["truncated"]);
  });

  it("a legitimate eviction at the head given with --continue is no failure", () => {
    const lines = sealAll(sealDir(sealPolicy({ max_chains: 1 })), [...records(3, ["a"]), ...records(3, ["b"]), ...records(3, ["a"])]);
    const starts = new Map(headsOf(verifyLines(lines.slice(0, 3))).map((h) => [chainKey(h.o, h.c), h]));
    expect(verifyLines(lines.slice(3), { keys: [KEY_BYTES], starts }).failures).toEqual([]);
  });

  it("a day recomputed as SHA-256 cannot continue an HMAC head, even with --allow-sha256", () => {
    const day1 = verifyLines(lines.slice(0, 6));
    const starts = new Map(headsOf(day1).map((h) => [chainKey(h.o, h.c), h]));
    const rewritten: string[] = [];
    for (const line of lines.slice(6)) {
      const prev = rewritten.length ? sealOf(rewritten.at(-1)!).m : sealOf(lines[5]).m;
      rewritten.push(forge(edit(line, "msg", "rewritten"), { a: "sha256", k: undefined, e: undefined, p: prev }));
    }
    expect(reasons(rewritten, { keys: [KEY_BYTES], starts, allowSha256: true }).map((r) => r.split("@")[0])).toContain("wrong-key");
  });

  it("with --allow-reorder, every link is checked, also inside a gap filled backwards", () => {
    const long = chain(12);
    const other = chain(12);
    // Seq 4-7 arrive backwards, seq 6 replaced by another chain's record 6 re-linked to seq 5 (its own p kept).
    const order = [0, 1, 2, 3, 8, 9, 10, 11, 7, 6, 5, 4].map((i) => (i === 6 ? forge(other[6], { p: sealOf(long[5]).m } as Partial<Seal>, KEY_BYTES) : long[i]));
    const found = reasons(order, { keys: [KEY_BYTES], allowReorder: true }).map((r) => r.split("@")[0]);
    expect(found).toContain("modified");
  });

  it("a seal time that no 32-bit second can be, or an outer time in exponent form, fails that line only", () => {
    const broken = JSON.parse(lines[3]);
    broken._seal.t = "99999999999999999999.000000000";
    const result = verifyLines(lines.with(3, JSON.stringify(broken)));
    expect(result.failures.map((f) => f.reason)).toEqual(["modified", "deleted"]);
    expect(verifyLines(lines.map((l) => `[2e9, ${l}]`)).byReason.time).toBe(lines.length);
  });

  it("tells lines lost before the filter (a hole in a source file) from records deleted after it", () => {
    const policy = sealPolicy({}, { input: { lift: [{ key: "log", into: "" }], source: { path_key: "file", offset_key: "offset" } } });
    let offset = 0;
    const inputs = Array.from({ length: 10 }, (_, i) => {
      const log = `{"msg":"line ${i}"}`;
      const input = { tag: "app", body: { log, file: "/var/log/app.log", offset } };
      offset += Buffer.byteLength(log) + 1;
      return input;
    });
    const all = sealAll(sealDir(policy), inputs);
    const result = verifyLines(all);
    expect(result.failures).toEqual([]);
    expect(result.completeness).toMatchObject({ complete: true, records: 10 });
    // Line 4 never reached the filter: the chain is whole, the file is not.
    const before = verifyLines(sealAll(sealDir(policy), inputs.toSpliced(4, 1)));
    expect(before.failures.map((f) => f.reason)).toEqual(["lost"]);
    expect(before.failures[0].detail).toMatch(/\/var\/log\/app\.log bytes \d+-\d+ \(\d+\) never reached the filter/);
    // Record 4 deleted after the filter: a hole in the chain, and in the file (its line is gone from the store).
    const after = verifyLines(all.toSpliced(4, 1));
    expect(after.failures.map((f) => f.reason).sort()).toEqual(["deleted", "lost"]);
  });

  it("a forged epoch far ahead is refused at the cost of a real one", () => {
    const fs = chain(30, { epoch_records: 5 });
    const started = performance.now();
    for (const e of [3_000_000, 4_294_967_295, 4_294_967_296]) {
      const forged = JSON.parse(fs[10]);
      forged._seal.e = e;
      forged._seal.n = e * 5;
      expect(verifyLines(fs.with(10, JSON.stringify(forged))).ok).toBe(false);
      forged._seal.w = 99_999_999_999;
      expect(verifyLines(fs.with(10, JSON.stringify(forged))).ok).toBe(false);
    }
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe("no false alarms", () => {
  const dir = sealDir(sealPolicy({ chain_by: "ns" }));
  const next = rng(21);
  const lines = sealAll(dir, Array.from({ length: 400 }, (_, i) => ({ tag: "t", body: toJson({ ns: `n${i % 3}`, ...randomObject(next) }, next) })));

  it("when records are re-serialised: keys reordered, non-ASCII escaped, numbers respelled, whitespace", () => {
    const respelled = lines.map((line) => withSeal(line, (body) =>
      reserialise(body, (n) => (Number.isSafeInteger(n) ? `${n}.0` : n.toExponential()))));
    expect(respelled[0]).not.toBe(lines[0]);
    expect(verifyLines(respelled).failures).toEqual([]);
  });

  it("in Fluent Bit's output formats: out_file default and plain, [time, record], stdout json_lines with a date key", () => {
    const t = (l: string) => sealOf(l).t as string;
    const tagged = lines.map((l) => `t: [${t(l)}, ${l}]`);
    const array = lines.map((l) => `[${t(l)}, ${l}]`);
    const v2 = lines.map((l) => `[[${t(l)}, {}], ${l}]`);
    // json_date_format double (%.16g: microseconds), iso8601, epoch_ms
    const dated = lines.map((l) => `{"date":${Number(t(l)).toPrecision(16)},${l.slice(1)}`);
    const iso = lines.map((l) => `{"date":"${new Date(Number(t(l).split(".")[0]) * 1000).toISOString().slice(0, 19)}.${t(l).split(".")[1].slice(0, 6)}Z",${l.slice(1)}`);
    const ms = lines.map((l) => `{"date":${t(l).replace(".", "").slice(0, -6)},${l.slice(1)}`);
    expect(verifyLines(tagged).failures).toEqual([]);
    expect(verifyLines(tagged).coverage.tagsNotCovered).toBe(lines.length); // chains by field: the tag is no seal's
    expect(verifyLines(array).ok).toBe(true);
    expect(verifyLines(v2).ok).toBe(true);
    for (const form of [dated, iso, ms]) expect(verifyLines(form, { keys: [KEY_BYTES], dateKey: "date" }).failures).toEqual([]);
    expect(verifyLines(dated).ok).toBe(false); // the date member is not part of the record
    // A time outside the record that is not the sealed one is caught, in every form.
    const shifted = (l: string) => (BigInt(t(l).replace(".", "")) + 5_000_000_000n).toString().replace(/(\d{9})$/, ".$1");
    expect(verifyLines(lines.map((l) => `[${shifted(l)}, ${l}]`)).byReason.time).toBe(lines.length);
    expect(verifyLines(lines.map((l) => `{"date":${Number(shifted(l)).toPrecision(16)},${l.slice(1)}`), { keys: [KEY_BYTES], dateKey: "date" }).byReason.time).toBe(lines.length);
  });

  it("after Fluent Bit re-prints every double with %.16g (integral ones with %.1f)", () => {
    const fluentBit = (n: number) =>
      Number.isInteger(n) && Math.abs(n) < 2 ** 63 ? `${BigInt(n)}.0` : roundTo16Digits(n).toPrecision(16);
    const reprinted = lines.map((line) => withSeal(line, (body) => reserialise(body, fluentBit)));
    expect(verifyLines(reprinted).failures).toEqual([]);
  });

  it("over 1,000,000 records of varied keys, numbers, unicode and escapes, sealed by the module", async () => {
    const big = sealDir(sealPolicy({ persist_every: 1000 }));
    const bodies = Array.from({ length: 20_000 }, (_, i) => (i % 2 ? toJson(randomObject(next), next) : JSON.stringify(containerRecord(i, 600))));
    const tags = ["kube.a", "kube.b", "kube.c", "audit"];
    const verifier = new Verifier({ keys: [KEY_BYTES] });
    const filter = startFilter(big);
    let sealing = 0, verifying = 0;
    for (let i = 0; i < 1_000_000; ) {
      const batch: string[] = [];
      const t0 = performance.now();
      for (const end = i + 10_000; i < end; i++) {
        batch.push(Buffer.from(filter.callRaw(tags[i % 4], bodies[i % bodies.length], 1_700_000_000 + (i >> 10), i)!).toString());
      }
      const t1 = performance.now();
      for (const [k, line] of batch.entries()) verifier.addLine(line, "big.ndjson", i - batch.length + k + 1);
      sealing += t1 - t0;
      verifying += performance.now() - t1;
      // A minute of work without a turn of the event loop times out vitest's worker channel.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const result = verifier.finish();
    console.log(`1,000,000 records: sealed in ${(sealing / 1000).toFixed(1)} s, verified in ${(verifying / 1000).toFixed(1)} s (${Math.round(1e9 / verifying).toLocaleString("en-US")} records/s)`);
    expect(result.records).toBe(1_000_000);
    expect(result.failures).toEqual([]);
    expect(result.chains.map((c) => c.records)).toEqual([250_000, 250_000, 250_000, 250_000]);
  }, 600_000);
});

describe("seals of an earlier logseal", () => {
  // Sealed by logseal at 5ed4c4f (before keyed BLAKE2b), key tests/support/sealing.ts's KEY, origin
  // node-a, tags kube.app and kube.db; the second file with forward security (epoch_records 2).
  const FIXTURES = ["v3-hmac-sha256.ndjson", "v3-hmac-sha256-epochs.ndjson"].map((name) => new URL(`./fixtures/seals/${name}`, import.meta.url).pathname);
  const linesOf = (file: string) => readFileSync(file, "utf8").trimEnd().split("\n");

  it("v3 hmac-sha256 files still verify with their key, and fail with another key or a record edited", () => {
    for (const file of FIXTURES) {
      const lines = linesOf(file);
      expect(lines.every((l) => sealOf(l).a === "hmac-sha256" && sealOf(l).v === 3)).toBe(true);
      const result = verifyLines(lines);
      expect(result.ok, file).toBe(true);
      expect(result.records).toBe(6);
      expect(verifyLines(lines, { keys: [Buffer.from("another key of at least thirty-two characters")] }).byReason).toEqual({ "wrong-key": 6 });
      const edited = lines.map((l, i) => (i === 3 ? edit(l, "msg", "record 3, edited") : l));
      expect(verifyLines(edited).byReason, file).toEqual({ modified: 1 });
    }
  });

  it("an hmac-sha256 seal relabelled blake2b-keyed (or the reverse), MAC untouched, fails", () => {
    const lines = linesOf(FIXTURES[0]);
    const relabelled = lines.map((l, i) => (i === 2 ? l.replace('"a":"hmac-sha256"', '"a":"blake2b-keyed"') : l));
    expect(verifyLines(relabelled).byReason).toEqual({ modified: 1 });
    const fresh = chain(3);
    expect(verifyLines(fresh.map((l, i) => (i === 1 ? l.replace('"a":"blake2b-keyed"', '"a":"hmac-sha256"') : l))).byReason).toEqual({ modified: 1 });
  });

  it("the keyed MAC changes only where a segment starts: re-MACed as hmac-sha256 inside a run, even with the key, is refused", () => {
    const lines = chain(3);
    const one = forge(lines[1], { a: "hmac-sha256" }, KEY_BYTES);
    const two = forge(lines[2], { p: JSON.parse(one)._seal.m }, KEY_BYTES);
    expect(verifyLines([lines[0], one, two]).byReason).toEqual({ modified: 2 });
    expect(verifyLines(lines).ok).toBe(true);
  });
});

describe("the command", () => {
  it("exits 0 for intact files, 1 with a failure, 2 on usage errors; --json for machines", async () => {
    const dir = scratchDir("logseal-verify-");
    const good = join(dir, "good.ndjson"), bad = join(dir, "bad.ndjson"), key = join(dir, "seal.key");
    const lines = chain(10);
    writeFileSync(good, lines.join("\n") + "\n");
    writeFileSync(bad, lines.toSpliced(4, 1).join("\n") + "\n");
    writeFileSync(key, KEY_BYTES.toString() + "\n");
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => out.push(chunk) > 0) as typeof process.stdout.write;
    try {
      expect(await verifyMain(["--key-file", key, good])).toBe(0);
      expect(await verifyMain(["--key-file", key, "--json", bad])).toBe(1);
      expect(await verifyMain(["--expect-head", "nonsense", good])).toBe(2);
      // Verifying nothing is not success.
      const empty = join(dir, "empty.ndjson"), blank = join(dir, "blank.ndjson");
      writeFileSync(empty, "");
      writeFileSync(blank, "\n  \n\n");
      expect(await verifyMain([empty])).toBe(3);
      expect(await verifyMain(["--key-file", key, blank])).toBe(3);
    } finally {
      process.stdout.write = write;
    }
    expect(out[0]).toMatch(/^origin\s+chain\s+records\s+seq\s+start\s+sealed with\s+resumed\s+dropped\s+status\n-\s+app\s+10\s+0-9\s+genesis\s+blake2b-keyed e0\s+0\s+0\s+ok\n(note: .*\n)+10 records in 1 chains/);
    const json = JSON.parse(out[1]);
    expect(json).toMatchObject({ ok: false, records: 9, failureCount: 1, byReason: { deleted: 1 } });
    expect(json.failures[0]).toMatchObject({ chain: "app", file: bad, line: 5, reason: "deleted" satisfies Reason });
  });

  it("reads several files as one stream (a chain may span rotated files)", async () => {
    const dir = scratchDir("logseal-verify-");
    const lines = chain(20);
    writeFileSync(join(dir, "1.ndjson"), lines.slice(0, 12).join("\n"));
    writeFileSync(join(dir, "2.ndjson"), lines.slice(12).join("\r\n") + "\r\n");
    const result = await verifyFiles([join(dir, "1.ndjson"), join(dir, "2.ndjson")], { keys: [KEY_BYTES] });
    expect(result.ok).toBe(true);
    expect(formatResult(result)).toMatch(/20 records in 1 chains: OK/);
  });

  it("reads a pipe named as a file (a shell's <(zcat ...), /dev/stdin), and names a directory given as one", () => {
    const dir = scratchDir("logseal-verify-");
    const key = join(dir, "seal.key"), file = join(dir, "a.ndjson");
    writeFileSync(key, KEY_BYTES.toString() + "\n");
    writeFileSync(file, chain(3).join("\n") + "\n");
    const bin = new URL("../bin/logseal.js", import.meta.url).pathname;
    const verify = (args: string) => spawnSync("bash", ["-c", `node '${bin}' verify --key-file '${key}' ${args}`], { encoding: "utf8", timeout: 60_000 });
    // Looking for a store's form, the verifier read the file's head with a positioned read: ESPIPE on a pipe.
    const piped = verify(`<(cat '${file}')`);
    expect(piped.stderr).toBe("");
    expect(piped.stdout).toMatch(/3 records in 1 chains, [\d,]+ records\/s: OK\n$/);
    expect(piped.status).toBe(0);
    const directory = verify(`'${dir}'`);
    expect(directory.stderr).toBe(`logseal: ${dir}: a directory, not a file of records\n`);
    expect(directory.status).toBe(1);
    // A missing file is named as such (it was Node's bare ENOENT), and fails like a directory: nothing of it verified.
    const missing = verify(`'${join(dir, "none.ndjson")}'`);
    expect(missing.stderr).toBe(`logseal: ${join(dir, "none.ndjson")}: no such file\n`);
    expect(missing.status).toBe(1);
  });

  it("fails a line too long to read as text in its place, without gathering it (memory stays bounded)", async () => {
    const chunks = ["abc\n", "0123456789ABCDEF", "GHI", "\r\nxy\r\n", "0123456789AB"];
    const read: (string | number)[] = [];
    for await (const line of byteLines(Readable.from(chunks.map((c) => Buffer.from(c))), 10)) read.push(Buffer.isBuffer(line) ? line.toString() : line.long);
    expect(read).toEqual(["abc", 20, "xy", 12]);
    const dir = scratchDir("logseal-verify-");
    const lines = chain(5);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(2000);
    writeFileSync(join(dir, "long.ndjson"), lines.toSpliced(2, 1, "x".repeat(5000)).join("\n") + "\n");
    const result = await verifyFiles([join(dir, "long.ndjson")], { keys: [KEY_BYTES], maxLineBytes: 2000 }, 0);
    expect(result.failures.map((f) => [f.line, f.reason, f.detail])).toEqual([
      [3, "unreadable", "a line of 5000 bytes, longer than the longest read (2000): not checked"],
      [4, "deleted", "seq 2 is missing"],
    ]);
  });

  it("prints the verdict before writing --heads-out, so a file that cannot be written hides no failure", () => {
    const dir = scratchDir("logseal-verify-");
    const key = join(dir, "seal.key"), bad = join(dir, "bad.ndjson");
    writeFileSync(key, KEY_BYTES.toString() + "\n");
    writeFileSync(bad, chain(5).toSpliced(2, 1).join("\n") + "\n");
    const bin = new URL("../bin/logseal.js", import.meta.url).pathname;
    const verify = (...args: string[]) => spawnSync("node", [bin, "verify", "--key-file", key, ...args, bad], { encoding: "utf8", timeout: 60_000 });
    // A write that fails (/dev/full: no space) after the run: the deletion found is still reported, exit 1.
    const full = verify("--heads-out", "/dev/full");
    expect(full.stdout).toMatch(/FAILED \(1 deleted\)\n$/);
    expect(full.stderr).toMatch(/^logseal: ENOSPC/);
    expect(full.status).toBe(1);
    // A directory or a missing folder is refused before the run, as a usage error.
    for (const [path, why] of [[dir, "a directory, not a file"], [join(dir, "none", "heads.json"), "no such folder"]]) {
      const refused = verify("--heads-out", path);
      expect([refused.status, refused.stdout, refused.stderr]).toEqual([2, "", `logseal: --heads-out ${path}: ${why}\n`]);
    }
  });

  it("keeps the key id that names the initial key, not the key", () => {
    const id = sealOf(chain(1)[0]).k;
    expect(id).toBe(createHmac("sha256", KEY_BYTES).update("logseal-key-id").digest("hex").slice(0, 16));
  });
});
