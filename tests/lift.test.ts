// The input stage: JSON text lifted out of a string member by logseal's own reader (what the
// kit does instead of Fluent Bit's JSON parser, which loses lines: docs/known-issues.md), and
// tail's path and offset moved into `logseal_source` with the line's length in the file.
// A lifted record must come out exactly as the same record parsed before the filter would.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkPolicyJson, defaultPolicyJson } from "../cli/policy.js";
import { auditEventRecord, containerLogRecord, Rng } from "../bench/fluent-bit/workload.js";
import { type Json, filterWith, one } from "./support/enrichment.js";
import { randomObject, rng } from "./support/random.js";
import { KEY, sealAll, sealDir, sealPolicy, verifyLines } from "./support/sealing.js";

const LIFT = { lift: [{ key: "log" }] };
const SOURCE = { path_key: "file", offset_key: "offset", line_keys: [["time", "stream", "_p", "log"], ["log"]] };
const KIT_INPUT = { ...LIFT, source: SOURCE };
/** Redaction and enrichment off: what the input stage does, alone. */
const plain = (input: object) => ({ version: "lift-test", redact: { keys: [], scan: [] }, enrich: { severity: false, audit: false }, seal: { enabled: false }, input });
/** The embedded default (redaction, enrichment) without the seal, plus `input`. */
const defaults = (input?: object) => ({ ...JSON.parse(defaultPolicyJson()), seal: { enabled: false }, ...(input ? { input } : {}) });

/** JSON as Fluent Bit's encoder writes it (json.escape_unicode on): non-ASCII as \uXXXX. */
const fluentJson = (value: unknown): string =>
  JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));

/** `n` objects nested in one another: {"d":{"d":...{"x":1}}} is n deep. */
const nested = (n: number): string => '{"d":'.repeat(n - 1) + '{"x":1}' + "}".repeat(n - 1);

const lifter = filterWith(plain(LIFT));

describe("lifting into the top level", () => {
  it("replaces the member with the object's members, in place; the other members stay", () => {
    const record = one(lifter, { time: "t", stream: "stdout", log: '{"level":"info","msg":"hi","n":[1,{"a":null}]}', kubernetes: { pod_name: "p" } });
    expect(JSON.stringify(record)).toBe('{"time":"t","stream":"stdout","level":"info","msg":"hi","n":[1,{"a":null}],"kubernetes":{"pod_name":"p"}}');
  });

  it("keeps the object's text as written (numbers, escapes, order, duplicates)", () => {
    const filter = filterWith(plain(LIFT));
    const raw = filter.call("t", JSON.stringify({ log: '{"big":12345678901234567890,"f":1.50,"s":"a\\"b\\n","k":1,"k":2}' }));
    expect(raw.kind === "record" && raw.json).toBe('{"big":12345678901234567890,"f":1.50,"s":"a\\"b\\n","k":1,"k":2}');
  });

  it("accepts whitespace around the object, raw or escaped (a trailing newline, CRLF)", () => {
    for (const log of ['{"a":1}\n', '  {"a":1}  \r\n', '\n\t{ "a" : 1 }\n', "\r\n{\"a\":1}"]) {
      expect(one(lifter, { log }), JSON.stringify(log)).toEqual({ a: 1 });
    }
  });

  it("lifts an empty object to nothing, and keeps the commas right around it", () => {
    expect(JSON.stringify(one(lifter, { log: "{}" }))).toBe("{}");
    expect(JSON.stringify(one(lifter, { a: 1, log: " { } ", b: 2 }))).toBe('{"a":1,"b":2}');
    expect(JSON.stringify(one(lifter, { log: "{}", b: 2 }))).toBe('{"b":2}');
    expect(JSON.stringify(one(lifter, { a: 1, log: '{"x":1}' }))).toBe('{"a":1,"x":1}');
  });

  it("lifts only the first member of that name, and only at the top level", () => {
    const filter = filterWith(plain(LIFT));
    const raw = filter.call("t", '{"log":"{\\"a\\":1}","log":"{\\"b\\":2}","inner":{"log":"{\\"c\\":3}"}}');
    expect(raw.kind === "record" && raw.json).toBe('{"a":1,"log":"{\\"b\\":2}","inner":{"log":"{\\"c\\":3}"}}');
  });

  it("applies several rules, each to its own member", () => {
    const filter = filterWith(plain({ lift: [{ key: "log" }, { key: "message", into: "app" }] }));
    expect(one(filter, { log: '{"a":1}', message: '{"b":2}', c: 3 })).toEqual({ a: 1, app: { b: 2 }, c: 3 });
  });
});

