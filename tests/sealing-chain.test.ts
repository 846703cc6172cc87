// The chain as the module writes it, through the Node host emulating Fluent Bit: the seal's
// format, keyed BLAKE2b, HMAC-SHA256 and SHA-256 modes, chains per tag or field, drops, restarts and Fluent Bit's
// pre-4.1 instance per chunk, lost and unwritable state, forward-secure key epochs, eviction,
// policy validation. Each output is checked with `logseal verify`'s code.
import { fnv1a } from "../cli/verify.js";
import { readKeyFile } from "../cli/keys.js";
import { createHash, createHmac } from "node:crypto";
import { existsSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { blake2b } from "@noble/hashes/blake2b";
import { describe, expect, it } from "vitest";
import { canonicalObject, parseMembers } from "../cli/canonical.js";
import { FilterHost } from "../cli/host.js";
import { EpochKeys, GENESIS, keyId, type Seal, sealPrefix } from "../cli/seal-mac.js";
import { RELEASE_WASM } from "./support/filter.js";
import { loadTestkit } from "./support/testkit.js";
import {
  KEY, KEY_BYTES, readState, records, removeState, sealAll, sealDir, sealOf, sealPolicy, startFilter, verifyLines,
} from "./support/sealing.js";

describe("the seal", () => {
  it("is the last member, with the origin, instance, chain, sequence, event time, key, epoch, policy version and links", () => {
    const dir = sealDir(sealPolicy({ key_file: "seal.key" }));
    const [first, second] = sealAll(dir, [
      { tag: "kube.app", body: { msg: "hello" }, sec: 1_700_000_000, nsec: 5 },
      { tag: "kube.app", body: '{"msg":"again"}', sec: 1_700_000_001, nsec: 999_999_999 },
    ]);
    expect(first).toMatch(/^\{"msg":"hello","_seal":\{"v":3,"o":"","i":"[0-9a-f]{16}","c":"kube\.app","s":0,"t":"1700000000\.000000005","a":"blake2b-keyed","k":"[0-9a-f]{16}","e":0,"pv":"seal-test-1","g":"new","p":"0{64}","m":"[0-9a-f]{64}"\}\}$/);
    const a = sealOf(first), b = sealOf(second);
    expect(a.k).toBe(keyId(KEY_BYTES));
    expect(b).toMatchObject({ s: 1, t: "1700000001.999999999", p: a.m });
    expect(b.g).toBeUndefined();
    expect(verifyLines([first, second]).ok).toBe(true);
  });

  it("is SHA-256 without error when no key file is named and none exists", () => {
    const dir = sealDir(sealPolicy(), false);
    const lines = sealAll(dir, records(20));
    expect(lines.every((l) => sealOf(l).a === "sha256" && sealOf(l).k === undefined && !("logseal_error" in JSON.parse(l)))).toBe(true);
    expect(verifyLines(lines, { allowSha256: true }).ok).toBe(true);
    // Anyone can recompute SHA-256 links: without being told to accept them, they are refused.
    expect(verifyLines(lines, {}).byReason).toEqual({ unauthenticated: 1 });
  });

  it("is the same with the embedded default policy and no key", () => {
    const dir = sealDir({}, false);
    rmSync(join(dir, "logseal.policy.json"));
    const lines = sealAll(dir, [{ tag: "t", body: { log: "INFO started" } }]);
    expect(JSON.parse(lines[0])).not.toHaveProperty("logseal_error");
    expect(sealOf(lines[0])).toMatchObject({ a: "sha256", pv: "logseal-default-1", g: "new" });
  });

  it("fails closed when the key file the policy names is missing: an error on every record, SHA-256 chain", () => {
    const dir = sealDir(sealPolicy({ key_file: "seal.key" }), false);
    const lines = sealAll(dir, records(5));
    for (const line of lines) {
      expect(JSON.parse(line).logseal_error).toMatch(/key file seal\.key not found.*SHA-256/);
      expect(sealOf(line).a).toBe("sha256");
    }
    expect(verifyLines(lines, { allowSha256: true }).ok).toBe(true);
  });

  it("says so on every record when the default key file is there but unusable, as when a named one is missing", () => {
    // 32 raw random bytes (`openssl rand 32`) that begin with a line feed: 31 characters once the
    // whitespace around the key is set aside. Not named by the policy, yet meant as the seal key.
    const raw = Buffer.concat([Buffer.from([0x0a]), Buffer.alloc(31, 0xa7)]);
    for (const policy of [sealPolicy(), undefined]) {
      const dir = sealDir(policy ?? {}, false);
      if (!policy) rmSync(join(dir, "logseal.policy.json"));
      writeFileSync(join(dir, "seal.key"), raw);
      for (const line of sealAll(dir, records(3))) {
        expect(JSON.parse(line).logseal_error).toMatch(/key file .*seal\.key is shorter than 32 characters.*SHA-256/);
        expect(sealOf(line).a).toBe("sha256");
      }
    }
  });

  it("names its origin (the policy's, else the origin file's first line) and an instance id kept across restarts", () => {
    const dir = sealDir(sealPolicy({ origin_file: "node-name" }));
    writeFileSync(join(dir, "node-name"), "  worker-7.eu-west-1\nignored\n");
    const first = sealAll(dir, records(2));
    const again = sealAll(dir, records(2, ["app"], 2));
    expect(sealOf(first[0])).toMatchObject({ o: "worker-7.eu-west-1" });
    expect(sealOf(again[0]).i).toBe(sealOf(first[0]).i);
    removeState(dir);
    const fresh = sealAll(dir, records(1));
    expect(sealOf(fresh[0]).i).not.toBe(sealOf(first[0]).i);
    expect(sealOf(sealAll(sealDir(sealPolicy({ origin: "a \"quoted\" name" })), records(1))[0]).o).toBe("a__quoted__name");
    const missing = sealAll(sealDir(sealPolicy({ origin_file: "nowhere" })), records(1))[0];
    expect(JSON.parse(missing).logseal_error).toMatch(/origin file nowhere not found/);
  });

  it("starts a new instance when the state belongs to another origin: its chains are not continued", () => {
    const dir = sealDir(sealPolicy({ origin: "node-a" }));
    const before = sealAll(dir, records(3));
    writeFileSync(join(dir, "logseal.policy.json"), JSON.stringify(sealPolicy({ origin: "node-b" })));
    const after = sealAll(dir, records(1));
    expect(sealOf(after[0])).toMatchObject({ o: "node-b", s: 0, g: "new" });
    expect(sealOf(after[0]).i).not.toBe(sealOf(before[0]).i);
  });

  it("uses keyed BLAKE2b with the default key file when it exists", () => {
    const dir = sealDir(sealPolicy());
    expect(sealOf(sealAll(dir, records(1))[0]).a).toBe("blake2b-keyed");
  });

  it("reads a key file that is not UTF-8 text byte for byte, as the verifier's --key-file does", () => {
    // Raw bytes (`openssl rand 32` instead of `-hex 32`): an invalid UTF-8 byte inside, a vertical tab
    // before and a no-break space after, which a text reading would change or trim; only space, tab,
    // CR and LF around the key are ignored, on both sides.
    const raw = Buffer.concat([Buffer.from([0x0b]), Buffer.alloc(32, 0x41), Buffer.from([0xff, 0xc2, 0xa0]), Buffer.from(" \r\n")]);
    const dir = sealDir(sealPolicy(), false);
    writeFileSync(join(dir, "seal.key"), raw);
    const lines = sealAll(dir, records(3));
    const key = readKeyFile(join(dir, "seal.key"));
    expect(key).toEqual(raw.subarray(0, raw.length - 3));
    expect(sealOf(lines[0]).k).toBe(keyId(key));
    expect(verifyLines(lines, { keys: [key] }).ok).toBe(true);
  });

  it("is keyed BLAKE2b (32 bytes) under KB = HMAC-SHA256(K, \"logseal-blake2b-mac-key\") over the MAC's message, K = K0 or the epoch's key", () => {
    for (const settings of [{}, { epoch_records: 2 }]) {
      const lines = sealAll(sealDir(sealPolicy(settings)), records(5));
      const keys = new EpochKeys(KEY_BYTES);
      for (const line of lines) {
        const record = JSON.parse(line);
        const seal = { ...record._seal, ...(record._seal.f && { f: record._seal.f.split("/").map(Number) }) } as Seal;
        delete record._seal;
        const K = seal.f ? keys.rawKey(seal, seal.e!) : KEY_BYTES;
        const KB = createHmac("sha256", K).update("logseal-blake2b-mac-key").digest();
        const M = Buffer.concat([sealPrefix(seal), Buffer.from(canonicalObject(parseMembers(JSON.stringify(record), 0).members), "utf8")]);
        expect(M[16], "algorithm byte").toBe(4);
        expect(seal.m).toBe(Buffer.from(blake2b(M, { key: KB, dkLen: 32 })).toString("hex"));
        // Neither HMAC-SHA256 under K over 0xFF || D (what hmac-sha256 seals are) nor a keyed hash under K itself.
        const D = createHash("blake2b512").update(M).digest().subarray(0, 32);
        expect(seal.m).not.toBe(createHmac("sha256", K).update(Buffer.concat([Buffer.of(0xff), D])).digest("hex"));
        expect(seal.m).not.toBe(Buffer.from(blake2b(M, { key: K.subarray(0, 32), dkLen: 32 })).toString("hex"));
      }
      expect(verifyLines(lines).ok).toBe(true);
    }
  });

  it("is HMAC-SHA256 over 0xFF and the BLAKE2b digest with seal.mac \"hmac-sha256\", as before keyed BLAKE2b", () => {
    for (const settings of [{ mac: "hmac-sha256" }, { mac: "hmac-sha256", epoch_records: 2 }]) {
      const lines = sealAll(sealDir(sealPolicy(settings)), records(5));
      expect(lines.map((l) => sealOf(l).a)).toEqual(Array(5).fill("hmac-sha256"));
      expect(verifyLines(lines).ok).toBe(true);
      expect(verifyLines(lines, { keys: [Buffer.from("another key of at least thirty-two characters")] }).byReason).toEqual({ "wrong-key": 5 });
    }
  });

  it("covers the record as written, including the error marker, not the tag alone", () => {
    const dir = sealDir(sealPolicy({ key_file: "seal.key" }));
    const lines = sealAll(dir, [{ tag: "t", body: "not json" }, ...records(2, ["t"])]);
    expect(JSON.parse(lines[0]).logseal_raw).toBe("not json");
    expect(verifyLines(lines).ok).toBe(true);
  });
});

describe("chains", () => {
  it("run per tag, each from its own genesis", () => {
    const dir = sealDir(sealPolicy());
    const lines = sealAll(dir, records(30, ["a", "b", "c"]));
    const result = verifyLines(lines);
    expect(result.ok).toBe(true);
    expect(result.chains.map((c) => [c.chain, c.records, c.lastSeq])).toEqual([["a", 10, 9], ["b", 10, 9], ["c", 10, 9]]);
  });

  it("can follow a field (the tag when the record lacks it)", () => {
    const dir = sealDir(sealPolicy({ chain_by: "kubernetes.namespace_name" }));
    const lines = sealAll(dir, [
      { tag: "x", body: { kubernetes: { namespace_name: "shop" } } },
      { tag: "y", body: '{"kubernetes":{"namespace_name":"sh\\u006fp"}}' }, // the decoded value names the chain
      { tag: "y", body: { kubernetes: { namespace_name: "payments" } } },
      { tag: "z", body: { other: 1 } },
    ]);
    expect(lines.map((l) => [sealOf(l).c, sealOf(l).s])).toEqual([["shop", 0], ["shop", 1], ["payments", 0], ["z", 0]]);
    expect(verifyLines(lines).ok).toBe(true);
  });

  it("account for records the policy dropped in the next record", () => {
    const dir = sealDir(sealPolicy({}, { enrich: { gate: { min_level: "INFO" } } }));
    const inputs = ["INFO a", "DEBUG b", "DEBUG c", "INFO d", "DEBUG e", "INFO f"].map((log) => ({ tag: "app", body: { log } }));
    const lines = sealAll(dir, inputs);
    expect(lines.map((l) => sealOf(l).d)).toEqual([undefined, 2, 1]);
    const result = verifyLines(lines);
    expect(result.ok).toBe(true);
    expect(result.chains[0].dropped).toBe(3);
  });

  it("are bounded: beyond max_chains the least recently used is evicted, announced, and verifies", () => {
    const dir = sealDir(sealPolicy({ max_chains: 2 }));
    const tags = ["a", "a", "b", "c", "a", "b", "b", "c", "a"];
    const lines = sealAll(dir, tags.map((tag, i) => ({ tag, body: { i } })));
    const evictions = lines.map((l) => sealOf(l).x).filter(Boolean);
    expect(evictions.length).toBeGreaterThan(0);
    expect(evictions[0]).toMatchObject({ c: "a", n: 2, d: 0 });
    const result = verifyLines(lines);
    expect(result.failures).toEqual([]);
    expect(result.chains.reduce((n, c) => n + c.reopened, 0)).toBeGreaterThan(0);
    // An evicted chain's lost end is caught by its announcement.
    const cut = lines.filter((_, i) => i !== 1); // the second "a" record, which the eviction anchored
    expect(verifyLines(cut).byReason).toEqual({ truncated: 1, "restart-gap": 1 });
  });
});

describe("restarts", () => {
  it("continue one chain across instances sharing the state, the restart visible", () => {
    const dir = sealDir(sealPolicy());
    const before = sealAll(dir, records(10, ["a", "b"]));
    const after = sealAll(dir, records(10, ["a", "b"], 10));
    expect(sealOf(after[0])).toMatchObject({ c: "a", s: 5, g: "resume", p: sealOf(before[8]).m });
    const result = verifyLines([...before, ...after]);
    expect(result.ok).toBe(true);
    expect(result.chains.map((c) => c.resumed)).toEqual([1, 1]);
  });

  it("keep whole padded lines in the state file while only a line's bytes are rewritten, as it grows or shrinks", () => {
    const dir = sealDir(sealPolicy({ max_chains: 1 }));
    const slots = () => {
      const state = readFileSync(join(dir, "logseal.state"), "latin1");
      expect((state.length - 4096) % 1024).toBe(0);
      return Array.from({ length: (state.length - 4096) / 1024 }, (_, i) => state.slice(4096 + i * 1024, 4096 + (i + 1) * 1024));
    };
    const whole = /^seq=\d+ count=\d+ dropped=\d+ head=[0-9a-f]{64} chain=[0-9a-f]+ evicted=\S+ check=[0-9a-f]{8} *\n$/;
    const long = "kube.".padEnd(200, "x");
    const before = sealAll(dir, [{ tag: long, body: { i: 0 } }]);
    expect(slots()).toHaveLength(1);
    expect(slots()[0]).toMatch(whole);
    // The short tag takes the slot (max_chains 1): its line is ~390 bytes shorter than the long one's.
    const after = sealAll(dir, Array.from({ length: 12 }, (_, i) => ({ tag: "s", body: { i } })));
    const [slot] = slots();
    expect(slot).toMatch(whole);
    expect(slot).toContain(`seq=1 `); // its first record; the eleven after it are tallied in the file's time
    expect(slot).toContain(`chain=${Buffer.from("s").toString("hex")} `);
    // And the next instance reads it back: the chain resumes after its last record, linked to the saved head.
    const resumed = sealAll(dir, [{ tag: "s", body: { i: 12 } }]);
    expect(sealOf(resumed[0])).toMatchObject({ c: "s", s: 12, g: "resume", u: 11, p: sealOf(after[0]).m });
    expect(verifyLines([...before, ...after, ...resumed]).failures).toEqual([]);
  });

  it("verify as one chain when every chunk gets a new instance (Fluent Bit before 4.1)", () => {
    const dir = sealDir(sealPolicy());
    const lines = sealAll(dir, records(300, ["a", "b", "c"]), 7);
    const result = verifyLines(lines);
    expect(result.failures).toEqual([]);
    expect(result.chains.map((c) => c.records)).toEqual([100, 100, 100]);
    expect(result.chains[0].resumed).toBeGreaterThan(40);
  });

  it("from lost state start a new genesis, reported as a restart gap", () => {
    const dir = sealDir(sealPolicy());
    const before = sealAll(dir, records(5));
    removeState(dir);
    const after = sealAll(dir, records(5, ["app"], 5));
    expect(sealOf(after[0])).toMatchObject({ s: 0, g: "new", p: GENESIS });
    const result = verifyLines([...before, ...after]);
    expect(result.ok).toBe(false);
    expect(result.failures.map((f) => [f.reason, f.line])).toEqual([["restart-gap", 6]]);
  });

  it("from a damaged state line lose only that chain", () => {
    const dir = sealDir(sealPolicy());
    const before = sealAll(dir, records(6, ["a", "b"]));
    const state = readState(dir);
    const { atime, mtime } = statSync(join(dir, "logseal.state"));
    writeFileSync(join(dir, "logseal.state"), state.replace(/seq=3 /, "seq=4 ")); // the checksum no longer holds
    utimesSync(join(dir, "logseal.state"), atime, mtime); // the tally (b, one record past its line) kept
    const after = sealAll(dir, records(4, ["a", "b"], 6));
    expect(sealOf(after[1])).toMatchObject({ c: "b", s: 3, g: "resume", u: 1 });
    const result = verifyLines([...before, ...after]);
    expect(result.byReason).toEqual({ "restart-gap": 1 });
  });

  it("keep a resume beyond the saved head through a run in which that chain sealed nothing", () => {
    const dir = sealDir(sealPolicy());
    const first = sealAll(dir, records(6, ["a", "b"])); // b sealed last: one record beyond its line
    const second = sealAll(dir, records(3, ["a"], 6)); // b seals nothing; its line now says so
    expect(readState(dir)).toMatch(/seq=3 count=\d+ dropped=0 head=[0-9a-f]{64} chain=62 evicted=- beyond=1 check=/);
    const third = sealAll(dir, records(2, ["b"], 9));
    expect(sealOf(third[0])).toMatchObject({ c: "b", s: 3, g: "resume", u: 1, p: sealOf(first[3]).m });
    expect(verifyLines([...first, ...second, ...third]).failures).toEqual([]);
    // Without b's last record of the first run, the resume says it is missing.
    expect(verifyLines([...first.slice(0, 5), ...second, ...third]).byReason).toEqual({ deleted: 1 });
  });

  it("treat a line claiming more records beyond its head than logseal leaves as damaged: that chain starts anew", () => {
    const dir = sealDir(sealPolicy());
    const first = sealAll(dir, records(6, ["a", "b"]));
    sealAll(dir, records(3, ["a"], 6)); // b's line now says beyond=1
    const state = readState(dir);
    // Forge the claim with a valid checksum, as a hostile copy would (lines.ts: FNV-1a).
    const start = state.indexOf("beyond=1 ");
    const lineStart = state.lastIndexOf("\n", start) + 1;
    const body = state.slice(lineStart, start) + "beyond=999";
    const check = fnv1a(Buffer.from(body)).toString(16).padStart(8, "0");
    const line = `${body} check=${check}`;
    const slotEnd = state.indexOf("\n", start);
    writeFileSync(join(dir, "logseal.state"), state.slice(0, lineStart) + line.padEnd(slotEnd - lineStart, " ") + state.slice(slotEnd));
    const after = sealAll(dir, records(1, ["b"], 9));
    expect(sealOf(after[0])).toMatchObject({ c: "b", s: 0, g: "new" });
    expect(sealOf(first[1]).c).toBe("b");
  });

  it("from a state file rewritten without its time resume the last chain from its line: a fork, reported", () => {
    const dir = sealDir(sealPolicy());
    const before = sealAll(dir, records(6, ["a", "b"]));
    writeFileSync(join(dir, "logseal.state"), readState(dir)); // same bytes, the time is now
    const after = sealAll(dir, records(4, ["a", "b"], 6));
    expect(sealOf(after[1])).toMatchObject({ c: "b", s: 2, g: "resume" });
    expect(verifyLines([...before, ...after]).byReason).toMatchObject({ "restart-gap": 1 });
  });

  it("with unwritable state mark every record and keep sealing in memory", () => {
    const dir = sealDir(sealPolicy({ state_file: "/nowhere/logseal.state" }));
    const lines = sealAll(dir, records(5));
    for (const line of lines) expect(JSON.parse(line).logseal_error).toMatch(/chain state \/nowhere\/logseal\.state cannot be written/);
    expect(verifyLines(lines).ok).toBe(true);
  });

  it("carry a chain from hmac-sha256 to blake2b-keyed across an upgrade's restart (and back), one chain that verifies", () => {
    const dir = sealDir(sealPolicy({ mac: "hmac-sha256" }));
    const before = sealAll(dir, records(4));
    writeFileSync(join(dir, "logseal.policy.json"), JSON.stringify(sealPolicy()));
    const after = sealAll(dir, records(4, ["app"], 4));
    writeFileSync(join(dir, "logseal.policy.json"), JSON.stringify(sealPolicy({ mac: "hmac-sha256" })));
    const back = sealAll(dir, records(2, ["app"], 8));
    expect([...before, ...after, ...back].map((l) => sealOf(l).a)).toEqual([...Array(4).fill("hmac-sha256"), ...Array(4).fill("blake2b-keyed"), "hmac-sha256", "hmac-sha256"]);
    expect(sealOf(after[0])).toMatchObject({ s: 4, g: "resume" }); // linked to the saved head, the records after it counted in `u`
    const result = verifyLines([...before, ...after, ...back]);
    expect(result.ok).toBe(true);
    expect(result.chains.map((c) => [c.records, c.algorithm])).toEqual([[10, "hmac-sha256"]]);
    // A keyless SHA-256 record after them is a downgrade, whatever the keyed MAC before it.
    rmSync(join(dir, "seal.key"));
    const downgraded = sealAll(dir, records(1, ["app"], 10));
    expect(sealOf(downgraded[0]).a).toBe("sha256");
    expect(verifyLines([...before, ...after, ...back, ...downgraded], { keys: [KEY_BYTES], allowSha256: true }).byReason).toEqual({ "wrong-key": 1 });
  });

  it("keep the chain through a policy reload (the engine is rebuilt, the chain is not)", async () => {
    const policy = (version: string) => ({ ...sealPolicy(), version, reload_seconds: 1 });
    const dir = sealDir(policy("v1"));
    const filter = startFilter(dir);
    const call = (i: number) => Buffer.from(filter.callRaw("app", `{"i":${i}}`, Math.floor(Date.now() / 1000), 0)!).toString();
    const lines = [call(0), call(1)];
    writeFileSync(join(dir, "logseal.policy.json"), JSON.stringify(policy("v2")));
    await new Promise((resolve) => setTimeout(resolve, 2100));
    lines.push(call(2));
    expect(lines.map((l) => [sealOf(l).s, sealOf(l).pv])).toEqual([[0, "v1"], [1, "v1"], [2, "v2"]]);
    expect(verifyLines(lines).ok).toBe(true);
  });
});

/** An HMAC key as assembly/crypto/hmac.ts keeps it (the chaining values after K^ipad and K^opad), hex. */
function padStates(key: Buffer): string {
  const tk = loadTestkit();
  const { ptr, len } = tk.put(key);
  const state = tk.exports.hmac_key_new(ptr, len);
  return Buffer.from(tk.read(state, 64)).toString("hex");
}

/** The keyed BLAKE2b state (32-byte digest) after the key block, as assembly/sealing/sealkey.ts keeps a MAC key. */
function keyedState(key: Buffer): Buffer {
  const tk = loadTestkit();
  const { ptr, len } = tk.put(key);
  const out = tk.memory.alloc(64);
  tk.exports.blake2b_keyed_state(out, ptr, len, 32);
  const state = Buffer.from(tk.read(out, 64));
  tk.memory.free(out);
  tk.memory.free(ptr);
  return state;
}

describe("forward security", () => {
  it("evolves the key every epoch_records, keeps only the epoch key, and verifies from the initial key", () => {
    const dir = sealDir(sealPolicy({ epoch_records: 10 }));
    const lines = sealAll(dir, records(35, ["a", "b"]));
    expect(lines.map((l) => sealOf(l).e)).toEqual([...Array(35)].map((_, i) => 1 + Math.floor(i / 10)));
    const state = readState(dir);
    expect(state).toMatch(/ epoch=4 schedule=\d+\/0\/10 wall=\d+ epoch_key=[0-9a-f]{128} tree=[0-9a-f]{8}:[0-9a-f]{2048} /);
    // What is saved is K4 (as HMAC pad states), none of the keys before it, and never K0.
    const saved = /epoch_key=([0-9a-f]{128})/.exec(state)![1];
    const keys = new EpochKeys(KEY_BYTES);
    const seal = { ...sealOf(lines[0]), f: sealOf(lines[0]).f.split("/").map(Number) } as Seal;
    expect(saved).toBe(padStates(keys.rawKey(seal, 4)));
    for (const e of [1, 2, 3]) expect(saved).not.toBe(padStates(keys.rawKey(seal, e)));
    expect(state).not.toContain(KEY_BYTES.toString("hex"));
    expect(verifyLines(lines).ok).toBe(true);
  });

  it("keeps neither K0 nor an earlier epoch's key anywhere in the module's memory", () => {
    const dir = sealDir(sealPolicy({ epoch_seconds: 3600, epoch_records: 4 }));
    const filter = startFilter(dir);
    const seal = (n: number) => [...records(n)].map((r) => Buffer.from(filter.callRaw(r.tag, JSON.stringify(r.body), 1_700_000_000, 0)!).toString());
    const first = seal(40);
    const memory = () => Buffer.from(filter.memory.bytes);
    expect(memory().indexOf(KEY_BYTES)).toBe(-1); // the key file's text
    const parsed = { ...sealOf(first[0]), f: sealOf(first[0]).f.split("/").map(Number) } as Seal;
    const keys = new EpochKeys(KEY_BYTES);
    // A restart at epoch 10 that moves on: the epoch-10 key it loaded is gone too.
    const again = startFilter(dir);
    const later = [...records(40, ["app"], 40)].map((r) => Buffer.from(again.callRaw(r.tag, JSON.stringify(r.body), 1_700_000_000, 0)!).toString());
    expect(sealOf(later.at(-1)!).e).toBeGreaterThan(15);
    const mem = Buffer.from(again.memory.bytes);
    for (const e of [1, 5, 10, 11]) {
      const leaf = keys.rawKey(parsed, e);
      const kb = createHmac("sha256", leaf).update("logseal-blake2b-mac-key").digest();
      expect(mem.indexOf(kb), `epoch ${e} MAC key`).toBe(-1);
      expect(mem.indexOf(keyedState(kb)), `epoch ${e} MAC key's BLAKE2b state`).toBe(-1);
      expect(mem.indexOf(leaf), `epoch ${e} key`).toBe(-1);
      expect(mem.indexOf(Buffer.from(leaf.toString("hex"))), `epoch ${e} key as hex`).toBe(-1);
      expect(mem.indexOf(Buffer.from(padStates(leaf))), `epoch ${e} key's pad states as hex`).toBe(-1);
      expect(mem.indexOf(Buffer.from(padStates(leaf), "hex")), `epoch ${e} key's pad states`).toBe(-1);
    }
    expect(mem.indexOf(KEY_BYTES)).toBe(-1);
    // The current epoch's MAC key is kept only as its BLAKE2b state.
    const current = keys.rawKey(parsed, sealOf(later.at(-1)!).e);
    const kb = createHmac("sha256", current).update("logseal-blake2b-mac-key").digest();
    expect(mem.indexOf(kb)).toBe(-1);
    // nor as SHA-256's state words (little-endian in wasm memory), as the HMAC that derived it left them
    const words = Buffer.from(kb);
    for (let i = 0; i < words.length; i += 4) words.subarray(i, i + 4).reverse();
    expect(mem.indexOf(words)).toBe(-1);
    expect(mem.indexOf(keyedState(kb))).toBeGreaterThan(0);
  });

  it("continues from the saved epoch key once the initial key file is gone", () => {
    const dir = sealDir(sealPolicy({ epoch_records: 4 }));
    const before = sealAll(dir, records(6));
    rmSync(join(dir, "seal.key"));
    const after = sealAll(dir, records(6, ["app"], 6));
    expect(after.every((l) => sealOf(l).a === "blake2b-keyed" && !("logseal_error" in JSON.parse(l)))).toBe(true);
    expect(sealOf(after[0])).toMatchObject({ e: 2, g: "resume" });
    expect(verifyLines([...before, ...after]).ok).toBe(true);
  });

  it("advances by wall-clock time with epoch_seconds", async () => {
    const dir = sealDir(sealPolicy({ epoch_seconds: 1 }));
    const filter = startFilter(dir);
    const call = () => Buffer.from(filter.callRaw("app", "{}", Math.floor(Date.now() / 1000), 0)!).toString();
    const first = call();
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const second = call();
    expect(sealOf(second).e).toBeGreaterThan(sealOf(first).e);
    expect(verifyLines([first, second]).ok).toBe(true);
  });
});

describe("the seal policy", () => {
  function check(seal: unknown): { ok: boolean; issues: string[] } {
    const host = FilterHost.load(RELEASE_WASM);
    const exports = host.instance.exports as Record<string, any>;
    const text = Buffer.from(JSON.stringify({ version: "v", seal }));
    const ptr = host.memory.dup(text);
    const out = JSON.parse(Buffer.from(host.memory.readCString(exports.logseal_policy_check(ptr, text.length))).toString());
    host.memory.free(ptr);
    return out;
  }

  it("accepts every setting", () => {
    expect(check({ enabled: true, key_file: "k", mac: "hmac-sha256", chain_by: "kubernetes.namespace_name", state_file: "s", persist_every: 10, max_chains: 50, epoch_records: 1000, epoch_seconds: 3600 }).issues).toEqual([]);
    expect(check({ mac: "blake2b-keyed" }).issues).toEqual([]);
  });

  it.each([
    [{ chain_by: 5 }, /seal\.chain_by: must be a string/],
    [{ chain_by: "a..b" }, /seal\.chain_by/],
    [{ key_file: "" }, /seal\.key_file: must not be empty/],
    [{ persist: "always" }, /seal\.persist: unknown setting/],
    [{ max_chains: 0 }, /seal\.max_chains/],
    [{ epoch_records: -1 }, /seal\.epoch_records/],
    [{ enabled: "yes" }, /seal\.enabled: must be true or false/],
    [{ mac: "sha256" }, /seal\.mac: must be one of: blake2b-keyed, hmac-sha256/],
    [{ mode: "signed", mac: "hmac-sha256" }, /seal\.mac: not with seal\.mode "signed"/],
    ["on", /seal: must be an object/],
  ])("rejects %j", (seal, message) => {
    const result = check(seal);
    expect(result.ok).toBe(false);
    expect(result.issues.join("\n")).toMatch(message);
  });

  it("can turn sealing off", () => {
    const dir = sealDir(sealPolicy({ enabled: false }));
    expect(JSON.parse(sealAll(dir, records(1))[0])).not.toHaveProperty("_seal");
    expect(existsSync(join(dir, "logseal.state"))).toBe(false);
  });
});

describe("the state file", () => {
  it("is one fixed-size line per chain, rewritten in place; the chain that sealed last is tallied in the file's time", () => {
    const dir = sealDir(sealPolicy());
    sealAll(dir, records(50, ["a", "b", "c"]));
    const state = readState(dir);
    expect(state.length).toBe(4096 + 3 * 1024);
    // a, b, c in turn: each record writes the line of the chain before it; b sealed last, its
    // line is one record behind and the time holds slot 1, seq 17 (assembly/sealing/tally.ts).
    expect(state.split("\n").filter(Boolean).map((l) => l.trimEnd().replace(/[0-9a-f]{64}/g, "H").replace(/check=\w+/, "check=C").replace(/instance=\w+/, "instance=I").replace(/wall=\d+/, "wall=W"))).toEqual([
      `logseal-state 2 instance=I origin=- key=${keyId(KEY_BYTES)} epoch=0 schedule=0/0/0 wall=W epoch_key=- tree=- check=C`,
      "seq=17 count=50 dropped=0 head=H chain=61 evicted=- check=C",
      "seq=16 count=48 dropped=0 head=H chain=62 evicted=- check=C",
      "seq=16 count=49 dropped=0 head=H chain=63 evicted=- check=C",
    ]);
    expect(statSync(join(dir, "logseal.state")).mtimeMs / 1000).toBe(1_000_000_000 + 1 * 4096 + 17);
    expect(readFileSync(join(dir, "seal.key"), "utf8").trim()).toBe(KEY);
  });
});
