// Red team on the store forms and the coverage report (docs/redteam.md, "Store forms and coverage
// report"): store dumps changed so that a reader of the store sees something else than what the seals
// vouch for, or so that the verifier stops; ranges whose report hid what was missing. Each attack
// here verified, ended the run or misreported before its fix.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { formatRangeCoverage, parseTime } from "../../cli/coverage.js";
import type { StoreOptions } from "../../cli/stores/index.js";
import { type VerifyResult, verifyFiles } from "../../cli/verify.js";
import { KEY_BYTES, records, sealAll, sealDir, sealPolicy, verifyLines } from "../support/sealing.js";

const dir = mkdtempSync(join(tmpdir(), "logseal-redteam-stores-"));
const moduleDir = sealDir(sealPolicy());
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(moduleDir, { recursive: true, force: true });
});

const lines = sealAll(moduleDir, [...records(4, ["kube.a"]), { tag: "kube.a", body: { msg: "hello", user: "alice" } }]);
const sealT = (line: string): string => JSON.parse(line)._seal.t;
const seconds = (line: string) => sealT(line).split(".")[0];
const iso = (t: string) => {
  const [s, f] = t.split(".");
  return new Date(Number(s) * 1000).toISOString().replace(".000Z", `.${f.slice(0, 3)}Z`);
};
const front = (line: string, members: string) => `{${members},${line.slice(1)}`;
const esDocs = lines.map((l) => front(l, `"@timestamp":"${iso(sealT(l))}"`));
const esSearch = (hits: string[]) => `{"took":1,"hits":{"total":{"value":${hits.length}},"hits":[${hits.join(",")}]}}`;
const hit = (doc: string, i: number) => `{"_index":"logs","_id":"${i}","_source":${doc}}`;
const changed = (docs: string[], i: number, change: (doc: string) => string) => docs.map((d, j) => (j === i ? change(d) : d));

let n = 0;
async function verify(contents: (string | Buffer)[], store: StoreOptions = {}): Promise<VerifyResult> {
  const paths = contents.map((c) => {
    const path = join(dir, `dump-${n++}`);
    writeFileSync(path, c);
    return path;
  });
  return verifyFiles(paths, { keys: [KEY_BYTES], store }, 0);
}
const reasons = (r: VerifyResult) => Object.keys(r.byReason).sort();