describe("lifting under a member (as Merge_Log_Key)", () => {
  const filter = filterWith(plain({ lift: [{ key: "log", into: "app" }] }));

  it("puts the whole object under the named member, where the text was", () => {
    expect(JSON.stringify(one(filter, { s: 1, log: ' {"a":{"b":[1]}}\n', k: 2 }))).toBe('{"s":1,"app":{"a":{"b":[1]}},"k":2}');
    expect(JSON.stringify(one(filter, { log: "{}" }))).toBe('{"app":{}}');
  });
});

describe("text that is not lifted", () => {
  it("stays as it is, with no error, when it is not meant as an object", () => {
    for (const log of ["plain text line", "", "[1,2,3]", '"a string"', "42", "null", "  x {\"a\":1}", "\\{not"]) {
      const record = one(lifter, { log, n: 1 });
      expect(record, JSON.stringify(log)).toEqual({ log, n: 1 });
    }
  });

  it("stays as text with logseal_error saying why when it starts an object but is not a valid one", () => {
    const cases: [string, string][] = [
      ["{bad json", "unexpected byte at byte 1"],
      ['{"a":1', "truncated JSON at byte 6"],
      ['{"a":1} {"b":2}', "data after the JSON value at byte 8"],
      ['{"a":1}x', "data after the JSON value at byte 7"],
      ['{"a":"unterminated', "unterminated string at byte 18"],
      ['{"a":tru}', "invalid literal at byte 5"],
      ['{"a":01}', "unexpected byte at byte 6"],
      ["{\"a\":\"\u0001\"}", "control character in string at byte 6"],
    ];
    for (const [log, why] of cases) {
      const record = one(lifter, { log, n: 1 });
      expect(record.log, log).toBe(log);
      expect(record.n).toBe(1);
      expect(record.logseal_error, log).toContain("log holds invalid JSON, kept as text: ");
      expect(record.logseal_error, log).toContain(why);
    }
  });

  it("a record that is not a JSON object is reported as before, without lift messages", () => {
    const record = one(lifter, '{"log":"{\\"a\\":1}", oops}');
    expect(record.logseal_raw).toBeDefined();
    expect(record.logseal_error).toMatch(/^body is not valid JSON/);
  });
});

describe("depth", () => {
  /** How deep a record is nested (the record itself is level 1). */
  const depthOf = (value: unknown): number =>
    value !== null && typeof value === "object" ? 1 + Math.max(0, ...Object.values(value as object).map(depthOf)) : 0;

  it("lifts text that leaves the record at most 63 deep: Fluent Bit 5.1.1 loses records nested 64 deep or more", () => {
    const record = one(lifter, { i: 5, log: nested(63) });
    expect(depthOf(record)).toBe(63);
    expect(record.logseal_error).toBeUndefined();
    for (const depth of [64, 65, 100, 600]) {
      const kept = one(lifter, { i: 5, log: nested(depth) });
      expect(kept, String(depth)).toEqual({
        i: 5,
        log: nested(depth),
        logseal_error: "log holds JSON too deep to lift, kept as text: the record would be nested deeper than 63 (input.max_depth), level 64 at byte " + 5 * 63,
      });
      expect(depthOf(kept)).toBe(1);
    }
  });

  it("input.max_depth raises the limit up to the reader's 512 (for hosts other than Fluent Bit)", () => {
    const deep = filterWith(plain({ ...LIFT, max_depth: 512 }));
    expect(one(deep, { log: nested(512) }).logseal_error).toBeUndefined();
    for (const depth of [513, 600, 5000]) {
      const record = one(deep, { log: nested(depth) });
      expect(record.log).toBe(nested(depth));
      expect(record.logseal_error).toBe("log holds JSON too deep to lift, kept as text: nesting deeper than 512, level 513 at byte " + 5 * 512);
    }
    const shallow = filterWith(plain({ ...LIFT, max_depth: 3 }));
    expect(one(shallow, { log: '{"a":{"b":{}}}' })).toEqual({ a: { b: {} } });
    expect(one(shallow, { log: '{"a":{"b":{"c":[]}}}' }).logseal_error).toContain("deeper than 3 (input.max_depth), level 4 at byte 15");
  });

  it("under a member the object may be one level less deep", () => {
    const filter = filterWith(plain({ lift: [{ key: "log", into: "app" }] }));
    const record = one(filter, { log: nested(62) });
    expect(depthOf(record)).toBe(63);
    expect(one(filter, { log: nested(63) }).logseal_error).toContain("nested deeper than 63");
  });
});

