// Signed mode (docs/signing.md) through the real module and `logseal verify --trust`: the node key
// made on the node, checkpoints and closing signatures, epoch keys certified one by one, trust on
// first use, restarts, lost keys, no randomness, and the attacks of issue 14: any change fails, a
// forger holding the keys of epoch E and later cannot rewrite anything before E, the unsigned tail
// is reported.
import { createPrivateKey, sign } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { WASI } from "node:wasi";
import { describe, expect, it } from "vitest";
import { canonicalObject, parseMembers } from "../cli/canonical.js";
import { FilterHost } from "../cli/host.js";
import { type Seal, sealMac } from "../cli/seal-mac.js";
import { chainKey } from "../cli/heads.js";
import { type HeadSignature, Trust, headStatement, readAnchors, trustWithCertified } from "../cli/signed.js";
import { collectKeys } from "../cli/trust.js";
import { KeyRing, type VerifyOptions, checkLine, formatResult, headsOf } from "../cli/verify.js";
import { RELEASE_WASM } from "./support/filter.js";
import { type Input, KEY, readState, records, sealAll, sealDir, sealOf, sealPolicy, startFilter, verifyLines } from "./support/sealing.js";
import { scratchDir } from "../cli/scratch.js";

const ORIGIN = "node-a";
const signedPolicy = (seal: object = {}) =>
  sealPolicy({ mode: "signed", origin: ORIGIN, checkpoint_records: 4, checkpoint_seconds: 0, epoch_records: 10, ...seal });

/** A fresh directory (no seal.key) with the signed policy. */
const signedDir = (seal: object = {}) => sealDir(signedPolicy(seal), false);

/** The trust file `logseal keys trust` makes from these lines. */
async function trustOf(lines: string[]): Promise<Trust> {
  const file = join(scratchDir("logseal-trust-"), "out.ndjson");
  writeFileSync(file, lines.join("\n") + "\n");
  const trust = new Trust();
  for (const key of await collectKeys([file])) if (key.proven) trust.add(key.origin, key.key);
  return trust;
}

const verify = (lines: string[], trust: Trust | undefined, extra: VerifyOptions = {}) => verifyLines(lines, { trust, ...extra });

/** Seals `inputs` with one instance, reading the signing file after each record: the seed of every epoch seen. */
function sealWatchingKeys(dir: string, inputs: Iterable<Input>): { lines: string[]; seeds: Map<number, string> } {
  const filter = startFilter(dir);
  const lines: string[] = [];
  const seeds = new Map<number, string>();
  let n = 0;
  for (const input of inputs) {
    n++;
    const raw = filter.callRaw(input.tag, JSON.stringify(input.body), 1_700_000_000 + n, n);
    lines.push(Buffer.from(raw!).toString("utf8"));
    const header = /epoch=(\d+) seed=([0-9a-f]{64})/.exec(readFileSync(join(dir, "logseal.signing"), "latin1"));
    if (header) seeds.set(Number(header[1]), header[2]);
  }
  return { lines, seeds };
}

// --- a forger written from docs/signing.md and docs/seal-format.md ---

const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** The record's line with `_seal` replaced, and its canonical form (everything but the seal). */
function split(line: string): { body: string; seal: Seal; canonical: string } {
  const at = line.lastIndexOf(',"_seal":');
  const body = line.slice(0, at) + "}";
  const { members } = parseMembers(body, 0);
  const seal = JSON.parse(line)._seal;
  if (typeof seal.f === "string") seal.f = seal.f.split("/").map(Number); // as the verifier reads it
  return { body, seal, canonical: canonicalObject(members) };
}

const join2 = (body: string, seal: Seal) =>
  body.slice(0, -1) + ',"_seal":' + JSON.stringify({ ...seal, ...(seal.f && { f: seal.f.join("/") }) }) + "}";

/**
 * Rewrites chain `chain` from record index `from` on: `edit` changes record bodies; links are
 * recomputed; each signature object is handed to `resign` (return it re-signed, or null to drop it).
 */
