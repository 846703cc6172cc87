// The sequence tally (assembly/sealing/tally.ts) under crashes: a process killed before any system
// call that changes a file, or between records, leaves a state file (bytes and modification time)
// from which a new instance must continue every chain so that the verifier accepts the old output
// up to that point plus the new one, and still notices the old run's last records missing.
import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { canonicalObject, parseMembers } from "../cli/canonical.js";
import { type Seal, sealMac } from "../cli/seal-mac.js";
import { Trust } from "../cli/signed.js";
import { type CrashPoint, type Event, restore, runPlain, runWithCrashPoints } from "./support/crash.js";
import { KEY_BYTES, sealDir, sealOf, sealPolicy, verifyLines } from "./support/sealing.js";

const info = (tag: string, i: number): Event => ({ tag, body: { log: `INFO record ${i}`, i } });
const debug = (tag: string, i: number): Event => ({ tag, body: { log: `DEBUG record ${i}`, i } });
const GATED = { enrich: { gate: { min_level: "INFO" } } };

/** Runs of records per tag; `true`: records the gate drops. */
function script(runs: [string, number, boolean?][]): Event[] {
  const out: Event[] = [];
  for (const [tag, n, drop] of runs) for (let k = 0; k < n; k++) out.push(drop ? debug(tag, out.length) : info(tag, out.length));
  return out;
}

const resumeOn = (tags: string[]) => tags.flatMap((tag, k) => [info(tag, 10_000 + k), debug(tag, 20_000 + k), info(tag, 30_000 + k)]);

/** Restarts from the crash point and seals `more`: the old lines up to the crash, and the new ones. */
function restartAt(dir: string, point: CrashPoint, more: Event[]): string[] {
  const restored = restore(dir, point);
  try {
    return runPlain(restored, more);
  } finally {
    rmSync(restored, { recursive: true, force: true });
  }
}