describe("text", () => {
  it("decodes Fluent Bit's \\uXXXX escapes, surrogate pairs included, into the lifted members", () => {
    const app = { msg: "héllo 中 😀 \u2028", path: "C:\\tmp\\x", quote: 'say "hi"\n' };
    const body = fluentJson({ log: JSON.stringify(app) });
    expect(body).toContain("\\u00e9");
    expect(one(lifter, body)).toEqual(app);
  });

  it("a lone surrogate escape in the text becomes U+FFFD, and the record says so", () => {
    const record = one(lifter, '{"log":"{\\"a\\":\\"x\\ud800y\\"}"}');
    expect(record.a).toBe("x\ufffdy");
    expect(record.logseal_error).toBe("invalid UTF-8 or lone surrogates replaced by U+FFFD");
    const escaped = one(lifter, '{"log":"{\\"a\\":\\"x\\\\ud800y\\"}"}'); // the escape is inside the lifted JSON
    expect(escaped.a).toBe("x\ufffdy");
    expect(escaped.logseal_error).toBe("invalid UTF-8 or lone surrogates replaced by U+FFFD");
  });

  it("invalid UTF-8 in a lifted string is replaced by U+FFFD; outside strings the text is kept", () => {
    const inString = Buffer.concat([Buffer.from('{"log":"{\\"a\\":\\"x'), Buffer.from([0xff, 0xc3]), Buffer.from('y\\"}"}')]);
    const lifted = lifter.call("t", inString);
    expect(lifted.kind === "record" && lifted.record).toEqual({ a: "x\ufffd\ufffdy", logseal_error: "invalid UTF-8 or lone surrogates replaced by U+FFFD" });
    const outside = Buffer.concat([Buffer.from('{"log":"{\\"a\\":1'), Buffer.from([0xff]), Buffer.from('}"}')]);
    const kept = lifter.call("t", outside);
    expect(kept.kind === "record" && kept.record.log).toBe('{"a":1\ufffd}');
    expect(kept.kind === "record" && kept.record.logseal_error).toBe("invalid UTF-8 or lone surrogates replaced by U+FFFD; log holds invalid JSON, kept as text: unexpected byte at byte 6");
  });

  it("handles 200 KB lines, lifted or not", () => {
    const big = "x".repeat(200_000);
    expect(one(lifter, { log: JSON.stringify({ big, n: 1 }) })).toEqual({ big, n: 1 });
    expect(one(lifter, { log: big })).toEqual({ log: big });
    const broken = one(lifter, { log: '{"big":"' + big });
    expect(broken.log).toBe('{"big":"' + big);
    expect(broken.logseal_error).toContain("unterminated string at byte 200008");
  });
});