function forge(lines: string[], chain: string, from: number, edit: (body: string, i: number) => string,
  resign: (seal: Seal, signature: HeadSignature, head: string, kind: "cp" | "pc") => HeadSignature | null): string[] {
  const out = [...lines];
  let previous: string | undefined;
  for (let i = 0; i < out.length; i++) {
    const { body, seal } = split(out[i]);
    if (seal.c !== chain || i < from) {
      if (seal.c === chain) previous = seal.m;
      continue;
    }
    const newBody = edit(body, i);
    if (previous !== undefined) seal.p = previous;
    if (seal.pc) {
      const signed = resign(seal, seal.pc, seal.p, "pc");
      if (signed) seal.pc = signed;
      else delete seal.pc;
    }
    const { members } = parseMembers(newBody, 0);
    const withoutCp = { ...seal };
    seal.m = sealMac(withoutCp, canonicalObject(members));
    if (seal.cp) {
      const signed = resign(seal, seal.cp, seal.m, "cp");
      if (signed) seal.cp = signed;
      else {
        delete seal.cp;
        seal.m = sealMac({ ...seal }, canonicalObject(members));
      }
    }
    previous = seal.m;
    out[i] = join2(newBody, seal);
  }
  return out;
}

/** A signature object re-signed with the stolen seed of its epoch (undefined if that key was not stolen). */
function resignWith(seeds: Map<number, string>, seal: Seal, signature: HeadSignature, head: string): HeadSignature | undefined {
  const seed = seeds.get(signature.e);
  if (!seed) return undefined;
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, Buffer.from(seed, "hex")]), format: "der", type: "pkcs8" });
  const out = { ...signature };
  out.sg = sign(null, headStatement(seal, out, head), key).toString("hex");
  return out;
}

describe("signed mode: the seal", () => {
  it("publishes the node key at the genesis, signs checkpoints, and verifies with the trust file alone", async () => {
    const dir = signedDir();
    const lines = sealAll(dir, records(30, ["app", "web"]));
    const seals = lines.map(sealOf);
    for (const line of lines) expect(JSON.parse(line)).not.toHaveProperty("logseal_error");
    expect(seals[0]).toMatchObject({ a: "ed25519", o: ORIGIN, s: 0, g: "new", e: 1, f: expect.stringMatching(/^\d+\/0\/10$/) });
    expect(seals[0].pk).toMatch(/^[0-9a-f]{64}$/);
    expect(seals[0].k).toBe(seals[0].pk.slice(0, 16));
    expect(seals[0].cp).toMatchObject({ e: 1, s: 0, ce: 0 });
    // Epochs by count: 10 records each; checkpoints at least every 4 records of a chain.
    expect(seals.map((s) => s.e)).toEqual(seals.map((s) => 1 + Math.floor(s.n / 10)));
    for (const chain of ["app", "web"]) {
      const mine = seals.filter((s) => s.c === chain);
      let since = 0;
      for (const s of mine) {
        since = s.cp ? 0 : since + 1;
        expect(since).toBeLessThan(4);
      }
    }
    // A key change: the first record of a chain after it carries the closing signature of the old epoch.
    const closings = seals.filter((s) => s.pc);
    expect(closings.length).toBeGreaterThan(0);
    for (const s of closings) expect(s.pc.e).toBe(s.e - 1);
    const trust = await trustOf(lines);
    expect(trust.origins).toEqual([ORIGIN]);
    const result = verify(lines, trust);
    expect(result.failures).toEqual([]);
    expect(result.ok).toBe(true);
    for (const chain of result.chains) expect(chain.signed!.unsignedTail).toBeLessThan(4);
  });

  it("keys trust reads lines as verify does: a CR inside a record (JSON whitespace) does not split it, and what is no record is said", async () => {
    const [genesis] = sealAll(signedDir(), records(1));
    const dir = scratchDir("logseal-trust-");
    const file = join(dir, "cr.ndjson"), other = join(dir, "other.ndjson");
    writeFileSync(file, genesis.replace('{"', '{\r"') + "\n");
    writeFileSync(other, "not a record\n");
    const skipped = { notRecords: 0, signed: 0 };
    const keys = await collectKeys([file, other], skipped);
    expect(keys.map((k) => [k.origin, k.key, k.proven])).toEqual([[ORIGIN, sealOf(genesis).pk, true]]);
    expect(skipped).toEqual({ notRecords: 1, signed: 1 });
  });

  it("without a schedule the node key signs (epoch 0), with no certificate", async () => {
    const lines = sealAll(signedDir({ epoch_records: 0, epoch_seconds: 0 }), records(9));
    const seals = lines.map(sealOf);
    expect(seals.every((s) => s.e === 0 && s.f === undefined)).toBe(true);
    expect(seals[0].cp.pk).toBe(seals[0].pk);
    expect(seals[0].cp.ce).toBeUndefined();
    expect(verify(lines, await trustOf(lines)).ok).toBe(true);
  });

  it("reports the unsigned tail: records after a chain's last signature", async () => {
    const lines = sealAll(signedDir({ checkpoint_records: 100, epoch_records: 0, epoch_seconds: 0 }), records(7));
    const result = verify(lines, await trustOf(lines));
    expect(result.ok).toBe(true);
    expect(result.chains[0].signed).toEqual({ signedThrough: 0, unsignedTail: 6 });
    expect(formatResult(result)).toMatch(/unsigned tail .*node-a\/app 6 after seq 0/);
  });

  it("reads no shared key: a seal.key left beside it is ignored (nothing HMAC in the seals or the state)", async () => {
    const dir = sealDir(signedPolicy(), KEY);
    const lines = sealAll(dir, records(5));
    expect(lines.map(sealOf).every((s) => s.a === "ed25519")).toBe(true);
    expect(readState(dir)).toMatch(/ key=- /);
    expect(verify(lines, await trustOf(lines)).ok).toBe(true);
  });

  it("policy: mode is mac or signed; a key file is refused in signed mode, signed-mode settings outside it", () => {
    const bad = (seal: object) => JSON.parse(sealAll(sealDir(sealPolicy(seal), false), records(1))[0]).logseal_error as string;
    expect(bad({ mode: "rsa" })).toMatch(/seal\.mode.*mac, signed/);
    expect(bad({ mode: "signed", key_file: "seal.key" })).toMatch(/seal\.key_file.*signed/);
    expect(bad({ checkpoint_records: 5 })).toMatch(/seal\.checkpoint_records.*only with seal\.mode/);
  });
});

