// The chain state file since each record rewrites only its line's bytes (padded over a longer
// previous line, `Chain.written`): a restart must continue every chain from its last saved head,
// or report the line damaged (the chain starts anew, a visible gap), never from any other head.
// Shrinking right after a restore (`written` read back from the file), a write torn at any byte,
// and a hostile slot whose line fills it to the last byte with junk after its checksum.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sealAll, sealDir, sealOf, sealPolicy, verifyLines } from "./support/sealing.js";
import { fnv1a } from "../cli/verify.js";

const HEADER = 4096, SLOT = 1024;
const LONG = "kube.".padEnd(150, "x");

const state = (dir: string): Buffer => readFileSync(join(dir, "logseal.state"));
const slotText = (file: Buffer, slot: number): string => file.subarray(HEADER + slot * SLOT, HEADER + (slot + 1) * SLOT).toString("latin1");
const lineLength = (slot: string): number => slot.indexOf(" check=") + 15;


/**
 * A chain line that shrinks on the first write after a restart: the long chain's line is restored,
 * then "s" evicts it (its record announces the eviction) and writes its own, ~300 bytes shorter.
 */
function shrinkAcrossRestart() {
  const dir = sealDir(sealPolicy({ key_file: "seal.key", max_chains: 1 }));
  const lines = sealAll(dir, [{ tag: LONG, body: { i: 0 } }]);
  const before = state(dir);
  lines.push(...sealAll(dir, [{ tag: "s", body: { i: 1 } }]));
  const after = state(dir);
  return { dir, lines, before, after };
}

describe("the state file's chain lines, rewritten in part", () => {
  it("shrink on the first write after a restore and are read back whole", () => {
    const { dir, lines, before, after } = shrinkAcrossRestart();
    const old = slotText(before, 0), now = slotText(after, 0);
    expect(sealOf(lines[1]).x).toMatchObject({ c: LONG, n: 1, m: sealOf(lines[0]).m });
    expect(lineLength(now)).toBeLessThan(lineLength(old) - 250);
    // What the longer line left is blanked: spaces to the slot's newline.
    expect(now.slice(lineLength(now))).toBe(" ".repeat(SLOT - 1 - lineLength(now)) + "\n");
    const next = sealAll(dir, [{ tag: "s", body: { i: 2 } }]);
    expect(sealOf(next[0])).toMatchObject({ c: "s", s: 1, g: "resume", p: sealOf(lines[1]).m });
    expect(verifyLines([...lines, ...next]).failures).toEqual([]);
  });

  it("torn at any byte, continue from the old head, the new head, or anew: never another head", () => {
    const { dir, lines, before, after } = shrinkAcrossRestart();
    const span = Math.max(lineLength(slotText(before, 0)), lineLength(slotText(after, 0)));
    const seen = new Set<string>();
    for (let cut = 0; cut <= span; cut += cut < span - 40 ? 7 : 1) {
      // The write covers [slot, slot + span): only its first `cut` bytes reached the file.
      const torn = Buffer.from(before);
      after.copy(torn, 0, 0, HEADER); // the header as the second instance left it
      after.copy(torn, HEADER, HEADER, HEADER + cut);
      writeFileSync(join(dir, "logseal.state"), torn);
      const [line] = sealAll(dir, [{ tag: "s", body: { cut } }]);
      const seal = sealOf(line);
      // New: "s" resumes after its genesis. Old: the long chain is still there and is evicted
      // again, announced with its real head. Damaged: "s" starts anew, nothing to announce.
      const outcome =
        seal.g === "resume" && seal.s === 1 && seal.p === sealOf(lines[1]).m ? "new head"
        : seal.g === "new" && seal.s === 0 && seal.x?.c === LONG && seal.x?.m === sealOf(lines[0]).m && seal.x?.n === 1 ? "old head"
        : seal.g === "new" && seal.s === 0 && seal.x === undefined ? "anew"
        : `wrong: ${JSON.stringify(seal)}`;
      expect(outcome, `cut at ${cut}`).not.toMatch(/^wrong/);
      seen.add(outcome);
    }
    expect([...seen].sort()).toEqual(["anew", "new head", "old head"]);
  }, 60_000);

  it("a hostile line that fills its slot to the last byte, junk after its checksum: the module stays in the slot", () => {
    const dir = sealDir(sealPolicy({ key_file: "seal.key" }));
    const lines = sealAll(dir, [{ tag: "a", body: { i: 0 } }, { tag: "b", body: { i: 1 } }]);
    const file = state(dir);
    const a = slotText(file, 0);
    const body = a.slice(0, a.indexOf(" check="));
    // Leading zeros in seq= stretch the same content (they read as the same number) so that the
    // checksum ends at the slot's last byte, where the newline was.
    const padded = body.replace("seq=", "seq=" + "0".repeat(SLOT - 15 - body.length));
    const check = fnv1a(Buffer.from(padded, "latin1")).toString(16).padStart(8, "0");
    const hostile = `${padded} check=${check}`;
    expect(hostile.length).toBe(SLOT);
    Buffer.from(hostile, "latin1").copy(file, HEADER);
    // And junk after the checksum of slot b (a second " check=" included).
    const b = slotText(file, 1);
    const junk = b.slice(0, lineLength(b)) + " check=00000000 seq=9 head=" + "f".repeat(64);
    Buffer.from(junk, "latin1").copy(file, HEADER + SLOT);
    writeFileSync(join(dir, "logseal.state"), file);
    const resumed = sealAll(dir, [{ tag: "a", body: { i: 2 } }, { tag: "b", body: { i: 3 } }]);
    expect(sealOf(resumed[0])).toMatchObject({ c: "a", s: 1, g: "resume", p: sealOf(lines[0]).m });
    expect(sealOf(resumed[1])).toMatchObject({ c: "b", s: 1, g: "resume", p: sealOf(lines[1]).m });
    const written = state(dir);
    expect(written.length).toBe(HEADER + 2 * SLOT);
    // Slot b begins where it did: the write to slot a stayed inside its 1024 bytes.
    expect(slotText(written, 1).startsWith("seq=2 ")).toBe(true);
    const again = sealAll(dir, [{ tag: "a", body: { i: 4 } }, { tag: "b", body: { i: 5 } }]);
    expect(sealOf(again[0])).toMatchObject({ s: 2, p: sealOf(resumed[0]).m });
    expect(sealOf(again[1])).toMatchObject({ s: 2, p: sealOf(resumed[1]).m });
    expect(verifyLines([...lines, ...resumed, ...again]).failures).toEqual([]);
  });
});