describe("logseal_source", () => {
  const kit = filterWith(plain(KIT_INPUT));

  it("takes tail's path and offset members out and writes them with the line's length", () => {
    const line = '{"kind":"Event","verb":"get"}';
    const record = one(kit, { file: "/var/log/kubernetes/audit/audit.log", offset: 4096, log: line + "\n" });
    expect(JSON.stringify(record)).toBe('{"kind":"Event","verb":"get","logseal_source":{"path":"/var/log/kubernetes/audit/audit.log","offset":4096,"bytes":30}}');
  });

  it("keeps the lifted line's own file and offset members apart from the source's", () => {
    const record = one(kit, { file: "/var/log/app.log", offset: 0, log: '{"file":"/etc/passwd","offset":7,"msg":"read"}' });
    expect(record).toEqual({ file: "/etc/passwd", offset: 7, msg: "read", logseal_source: { path: "/var/log/app.log", offset: 0, bytes: 46 } });
  });

  it("removes a record's own logseal_source (a log line could forge one): the name is the module's", () => {
    const forged = { path: "/var/log/kubernetes/audit/audit.log", offset: 0, bytes: 99999 };
    const lifted = one(kit, { file: "/var/log/containers/a.log", offset: 3, log: JSON.stringify({ msg: "x", logseal_source: forged }) });
    expect(lifted).toEqual({ msg: "x", logseal_source: { path: "/var/log/containers/a.log", offset: 3, bytes: Buffer.byteLength(JSON.stringify({ msg: "x", logseal_source: forged })) } });
    expect(one(kit, { log: JSON.stringify({ logseal_source: forged }) })).toEqual({});
    expect(one(kit, { logseal_source: forged, n: 1 })).toEqual({ n: 1 });
    expect(one(filterWith(plain(LIFT)), { logseal_source: forged })).toEqual({ logseal_source: forged }); // no source: not reserved
  });

  it("rebuilds a CRI line from time, stream, _p and log", () => {
    const cri = { time: "2026-11-23T08:00:00.123456789Z", stream: "stdout", _p: "F", log: 'GET /x 200 "ok" é' };
    const record = one(kit, { ...cri, file: "/var/log/containers/a.log", offset: 77, kubernetes: { pod_name: "a" } });
    const line = `${cri.time} ${cri.stream} ${cri._p} ${cri.log}`;
    expect(record.logseal_source).toEqual({ path: "/var/log/containers/a.log", offset: 77, bytes: Buffer.byteLength(line) });
    expect(record.kubernetes).toEqual({ pod_name: "a" });
  });

  it("counts the bytes the line had in the file, whatever Fluent Bit escaped", () => {
    const next = rng(16);
    const pieces = ["a", " ", "é", "中", "😀", '"', "\\", "/", "\t", "\u0001", "\u007f", "\u2028", "\ufffe", "\u{10ffff}"];
    for (let i = 0; i < 300; i++) {
      let text = "";
      const n = Math.floor(next() * 40);
      for (let j = 0; j < n; j++) text += pieces[Math.floor(next() * pieces.length)];
      const body = next() < 0.5 ? fluentJson({ file: "f", offset: i, log: text }) : JSON.stringify({ file: "f", offset: i, log: text });
      expect(one(kit, body).logseal_source.bytes, JSON.stringify(text)).toBe(Buffer.byteLength(text));
    }
  });

  it("counts each byte Fluent Bit replaced as one, and says the line had invalid UTF-8", () => {
    // Fluent Bit maps a byte b that is not UTF-8 to U+E000+b (json.escape_unicode on, x86-64).
    const record = one(kit, { file: "f", offset: 0, log: "ab\ue0ff\ue080c" });
    expect(record.logseal_source).toEqual({ path: "f", offset: 0, bytes: 5, invalid_utf8: true });
    expect(one(kit, { file: "f", offset: 0, log: "a\ufffdb" }).logseal_source).toEqual({ path: "f", offset: 0, bytes: 3, invalid_utf8: true });
    // The same characters escaped are real ones.
    expect(one(kit, '{"file":"f","offset":0,"log":"a\\ue0ffb"}').logseal_source).toEqual({ path: "f", offset: 0, bytes: 5 });
  });

  it("counts an escaped printable ASCII character (Fluent Bit decoded an overlong form) as two bytes", () => {
    expect(one(kit, '{"file":"f","offset":0,"log":"a\\u002fb"}').logseal_source).toEqual({ path: "f", offset: 0, bytes: 4, invalid_utf8: true });
    expect(one(kit, '{"file":"f","offset":0,"log":"{\\"a\\":\\"\\u002f\\"}"}')).toEqual({ a: "/", logseal_source: { path: "f", offset: 0, bytes: 10, invalid_utf8: true } });
    expect(one(kit, '{"file":"f","offset":0,"log":"a\\u007f\\u0001"}').logseal_source).toEqual({ path: "f", offset: 0, bytes: 3 });
  });

  it("gives no length to a Docker json-file record (time, stream, log): its line is JSON, not rebuilt", () => {
    const record = one(kit, { log: "text\n", stream: "stdout", time: "2026-11-23T08:00:00.1Z", file: "d.log", offset: 9 });
    expect(record.logseal_source).toEqual({ path: "d.log", offset: 9 });
  });

  it("marks a record the CRI parser joined from partial lines (its _p is P), without a length", () => {
    const record = one(kit, { time: "2026-11-23T08:00:00.3Z", stream: "stderr", _p: "P", log: "part one part two", file: "c.log", offset: 216 });
    expect(record.logseal_source).toEqual({ path: "c.log", offset: 216, joined: true });
  });

  it("leaves records without an offset as they are; an offset alone is still a source", () => {
    expect(one(kit, { file: "f", log: "x" })).toEqual({ file: "f", log: "x" });
    expect(one(kit, { offset: -1, log: "x" })).toEqual({ offset: -1, log: "x" });
    expect(one(kit, { offset: 1.5, log: "x" })).toEqual({ offset: 1.5, log: "x" });
    expect(one(kit, { offset: 9, log: "x" })).toEqual({ log: "x", logseal_source: { path: null, offset: 9, bytes: 1 } });
    expect(one(kit, { file: "f", offset: 9 })).toEqual({ logseal_source: { path: "f", offset: 9 } });
  });

  it("is not written without an input section, and records pass unchanged", () => {
    const none = filterWith(plain({}));
    const body = { file: "f", offset: 3, log: '{"a":1}' };
    expect(one(none, body)).toEqual(body);
    expect(one(filterWith(plain({ lift: [] })), body)).toEqual(body);
  });
});