describe("signed mode: what verification refuses", () => {
  const dir = signedDir();
  const lines = sealAll(dir, records(40, ["app", "web"]));
  const trustPromise = trustOf(lines);

  it("any change to any record", async () => {
    const trust = await trustPromise;
    for (let i = 0; i < lines.length; i++) {
      const changed = [...lines];
      changed[i] = changed[i].replace(/"msg":"record (\d+)"/, '"msg":"record $1!"');
      const result = verify(changed, trust);
      expect(result.ok, `record ${i}`).toBe(false);
    }
  });

  it("a checkpoint removed, replaced by another record's, or with a bad signature", async () => {
    const trust = await trustPromise;
    const at = lines.findIndex((l, i) => i > 0 && sealOf(l).cp && !sealOf(l).g);
    const { body, seal } = split(lines[at]);
    const other = sealOf(lines.find((l, i) => i !== at && sealOf(l).cp)!);
    const variants: [string, Seal][] = [
      ["removed", (() => { const s = { ...seal }; delete s.cp; return s; })()],
      ["another record's", { ...seal, cp: other.cp }],
      ["bad signature", { ...seal, cp: { ...seal.cp!, sg: "00".repeat(64) } }],
      ["another key", { ...seal, cp: { ...seal.cp!, pk: other.pk ?? seal.cp!.pk.replace(/^./, "0") } }],
    ];
    for (const [name, forged] of variants) {
      const changed = [...lines];
      changed[at] = join2(body, forged);
      expect(verify(changed, trust).ok, name).toBe(false);
    }
  });

  it("without a trust file (no-key), with another origin's key (untrusted)", () => {
    expect(verify(lines, undefined).byReason).toMatchObject({ "no-key": 2 });
    const other = new Trust();
    other.add(ORIGIN, "ab".repeat(32));
    expect(verify(lines, other).byReason).toMatchObject({ untrusted: 2 });
    const elsewhere = new Trust();
    elsewhere.add("node-b", sealOf(lines[0]).pk);
    expect(verify(lines, elsewhere).byReason).toMatchObject({ untrusted: 2 });
  });

  it("the chain recomputed as plain SHA-256 without signatures (downgrade)", async () => {
    const trust = await trustPromise;
    const downgraded = lines.map((line) => {
      const { body, seal, canonical } = split(line);
      return { body, seal, canonical };
    });
    let previous = new Map<string, string>();
    const out = downgraded.map(({ body, seal, canonical }) => {
      const plain: Seal = { v: seal.v, o: seal.o, i: seal.i, c: seal.c, s: seal.s, t: seal.t, a: "sha256", pv: seal.pv, g: seal.g, p: previous.get(seal.c) ?? seal.p, m: "" };
      if (plain.g === undefined) delete plain.g;
      plain.m = sealMac(plain, canonical);
      previous.set(seal.c, plain.m);
      return join2(body, plain);
    });
    expect(verify(out, trust).byReason).toMatchObject({ unauthenticated: 2 });
  });
});

