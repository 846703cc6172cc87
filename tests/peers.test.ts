// The Lua peer (bench/peers/logseal-peer.lua) does logseal's job, so `make bench-fluent-bit`
// compares like with like: a sample through each, both inside a real Fluent Bit writing to a
// file, comes out with the same redaction on the key rules, card numbers and e-mail addresses
// (the seals differ by design and are not compared). Skipped with a message without Fluent Bit.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ROOT, findFluentBit, fluentBitVersion, logsealFilter, luaFilter, nativeFilters, prepareLogsealDir, runFluentBit, writeConfig,
  type Filter,
} from "../bench/fluent-bit/harness.ts";
import { Rng, containerLogRecord, luhnCard } from "../bench/fluent-bit/workload.ts";

const FLUENT_BIT = findFluentBit();
const NO_FLUENT_BIT = "peers: skipped, no Fluent Bit binary (set FLUENT_BIT_BIN or put fluent-bit on PATH)";
const WASM = join(ROOT, "build/logseal.wasm");

const SECRET_KEYS = new Set(["password", "passwd", "pwd", "secret", "client_secret", "private_key", "api_key", "apikey",
  "x-api-key", "token", "access_token", "refresh_token", "authorization", "cookie", "set-cookie"]);
/** Fields logseal adds (conventions.md); the Lua peer adds `_seal` only. */
const ADDED = new Set(["_seal", "logseal_error", "logseal_raw", "redaction", "severity_text", "severity_number", "audit"]);

/** Records that exercise the key rules, cards and e-mail addresses, and nothing else secret. */
function sample(): Record<string, unknown>[] {
  const rng = new Rng(7);
  const visa = luhnCard(rng, "4", 16);
  const mastercard = luhnCard(rng, "5500", 16);
  const amex = luhnCard(rng, "37", 15);
  const notLuhn = visa.slice(0, 15) + ((Number(visa[15]) + 1) % 10);
  const grouped = (d: string, sep: string) => d.match(/.{1,4}/g)!.join(sep);
  const records: Record<string, unknown>[] = [
    { log: "login ok", password: "hunter2", Token: 12345, kubernetes: { pod_name: "web-1", annotations: { "a/b": "c" }, labels: { app: "web" } } },
    { log: "nested", request: { headers: { Authorization: "Bearer abc", Cookie: "sid=1", "X-API-KEY": "k" }, body: { user: { PASSWD: "p", pwd: ["a", "b"] } } } },
    { log: "arrays", items: [{ secret: { deep: true } }, { client_secret: "cs" }, { name: "ok", refresh_token: null }], access_token: "at", "set-cookie": "a=b" },
    { log: `payment accepted card=${grouped(visa, " ")} amount=42.00 EUR`, stream: "stdout" },
    { log: `refund ${grouped(mastercard, "-")} and ${amex} and ${visa}`, note: `not a card: ${notLuhn}, an order id 1234 5678 9012` },
    { log: "mail jane.doe@example.com and ops+alerts@mail.example.co.uk.", user: { email: "bob@example.org" } },
    { log: "no at-domain here x@y and z@localhost", private_key: "-----BEGIN...", api_key: "ak", apikey: "ak2", secret: "s" },
    { msg: `card ${visa} mailed to a.b@example.com`, kubernetes: { annotations: { x: "y" }, host: "node-1" } },
  ];
  // Bench container records whose secret is a card, an e-mail or a secret-bearing key.
  const bench = new Rng(20261123);
  for (let i = 0; i < 400; i++) {
    const record = containerLogRecord(bench, i) as Record<string, any>;
    // Secret lines (i % 10 == 7) carry a secret-bearing key (every other pair of tens) or a phrase.
    const keyed = Math.floor(i / 10) % 4 < 2;
    const phrase = Math.floor(i / 10) % 12; // 0: card, 1: e-mail, 11: card and e-mail
    if (i % 10 !== 7 || keyed || phrase === 0 || phrase === 1 || phrase === 11) records.push(record);
  }
  return records;
}

