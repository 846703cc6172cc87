// Verification where the logs land, with a real Fluent Bit (skipped with a message when there is
// none): tail -> logseal -> out_es / out_opensearch / out_loki / out_splunk / out_s3 / out_http into
// the local receivers of tests/support/stores.ts, then `logseal verify` on what each store gives back
// (a `_search` response, a `query_range` response, a Splunk export, S3 objects, out_http bodies):
// verified, or failing with the reason and the output setting that causes it, and failing when a
// stored record is changed or removed. docs/deploy.md, "Verifying where the logs land", is the table.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import type { StoreOptions } from "../cli/stores/index.js";
import { type VerifyResult, verifyFiles } from "../cli/verify.js";
import { RELEASE_WASM } from "./support/filter.js";
import { FLUENT_BIT, NO_FLUENT_BIT_MESSAGE, logsealCli, startFluentBit, writePipeline } from "./support/fluent-bit.js";
import { KEY, KEY_BYTES, sealDir, sealPolicy } from "./support/sealing.js";
import { type StoreKind, StoreReceiver, jsonValues } from "./support/stores.js";

if (!FLUENT_BIT) console.warn(NO_FLUENT_BIT_MESSAGE);

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** What the containers wrote: plain, nested, numbers Fluent Bit re-prints, non-ASCII, a dotted key. */
const INPUT = [
  { level: "info", msg: "user logged in", user: "u-1" },
  { level: "warn", msg: "retrying", attempt: 3, ratio: 0.30000000000000004, big: 9007199254740993 },
  { level: "error", msg: "naïve café ✓ \u2028 done", nested: { a: [1, 2.5, { b: null }], t: true } },
  { level: "info", msg: "pod labels", kubernetes: { labels: { "app.kubernetes.io/name": "web" } } },
  { level: "info", msg: "last one", n: 5 },
].map((r) => JSON.stringify(r));
const PLAIN = INPUT.filter((l) => !l.includes("app.kubernetes.io"));

interface Run {
  receiver: StoreReceiver;
  dir: string;
  log: string;
}

/** One run: tail (to end of file) -> logseal (HMAC seals) -> the output, into a receiver of `kind`. */
async function run(kind: StoreKind, output: Record<string, string | number> | ((port: number) => Record<string, string | number>), lines = INPUT, env: Record<string, string> = {}): Promise<Run> {
  const receiver = await new StoreReceiver(kind).start();
  const dir = mkdtempSync(join(tmpdir(), "logseal-stores-"));
  temps.push(dir);
  const moduleDir = sealDir(sealPolicy());
  temps.push(moduleDir);
  const options = typeof output === "function" ? output(receiver.port) : { host: "127.0.0.1", port: receiver.port, ...output };
  const config = writePipeline(dir, { lines, wasmPath: RELEASE_WASM, moduleDir, grace: 3, output: { retry_limit: 1, ...options } });
  const fb = startFluentBit(`fluent-bit -> ${kind}`, config, env);
  const timer = setTimeout(() => void fb.stop(), 60_000);
  await fb.exited;
  clearTimeout(timer);
  await receiver.stop();
  return { receiver, dir, log: fb.log() };
}

/** Writes a store form to a file of the run's directory and verifies it (in process). */
async function verify(r: Run, name: string, content: string | Buffer, store: StoreOptions = {}): Promise<VerifyResult> {
  const path = join(r.dir, name);
  writeFileSync(path, content);
  return verifyFiles([path], { keys: [KEY_BYTES], store }, 0);
}

const reasons = (result: VerifyResult) => Object.keys(result.byReason).sort();