describe("signed mode: forward security (a break-in at epoch E)", () => {
  // 60 records on two chains, epochs of 10 records (1 to 6); the attacker holds every seed from epoch 4 on.
  const dir = signedDir();
  const { lines, seeds } = sealWatchingKeys(dir, records(60, ["app", "web"]));
  const stolen = new Map([...seeds].filter(([epoch]) => epoch >= 4));
  const E = 4;
  const trustPromise = trustOf(lines);
  const edit = (body: string) => body.replace(/"msg":"record (\d+)"/, '"msg":"forged $1"');
  const indexIn = (epoch: number, chain: string) => lines.findIndex((l) => sealOf(l).e === epoch && sealOf(l).c === chain);

  it("the module went through every epoch, and the signing file never held an earlier seed", () => {
    expect([...seeds.keys()]).toEqual([1, 2, 3, 4, 5, 6]);
    const file = readFileSync(join(dir, "logseal.signing"), "latin1");
    for (const [epoch, seed] of seeds) if (epoch < 6) expect(file.includes(seed), `seed of epoch ${epoch}`).toBe(false);
  });

  it("sanity: the forger can rewrite records sealed from epoch E on (what forward security allows)", async () => {
    const at = indexIn(E + 1, "app");
    const forged = forge(lines, "app", at, edit, (seal, signature, head) => resignWith(stolen, seal, signature, head) ?? signature);
    expect(forged[at]).not.toBe(lines[at]);
    const result = verify(forged, await trustPromise);
    expect(result.failures).toEqual([]);
  });

  it("rewriting a record of an earlier epoch fails, whatever the forger does with the earlier epochs' signatures", async () => {
    const trust = await trustPromise;
    for (const epoch of [1, 2, 3]) {
      const at = indexIn(epoch, "app") + 1;
      const strategies: [string, (seal: Seal, signature: HeadSignature, head: string) => HeadSignature | null][] = [
        // Keep what cannot be re-signed: those signatures no longer match the heads.
        ["keep", (seal, signature, head) => resignWith(stolen, seal, signature, head) ?? signature],
        // Drop them (and say so in the MAC): records left unsigned behind a key change.
        ["drop", (seal, signature, head) => resignWith(stolen, seal, signature, head) ?? null],
        // Sign them with the stolen epoch-E key, as the epoch they claim: not certified for it.
        ["claim", (seal, signature, head) => {
          const stolenE = { ...signature, pk: sealOf(lines[indexIn(E, "app")]).cp?.pk ?? signature.pk, ce: signature.ce };
          return resignWith(stolen, seal, signature, head) ?? resignWith(new Map([[signature.e, stolen.get(E)!]]), seal, stolenE, head)!;
        }],
      ];
      for (const [name, resign] of strategies) {
        const forged = forge(lines, "app", at, edit, resign);
        const result = verify(forged, trust);
        expect(result.ok, `epoch ${epoch}, ${name}`).toBe(false);
        expect(Object.keys(result.byReason).some((r) => ["modified", "signature", "unsigned"].includes(r)), `epoch ${epoch}, ${name}: ${JSON.stringify(result.byReason)}`).toBe(true);
      }
    }
  });

  it("a certificate made with the stolen key for an earlier epoch's key is refused", async () => {
    const trust = await trustPromise;
    const at = lines.findIndex((l) => sealOf(l).e === 2 && sealOf(l).cp);
    const { body, seal } = split(lines[at]);
    const forged = { ...seal, cp: { ...seal.cp!, ce: E } };
    const changed = [...lines];
    changed[at] = join2(body, forged);
    expect(verify(changed, trust).ok).toBe(false);
  });
});

