// Store forms without Fluent Bit (tests/stores-fluent-bit.test.ts runs the real outputs): records
// sealed by the module in process, written as each store gives them back, read by `logseal verify`.
// Detection, what is taken off and when, hostile documents, options.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { detect } from "../cli/stores/index.js";
import { parseLokiLabels } from "../cli/stores/loki-labels.js";
import { type VerifyResult, verifyFiles } from "../cli/verify.js";
import { logsealCli } from "./support/fluent-bit.js";
import { KEY, KEY_BYTES, records, sealAll, sealDir, sealPolicy } from "./support/sealing.js";
import type { StoreOptions } from "../cli/stores/index.js";

const dir = mkdtempSync(join(tmpdir(), "logseal-stores-unit-"));
const moduleDir = sealDir(sealPolicy());
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(moduleDir, { recursive: true, force: true });
});

const lines = sealAll(moduleDir, [
  ...records(4, ["kube.a"]),
  { tag: "kube.a", body: { date: "not a time", msg: "own date" } },
  { tag: "kube.a", body: { date: "2020-01-01T00:00:00Z", msg: "own date, a time" } },
  { tag: "kube.a", body: { level: "info", kubernetes: { namespace_name: "shop" }, n: 7 } },
]);
const sealT = (line: string): string => JSON.parse(line)._seal.t;
/** ISO 8601 of a seal time with `digits` of fraction (cut). */
const iso = (t: string, digits: number) => {
  const [s, f] = t.split(".");
  return new Date(Number(s) * 1000).toISOString().replace(".000Z", digits ? `.${f.slice(0, digits)}Z` : "Z");
};
const front = (line: string, members: string) => `{${members},${line.slice(1)}`;

let n = 0;
async function verify(content: string | Buffer, store: StoreOptions = {}, files?: (string | Buffer)[]): Promise<VerifyResult> {
  const paths = (files ?? [content]).map((c) => {
    const path = join(dir, `store-${n++}`);
    writeFileSync(path, c);
    return path;
  });
  return verifyFiles(paths, { keys: [KEY_BYTES], store }, 0);
}
const reasons = (r: VerifyResult) => Object.keys(r.byReason).sort();

const esDocs = lines.map((l) => front(l, `"@timestamp":"${iso(sealT(l), 3)}","flb-key":"kube.a"`));
const esSearch = (docs: string[]) => `{"took":1,"hits":{"total":{"value":${docs.length}},"hits":[${docs.map((d, i) => `{"_index":"x","_id":"${i}","_source":${d}}`).join(",")}]}}`;