describe("the later stages see the lifted record", () => {
  it("redaction applies to lifted members: key rules and the free-text detectors", () => {
    const filter = filterWith(defaults(KIT_INPUT));
    const app = { msg: "login for jane.doe@example.com", password: "hunter2", nested: { api_key: "k-123" } };
    const record = one(filter, { file: "f", offset: 0, log: JSON.stringify(app) });
    expect(record.password).toBe("[REDACTED]");
    expect(record.nested.api_key).toBe("[REDACTED]");
    expect(record.msg).not.toContain("jane.doe@example.com");
    expect(record.logseal_source).toEqual({ path: "f", offset: 0, bytes: Buffer.byteLength(JSON.stringify(app)) });
  });

  it("audit events read as lines are classified as the pre-parsed events are", () => {
    const dir = new URL("./fixtures/audit/", import.meta.url);
    const events: Json[] = readdirSync(dir).filter((f) => f.endsWith(".json"))
      .flatMap((f) => JSON.parse(readFileSync(new URL(f, dir), "utf8")).map((c: Json) => c.event));
    expect(events.length).toBeGreaterThan(20);
    const lifted = filterWith(defaults(KIT_INPUT));
    const parsed = filterWith(defaults(KIT_INPUT));
    let classified = 0;
    events.forEach((event, i) => {
      const line = JSON.stringify(event);
      const fromLine = one(lifted, fluentJson({ file: "/var/log/kubernetes/audit/audit.log", offset: i * 1000, log: line }), "kube-audit.x");
      const fromParsed = one(parsed, fluentJson(event), "kube-audit.x");
      const { logseal_source, ...rest } = fromLine;
      expect(logseal_source.bytes).toBe(Buffer.byteLength(line));
      expect(rest).toEqual(fromParsed);
      if (rest.audit) classified++;
    });
    expect(classified).toBeGreaterThan(10);
  });

  it("container and audit workloads: the lifted record is byte for byte the pre-parsed one", () => {
    const random = new Rng(7);
    const filterA = filterWith(defaults(KIT_INPUT));
    const filterB = filterWith(defaults(KIT_INPUT));
    for (let i = 0; i < 200; i++) {
      const { parsed, lifted } = i % 2 ? liftedContainer(random, i) : liftedAudit(random, i);
      const a = filterA.call("kube.x", lifted);
      const b = filterB.call("kube.x", parsed);
      expect(a.kind === "record" && b.kind === "record").toBe(true);
      if (a.kind !== "record" || b.kind !== "record") continue;
      expect(a.json.replace(/,"logseal_source":\{[^}]*\}/, "")).toBe(b.json);
    }
  });

  it("sealed lifted records verify", () => {
    const dir = sealDir(sealPolicy({ key_file: "seal.key" }, { input: KIT_INPUT }), KEY);
    const random = new Rng(3);
    const inputs = Array.from({ length: 60 }, (_, i) => ({ tag: "kube.app", body: (i % 2 ? liftedContainer(random, i) : liftedAudit(random, i)).lifted }));
    const lines = sealAll(dir, inputs);
    expect(lines).toHaveLength(60);
    expect(lines.every((l) => JSON.parse(l).logseal_source && !JSON.parse(l).log?.startsWith?.("{"))).toBe(true);
    const result = verifyLines(lines);
    // The chain verifies; the made-up offsets of these lines leave holes the verifier reports as
    // lines lost before the filter (the only failures), and nothing else.
    expect(new Set(result.failures.map((f) => f.reason)), JSON.stringify(result).slice(0, 500)).toEqual(new Set(["lost"]));
    expect(result.completeness?.records).toBe(60);
  });
});