function run(filters: Filter[], input: string, dir: string, name: string): Record<string, any>[] {
  const out = join(dir, `${name}.ndjson`);
  const config = join(dir, `${name}.yaml`);
  writeConfig(config, input, "kube.var.log.containers.web", filters, { kind: "file", path: out });
  const result = runFluentBit(FLUENT_BIT!, config, join(dir, `${name}.log`), 120);
  expect(result.problems, result.log).toEqual([]);
  expect(result.exitCode).toBe(0);
  return readFileSync(out, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line));
}

/** The record without the fields each filter adds, keys sorted at every level. */
function comparable(value: unknown, top = true): unknown {
  if (Array.isArray(value)) return value.map((v) => comparable(v, false));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (top && ADDED.has(key)) continue;
      out[key] = comparable((value as Record<string, unknown>)[key], false);
    }
    return out;
  }
  return value;
}

/** Every secret-bearing key of the input, as a path, with where it must be masked. */
function secretPaths(value: unknown, path: string[] = []): string[][] {
  if (!value || typeof value !== "object") return [];
  const out: string[][] = [];
  for (const [key, v] of Object.entries(value)) {
    if (!Array.isArray(value) && SECRET_KEYS.has(key.toLowerCase())) out.push([...path, key]);
    else out.push(...secretPaths(v, [...path, key]));
  }
  return out;
}

const at = (record: any, path: string[]) => path.reduce((v, k) => (v == null ? undefined : v[k]), record);

if (!FLUENT_BIT || !existsSync(WASM)) {
  const why = !FLUENT_BIT ? NO_FLUENT_BIT : "peers: skipped, build/logseal.wasm is missing (make build)";
  describe.skip(why, () => it("skipped", () => {}));
  console.warn(why);
} else {
  describe(`peers inside Fluent Bit ${fluentBitVersion(FLUENT_BIT)}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "logseal-peers-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const records = sample();
    const input = join(dir, "sample.ndjson");
    writeFileSync(input, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const logsealSetup = { module: WASM, dir: join(dir, "logseal") };
    let lua: Record<string, any>[] = [];
    let logseal: Record<string, any>[] = [];
    beforeAll(() => {
      prepareLogsealDir(logsealSetup);
      lua = run([luaFilter("logseal_peer")], input, dir, "lua");
      logseal = run([logsealFilter(logsealSetup)], input, dir, "logseal");
    });

    it("both pass every record", () => {
      expect(lua).toHaveLength(records.length);
      expect(logseal).toHaveLength(records.length);
    });

    it("redact the same way: key rules at any depth, annotations removed, cards and e-mail addresses", () => {
      for (let i = 0; i < records.length; i++) {
        expect(comparable(lua[i]), `record ${i}: ${JSON.stringify(records[i]).slice(0, 200)}`).toEqual(comparable(logseal[i]));
      }
    });

    it("actually redacted the sample (the comparison is not vacuous)", () => {
      let keys = 0;
      for (let i = 0; i < records.length; i++) {
        for (const path of secretPaths(records[i])) {
          expect(at(lua[i], path), path.join(".")).toBe("[REDACTED]");
          keys++;
        }
        expect(at(lua[i], ["kubernetes", "annotations"])).toBeUndefined();
      }
      expect(keys).toBeGreaterThan(15);
      const text = JSON.stringify(lua);
      expect(text).toContain("**** **** **** ");
      expect(text).toContain("****-****-****-");
      expect(text).not.toMatch(/jane\.doe\d*@example\.com/);
      expect(text).toContain("z@localhost"); // no dotted domain: not an address
    });

    it("the Lua peer chains its records with SHA-256 links", () => {
      let prev = "0".repeat(64);
      lua.forEach((record, i) => {
        expect(record._seal.seq).toBe(i + 1);
        expect(record._seal.prev).toBe(prev);
        expect(record._seal.mac).toMatch(/^[0-9a-f]{64}$/);
        prev = record._seal.mac;
      });
    });

    it("the native-filter peer removes annotations and top-level secret keys only", () => {
      const native = run(nativeFilters(), input, dir, "native");
      expect(native).toHaveLength(records.length);
      expect(native[0]).toEqual({ log: "login ok", kubernetes: { pod_name: "web-1", labels: { app: "web" } } });
      expect((native[1] as any).request.headers.Authorization).toBe("Bearer abc"); // nested: out of its reach
    });
  });
}