describe.skipIf(!FLUENT_BIT)("verification where the logs land (real Fluent Bit)", () => {
  it("es: _search hits verify; @timestamp and Include_Tag_Key's tag are checked and taken off; a changed or removed hit fails", async () => {
    const r = await run("es", { name: "es", include_tag_key: "on", suppress_type_name: "on", index: "logs" });
    expect(r.receiver.es.length, r.log).toBe(INPUT.length);
    // What out_es sent: the time key first, the tag key second, then the record.
    expect(r.receiver.es[0].source).toMatch(/^\{"@timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","flb-key":"kube\.app",/);
    const search = r.receiver.esSearch();
    const ok = await verify(r, "search.json", search);
    expect(ok.failures).toEqual([]);
    expect(ok.records).toBe(INPUT.length);
    expect(ok.coverage.tagsChecked).toBe(INPUT.length);
    expect(ok.coverage.timesChecked).toBe(INPUT.length);
    expect(ok.store?.files).toEqual({ [join(r.dir, "search.json")]: "es" });
    expect(ok.store?.removed).toEqual({ "@timestamp": INPUT.length, "flb-key": INPUT.length });
    // The CLI tells the form from the content.
    const cli = logsealCli(["verify", "--key-file", keyFile(r), join(r.dir, "search.json")]);
    expect(cli.status, cli.stdout + cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/note: store forms are read in seal order/);

    const changed = await verify(r, "changed.json", search.replace('"user":"u-1"', '"user":"u-2"'));
    expect(reasons(changed)).toEqual(["modified"]);
    const hits = search.split(',{"_index"');
    const removed = await verify(r, "removed.json", [hits[0], ...hits.slice(2)].join(',{"_index"'));
    expect(reasons(removed)).toEqual(["deleted"]);
    // A tag that is not the chain's, and a time that is not the record's.
    expect(reasons(await verify(r, "tag.json", search.replaceAll('"flb-key":"kube.app"', '"flb-key":"kube.other"')))).toEqual(["tag"]);
    const shifted = search.replace(/"@timestamp":"(\d{4}-\d\d-\d\dT\d\d:\d\d:)(\d\d)/, (_, a, s) => `"@timestamp":"${a}${String((Number(s) + 1) % 60).padStart(2, "0")}`);
    expect(reasons(await verify(r, "time.json", shifted))).toEqual(["time"]);
  }, 90_000);

  it("es: Replace_Dots On renames dotted keys: those records fail as modified, with the setting named", async () => {
    const r = await run("es", { name: "es", replace_dots: "on", suppress_type_name: "on" });
    expect(r.receiver.es.length, r.log).toBe(INPUT.length);
    expect(r.receiver.es.some((d) => d.source.includes('"app_kubernetes_io/name"'))).toBe(true);
    const result = await verify(r, "search.json", r.receiver.esSearch());
    expect(result.byReason).toEqual({ modified: 1 });
    expect(result.failures[0].detail).toMatch(/MAC mismatch/);
    expect(result.store?.hints.join(" ")).toMatch(/Replace_Dots On/);
    // Only the hints for the reasons found.
    expect(result.store?.hints.join(" ")).not.toMatch(/Current_Time_Index/);
    // Without dotted keys the setting changes nothing, and the records verify; upsert stores the `doc`.
    const plain = await run("es", { name: "es", replace_dots: "on", suppress_type_name: "on", write_operation: "upsert", generate_id: "on" }, PLAIN);
    expect(plain.receiver.requests.some((q) => q.body.toString("utf8").includes('{"doc_as_upsert":true,"doc":{')), plain.log).toBe(true);
    expect((await verify(plain, "search.json", plain.receiver.esSearch())).failures).toEqual([]);
  }, 120_000);

  it("opensearch: Time_Key and Time_Key_Nanos as configured (--date-key names the key): checked to the nanosecond", async () => {
    const r = await run("es", { name: "opensearch", time_key: "ts", time_key_nanos: "on", suppress_type_name: "on" });
    expect(r.receiver.es.length, r.log).toBe(INPUT.length);
    expect(r.receiver.es[0].source).toMatch(/^\{"ts":"[^"]+\.\d{9}Z",/);
    const result = await verify(r, "search.json", r.receiver.esSearch(), { format: "opensearch", timeKey: "ts" });
    expect(result.failures).toEqual([]);
    expect(result.coverage.timesChecked).toBe(INPUT.length);
    // Without the key's name the time is missing: reported, never passed.
    expect((await verify(r, "search2.json", r.receiver.esSearch())).byReason.time).toBe(INPUT.length);
  }, 90_000);

  it("es: Current_Time_Index On stamps the flush time: every record fails on time, with the setting named; --unchecked-time verifies and says so", async () => {
    const r = await run("es", { name: "es", current_time_index: "on", suppress_type_name: "on" });
    expect(r.receiver.es.length, r.log).toBe(INPUT.length);
    const search = r.receiver.esSearch();
    const strict = await verify(r, "search.json", search);
    expect(strict.byReason).toEqual({ time: INPUT.length });
    expect(strict.store?.hints.join(" ")).toMatch(/Current_Time_Index On/);
    const unchecked = await verify(r, "unchecked.json", search, { uncheckedTime: true });
    expect(unchecked.failures).toEqual([]);
    expect(unchecked.coverage.timesChecked).toBe(0);
    expect(unchecked.store?.notes.join(" ")).toMatch(/times were not checked/);
  }, 90_000);

  it("loki: query_range lines verify with the members out_loki moved into labels put back (--loki-labels); each entry's time checked to the nanosecond", async () => {
    const labels = "job=fluent-bit, tag=$TAG, flag=$nested['t']";
    const r = await run("loki", { name: "loki", labels, label_keys: "$level", structured_metadata: "user_id=$user", line_format: "json" });
    expect(r.receiver.loki.length, r.log).toBe(INPUT.length);
    // Fluent Bit 5 takes label members off the line.
    expect(r.receiver.loki.every((e) => !e.line.includes('"level"'))).toBe(true);
    const range = r.receiver.lokiQueryRange();
    const bare = await verify(r, "bare.json", range);
    expect(bare.byReason).toEqual({ modified: INPUT.length });
    expect(bare.store?.hints.join(" ")).toMatch(/--loki-labels/);
    const options = { lokiLabels: [labels, "$level", "user_id=$user"] };
    const result = await verify(r, "range.json", range, options);
    expect(result.failures).toEqual([]);
    expect(result.coverage.timesChecked).toBe(INPUT.length);
    // level from every record's label; nested.t (true, a label "true") from the one record that has it.
    // ...and user from the structured metadata of the one record that has it.
    expect(result.store?.restored).toEqual({ level: INPUT.length, "nested.t": 1, user: 1 });
    // A line changed in the store, a label changed, and an entry's time moved by one nanosecond.
    expect(reasons(await verify(r, "changed.json", range.replace("retrying", "retried"), options))).toEqual(["modified"]);
    expect(reasons(await verify(r, "label.json", range.replace('"level":"warn"', '"level":"error"'), options))).toEqual(["modified"]);
    const entry = r.receiver.loki[0];
    const moved = range.replace(`"${entry.ts}"`, `"${BigInt(entry.ts) + 1n}"`);
    expect(reasons(await verify(r, "moved.json", moved, options))).toEqual(["time"]);
  }, 90_000);

  it("loki: remove_keys takes members off the line: modified, with the setting named; line_format key_value: no record", async () => {
    const removed = await run("loki", { name: "loki", labels: "job=fluent-bit", remove_keys: "msg" });
    const result = await verify(removed, "range.json", removed.receiver.lokiQueryRange());
    expect(result.byReason).toEqual({ modified: INPUT.length });
    expect(result.store?.hints.join(" ")).toMatch(/remove_keys/);
    const kv = await run("loki", { name: "loki", labels: "job=fluent-bit", line_format: "key_value" });
    const unreadable = await verify(kv, "range.json", kv.receiver.lokiQueryRange());
    expect(unreadable.byReason).toEqual({ unreadable: INPUT.length });
    expect(unreadable.failures[0].detail).toMatch(/line_format key_value/);
  }, 120_000);

  it("splunk: HEC events (gzip) verify from a search export; _time checked; a changed _raw fails", async () => {
    const r = await run("splunk", { name: "splunk", splunk_token: "t0ken", compress: "gzip", event_host: "node-1", event_sourcetype: "logseal" });
    expect(r.receiver.splunk.length, r.log).toBe(INPUT.length);
    expect(r.receiver.requests[0].headers["content-encoding"]).toBe("gzip");
    expect(r.receiver.requests[0].body.toString("utf8")).toMatch(/^\{"time":\d+\.\d+,"host":"node-1","sourcetype":"logseal","event":\{/);
    const exported = r.receiver.splunkExport();
    const result = await verify(r, "export.json", exported);
    expect(result.failures).toEqual([]);
    expect(result.coverage.timesChecked).toBe(INPUT.length);
    expect(result.store?.files[join(r.dir, "export.json")]).toBe("splunk");
    expect(result.store?.notes.join("\n")).toMatch(/host, source, sourcetype/);
    // The HEC payloads as received read the same way (event unwrapped, time checked).
    const hec = r.receiver.requests.map((q) => q.body.toString("utf8")).join("");
    expect((await verify(r, "hec.json", hec, { format: "splunk" })).failures).toEqual([]);
    const changed = exported.replace('\\"attempt\\":3', '\\"attempt\\":4');
    expect(changed).not.toBe(exported);
    expect(reasons(await verify(r, "changed.json", changed))).toEqual(["modified"]);
  }, 90_000);

  it("splunk: event_key sends one member (no record); splunk_send_raw sends records Splunk refuses (no event member)", async () => {
    const keyed = await run("splunk", { name: "splunk", splunk_token: "t0ken", event_key: "$msg" });
    expect(keyed.receiver.splunk.length, keyed.log).toBe(INPUT.length);
    const result = await verify(keyed, "export.json", keyed.receiver.splunkExport());
    expect(result.byReason).toEqual({ unreadable: INPUT.length });
    expect(result.failures[0].detail).toMatch(/event_key/);
    const raw = await run("splunk", { name: "splunk", splunk_token: "t0ken", splunk_send_raw: "on" });
    expect(raw.receiver.splunk.length).toBe(0);
    expect(raw.receiver.requests.length).toBeGreaterThan(0);
    expect(raw.log).toMatch(/Event field is required/);
  }, 120_000);

  it("s3: a gzip object (PutObject) verifies as it is stored, json_date_key checked; a line dropped from it fails", async () => {
    const put = await runS3({ use_put_object: "on", compression: "gzip" });
    const objects = [...put.receiver.s3];
    expect(objects.length, put.log).toBe(1);
    const [key, body] = objects[0];
    expect(key).toMatch(/^logs\/fluent-bit-logs\/kube\.app\//);
    expect(body[0]).toBe(0x1f);
    const lines = gunzipSync(body).toString("utf8").trimEnd().split("\n");
    expect(lines.length).toBe(INPUT.length);
    expect(lines[0]).toMatch(/^\{"date":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z",/);
    const ok = await verify(put, "object.gz", body);
    expect(ok.failures).toEqual([]);
    expect(ok.store?.removed).toEqual({ date: INPUT.length });
    expect(ok.coverage.timesChecked).toBe(INPUT.length);
    const cut = gzipSync([...lines.slice(0, 1), ...lines.slice(2)].join("\n") + "\n");
    expect(reasons(await verify(put, "cut.gz", cut))).toEqual(["deleted"]);
  }, 120_000);

  it("s3: a multipart upload (over 5 MiB, no compression) verifies with --format s3", async () => {
    const big = Array.from({ length: 3200 }, (_, i) => JSON.stringify({ level: "info", i, msg: `bulk ${i} `.padEnd(2000, "x") }));
    // upload_timeout long: the whole object is sent at shutdown, over 5 MiB, so by multipart upload.
    const r = await runS3({ use_put_object: "off", total_file_size: "20M", upload_timeout: "10m" }, big);
    const objects = [...r.receiver.s3.values()];
    expect(objects.length, r.log.split("\n").filter((l) => /error|warn/.test(l)).slice(0, 20).join("\n")).toBeGreaterThan(0);
    expect(r.receiver.requests.some((q) => q.url.includes("?uploads")), r.log).toBe(true);
    for (const [i, object] of objects.entries()) writeFileSync(join(r.dir, `object-${i}`), object);
    const result = await verifyFiles(objects.map((_, i) => join(r.dir, `object-${i}`)), { keys: [KEY_BYTES], store: { format: "s3" } }, 0);
    expect(result.failures).toEqual([]);
    expect(result.records).toBe(big.length);
  }, 180_000);

  it("http: format json (an array, date as a double) and json_lines with gzip and ISO dates verify; a record moved to another chain fails", async () => {
    const json = await run("http", { name: "http", uri: "/ingest", format: "json" });
    expect(json.receiver.http.length, json.log).toBeGreaterThan(0);
    const body = json.receiver.http.map((q) => q.body.toString("utf8")).join("\n");
    expect(body).toMatch(/^\[\{"date":\d+\.\d+,/);
    const ok = await verify(json, "bodies.json", body);
    expect(ok.failures).toEqual([]);
    expect(ok.store?.files[join(json.dir, "bodies.json")]).toBe("http");
    const lines = await run("http", { name: "http", uri: "/ingest", format: "json_lines", json_date_format: "iso8601", compress: "gzip" });
    expect(lines.receiver.requests[0].headers["content-encoding"]).toBe("gzip");
    const text = lines.receiver.http.map((q) => q.body.toString("utf8")).join("");
    expect((await verify(lines, "bodies.ndjson", text, { format: "http" })).failures).toEqual([]);
    const records = jsonValues(text);
    const swapped = [records[1], records[0], ...records.slice(2)].join("\n");
    // A store's order is its own: records are read in seal order, so a swap is no failure; a changed seal is.
    expect((await verify(lines, "swapped.ndjson", swapped, { format: "http" })).failures).toEqual([]);
    expect(reasons(await verify(lines, "chain.ndjson", text.replace('"c":"kube.app"', '"c":"kube.other"'), { format: "http" }))).toContain("modified");
  }, 120_000);

  it("http: format msgpack (Fluent Bit's chunk: EventTime and record) verifies, the time to the nanosecond; a changed byte fails", async () => {
    const r = await run("http", { name: "http", uri: "/ingest", format: "msgpack" });
    expect(r.receiver.http.length, r.log).toBeGreaterThan(0);
    expect(r.receiver.http[0].headers["content-type"]).toBe("application/msgpack");
    const body = Buffer.concat(r.receiver.http.map((q) => q.body));
    const ok = await verify(r, "bodies.msgpack", body);
    expect(ok.failures).toEqual([]);
    expect(ok.records).toBe(INPUT.length);
    expect(ok.coverage.timesChecked).toBe(INPUT.length);
    expect(ok.store?.files[join(r.dir, "bodies.msgpack")]).toBe("http");
    const changed = Buffer.from(body);
    changed[changed.indexOf(Buffer.from("retrying"))] = "R".charCodeAt(0);
    expect(reasons(await verify(r, "changed.msgpack", changed))).toEqual(["modified"]);
  }, 90_000);
});

/** out_s3 into the receiver's bucket `logs`: credentials from the environment (the receiver accepts any signature). */
function runS3(settings: Record<string, string>, lines = INPUT): Promise<Run> {
  const buffer = mkdtempSync(join(tmpdir(), "logseal-s3-buffer-"));
  temps.push(buffer);
  const env = { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret", AWS_EC2_METADATA_DISABLED: "true" };
  return run("s3", (port) => ({
    name: "s3", bucket: "logs", region: "us-east-1", endpoint: `http://127.0.0.1:${port}`, store_dir: buffer,
    total_file_size: "1M", upload_timeout: "1s", ...settings,
  }), lines, env);
}

function keyFile(r: Run): string {
  const path = join(r.dir, "seal.key");
  writeFileSync(path, KEY + "\n");
  return path;
}