describe("text that only looks like members", () => {
  // The fast reading checks lifted text into the top level by its strings alone and lets the
  // walk validate the rest: text that is not one object must never come out as members.
  const TOKENS = ['"a"', '"b"', ":", ",", "{", "}", "[", "]", "1", "true", "null", '"', '\\"', '"x\\\\"', " ", '"k":'];
  const neighbours = [{}, { true: 1 }, { "": 2 }, { null: 3, x: 4 }, { file: "f", offset: 1 }, { "1": 5 }];

  for (const into of ["", "app"]) it(`random token soup between braces is lifted only when it is a JSON object, exactly as parsed (into "${into}")`, () => {
    const filter = filterWith(plain({ lift: [{ key: "log", into }] }));
    const next = rng(64);
    let lifted = 0;
    for (let i = 0; i < 20000; i++) {
      let text = "{";
      const n = 1 + Math.floor(next() * 8);
      for (let j = 0; j < n; j++) text += TOKENS[Math.floor(next() * TOKENS.length)];
      text += "}";
      const before = neighbours[Math.floor(next() * neighbours.length)];
      const after = neighbours[Math.floor(next() * neighbours.length)];
      const body = JSON.stringify(before).slice(0, -1) + (Object.keys(before).length ? "," : "") + '"log":' + JSON.stringify(text)
        + (Object.keys(after).length ? "," + JSON.stringify(after).slice(1) : "}");
      const result = filter.call("t", body);
      expect(result.kind).toBe("record");
      if (result.kind !== "record") continue;
      let parsed: unknown;
      try { parsed = JSON.parse(text); } catch { parsed = undefined; }
      if (parsed !== undefined && typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
        lifted++;
        const members = into ? JSON.stringify({ [into]: parsed }).slice(1, -1) : JSON.stringify(parsed).slice(1, -1);
        const expected = "{" + [JSON.stringify(before).slice(1, -1), members, JSON.stringify(after).slice(1, -1)].filter((m) => m).join(",") + "}";
        expect(JSON.parse(result.json), text).toEqual(JSON.parse(expected));
      } else {
        expect(result.record.log, text).toBe(text);
        expect(result.record.logseal_error, text).toMatch(/^log holds invalid JSON, kept as text: /);
      }
    }
    expect(lifted).toBeGreaterThan(100);
  });
});