/** Runs `body` in a fresh seal directory made by sealDir(...args), removed afterwards. */
function inSealDir<T>(args: Parameters<typeof sealDir>, body: (dir: string) => T): T {
  const dir = sealDir(...args);
  try {
    return body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every crash point's verdicts that are not clean: "label: reasons". */
function sweep(seal: object, events: Event[], more: Event[]): { points: number; unclean: string[] } {
  return inSealDir([sealPolicy(seal, GATED)], (dir) => {
  const { lines, points } = runWithCrashPoints(dir, events);
  const unclean: string[] = [];
  for (const point of points) {
    const after = restartAt(dir, point, more);
    const options = { keys: [KEY_BYTES] };
    // A crash inside a call: its record was never returned, or (state already saved) counts as returned.
    const ok = verifyLines([...lines.slice(0, point.emitted), ...after], options).ok
      || (point.inflight && verifyLines([...lines.slice(0, point.emitted + 1), ...after], options).ok);
    if (!ok) unclean.push(`${point.label}: ${JSON.stringify(verifyLines([...lines.slice(0, point.emitted), ...after], options).byReason)}`);
    if (point.inflight) continue;
    // The old run's last record of each chain the new run continues: its deletion is noticed.
    const old = lines.slice(0, point.emitted);
    for (const chain of new Set(after.map((l) => sealOf(l).c))) {
      const last = old.findLastIndex((l) => sealOf(l).c === chain);
      if (last >= 0 && verifyLines([...old.filter((_, i) => i !== last), ...after], options).ok) unclean.push(`${point.label}: deleting ${chain}'s last record passes`);
    }
  }
  return { points: points.length, unclean };
  });
}

describe("the tally under crashes", () => {
  const interleaved = script([["a", 3], ["b", 5], ["a", 3], ["c", 1, true], ["b", 1], ["a", 2, true], ["c", 4], ["a", 2], ["b", 3], ["c", 1]]);

  it("at every crash point, chains continue and verify (three tags, drops)", () => {
    const { points, unclean } = sweep({}, interleaved, resumeOn(["a", "b", "c"]));
    expect(points).toBeGreaterThan(interleaved.length);
    expect(unclean).toEqual([]);
  });

  it("at every crash point under forward security: an epoch's header write does not end the tally, counts never go back", () => {
    const { points, unclean } = sweep({ epoch_records: 4 }, interleaved, resumeOn(["a", "b", "c"]));
    expect(points).toBeGreaterThan(interleaved.length);
    expect(unclean).toEqual([]);
  });

  it("a chain that took an evicted chain's slot with a dropped record writes its line at once", () => {
    // c's first record is dropped and evicts b; then b evicts a. A restart right after must still
    // hold c's pending announcement of b's eviction (and not b's old line in c's slot).
    const events = script([["a", 3], ["b", 5], ["a", 3], ["c", 1, true], ["b", 1]]);
    inSealDir([sealPolicy({ max_chains: 2 }, GATED)], (dir) => {
    const { lines, points } = runWithCrashPoints(dir, events);
    const after = restartAt(dir, points.at(-1)!, resumeOn(["c", "a", "b"]));
    expect(sealOf(after[0])).toMatchObject({ c: "c", s: 0, x: { c: "b", n: 5 } });
    expect(verifyLines([...lines, ...after]).failures).toEqual([]);
    });
  });

  it("a chain resumed beyond its saved head is not evicted before it seals (its announcement could not name its head)", () => {
    inSealDir([sealPolicy({ max_chains: 2 })], (dir) => {
    const { lines, points } = runWithCrashPoints(dir, script([["a", 1], ["b", 1], ["a", 3]]));
    const after = restartAt(dir, points.at(-1)!, [info("z", 100), info("y", 101), info("a", 102), info("b", 103)]);
    expect(after.map((l) => sealOf(l).x?.c)).not.toContain("a");
    expect(after.map(sealOf).find((x) => x.c === "a")).toMatchObject({ s: 4, g: "resume", u: 3 });
    expect(verifyLines([...lines, ...after]).failures).toEqual([]);
    });
  });

  it("after a restart, a chain resumed beyond its line continues the instance's count (forward security)", () => {
    // a's line is written at its genesis; b seals after it; a seals three more (tallied only).
    inSealDir([sealPolicy({ epoch_records: 1000 })], (dir) => {
    const { lines, points } = runWithCrashPoints(dir, script([["a", 1], ["b", 5], ["a", 3]]));
    const after = restartAt(dir, points.at(-1)!, [info("a", 100)]);
    expect(sealOf(after[0])).toMatchObject({ c: "a", s: 4, g: "resume", u: 3 });
    expect(sealOf(after[0]).n).toBeGreaterThanOrEqual(9);
    expect(verifyLines([...lines, ...after]).failures).toEqual([]);
    });
  });
});

/** The line with its body's "record N" changed and its SHA-256 link and digest recomputed on `previous` (no key). */
function rewriteSigned(line: string, previous: string): string {
  const at = line.lastIndexOf(',"_seal":');
  const body = line.slice(0, at).replace(/record (\d+)/, "FORGED $1") + "}";
  const seal = { ...JSON.parse(line)._seal, p: previous };
  seal.m = sealMac(seal as Seal, canonicalObject(parseMembers(body, 0).members));
  return body.slice(0, -1) + ',"_seal":' + JSON.stringify(seal) + "}";
}

describe("signed mode and the tally", () => {
  it("a restart links to the last record, whose checkpoint then covers every record before it: none is rewritable without a key", () => {
    inSealDir([sealPolicy({ mode: "signed", origin: "node-a", checkpoint_records: 100, checkpoint_seconds: 0, epoch_records: 0, epoch_seconds: 0 }), false], (dir) => {
    // a's line is written at its genesis; a seals four more after b (once tallied in the time only).
    const { lines, points } = runWithCrashPoints(dir, script([["a", 1], ["b", 1], ["a", 4]]));
    const after = restartAt(dir, points.at(-1)!, [info("a", 100)]);
    expect(sealOf(after[0])).toMatchObject({ s: 5, g: "resume", p: sealOf(lines.at(-1)!).m });
    expect(sealOf(after[0]).u).toBeUndefined();
    const trust = new Trust();
    trust.add("node-a", sealOf(lines[0]).pk);
    expect(verifyLines([...lines, ...after], { trust }).ok).toBe(true);
    // a's records after its genesis rewritten by someone without the node key, links recomputed.
    const forged = [...lines];
    let previous = sealOf(lines[0]).m;
    for (let i = 2; i < forged.length; i++) {
      forged[i] = rewriteSigned(forged[i], previous);
      previous = sealOf(forged[i]).m;
    }
    expect(forged[2]).toContain("FORGED");
    expect(verifyLines([...forged, ...after], { trust }).ok).toBe(false);
    });
  });
});