describe("red team: store forms", () => {
  it("control: the untouched dumps verify", async () => {
    expect((await verify([esSearch(esDocs.map(hit))])).ok).toBe(true);
    const hec = lines.map((l) => `{"time":${sealT(l).slice(0, 14)},"event":${l}}`).join("\n");
    expect((await verify([hec], { format: "splunk" })).ok).toBe(true);
  });

  it("es: @timestamp rewritten as epoch seconds (Elasticsearch reads numbers as epoch milliseconds: 1970) fails as time", async () => {
    const asString = changed(esDocs, 1, (d) => d.replace(/"@timestamp":"[^"]*"/, `"@timestamp":"${seconds(lines[1])}"`));
    const asNumber = changed(esDocs, 2, (d) => d.replace(/"@timestamp":"[^"]*"/, `"@timestamp":${sealT(lines[2])}`));
    for (const docs of [asString, asNumber]) {
      const result = await verify([esSearch(docs.map(hit))]);
      expect(reasons(result)).toEqual(["time"]);
      expect(result.failureCount).toBe(1);
    }
    // Epoch milliseconds are what Elasticsearch makes of a number: they are the seal's time.
    const ms = changed(esDocs, 1, (d) => d.replace(/"@timestamp":"[^"]*"/, `"@timestamp":${sealT(lines[1]).replace(".", "").slice(0, 13)}`));
    expect((await verify([esSearch(ms.map(hit))])).ok).toBe(true);
  });

  it("es: a date that rolls over (day 45 of a month) is no time", async () => {
    const t = iso(sealT(lines[1]));
    const [y, mo, d] = t.slice(0, 10).split("-").map(Number);
    const back = `${mo === 1 ? y - 1 : y}-${String(mo === 1 ? 12 : mo - 1).padStart(2, "0")}-${String(d + new Date(Date.UTC(y, mo - 1, 0)).getUTCDate()).padStart(2, "0")}${t.slice(10)}`;
    const docs = changed(esDocs, 1, (doc) => doc.replace(t, back));
    expect(reasons(await verify([esSearch(docs.map(hit))]))).toEqual(["time"]);
  });

  it("es: a second _source (JSON readers take the last) or a second hits list is unreadable, not a pass or 'nothing to verify'", async () => {
    const forged = esDocs[4].replace("alice", "mallory");
    const twoSources = esSearch(esDocs.map(hit)).replace(`"_source":${esDocs[4]}`, `"_source":${esDocs[4]},"_source":${forged}`);
    const result = await verify([twoSources]);
    expect(JSON.parse(twoSources).hits.hits[4]._source.user).toBe("mallory");
    expect(result.ok).toBe(false);
    expect(reasons(result)).toEqual(["unreadable"]);
    const twoHits = `{"took":1,"hits":{"hits":[]},"hits":{"hits":[${esDocs.map(hit).join(",")}]}}`;
    const hidden = await verify([twoHits]);
    expect(hidden.records).toBe(0);
    expect(reasons(hidden)).toEqual(["unreadable"]);
  });

  it("es: a record with two _seal members (an input's own and the module's) is still read as a bare document", async () => {
    const own = sealAll(moduleDir, [{ tag: "kube.own", body: { _seal: "the input's", hits: 1 } }])[0];
    const doc = front(own, `"@timestamp":"${iso(sealT(own))}"`);
    expect((await verify([doc + "\n"], { format: "es" })).failures).toEqual([]);
  });

  it("splunk: a HEC time in milliseconds (Splunk reads seconds) fails as time", async () => {
    const hec = lines.map((l, i) => `{"time":${i === 2 ? sealT(l).replace(".", "").slice(0, 13) : sealT(l).slice(0, 14)},"event":${l}}`).join("\n");
    expect(reasons(await verify([hec], { format: "splunk" }))).toEqual(["time"]);
  });

  it("s3: a corrupt gzip object fails alone; the run goes on with the other objects", async () => {
    const s3 = (ls: string[]) => ls.map((l) => front(l, `"date":"${iso(sealT(l))}"`)).join("\n") + "\n";
    const good = gzipSync(s3(lines.slice(0, 3)));
    const bad = Buffer.concat([gzipSync(s3(lines.slice(3))), Buffer.from("trailing bytes")]);
    const result = await verify([good, bad]);
    expect(result.records).toBe(3);
    expect(reasons(result)).toEqual(["unreadable"]);
    expect(result.failures[0].detail).toMatch(/gzip/);
    const cut = await verify([good, gzipSync(s3(lines.slice(3))).subarray(0, 40)]);
    expect(reasons(cut)).toEqual(["unreadable"]);
  });

  it("loki: --loki-labels naming a label the streams lack, called like an Object member (constructor), is read as absent", async () => {
    const loki = JSON.stringify({
      status: "success",
      data: { resultType: "streams", result: [{ stream: { job: "fb" }, values: lines.map((l) => [sealT(l).replace(".", ""), l]) }] },
    });
    const result = await verify([loki], { lokiLabels: ["$constructor", "x=$toString"] });
    expect(result.failures).toEqual([]);
    expect(result.records).toBe(lines.length);
  });

  it("loki: an entry moved to a stream whose label contradicts the sealed member it is made from fails (it verified: the label was not put back)", async () => {
    const ns = (l: string) => sealT(l).replace(".", "");
    const stream = (labels: object, entries: unknown[][]) => ({ stream: labels, values: entries });
    const query = (result: object[]) => JSON.stringify({ status: "success", data: { resultType: "streams", result } });
    const plain = lines.slice(0, 4).map((l) => [ns(l), l]);
    const user = lines[4]; // "user":"alice"
    const moved = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(user)).filter(([k]) => k !== "user")));
    const options = { lokiLabels: ["user=$user"] };
    // Control: out_loki (Fluent Bit 5) took user off the line into the label; put back, it verifies.
    expect((await verify([query([stream({ job: "fb" }, plain), stream({ job: "fb", user: "alice" }, [[ns(user), moved]])])], options)).ok).toBe(true);
    // The member still in the line, the label says another user.
    const forged = await verify([query([stream({ job: "fb" }, plain), stream({ job: "fb", user: "mallory" }, [[ns(user), user]])])], options);
    expect(reasons(forged)).toEqual(["modified"]);
    expect(forged.failures[0].detail).toMatch(/label user "mallory" is not the record's user "alice"/);
    // The member put back from structured metadata while the stream label says another user.
    const metadata = await verify([query([stream({ job: "fb" }, plain), stream({ job: "fb", user: "mallory" }, [[ns(user), moved, { user: "alice" }]])])], options);
    expect(reasons(metadata)).toEqual(["modified"]);
  });

  it("one invalid byte in place of a \\ufffd the module wrote fails (it read as U+FFFD and verified), in lines and in store forms", async () => {
    const [bad] = sealAll(moduleDir, [{ tag: "kube.u", body: { msg: "bad \ud800 here" } }]);
    const escape = Buffer.from("\\ufffd");
    const bytes = Buffer.from(bad + "\n");
    const at = bytes.indexOf(escape);
    expect(at).toBeGreaterThan(0);
    const swap = (by: number[]) => Buffer.concat([bytes.subarray(0, at), Buffer.from(by), bytes.subarray(at + escape.length)]);
    // The character itself, as Fluent Bit re-prints the escape (valid UTF-8), and CRLF line ends: verify.
    const crlf = Buffer.from(swap([0xef, 0xbf, 0xbd]).toString().replace("\n", "\r\n"));
    expect((await verify([crlf])).failures).toEqual([]);
    expect(reasons(await verify([swap([0xff])]))).toEqual(["modified"]);
    const s3 = (line: Buffer) => gzipSync(Buffer.concat([Buffer.from(`{"date":"${iso(sealT(bad))}",`), line.subarray(1)]));
    expect((await verify([s3(swap([0xef, 0xbf, 0xbd]))])).failures).toEqual([]);
    expect(reasons(await verify([s3(swap([0xff]))]))).toEqual(["modified"]);
  });
});

describe("red team: the coverage report (--from/--to)", () => {
  const T0 = 1_700_000_000; // sealAll gives the n-th record (from 1) the event time T0 + n
  const coverageDir = sealDir(sealPolicy({ origin: "node-a" }));
  const all = sealAll(coverageDir, records(40, ["app", "web"]));
  rmSync(coverageDir, { recursive: true, force: true });
  const range = { from: T0 + 11, to: T0 + 31 }; // 10 records of each chain: app seq 5-14
  const seal = (line: string) => JSON.parse(line)._seal as { c: string; s: number; t: string };
  const inRange = (line: string) => Number(seal(line).t) >= range.from && Number(seal(line).t) < range.to;

  it("a chain whose records in range were all deleted is listed, with what is missing (it was left out of the report)", () => {
    const cut = all.filter((l) => !(seal(l).c === "app" && inRange(l)));
    const result = verifyLines(cut, { keys: [KEY_BYTES], range });
    expect(result.ok).toBe(false);
    const app = result.rangeCoverage!.chains.find((c) => c.chain === "app");
    expect(app).toMatchObject({ records: 0, missing: 10, gaps: [{ from: 5, to: 14 }], status: "deleted" });
    expect(formatRangeCoverage(result.rangeCoverage!)).toMatch(/app +0 .* 10 in 1 .*FAIL deleted/);
  });

  it("records deleted at the range's edge count as missing (they were not counted: 0 missing)", () => {
    const gone = [5, 6, 7, 14];
    const cut = all.filter((l) => !(seal(l).c === "app" && gone.includes(seal(l).s)));
    const app = verifyLines(cut, { keys: [KEY_BYTES], range }).rangeCoverage!.chains.find((c) => c.chain === "app")!;
    expect(app.records).toBe(6);
    expect(app.missing).toBe(4);
    expect(app.gaps).toEqual([{ from: 5, to: 7 }, { from: 14, to: 14 }]);
    // Untouched: nothing missing.
    expect(verifyLines(all, { keys: [KEY_BYTES], range }).rangeCoverage!.totals.missing).toBe(0);
  });

  it("--from/--to: a time without a zone is UTC whatever the machine's zone; month-first dates, rolled-over days and milliseconds are refused", () => {
    const zone = process.env.TZ;
    try {
      process.env.TZ = "America/New_York";
      expect(parseTime("2023-11-14T22:13:20", "--from")).toBe(T0);
      expect(parseTime("2023-11-14", "--from")).toBe(Date.UTC(2023, 10, 14) / 1000);
      expect(parseTime("2023-11-14T23:13:20+0100", "--from")).toBe(T0);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
    expect(() => parseTime("12/04/2026", "--from")).toThrow(/--from/);
    expect(() => parseTime("2026-02-31", "--to")).toThrow(/--to/);
    expect(() => parseTime("1700000000000", "--from")).toThrow(/milliseconds/);
  });
});