describe("never traps", () => {
  it("5,000 random and mutated lifted records come back as JSON objects", () => {
    const next = rng(61);
    const filter = filterWith(defaults(KIT_INPUT));
    for (let i = 0; i < 5000; i++) {
      let log = JSON.stringify(randomObject(next));
      if (next() < 0.5) {
        const at = Math.floor(next() * (log.length + 1));
        const r = next();
        log = r < 0.3 ? log.slice(0, at) : r < 0.6 ? log.slice(0, at) + "{[\"\\,:}]"[Math.floor(next() * 8)] + log.slice(at) : log.slice(0, at) + log.slice(at + 1);
      }
      const body = JSON.stringify({ file: "f", offset: i, log, stream: "stdout" });
      const result = filter.call("kube.x", next() < 0.2 ? body.slice(0, Math.floor(next() * body.length)) : body);
      expect(result.kind).toBe("record");
      if (result.kind === "record") expect(typeof result.record).toBe("object");
    }
  });
});

describe("policy", () => {
  const issues = (input: unknown) => checkPolicyJson(JSON.stringify({ version: "v", input })).issues;

  it("accepts the kit's section and reports mistakes with their place", () => {
    expect(issues(KIT_INPUT)).toEqual([]);
    expect(issues({ ...KIT_INPUT, max_depth: 513 })[0]).toContain("input.max_depth: must be a whole number from 2 to 512");
    expect(issues({ lift: [{ key: "log", into: "app" }] })).toEqual([]);
    expect(issues({ lift: [{ name: "log" }] }).join("\n")).toMatch(/input\.lift\[0\]\.name: unknown setting[\s\S]*input\.lift\[0\]\.key: is required/);
    expect(issues({ lift: { key: "log" } })[0]).toContain("input.lift: must be a list");
    expect(issues({ lift: [{ key: "a.b" }] })[0]).toContain("must be a top-level member name");
    expect(issues({ lift: [{ key: "log" }, { key: "log", into: "x" }] })[0]).toContain("is lifted by an earlier rule");
    expect(issues({ source: { path_key: "file" } })[0]).toContain("input.source.offset_key: is required");
    expect(issues({ source: { path_key: "f", offset_key: "f" } })[0]).toContain("must differ from path_key");
    expect(issues({ source: { path_key: "f", offset_key: "o", line_keys: ["log"] } })[0]).toContain("must be a list of alternatives");
    expect(issues({ parser: "json" })[0]).toContain("input.parser: unknown setting");
  });

  it("is off in the embedded default", () => {
    expect(JSON.parse(defaultPolicyJson()).input).toBeUndefined();
    expect(one(filterWith(), { log: '{"a":1}' }).log).toBe('{"a":1}');
  });
});

/** A container record as tail (CRI) + kubernetes write it with the app's JSON in `log`, and as Merge_Log would. */
function liftedContainer(random: Rng, i: number): { parsed: string; lifted: string } {
  const record = containerLogRecord(random, i, 1024) as Json;
  const { time, stream, _p, log, kubernetes, ...app } = record;
  const appJson = Object.keys(app).length ? app : { message: log };
  const parsed = fluentJson({ time, stream, _p, ...appJson, kubernetes });
  const lifted = fluentJson({ time, stream, _p, log: JSON.stringify(appJson), file: `/var/log/containers/app-${i % 3}.log`, offset: i * 1024, kubernetes });
  return { parsed, lifted };
}

function liftedAudit(random: Rng, i: number): { parsed: string; lifted: string } {
  const event = auditEventRecord(random, i, 3072);
  return { parsed: fluentJson(event), lifted: fluentJson({ file: "/var/log/kubernetes/audit/audit.log", offset: i * 3072, log: JSON.stringify(event) + "\n" }) };
}
