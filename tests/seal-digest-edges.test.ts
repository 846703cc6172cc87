// Seal version 3 digests the MAC's message M (seal fields, then the canonical record) with BLAKE2b
// streamed through the canonicalizer's 4 KiB flushes. These records are built so that M, or the
// canonical record, ends exactly on a 128-byte block or a 4096-byte flush (and one byte either
// side), hold long plain and escaped strings that take the canonicalizer's other paths, and reach
// hundreds of blocks; every seal the module writes must verify with node:crypto's BLAKE2b
// (`logseal verify`'s code), and a one-byte change past the first flush must not.
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../cli/canonical.js";
import { type Seal, sealPrefix } from "../cli/seal-mac.js";
import { sealAll, sealDir, sealOf, sealPolicy, verifyLines } from "./support/sealing.js";

type Body = Record<string, string>;

/** The byte length of M for a sealed line, as docs/seal-format.md defines it. */
function messageLength(line: string): number {
  const record = JSON.parse(line);
  const seal = record._seal as Seal;
  delete record._seal;
  return sealPrefix(seal).length + Buffer.byteLength(canonicalJson(JSON.stringify(record)));
}

/** A body whose `msg` string is padded so that f(length of M or canonical) hits `target`. */
function sealOne(bodies: Body[]): string[] {
  const dir = sealDir(sealPolicy({ key_file: "seal.key" }));
  return sealAll(dir, bodies.map((body, i) => ({ tag: "edge", body, sec: 1_700_000_000 + i, nsec: 7 })));
}

describe("seal v3 digest at block and flush edges", () => {
  it("M of exactly k*128 bytes (and ±1) for k up to 80, plain and escaped strings, verifies", () => {
    // Calibrate: the seal prefix is the same length for every non-genesis record of one chain
    // (same c, pv, no g), so M grows byte for byte with the string.
    const probe = sealOne([{ msg: "a" }, { msg: "a" }]);
    const base = messageLength(probe[1]) - 1; // M's length without the string's one character
    const bodies: Body[] = [{ msg: "genesis" }];
    const wanted: number[] = [];
    for (const k of [2, 3, 8, 32, 33, 40, 64, 80]) {
      for (const delta of [-1, 0, 1]) {
        const len = k * 128 + delta - base;
        if (len < 1) continue;
        bodies.push({ msg: "x".repeat(len) });
        wanted.push(k * 128 + delta);
        // Escaped: a quote every 50 bytes takes the reescape path (its canonical form is the same
        // length as written: \" stays \").
        bodies.push({ msg: Array.from({ length: len }, (_, j) => (j % 50 === 49 ? '"' : "y")).join("") });
        wanted.push(k * 128 + delta + Math.floor(len / 50));
      }
    }
    const lines = sealOne(bodies);
    expect(lines.length).toBe(bodies.length);
    expect(lines.slice(1).map(messageLength)).toEqual(wanted);
    const result = verifyLines(lines);
    expect(result.byReason).toEqual({});
    expect(result.ok).toBe(true);
  });

  it("canonical records of exactly 4096, 8192 and 12288 bytes (±1), in one string or many members, verify", () => {
    const bodies: Body[] = [];
    for (const total of [4095, 4096, 4097, 8191, 8192, 8193, 12288]) {
      bodies.push({ msg: "z".repeat(total - '{"msg":""}'.length) });
      // Many members of 40 canonical bytes each ("kNNNNN":"vvv…", and a comma), the last one padded:
      // the text buffer flushes after a member at >= 4096 bytes, mid-record.
      const many: Body = {};
      const members = Math.floor((total - 2) / 40) - 1;
      for (let i = 0; i < members; i++) many[`k${String(i).padStart(5, "0")}`] = "v".repeat(28);
      // {} + members * 40 (each with its comma) + the last: "k99999":"…" = 11 + n bytes.
      many.k99999 = "w".repeat(total - 2 - members * 40 - 11);
      bodies.push(many);
    }
    const lines = sealOne(bodies);
    const sizes = lines.map((l) => {
      const record = JSON.parse(l);
      delete record._seal;
      return Buffer.byteLength(canonicalJson(JSON.stringify(record)));
    });
    const totals = [4095, 4096, 4097, 8191, 8192, 8193, 12288];
    expect(sizes).toEqual(totals.flatMap((t) => [t, t]));
    const result = verifyLines(lines);
    expect(result.byReason).toEqual({});
    expect(result.ok).toBe(true);
  });

  it("a 1 MiB record (8192 blocks) verifies, and one byte changed deep inside it does not", () => {
    const big = { head: "h", msg: "q".repeat(1 << 20), tail: "t".repeat(5000) };
    const lines = sealOne([{ msg: "small" }, big, { msg: "after" }]);
    expect(lines.length).toBe(3);
    expect(verifyLines(lines).ok).toBe(true);
    const at = lines[1].indexOf("q") + 700_001;
    const changed = lines[1].slice(0, at) + "r" + lines[1].slice(at + 1);
    expect(verifyLines([lines[0], changed, lines[2]]).byReason).toEqual({ modified: 1 });
    // Past the last flush, in the member that follows the long string.
    const t = lines[1].indexOf('"t') + 4000;
    const changedTail = lines[1].slice(0, t) + "u" + lines[1].slice(t + 1);
    expect(verifyLines([lines[0], changedTail, lines[2]]).byReason).toEqual({ modified: 1 });
    expect(sealOf(lines[1]).v).toBe(3);
  });
});