describe("signed mode: day by day", () => {
  it("a day's file continues from the previous day's heads and the epoch keys that run certified (--trust-out)", async () => {
    const lines = sealAll(signedDir(), records(60, ["app", "web"]));
    const trust = await trustOf(lines.slice(0, 30));
    const day1 = verify(lines.slice(0, 30), trust);
    expect(day1.ok).toBe(true);
    expect(day1.certifiedKeys).toEqual([expect.objectContaining({ origin: ORIGIN, epoch: 3 })]);
    const starts = new Map(headsOf(day1).map((h) => [chainKey(h.o, h.c), h]));
    // Alone, the second day's epoch keys cannot be traced back to the node key.
    expect(verify(lines.slice(30), trust, { starts }).byReason).toHaveProperty("signature");
    const next = new Trust(trustWithCertified(trust, day1.certifiedKeys!));
    const day2 = verify(lines.slice(30), next, { starts });
    expect(day2.failures).toEqual([]);
    expect(trustWithCertified(next, day2.certifiedKeys!).keys.filter((k) => k.epoch !== undefined)).toEqual([expect.objectContaining({ epoch: 6 })]);
  });
});

describe("signed mode: anchors off the node (verify --anchors)", () => {
  const lines = sealAll(signedDir(), records(40, ["app", "web"]));
  const keys = new KeyRing([]);
  const anchorsOf = async (anchorLines: string[]) => {
    const file = join(scratchDir("logseal-anchors-"), "anchors.ndjson");
    writeFileSync(file, anchorLines.join("\n") + "\n");
    return readAnchors([file], (text) => {
      const checked = checkLine(text, keys);
      if (checked.kind !== "record") return { bad: "not a record" };
      return checked.macFailure ? { bad: checked.macFailure.detail } : { seal: checked.seal };
    });
  };
  // What rewrite_tag would copy to the second sink: every record with a checkpoint.
  const checkpoints = lines.filter((l) => sealOf(l).cp);

  it("a store that reaches every anchored checkpoint verifies", async () => {
    const result = verify(lines, await trustOf(lines), { anchors: await anchorsOf(checkpoints) });
    expect(result.failures).toEqual([]);
  });

  it("a store cut before the last anchored checkpoint, or without a chain, fails as truncated", async () => {
    const trust = await trustOf(lines);
    const anchors = await anchorsOf(checkpoints);
    const lastApp = Math.max(...checkpoints.map(sealOf).filter((s) => s.c === "app").map((s) => s.s));
    const cut = lines.filter((l) => sealOf(l).c !== "app" || sealOf(l).s < lastApp - 1);
    expect(verify(cut, trust).ok).toBe(true); // without anchors: an unsigned tail shorter, nothing to see
    const result = verify(cut, trust, { anchors });
    expect(result.byReason).toEqual({ truncated: 1 });
    expect(result.failures[0].detail).toMatch(new RegExp(`before the checkpoint anchored at seq ${lastApp}`));
    const withoutWeb = lines.filter((l) => sealOf(l).c !== "web");
    expect(verify(withoutWeb, trust, { anchors }).byReason).toEqual({ truncated: 1 });
  });

  it("an anchor whose signature does not verify is refused, and so is one under an untrusted key", async () => {
    const forged = checkpoints[1].replace(/"sg":"[0-9a-f]{2}/, (m) => m.slice(0, -2) + (m.endsWith("00") ? "11" : "00"));
    await expect(anchorsOf([forged])).rejects.toThrow(/checkpoint signature does not verify/);
    const other = sealAll(signedDir(), records(4, ["app"]));
    const result = verify(lines, await trustOf(lines), { anchors: await anchorsOf(other.filter((l) => sealOf(l).cp)) });
    expect(result.ok).toBe(false);
  });
});

describe("signed mode: restarts, lost keys, no randomness", () => {
  it("a restart resumes every chain with the node key and a checkpoint; epochs and closings carry across", async () => {
    const dir = signedDir();
    const first = sealAll(dir, records(16, ["app", "web"]));
    const second = sealAll(dir, records(16, ["app", "web"], 16));
    const resumed = second.map(sealOf).filter((s) => s.g === "resume");
    expect(resumed.length).toBe(2);
    for (const s of resumed) expect(s.pk && s.cp).toBeTruthy();
    expect(new Set([...first, ...second].map((l) => sealOf(l).i)).size).toBe(1);
    const lines = [...first, ...second];
    const result = verify(lines, await trustOf(first));
    expect(result.failures).toEqual([]);
  });

  it("a lost signing file starts a new instance: a restart gap, a new key the trust file does not have, and the reason on each chain's first record", async () => {
    const dir = signedDir();
    const first = sealAll(dir, records(6, ["app", "web"]));
    rmSync(join(dir, "logseal.signing"));
    const second = sealAll(dir, records(6, ["app", "web"], 6));
    const a = sealOf(first[0]), b = sealOf(second[0]);
    expect(b).toMatchObject({ s: 0, g: "new" });
    expect(b.i).not.toBe(a.i);
    expect(b.pk).not.toBe(a.pk);
    const errors = second.map((l) => JSON.parse(l).logseal_error);
    for (const i of [0, 1]) expect(errors[i]).toMatch(new RegExp(`signing key of instance ${a.i} not found in .*logseal\\.signing \\(lost or damaged\\): a new instance ${b.i} with a new node key`));
    expect(errors.slice(2)).toEqual([undefined, undefined, undefined, undefined]);
    expect(first.every((l) => !("logseal_error" in JSON.parse(l)))).toBe(true);
    const result = verify([...first, ...second], await trustOf(first));
    expect(result.byReason).toMatchObject({ "restart-gap": 2, untrusted: 2 });
  });

  it("without randomness there is no key: SHA-256 seals, and every record says why", () => {
    const dir = signedDir();
    const module = new WebAssembly.Module(readFileSync(RELEASE_WASM));
    const wasi = new WASI({ version: "preview1", args: [], env: {}, preopens: { ".": dir }, returnOnExit: true });
    const imports = { ...wasi.wasiImport, random_get: () => 52 /* ENOSYS */ };
    const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: imports } as WebAssembly.Imports);
    wasi.initialize(instance);
    const filter = new FilterHost(instance);
    const out = JSON.parse(Buffer.from(filter.callRaw("app", '{"msg":"x"}', 1_700_000_000, 0)!).toString("utf8"));
    expect(out._seal.a).toBe("sha256");
    expect(out.logseal_error).toMatch(/no randomness.*no signing key/);
  });
});

