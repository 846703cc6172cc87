// `logseal verify --from T1 --to T2` (cli/coverage.ts, docs/signing.md "Coverage over a time
// range"): per origin and chain, the records in range, how many are under signatures and in the
// unsigned tail, missing sequence numbers, the highest anchored checkpoint and whether the store
// reaches it, and chains anchored but missing from the store.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatRangeCoverage, parseTime } from "../cli/coverage.js";
import { Trust, readAnchors } from "../cli/signed.js";
import { collectKeys } from "../cli/trust.js";
import { KeyRing, checkLine } from "../cli/verify.js";
import { records, sealAll, sealDir, sealOf, sealPolicy, verifyLines } from "./support/sealing.js";
import { logsealCli } from "./support/fluent-bit.js";

const T0 = 1_700_000_000; // sealAll gives the n-th record (from 1) the event time T0 + n
const work = mkdtempSync(join(tmpdir(), "logseal-coverage-"));
const dirs: string[] = [work];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const write = (name: string, lines: string[]): string => {
  const file = join(work, name);
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
};

function signedLines(count: number, seal: object = {}): string[] {
  const dir = sealDir(sealPolicy({ mode: "signed", origin: "node-a", checkpoint_records: 4, checkpoint_seconds: 0, epoch_records: 10, ...seal }), false);
  dirs.push(dir);
  return sealAll(dir, records(count, ["app", "web"]));
}

const lines = signedLines(40);
const checkpoints = lines.filter((l) => sealOf(l).cp);
const anchorFile = write("anchors.ndjson", checkpoints);
const keys = new KeyRing([]);
const anchorsPromise = readAnchors([anchorFile], (text) => {
  const checked = checkLine(text, keys);
  if (checked.kind !== "record") return { bad: "not a record" };
  return checked.macFailure ? { bad: checked.macFailure.detail } : { seal: checked.seal };
});
const trustPromise = (async () => {
  const trust = new Trust();
  for (const key of await collectKeys([write("all.ndjson", lines)])) if (key.proven) trust.add(key.origin, key.key);
  return trust;
})();

const range = { from: T0 + 11, to: T0 + 31 }; // records 11 to 30 (indices 10 to 29): 10 per chain