describe("store forms (no Fluent Bit)", () => {
  it("tells the forms apart from their first keys; Fluent Bit's own lines are left alone", () => {
    expect(detect(esSearch(esDocs))).toBe("es");
    // Records that begin like a store's document are Fluent Bit's own lines: --format says otherwise.
    expect(detect(esDocs[0])).toBeNull();
    expect(detect(`{"event":"login","data":{"a":1},"result":"ok","n":1}`)).toBeNull();
    expect(detect(`{"@timestamp":"2026-01-01T00:00:00Z","msg":"${"x".repeat(70000)}"}`)).toBeNull();
    expect(detect(`{"_index":"logs","_id":"1","_source":{}}`)).toBe("es");
    expect(detect(`{"_scroll_id":"abc","took":1,"hits":{"hits":[]}}`)).toBe("es");
    expect(detect(`{"status":"success","data":{"resultType":"streams","result":[]}}`)).toBe("loki");
    expect(detect(`{"labels":{"job":"x"},"line":"{}","timestamp":"2026-01-01T00:00:00Z"}`)).toBe("loki");
    expect(detect(`{"preview":false,"offset":0,"result":{"_raw":"{}"}}`)).toBe("splunk");
    expect(detect(`{"time":1.5,"event":{}}`)).toBe("splunk");
    expect(detect(`[{"date":1.5,"a":1}]`)).toBe("http");
    expect(detect(lines[0])).toBeNull();
    expect(detect(`[1700000000.5, ${lines[0]}]`)).toBeNull();
    expect(detect(`kube.a: [1700000000.5, ${lines[0]}]`)).toBeNull();
  });

  it("leaves Fluent Bit's lines alone when the first record, longer than 64 KiB, begins like a store's document", async () => {
    // Told from the first 64 KiB, `status` and `data` made the file Loki's, and every record unreadable.
    const sealed = sealDir(sealPolicy());
    const long = sealAll(sealed, [{ tag: "kube.a", body: { status: 200, data: "x".repeat(70_000) } }, { tag: "kube.a", body: { status: 201, data: "y" } }]);
    rmSync(sealed, { recursive: true, force: true });
    const text = long.join("\n") + "\n";
    for (const content of [text, gzipSync(text)]) {
      const result = await verify(content);
      expect(result.failures).toEqual([]);
      expect(result.records).toBe(2);
    }
  });

  it("es: a search response and bare documents verify; a chain spread over two responses in any order too", async () => {
    const ok = await verify(esSearch(esDocs));
    expect(ok.failures).toEqual([]);
    expect(ok.records).toBe(lines.length);
    expect((await verify(esDocs.join("\n") + "\n", { format: "es" })).failures).toEqual([]);
    // Without --format they are Fluent Bit's own lines, with members the seal does not cover.
    expect(reasons(await verify(esDocs.join("\n") + "\n"))).toEqual(["modified"]);
    // A record whose own first member is @timestamp verifies as it is, as a store document too.
    const own = sealAll(moduleDir, [{ tag: "kube.own", body: { "@timestamp": "2026-01-01T00:00:00Z", msg: "own" } }]);
    expect((await verify(own[0], {})).store).toBeUndefined();
    expect((await verify(own[0], { format: "es" })).failures).toEqual([]);
    const split = await verify("", {}, [esSearch(esDocs.slice(4)), esSearch(esDocs.slice(0, 4))]);
    expect(split.failures).toEqual([]);
    // --format ndjson: no detection, and the documents are not records as sealed.
    expect(reasons(await verify(esSearch(esDocs), { ndjson: true }))).toEqual(["inserted"]);
  });

  it("kafka: JSON messages one per line (timestamp_key first, iso8601_ns or a double) read like Elasticsearch documents", async () => {
    const ns = lines.map((l) => front(l, `"@timestamp":"${iso(sealT(l), 9)}"`));
    const ok = await verify(ns.join("\n") + "\n", { format: "es" });
    expect(ok.failures).toEqual([]);
    expect(ok.coverage.timesChecked).toBe(lines.length);
    const double = lines.map((l) => front(l, `"ts":${Number(sealT(l)).toPrecision(16)}`));
    expect((await verify(double.join("\n"), { format: "es", timeKey: "ts" })).failures).toEqual([]);
  });

  it("es: what is not exactly what out_es adds is never taken off silently", async () => {
    const bad = [...esDocs];
    bad[0] = bad[0].replace(/"@timestamp":"[^"]+"/, '"@timestamp":"yesterday"');
    bad[1] = bad[1].replace(/"@timestamp":"[^"]+",/, "");
    bad[2] = bad[2].replace('"flb-key":"kube.a"', '"flb-key":"kube.b"');
    bad[3] = bad[3].replace('"flb-key":"kube.a",', '"flb-key":"kube.a","extra":1,');
    const result = await verify(esSearch(bad));
    // Each fails alone: the records keep their places in the chain.
    expect(result.failures.map((f) => f.reason).sort()).toEqual(["modified", "tag", "time", "time"]);
    expect(result.failures.find((f) => f.reason === "modified")?.line).toBe(4);
    expect(result.failures.find((f) => f.detail.includes("yesterday"))?.detail).toMatch(/is not a time/);
    const noSource = `{"took":1,"hits":{"hits":[{"_index":"x","_id":"1","fields":{"msg":["x"]}}]}}`;
    const unreadable = await verify(noSource);
    expect(unreadable.byReason).toEqual({ unreadable: 1 });
    expect(unreadable.failures[0].detail).toMatch(/_source/);
  });

  it("s3/http: the date member in front is taken off when it is the record's time; a record's own first `date` stays", async () => {
    const dated = lines.map((l) => front(l, `"date":"${iso(sealT(l), 6)}"`));
    const ok = await verify(dated.join("\n") + "\n", { format: "s3" });
    expect(ok.failures).toEqual([]);
    expect(ok.store?.removed).toEqual({ date: lines.length });
    // A multipart upload with compression gzip: one gzip member per part, told from the content.
    const parts = gzipSync(dated.slice(0, 3).join("\n") + "\n");
    const rest = gzipSync(dated.slice(3).join("\n") + "\n");
    expect((await verify(Buffer.concat([parts, rest]))).failures).toEqual([]);
    // json_date_key false: records 5 and 6 begin with their own `date` (one not a time, one a time).
    const plain = await verify(lines.join("\n") + "\n", { format: "http" });
    expect(plain.failures).toEqual([]);
    expect(plain.store?.removed).toEqual({});
    // Metadata as out_http writes it after the date: taken off, and said.
    const internal = lines.map((l) => front(l, `"date":${sealT(l)},"__internal__":{"log_metadata":{"k":"v"}}`));
    const withMeta = await verify(`[${internal.join(",")}]`);
    expect(withMeta.failures).toEqual([]);
    expect(withMeta.store?.removed, JSON.stringify(withMeta.store)).toEqual({ date: lines.length, __internal__: lines.length });
    // A date two seconds off (the unit of a whole-second date is one second) is a time failure, not a removal.
    const shifted = lines.map((l) => front(l, `"date":${Number(sealT(l).split(".")[0]) + 2}`));
    expect((await verify(shifted.join("\n"), { format: "http" })).byReason.time).toBe(lines.length);
  });

  it("loki: logcli jsonl verifies; a metric result and a line that is no record are reported", async () => {
    const jsonl = lines.map((l) => JSON.stringify({ labels: { job: "x" }, line: l, timestamp: iso(sealT(l), 9) })).join("\n");
    expect((await verify(jsonl)).failures).toEqual([]);
    const metric = await verify(`{"status":"success","data":{"resultType":"matrix","result":[]}}`);
    expect(metric.byReason).toEqual({ unreadable: 1 });
    const kv = await verify(JSON.stringify({ streams: [{ stream: { job: "x" }, values: [["1700000001000000001", "level=info msg=x"]] }] }));
    expect(kv.failures[0].detail).toMatch(/line_format key_value/);
  });

  it("loki: members moved into labels are put back only where the seal then holds; a label's own text as JSON", async () => {
    const last = lines[lines.length - 1];
    const line = last.replace('"level":"info",', "").replace('"kubernetes":{"namespace_name":"shop"}', '"kubernetes":{}');
    expect(line).toContain('"kubernetes":{}');
    const ns = (BigInt(sealT(last).replace(".", ""))).toString();
    const doc = (labels: object) => JSON.stringify({ data: { resultType: "streams", result: [{ stream: labels, values: [[ns, line]] }] } });
    const spec = ["$level", "namespace=$kubernetes['namespace_name']"];
    expect(parseLokiLabels(spec)).toEqual([{ label: "level", path: ["level"] }, { label: "namespace", path: ["kubernetes", "namespace_name"] }]);
    const ok = await verify(doc({ level: "info", namespace: "shop" }), { lokiLabels: spec, format: "loki" });
    expect(ok.failures.filter((f) => f.reason !== "headless")).toEqual([]);
    expect(ok.store?.restored).toEqual({ level: 1, "kubernetes.namespace_name": 1 });
    const lied = await verify(doc({ level: "info", namespace: "other" }), { lokiLabels: spec, format: "loki" });
    expect(lied.byReason.modified).toBe(1);
    expect(() => parseLokiLabels(["level"])).toThrow(/starts with '\$'/);
  });

  it("splunk: an export's _raw and _time verify; a truncated _raw is unreadable with the setting named", async () => {
    const exported = lines.map((l, i) => JSON.stringify({ preview: false, offset: i, result: { _raw: l, _time: iso(sealT(l), 3).replace("Z", "+00:00"), host: "h" } })).join("\n");
    expect((await verify(exported)).failures).toEqual([]);
    const cut = JSON.stringify({ preview: false, result: { _raw: lines[0].slice(0, 40), _time: "2026-01-01T00:00:00.000+00:00" } });
    const result = await verify(cut);
    expect(result.byReason).toEqual({ unreadable: 1 });
    expect(result.failures[0].detail).toMatch(/TRUNCATE/);
  });

  it("the command: forms told from content, exit statuses, usage errors", () => {
    const key = join(dir, "seal.key");
    writeFileSync(key, KEY + "\n");
    const search = join(dir, "search.json");
    writeFileSync(search, esSearch(esDocs));
    const ok = logsealCli(["verify", "--key-file", key, search]);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    const empty = join(dir, "empty.json");
    writeFileSync(empty, esSearch([]));
    expect(logsealCli(["verify", "--key-file", key, empty]).status).toBe(3);
    const garbage = join(dir, "garbage.json");
    writeFileSync(garbage, '{"took":1,"hits":{"hits":[{"_source":{"a":');
    const broken = logsealCli(["verify", "--key-file", key, "--format", "es", garbage]);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/unreadable/);
    expect(logsealCli(["verify", "--format", "kafka", search]).status).toBe(2);
    expect(logsealCli(["verify", "--loki-labels", "level", search]).status).toBe(2);
  });
});