describe("signed mode: failure modes (issue 14, item 6), each with its outcome and logseal_error", () => {
  /** An instance of the module on `dir` whose random_get answers while `random.on`. */
  function filterWithRandomness(dir: string, random: { on: boolean }): FilterHost {
    const module = new WebAssembly.Module(readFileSync(RELEASE_WASM));
    const wasi = new WASI({ version: "preview1", args: [], env: {}, preopens: { ".": dir }, returnOnExit: true });
    const real = wasi.wasiImport.random_get as (ptr: number, len: number) => number;
    const imports = { ...wasi.wasiImport, random_get: (ptr: number, len: number) => (random.on ? real(ptr, len) : 52 /* ENOSYS */) };
    const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: imports } as WebAssembly.Imports);
    wasi.initialize(instance);
    return new FilterHost(instance);
  }
  const seal = (filter: FilterHost, count: number, from = 0, tags = ["app"]) =>
    Array.from({ length: count }, (_, k) => {
      const i = from + k;
      return Buffer.from(filter.callRaw(tags[i % tags.length], JSON.stringify({ msg: `record ${i}`, i }), 1_700_000_000 + i, i)!).toString("utf8");
    });

  it("no randomness at first start: no key, SHA-256 seals with the reason on every record; --trust refuses them", async () => {
    const lines = seal(filterWithRandomness(signedDir(), { on: false }), 4);
    for (const line of lines) {
      expect(sealOf(line).a).toBe("sha256");
      expect(JSON.parse(line).logseal_error).toMatch(/no randomness from the host \(random_get\): no signing key, records are sealed with SHA-256/);
    }
    expect(verify(lines, new Trust()).byReason).toMatchObject({ unauthenticated: 1 });
  });

  it("no randomness at a key change: the next seed is hashed from the current one; records stay signed and verify", async () => {
    const random = { on: true };
    const filter = filterWithRandomness(signedDir(), random);
    const lines = seal(filter, 1);
    random.on = false;
    lines.push(...seal(filter, 34, 1));
    const seals = lines.map(sealOf);
    expect(new Set(seals.map((s) => s.e))).toEqual(new Set([1, 2, 3, 4]));
    expect(lines.every((l) => !("logseal_error" in JSON.parse(l)))).toBe(true);
    expect(verify(lines, await trustOf(lines)).failures).toEqual([]);
  });

  it("signing file unwritable: keys in memory, the reason on every record, records verify; the restart is a new instance saying why", async () => {
    const dir = signedDir({ signing_file: "/nowhere/logseal.signing" });
    const first = sealAll(dir, records(6, ["app", "web"]));
    for (const line of first) {
      expect(sealOf(line).a).toBe("ed25519");
      expect(JSON.parse(line).logseal_error).toMatch(/signing key \/nowhere\/logseal\.signing cannot be written in any accessible path: it is kept in memory only, a restart will start a new instance/);
    }
    const trust = await trustOf(first);
    expect(verify(first, trust).failures).toEqual([]);
    const second = sealAll(dir, records(4, ["app", "web"], 6));
    expect(sealOf(second[0])).toMatchObject({ s: 0, g: "new" });
    expect(JSON.parse(second[0]).logseal_error).toMatch(/signing key of instance [0-9a-f]{16} not found in \/nowhere\/logseal\.signing/);
    expect(verify([...first, ...second], trust).byReason).toMatchObject({ "restart-gap": 2, untrusted: 2 });
  });

  it("state file unwritable: the reason on every record; the restart finds the signing file of another instance and says so", async () => {
    const dir = signedDir({ state_file: "/nowhere/logseal.state" });
    const first = sealAll(dir, records(4, ["app", "web"]));
    for (const line of first) expect(JSON.parse(line).logseal_error).toMatch(/chain state \/nowhere\/logseal\.state cannot be written/);
    const second = sealAll(dir, records(4, ["app", "web"], 4));
    expect(JSON.parse(second[0]).logseal_error).toMatch(/chain state not found \(lost\?\) beside .*logseal\.signing, which holds another instance's key: a new instance/);
    expect(verify([...first, ...second], await trustOf(first)).byReason).toMatchObject({ "restart-gap": 2, untrusted: 2 });
  });

  it("a lost state file beside the signing file: a new instance and key, the reason on each chain's first record", async () => {
    const dir = signedDir();
    const first = sealAll(dir, records(6, ["app", "web"]));
    rmSync(join(dir, "logseal.state"));
    const second = sealAll(dir, records(6, ["app", "web"], 6));
    const b = sealOf(second[0]);
    expect(b).toMatchObject({ s: 0, g: "new" });
    expect(b.pk).not.toBe(sealOf(first[0]).pk);
    const errors = second.map((l) => JSON.parse(l).logseal_error);
    for (const i of [0, 1]) expect(errors[i]).toMatch(new RegExp(`chain state not found \\(lost\\?\\) beside .*logseal\\.signing, which holds another instance's key: a new instance ${b.i} with a new node key`));
    expect(errors.slice(2).every((e) => e === undefined)).toBe(true);
    expect(verify([...first, ...second], await trustOf(first)).byReason).toMatchObject({ "restart-gap": 2, untrusted: 2 });
  });

  it("both files lost: indistinguishable from a first start on the node (no logseal_error), a restart gap with a new key to the verifier", async () => {
    const dir = signedDir();
    const first = sealAll(dir, records(4, ["app", "web"]));
    rmSync(join(dir, "logseal.state"));
    rmSync(join(dir, "logseal.signing"));
    const second = sealAll(dir, records(4, ["app", "web"], 4));
    expect(second.every((l) => !("logseal_error" in JSON.parse(l)))).toBe(true);
    expect(verify([...first, ...second], await trustOf(first)).byReason).toMatchObject({ "restart-gap": 2, untrusted: 2 });
  });
});