describe("coverage over a time range", () => {
  it("counts the records in range per chain, those under signatures and the unsigned tail, and the anchored head", async () => {
    const result = verifyLines(lines, { trust: await trustPromise, anchors: await anchorsPromise, range });
    expect(result.ok).toBe(true);
    const report = result.rangeCoverage!;
    expect(report.chains.map((c) => [c.origin, c.chain, c.records, c.missing, c.status])).toEqual([
      ["node-a", "app", 10, 0, "ok"],
      ["node-a", "web", 10, 0, "ok"],
    ]);
    for (const chain of report.chains) {
      // Every record in the middle of the store is followed by a checkpoint: all signed.
      expect(chain.signed).toBe(10);
      expect(chain.unsignedTail).toBe(0);
      expect(chain.anchored?.reached).toBe(true);
      // The highest anchor in range is the last checkpoint whose event time is below `to`.
      const top = Math.max(...checkpoints.map(sealOf).filter((s) => s.c === chain.chain && Number(s.t) < range.to && Number(s.t) >= range.from).map((s) => s.s));
      expect(chain.anchored?.seq).toBe(top);
    }
    expect(report.totals).toMatchObject({ origins: 1, chains: 2, records: 20, signed: 20, unsignedTail: 0, missing: 0, missingChains: 0 });
    expect(report.from).toBe(new Date((T0 + 11) * 1000).toISOString().replace(".000Z", "Z"));
  });

  it("reports the unsigned tail: records in range after their chain's last signature", async () => {
    const result = verifyLines(lines, { trust: await trustPromise, range: { from: T0 } });
    for (const chain of result.rangeCoverage!.chains) {
      const seals = lines.map(sealOf).filter((s) => s.c === chain.chain);
      const lastSigned = Math.max(...seals.map((s) => (s.cp ? s.s : s.pc ? s.s - 1 : -1)));
      expect(chain.records).toBe(20);
      expect(chain.unsignedTail).toBe(19 - lastSigned);
      expect(chain.signed).toBe(lastSigned + 1);
      expect(chain.unsignedTail).toBe(result.chains.find((c) => c.chain === chain.chain)!.signed!.unsignedTail);
    }
  });

  it("lists the sequence numbers missing in range, and a store cut before its anchored head", async () => {
    const trust = await trustPromise, anchors = await anchorsPromise;
    const appAt = (s: number) => lines.findIndex((l) => sealOf(l).c === "app" && sealOf(l).s === s);
    const holed = lines.filter((_, i) => i !== appAt(7) && i !== appAt(8));
    const report = verifyLines(holed, { trust, anchors, range }).rangeCoverage!;
    const app = report.chains.find((c) => c.chain === "app")!;
    expect(app.gaps).toEqual([{ from: 7, to: 8 }]);
    expect(app.missing).toBe(2);
    expect(app.status).toBe("deleted");
    expect(report.totals.missing).toBe(2);

    const cut = lines.filter((l) => sealOf(l).c !== "app" || sealOf(l).s < 10);
    const truncated = verifyLines(cut, { trust, anchors, range }).rangeCoverage!.chains.find((c) => c.chain === "app")!;
    expect(truncated.anchored?.reached).toBe(false);
    expect(truncated.status).toBe("truncated");
    expect(truncated.records).toBe(5); // seq 5 to 9 are in range (records 11, 13, ..., 19)
  });

  it("names chains anchored in the range but missing from the store", async () => {
    const result = verifyLines(lines.filter((l) => sealOf(l).c !== "web"), { trust: await trustPromise, anchors: await anchorsPromise, range });
    expect(result.ok).toBe(false);
    const report = result.rangeCoverage!;
    expect(report.chains.map((c) => c.chain)).toEqual(["app"]);
    expect(report.missingChains).toEqual([expect.objectContaining({ origin: "node-a", chain: "web" })]);
    expect(report.totals.missingChains).toBe(1);
    const text = formatRangeCoverage(report);
    expect(text).toMatch(/web .*MISSING from the store/);
    expect(text).toMatch(/1 anchored chains missing from the store/);
  });

  it("leaves out chains with no record and no anchor in range; HMAC chains have no signed column", () => {
    const dir = sealDir(sealPolicy({ origin: "node-b" }));
    dirs.push(dir);
    const hmac = sealAll(dir, records(6, ["x", "y", "z"]));
    const report = verifyLines(hmac, undefined).rangeCoverage;
    expect(report).toBeUndefined();
    const withRange = verifyLines(hmac, { keys: [Buffer.from("4f1d0c8a2b7e6d5c3b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e")], range: { from: T0 + 4 } }).rangeCoverage!;
    // Records 4, 5 and 6 (one per chain) are in range.
    expect(withRange.chains.map((c) => [c.chain, c.records, c.signed])).toEqual([["x", 1, undefined], ["y", 1, undefined], ["z", 1, undefined]]);
    expect(formatRangeCoverage(withRange)).toMatch(/n\/a \(blake2b-keyed\)/);
    const later = verifyLines(hmac, { keys: [Buffer.from("4f1d0c8a2b7e6d5c3b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e")], range: { from: T0 + 6 } }).rangeCoverage!;
    expect(later.chains.map((c) => c.chain)).toEqual(["z"]);
  });

  it("parses ISO 8601 times, dates and Unix seconds", () => {
    expect(parseTime("2026-12-04", "--from")).toBe(Date.UTC(2026, 11, 4) / 1000);
    expect(parseTime("2026-12-04T10:00:00Z", "--from")).toBe(Date.UTC(2026, 11, 4, 10) / 1000);
    expect(parseTime("1700000000.5", "--to")).toBe(1_700_000_000.5);
    expect(() => parseTime("yesterday", "--from")).toThrow(/--from yesterday/);
  });
});

describe("logseal verify --from --to (the command)", () => {
  it("prints the coverage report, and --json carries it", async () => {
    const store = write("store.ndjson", lines);
    const trustFile = join(work, "trust.json");
    expect(logsealCli(["keys", "trust", "--trust", trustFile, store]).status).toBe(0);
    const from = new Date((T0 + 11) * 1000).toISOString();
    const human = logsealCli(["verify", "--trust", trustFile, "--anchors", anchorFile, "--from", from, "--to", String(T0 + 31), store]);
    expect(human.status, human.stdout + human.stderr).toBe(0);
    expect(human.stdout).toMatch(/coverage from 2023-11-14T22:13:31Z to 2023-11-14T22:13:51Z/);
    expect(human.stdout).toMatch(/node-a\s+app\s+10\s+\d+-\d+ .* reached\s+ok/);
    expect(human.stdout).toMatch(/coverage: 1 origins, 2 chains; 20 records in range, 20 under signatures \(100\.0%\), 0 in unsigned tails/);
    const json = logsealCli(["verify", "--json", "--trust", trustFile, "--anchors", anchorFile, "--from", from, store]);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.rangeCoverage.totals.records).toBe(30);
    const bad = logsealCli(["verify", "--trust", trustFile, "--from", "2026-12-05", "--to", "2026-12-04", store]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--to must be after --from/);
  });
});
